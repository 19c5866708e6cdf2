package streams

import "github.com/brokerd/brokerd/command"

// Helpers the consumergroups package shares with the stream commands, so
// that XREADGROUP, XPENDING and XGROUP parse IDs and timeouts and word
// their errors exactly as XREAD, XRANGE and XINFO do. Exported for that
// package only; the stream commands keep using the unexported names.

// Redis's errors for IDs and ranges (t_stream.c), word for word.
const (
	ErrInvalidID  = errInvalidID
	ErrBadStartID = errBadStartID
	ErrBadEndID   = errBadEndID
)

// ParseStrictID parses an ID that may not be "-" or "+".
func ParseStrictID(b []byte) (ID, error) { return parseStrictID(b) }

// ParseRangeID parses a range bound as XRANGE does (see parseRangeID).
func ParseRangeID(b []byte, missingSeq uint64) (id ID, exclusive bool, err error) {
	return parseRangeID(b, missingSeq)
}

// ParseTimeout parses a BLOCK argument in milliseconds as XREAD does.
func ParseTimeout(c *command.Ctx, b []byte) (int64, error) { return parseTimeout(c, b) }

// NowMillis is the keyspace clock XADD "*" reads, in Unix milliseconds.
func NowMillis(c *command.Ctx) int64 { return int64(nowMillis(c)) }

// SubcommandSyntax is Redis's addReplySubcommandSyntaxError.
func SubcommandSyntax(c *command.Ctx) error { return subcommandSyntax(c) }
