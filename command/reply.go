package command

import (
	"math"
	"strconv"
)

// Reply encodes one connection's replies in RESP2 or RESP3, whichever the
// client chose with HELLO. Handlers describe the shape (map, set, double,
// null) and Reply picks the encoding, so no handler branches on the
// protocol. It appends to an in-memory buffer; the broker hands the bytes
// to the connection once the command is done. Not safe for concurrent use.
type Reply struct {
	buf   []byte
	resp3 bool
	// errors counts the error replies written, so a caller can tell
	// whether a command failed (INFO commandstats' failed_calls); claimed
	// counts those a command already took as its own failure, so that
	// EXEC, whose reply holds its commands' errors, fails only by its own.
	// onError, if set, sees each one's message (errorstats).
	errors, claimed int
	onError         func(msg string)
}

// NewReply returns a Reply for the given protocol version (2 or 3).
func NewReply(proto int) *Reply { return &Reply{resp3: proto == 3} }

// SetProto switches the encoding for later replies.
func (r *Reply) SetProto(proto int) { r.resp3 = proto == 3 }

// Proto returns 2 or 3.
func (r *Reply) Proto() int {
	if r.resp3 {
		return 3
	}
	return 2
}

// Bytes returns the encoded replies. The slice is valid until Reset.
func (r *Reply) Bytes() []byte { return r.buf }

// Adopt makes r append to buf, typically the connection's own write
// buffer, so replies are encoded in place instead of copied. Bytes then
// returns buf with the new replies appended.
func (r *Reply) Adopt(buf []byte) { r.buf = buf }

// Len returns the number of encoded bytes.
func (r *Reply) Len() int { return len(r.buf) }

// Reset empties the buffer, keeping its capacity.
func (r *Reply) Reset() { r.buf = r.buf[:0] }

// Truncate drops everything written after mark (a value of Len).
func (r *Reply) Truncate(mark int) { r.buf = r.buf[:mark] }

// Errors returns the number of error replies written since r was made,
// and how many of them were claimed.
func (r *Reply) Errors() (written, claimed int) { return r.errors, r.claimed }

// ClaimErrors reports whether error replies were written since a call of
// Errors returned written and claimed that no later claim covers, and
// claims them: the caller's own errors, not those of commands it ran.
func (r *Reply) ClaimErrors(written, claimed int) bool {
	own := (r.errors - written) - (r.claimed - claimed)
	r.claimed += own
	return own > 0
}

// OnError makes fn see the message of every error reply written to r
// from now on; nil stops it.
func (r *Reply) OnError(fn func(msg string)) { r.onError = fn }

func (r *Reply) header(prefix byte, n int64) {
	r.buf = append(r.buf, prefix)
	r.buf = strconv.AppendInt(r.buf, n, 10)
	r.buf = append(r.buf, '\r', '\n')
}

// Simple writes a simple string (+OK).
func (r *Reply) Simple(s string) {
	r.buf = append(r.buf, '+')
	r.buf = append(r.buf, s...)
	r.buf = append(r.buf, '\r', '\n')
}

// OK writes +OK.
func (r *Reply) OK() { r.buf = append(r.buf, "+OK\r\n"...) }

// Error writes an error reply. msg must start with its code ("ERR ...",
// "WRONGTYPE ..."); newlines would break the framing and are replaced.
func (r *Reply) Error(msg string) {
	r.errors++
	if r.onError != nil {
		r.onError(msg)
	}
	r.buf = append(r.buf, '-')
	for i := 0; i < len(msg); i++ {
		c := msg[i]
		if c == '\r' || c == '\n' {
			c = ' '
		}
		r.buf = append(r.buf, c)
	}
	r.buf = append(r.buf, '\r', '\n')
}

// Int writes an integer reply.
func (r *Reply) Int(n int64) { r.header(':', n) }

// Bulk writes a bulk string.
func (r *Reply) Bulk(b []byte) {
	r.header('$', int64(len(b)))
	r.buf = append(r.buf, b...)
	r.buf = append(r.buf, '\r', '\n')
}

// BulkString writes a bulk string.
func (r *Reply) BulkString(s string) {
	r.header('$', int64(len(s)))
	r.buf = append(r.buf, s...)
	r.buf = append(r.buf, '\r', '\n')
}

// BulkInt writes n as a bulk string (as Redis does for GET of an int).
func (r *Reply) BulkInt(n int64) {
	var tmp [20]byte
	r.Bulk(strconv.AppendInt(tmp[:0], n, 10))
}

// Null writes the null bulk string ($-1 in RESP2, _ in RESP3).
func (r *Reply) Null() {
	if r.resp3 {
		r.buf = append(r.buf, "_\r\n"...)
		return
	}
	r.buf = append(r.buf, "$-1\r\n"...)
}

// NullArray writes the null array (*-1 in RESP2, _ in RESP3), which Redis
// uses for timed-out blocking commands and aborted EXEC.
func (r *Reply) NullArray() {
	if r.resp3 {
		r.buf = append(r.buf, "_\r\n"...)
		return
	}
	r.buf = append(r.buf, "*-1\r\n"...)
}

// Array writes an array header for n elements.
func (r *Reply) Array(n int) { r.header('*', int64(n)) }

// Map writes a map header for n key/value pairs (a flat array of 2n in
// RESP2).
func (r *Reply) Map(n int) {
	if r.resp3 {
		r.header('%', int64(n))
		return
	}
	r.header('*', int64(2*n))
}

// Set writes a set header for n elements (an array in RESP2).
func (r *Reply) Set(n int) {
	if r.resp3 {
		r.header('~', int64(n))
		return
	}
	r.header('*', int64(n))
}

// Push writes a push header for n elements (an array in RESP2), used for
// pub/sub messages.
func (r *Reply) Push(n int) {
	if r.resp3 {
		r.header('>', int64(n))
		return
	}
	r.header('*', int64(n))
}

// Double writes a double (a bulk string in RESP2).
func (r *Reply) Double(f float64) {
	if r.resp3 {
		r.buf = append(r.buf, ',')
		r.buf = AppendDouble(r.buf, f)
		r.buf = append(r.buf, '\r', '\n')
		return
	}
	var tmp [32]byte
	r.Bulk(AppendDouble(tmp[:0], f))
}

// Bool writes a boolean (:1 or :0 in RESP2).
func (r *Reply) Bool(b bool) {
	switch {
	case r.resp3 && b:
		r.buf = append(r.buf, "#t\r\n"...)
	case r.resp3:
		r.buf = append(r.buf, "#f\r\n"...)
	case b:
		r.buf = append(r.buf, ":1\r\n"...)
	default:
		r.buf = append(r.buf, ":0\r\n"...)
	}
}

// Verbatim writes a verbatim string of format "txt" (a bulk string in
// RESP2), as INFO and CLIENT INFO do.
func (r *Reply) Verbatim(s string) {
	if r.resp3 {
		r.header('=', int64(len(s)+4))
		r.buf = append(r.buf, "txt:"...)
		r.buf = append(r.buf, s...)
		r.buf = append(r.buf, '\r', '\n')
		return
	}
	r.BulkString(s)
}

// BulkStrings writes an array of bulk strings.
func (r *Reply) BulkStrings(ss []string) {
	r.Array(len(ss))
	for _, s := range ss {
		r.BulkString(s)
	}
}

// Raw appends pre-encoded RESP.
func (r *Reply) Raw(b []byte) { r.buf = append(r.buf, b...) }

// AppendDouble formats f the way Redis 7.2 replies doubles: the shortest
// representation that round-trips, "inf", "-inf" and "nan".
func AppendDouble(dst []byte, f float64) []byte {
	switch {
	case math.IsInf(f, 1):
		return append(dst, "inf"...)
	case math.IsInf(f, -1):
		return append(dst, "-inf"...)
	case math.IsNaN(f):
		return append(dst, "nan"...)
	}
	// NB: Redis prints like %.17g trimmed to the shortest round-trip digits,
	// which switches to exponent form below 1e-4 and from 1e17 on.
	abs := math.Abs(f)
	if f == 0 || (abs >= 1e-4 && abs < 1e17) {
		return strconv.AppendFloat(dst, f, 'f', -1, 64)
	}
	return strconv.AppendFloat(dst, f, 'g', -1, 64)
}
