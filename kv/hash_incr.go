package kv

import (
	"math"
	"strconv"

	"github.com/brokerd/brokerd/command"
)

// HINCRBY and HINCRBYFLOAT.

// The errors of the hash counters (t_hash.c).
const (
	errHashNotInteger command.Error = "ERR hash value is not an integer"
	errHashNotFloat   command.Error = "ERR hash value is not a float"
	errIncrNaNOrInf   command.Error = "ERR value is NaN or Infinity"
)

// hincrby adds the increment to the integer in field (0 when missing)
// and replies the result. It is deterministic given the hash, so it logs
// itself.
func hincrby(c *command.Ctx) error {
	by, err := command.Int(c.Args[3])
	if err != nil {
		return err
	}
	key, field := c.Args[1], c.Args[2]
	h, err := hashAt(c.DB.LookupWrite(key))
	if err != nil {
		return err
	}
	var n int64
	if h != nil {
		if v, ok := h.Get(field); ok {
			if n, ok = command.ParseInt(v); !ok {
				return errHashNotInteger
			}
		}
	}
	if (by < 0 && n < 0 && by < math.MinInt64-n) || (by > 0 && n > 0 && by > math.MaxInt64-n) {
		return command.ErrOverflow
	}
	n += by
	hashPutCounter(c, key, h, field, strconv.AppendInt(nil, n, 10))
	c.EmitArgs()
	c.Notify(command.NotifyHash, "hincrby", key)
	c.Out.Int(n)
	return nil
}

// hincrbyfloat adds the increment to the number in field (0 when missing)
// in Redis's long double arithmetic (string_float.go) and replies the
// result as a bulk string. It logs HSET key field result, as Redis
// propagates it, so replay never redoes float arithmetic.
func hincrbyfloat(c *command.Ctx) error {
	by, ok := parseLongDouble(c.Args[3])
	if !ok {
		return command.ErrNotFloat
	}
	if by.IsInf() {
		return errIncrNaNOrInf
	}
	key, field := c.Args[1], c.Args[2]
	h, err := hashAt(c.DB.LookupWrite(key))
	if err != nil {
		return err
	}
	cur := []byte("0")
	if h != nil {
		if v, ok := h.Get(field); ok {
			cur = v
		}
	}
	v, ok := parseLongDouble(cur)
	if !ok {
		return errHashNotFloat
	}
	sum, ok := addLongDouble(v, by)
	if !ok {
		return command.ErrNaNOrInf
	}
	result := formatLongDouble(sum)
	hashPutCounter(c, key, h, field, result)
	c.Emit([]byte("HSET"), key, field, result)
	c.Notify(command.NotifyHash, "hincrbyfloat", key)
	c.Out.Bulk(result)
	return nil
}

// hashPutCounter stores a counter's new value in field of h, creating the
// hash when h is nil. Set converts a packed hash when the field or the
// value is too long to pack, as hashTypeSet does for the counters.
// Caller holds the write lock.
func hashPutCounter(c *command.Ctx, key []byte, h *Hash, field, value []byte) {
	fresh := h == nil
	if fresh {
		h = &Hash{}
	}
	h.Set(field, value)
	hashStored(c, key, h, fresh)
}
