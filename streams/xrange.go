package streams

import (
	"math"

	"github.com/brokerd/brokerd/command"
)

// xrange is XRANGE key start end [COUNT n].
func xrange(c *command.Ctx) error { return rangeCommand(c, c.Args[2], c.Args[3], false) }

// xrevrange is XREVRANGE key end start [COUNT n].
func xrevrange(c *command.Ctx) error { return rangeCommand(c, c.Args[3], c.Args[2], true) }

// rangeCommand is Redis's xrangeGenericCommand: an incomplete start ID
// gets sequence 0 and an incomplete end ID the greatest sequence; "("
// makes a bound exclusive.
func rangeCommand(c *command.Ctx, startArg, endArg []byte, rev bool) error {
	start, startEx, err := parseRangeID(startArg, 0)
	if err != nil {
		return err
	}
	if startEx {
		var ok bool
		if start, ok = start.Next(); !ok {
			return errBadStartID
		}
	}
	end, endEx, err := parseRangeID(endArg, math.MaxUint64)
	if err != nil {
		return err
	}
	if endEx {
		var ok bool
		if end, ok = end.Prev(); !ok {
			return errBadEndID
		}
	}
	count := int64(-1)
	for cur := command.NewCursor(c.Args, 4); cur.More(); {
		if !cur.Keyword("COUNT") || cur.Remaining() < 1 {
			return command.ErrSyntax
		}
		if count, err = cur.Int(); err != nil {
			return err
		}
		count = max(count, 0)
	}
	s, err := lookup(c, c.Args[1])
	switch {
	case err != nil:
		return err
	case s == nil:
		c.Out.Array(0)
	case count == 0:
		c.Out.NullArray()
	default:
		writeRange(c.Out, s, start, end, rev, max(count, 0))
	}
	return nil
}

// writeRange replies with the entries from start to end (at most count
// when count > 0) as an array. It walks the range twice, once to count,
// because the reply needs its length first; the first pass only decodes
// entry headers.
func writeRange(out *command.Reply, s *Stream, start, end ID, rev bool, count int64) int64 {
	it := s.Range(start, end, rev)
	var n int64
	for count == 0 || n < count {
		if _, ok := it.Next(); !ok {
			break
		}
		n++
	}
	out.Array(int(n))
	it = s.Range(start, end, rev)
	for i := int64(0); i < n; i++ {
		e, _ := it.Next()
		e.WriteReply(out)
	}
	return n
}

// xlen is XLEN key.
func xlen(c *command.Ctx) error {
	s, err := lookup(c, c.Args[1])
	if err != nil {
		return err
	}
	if s == nil {
		c.Out.Int(0)
		return nil
	}
	c.Out.Int(s.length)
	return nil
}
