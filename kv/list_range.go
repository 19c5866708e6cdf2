package kv

import "github.com/brokerd/brokerd/command"

// LLEN, LINDEX and LRANGE: reads.

func llen(c *command.Ctx) error {
	l, err := listAt(c.DB.Lookup(c.Args[1]))
	if err != nil {
		return err
	}
	n := 0
	if l != nil {
		n = l.n
	}
	c.Out.Int(int64(n))
	return nil
}

// lindex looks the key up before it parses the index, as Redis 7.2 does:
// a missing key is null even for "LINDEX k x".
func lindex(c *command.Ctx) error {
	l, err := listAt(c.DB.Lookup(c.Args[1]))
	if err != nil {
		return err
	}
	if l == nil {
		c.Out.Null()
		return nil
	}
	i, ok, err := indexArg(c.Args[2], l.n)
	if err != nil {
		return err
	}
	if !ok {
		c.Out.Null()
		return nil
	}
	c.Out.Bulk(l.Index(i))
	return nil
}

// indexArg parses an index into a list of n elements, negative counting
// from the end; ok is false when it is out of range.
func indexArg(b []byte, n int) (int, bool, error) {
	i, err := command.Int(b)
	if err != nil {
		return 0, false, err
	}
	if i < 0 {
		i += int64(n)
	}
	return int(i), i >= 0 && i < int64(n), nil
}

// rangeArgs parses the start and end of LRANGE and LTRIM (Args[2:4]).
func rangeArgs(c *command.Ctx) (start, end int64, err error) {
	if start, err = command.Int(c.Args[2]); err != nil {
		return 0, 0, err
	}
	end, err = command.Int(c.Args[3])
	return start, end, err
}

// listRange turns inclusive start and end indexes, negative counting from
// the end, into [lo, hi] of a list of n elements; ok is false when the
// range is empty (addListRangeReply, ltrimCommand).
func listRange(start, end int64, n int) (lo, hi int, ok bool) {
	ln := int64(n)
	if start < 0 {
		start += ln
	}
	if end < 0 {
		end += ln
	}
	start = max(start, 0)
	if start > end || start >= ln {
		return 0, 0, false
	}
	end = min(end, ln-1)
	return int(start), int(end), true
}

// lrange parses both indexes before it looks at the key.
func lrange(c *command.Ctx) error {
	start, end, err := rangeArgs(c)
	if err != nil {
		return err
	}
	l, err := listAt(c.DB.Lookup(c.Args[1]))
	if err != nil {
		return err
	}
	if l == nil {
		c.Out.Array(0)
		return nil
	}
	lo, hi, ok := listRange(start, end, l.n)
	if !ok {
		c.Out.Array(0)
		return nil
	}
	left := hi - lo + 1
	c.Out.Array(left)
	l.Range(lo, false, func(e []byte) bool {
		c.Out.Bulk(e)
		left--
		return left > 0
	})
	return nil
}
