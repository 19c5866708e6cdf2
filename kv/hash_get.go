package kv

import "github.com/brokerd/brokerd/command"

// HGET, HMGET, HEXISTS, HSTRLEN, HLEN, HKEYS, HVALS and HGETALL.

// hashRead returns the hash at the command's key for reading: nil when
// missing, ErrWrongType for another type.
func hashRead(c *command.Ctx) (*Hash, error) {
	return hashAt(c.DB.Lookup(c.Args[1]))
}

func hget(c *command.Ctx) error {
	h, err := hashRead(c)
	if err != nil {
		return err
	}
	hashReplyValue(c, h, c.Args[2])
	return nil
}

// hashReplyValue replies field's value, or null when h is nil or lacks it.
func hashReplyValue(c *command.Ctx, h *Hash, field []byte) {
	if h != nil {
		if v, ok := h.Get(field); ok {
			c.Out.Bulk(v)
			return
		}
	}
	c.Out.Null()
}

// hmget replies one value or null per field; a missing key is all nulls.
func hmget(c *command.Ctx) error {
	h, err := hashRead(c)
	if err != nil {
		return err
	}
	fields := c.Args[2:]
	c.Out.Array(len(fields))
	for _, f := range fields {
		hashReplyValue(c, h, f)
	}
	return nil
}

// hexists replies 1 or 0, an integer in RESP3 too, as Redis does.
func hexists(c *command.Ctx) error {
	h, err := hashRead(c)
	if err != nil {
		return err
	}
	n := 0
	if h != nil {
		if _, ok := h.Get(c.Args[2]); ok {
			n = 1
		}
	}
	c.Out.Int(int64(n))
	return nil
}

// hstrlen replies the length of field's value, 0 when there is none.
func hstrlen(c *command.Ctx) error {
	h, err := hashRead(c)
	if err != nil {
		return err
	}
	var v []byte
	if h != nil {
		v, _ = h.Get(c.Args[2])
	}
	c.Out.Int(int64(len(v)))
	return nil
}

func hlen(c *command.Ctx) error {
	h, err := hashRead(c)
	if err != nil {
		return err
	}
	n := 0
	if h != nil {
		n = h.Len()
	}
	c.Out.Int(int64(n))
	return nil
}

func hkeys(c *command.Ctx) error   { return hashGetAll(c, true, false) }
func hvals(c *command.Ctx) error   { return hashGetAll(c, false, true) }
func hgetall(c *command.Ctx) error { return hashGetAll(c, true, true) }

// hashGetAll replies the fields, the values, or both (genericHgetallCommand):
// both as a map (a flat array in RESP2), one as an array. The order is
// insertion order for a packed hash, the map's otherwise.
func hashGetAll(c *command.Ctx, fields, values bool) error {
	h, err := hashRead(c)
	if err != nil {
		return err
	}
	n := 0
	if h != nil {
		n = h.Len()
	}
	if fields && values {
		c.Out.Map(n)
	} else {
		c.Out.Array(n)
	}
	if h == nil {
		return nil
	}
	h.Range(func(f, v []byte) bool {
		if fields {
			c.Out.Bulk(f)
		}
		if values {
			c.Out.Bulk(v)
		}
		return true
	})
	return nil
}
