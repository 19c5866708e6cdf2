package kv

import (
	"math"
	"strconv"

	"github.com/brokerd/brokerd/command"
)

// INCR, DECR, INCRBY, DECRBY (one core) and INCRBYFLOAT.

// errDecrementOverflow is DECRBY's reply when the decrement itself cannot
// be negated.
const errDecrementOverflow command.Error = "ERR decrement would overflow"

func incr(c *command.Ctx) error { return incrDecr(c, 1) }
func decr(c *command.Ctx) error { return incrDecr(c, -1) }

func incrby(c *command.Ctx) error {
	n, err := command.Int(c.Args[2])
	if err != nil {
		return err
	}
	return incrDecr(c, n)
}

func decrby(c *command.Ctx) error {
	n, err := command.Int(c.Args[2])
	if err != nil {
		return err
	}
	if n == math.MinInt64 {
		return errDecrementOverflow
	}
	return incrDecr(c, -n)
}

// incrDecr adds by to the integer at the key (0 when missing), keeping its
// TTL, and replies the result as an integer. Given the same keyspace the
// command is deterministic, so it is its own effect.
func incrDecr(c *command.Ctx, by int64) error {
	db := database(c)
	s, err := stringAt(db.getWrite(c.Args[1]))
	if err != nil {
		return err
	}
	var n int64
	if s != nil {
		var ok bool
		if n, ok = command.ParseInt(s.b); !ok {
			return command.ErrNotInteger
		}
	}
	if (by < 0 && n < 0 && by < math.MinInt64-n) || (by > 0 && n > 0 && by > math.MaxInt64-n) {
		return command.ErrOverflow
	}
	n += by
	putCounter(db, c.Args[1], s != nil, NewString(strconv.AppendInt(nil, n, 10)))
	c.EmitArgs()
	c.Notify(command.NotifyString, "incrby", c.Args[1])
	c.Out.Int(n)
	return nil
}

// putCounter stores a counter's new value: an existing key keeps its TTL.
// Caller holds the keyspace write lock.
func putCounter(db *DB, key []byte, existed bool, v *String) {
	if existed {
		db.PutKeepTTL(key, v)
		return
	}
	db.Put(key, v)
}

// incrbyfloat adds the increment to the number at the key (0 when missing)
// in Redis's long double arithmetic (see string_float.go), keeping the
// TTL, and replies the result as a bulk string. The effect is the result,
// SET key result KEEPTTL, as Redis propagates it, so replay never redoes
// float arithmetic.
func incrbyfloat(c *command.Ctx) error {
	db := database(c)
	key := c.Args[1]
	s, err := stringAt(db.getWrite(key))
	if err != nil {
		return err
	}
	cur := []byte("0")
	if s != nil {
		cur = s.b
	}
	v, ok := parseLongDouble(cur)
	if !ok {
		return command.ErrNotFloat
	}
	by, ok := parseLongDouble(c.Args[2])
	if !ok {
		return command.ErrNotFloat
	}
	sum, ok := addLongDouble(v, by)
	if !ok {
		return command.ErrNaNOrInf
	}
	result := formatLongDouble(sum)
	putCounter(db, key, s != nil, NewString(result))
	c.Emit([]byte("SET"), key, result, []byte("KEEPTTL"))
	c.Notify(command.NotifyString, "incrbyfloat", key)
	c.Out.Bulk(result)
	return nil
}
