package streams

import (
	"time"

	"github.com/brokerd/brokerd/command"
)

// ACL categories as Redis 7.2's COMMAND INFO prints them.
var (
	aclReadFast  = []string{"@read", "@stream", "@fast"}
	aclReadSlow  = []string{"@read", "@stream", "@slow"}
	aclWriteFast = []string{"@write", "@stream", "@fast"}
	aclWriteSlow = []string{"@write", "@stream", "@slow"}
	aclBlocking  = []string{"@read", "@stream", "@slow", "@blocking"}
)

// Specs lists the stream commands with Redis 7.2's arity, flags, key
// positions, categories and docs. xinfo holds further XINFO subcommands
// (XINFO GROUPS and CONSUMERS, from the consumer-groups package), since
// XINFO is one container command.
func Specs(xinfo ...command.Spec) []command.Spec {
	const group = "stream"
	return []command.Spec{
		{Name: "XADD", Arity: -5, Flags: command.Write | command.DenyOOM | command.Fast, Keys: command.FirstKey,
			ACLCategories: aclWriteFast, Run: xadd,
			Summary: "Appends a new message to a stream. Creates the key if it doesn't exist.", Since: "5.0.0", Group: group},
		{Name: "XRANGE", Arity: -4, Flags: command.ReadOnly, Keys: command.FirstKey,
			ACLCategories: aclReadSlow, Run: xrange,
			Summary: "Returns the messages from a stream within a range of IDs.", Since: "5.0.0", Group: group},
		{Name: "XREVRANGE", Arity: -4, Flags: command.ReadOnly, Keys: command.FirstKey,
			ACLCategories: aclReadSlow, Run: xrevrange,
			Summary: "Returns the messages from a stream within a range of IDs in reverse order.", Since: "5.0.0", Group: group},
		{Name: "XLEN", Arity: 2, Flags: command.ReadOnly | command.Fast, Keys: command.FirstKey,
			ACLCategories: aclReadFast, Run: xlen,
			Summary: "Return the number of messages in a stream.", Since: "5.0.0", Group: group},
		{Name: "XREAD", Arity: -4, Flags: command.ReadOnly | command.Blocking, Keys: command.NoKeys,
			ACLCategories: aclBlocking, Run: xread,
			Summary: "Returns messages from multiple streams with IDs greater than the ones requested. Blocks until a message is available otherwise.",
			Since:   "5.0.0", Group: group},
		{Name: "XDEL", Arity: -3, Flags: command.Write | command.Fast, Keys: command.FirstKey,
			ACLCategories: aclWriteFast, Run: xdel,
			Summary: "Returns the number of messages after removing them from a stream.", Since: "5.0.0", Group: group},
		{Name: "XTRIM", Arity: -4, Flags: command.Write, Keys: command.FirstKey,
			ACLCategories: aclWriteSlow, Run: xtrim,
			Summary: "Deletes messages from the beginning of a stream.", Since: "5.0.0", Group: group},
		{Name: "XSETID", Arity: -3, Flags: command.Write | command.DenyOOM | command.Fast, Keys: command.FirstKey,
			ACLCategories: aclWriteFast, Run: xsetid,
			Summary: "An internal command for replicating stream values.", Since: "5.0.0", Group: group},
		xinfoSpec(xinfo),
	}
}

// Redis's error replies for streams (t_stream.c), word for word.
const (
	errInvalidID    command.Error = "ERR Invalid stream ID specified as stream command argument"
	errIDTooSmall   command.Error = "ERR The ID specified in XADD is equal or smaller than the target stream top item"
	errIDZero       command.Error = "ERR The ID specified in XADD must be greater than 0-0"
	errExhausted    command.Error = "ERR The stream has exhausted the last possible ID, unable to add more items"
	errTooLarge     command.Error = "ERR Elements are too large to be stored"
	errBadStartID   command.Error = "ERR invalid start ID for the interval"
	errBadEndID     command.Error = "ERR invalid end ID for the interval"
	errMaxLenMinID  command.Error = "ERR syntax error, MAXLEN and MINID options at the same time are not compatible"
	errMaxLenNeg    command.Error = "ERR The MAXLEN argument must be >= 0."
	errLimitNeg     command.Error = "ERR The LIMIT argument must be >= 0."
	errLimitNoTrim  command.Error = "ERR syntax error, LIMIT cannot be used without specifying a trimming strategy"
	errLimitNoApprx command.Error = "ERR syntax error, LIMIT cannot be used without the special ~ option"
	errXTrimNoStrat command.Error = "ERR syntax error, XTRIM must be called with a trimming strategy"
)

// lookup returns the stream at key for a read command; nil when absent.
func lookup(c *command.Ctx, key []byte) (*Stream, error) { return asStream(c.DB.Lookup(key)) }

// lookupWrite is lookup for write commands (an expired key is removed
// first, see command.DB.LookupWrite).
func lookupWrite(c *command.Ctx, key []byte) (*Stream, error) {
	return asStream(c.DB.LookupWrite(key))
}

func asStream(v command.Value) (*Stream, error) {
	if v == nil {
		return nil, nil
	}
	s, ok := v.(*Stream)
	if !ok {
		return nil, command.ErrWrongType
	}
	return s, nil
}

// clock is implemented by the keyspace (kv.Store), whose clock tests can
// set; XADD "*" takes its milliseconds from it.
type clock interface{ Now() int64 }

// nowMillis is the command clock: the keyspace's, read once per pipeline
// when the broker caches it (command.Ctx.CacheClock).
func nowMillis(c *command.Ctx) uint64 {
	if ms, ok := c.CachedMillis(); ok {
		return uint64(ms)
	}
	var ms int64
	if k, ok := c.Keyspace.(clock); ok {
		ms = k.Now()
	} else {
		ms = time.Now().UnixMilli()
	}
	c.CacheMillis(ms)
	return uint64(ms)
}

// parseRangeID parses an XRANGE bound: "-", "+", "<ms>[-<seq>]" with the
// missing sequence set to missingSeq, or "(" and a strict ID for an
// exclusive bound.
func parseRangeID(b []byte, missingSeq uint64) (id ID, exclusive bool, err error) {
	if len(b) > 1 && b[0] == '(' {
		id, _, ok := ParseID(b[1:], missingSeq, Strict)
		if !ok {
			return ID{}, false, errInvalidID
		}
		return id, true, nil
	}
	id, _, ok := ParseID(b, missingSeq, 0)
	if !ok {
		return ID{}, false, errInvalidID
	}
	return id, false, nil
}

// parseStrictID parses an ID that may not be "-" or "+".
func parseStrictID(b []byte) (ID, error) {
	id, _, ok := ParseID(b, 0, Strict)
	if !ok {
		return ID{}, errInvalidID
	}
	return id, nil
}
