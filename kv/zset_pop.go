package kv

import (
	"strconv"
	"time"

	"github.com/brokerd/brokerd/command"
)

// ZPOPMIN, ZPOPMAX and ZMPOP (genericZpopCommand), and their blocking
// forms BZPOPMIN, BZPOPMAX and BZMPOP (blockingGenericZpopCommand). Which
// members a pop takes depends only on the set, so ZPOPMIN logs itself and
// the others log the ZPOPMIN/ZPOPMAX key count they amount to, as Redis
// propagates them.

// zpopShape is the reply layout, which differs by command and protocol.
type zpopShape int

const (
	zpopFlat      zpopShape = iota // [m, s, ...]: ZPOPMIN (RESP2, or without count)
	zpopPairs                      // [[m, s], ...]: ZPOPMIN with count in RESP3
	zpopKeyFlat                    // [key, m, s]: BZPOPMIN
	zpopKeyNested                  // [key, [[m, s], ...]]: ZMPOP, BZMPOP
)

func zpopName(max bool) []byte {
	if max {
		return []byte("ZPOPMAX")
	}
	return []byte("ZPOPMIN")
}

// zpopFrom pops up to count members from the low (or high) end of z at
// key, replying them in shape, and fires the events. It returns the
// number popped.
func zpopFrom(c *command.Ctx, key []byte, z *ZSet, max bool, count int64, shape zpopShape) int {
	n := int(min(count, int64(z.Len())))
	switch shape {
	case zpopFlat:
		c.Out.Array(2 * n)
	case zpopPairs:
		c.Out.Array(n)
	case zpopKeyFlat:
		c.Out.Array(2*n + 1)
		c.Out.Bulk(key)
	case zpopKeyNested:
		c.Out.Array(2)
		c.Out.Bulk(key)
		c.Out.Array(n)
	}
	first := 0
	if max {
		first = z.Len() - 1
	}
	left := n
	z.Each(first, max, func(m []byte, s float64) bool {
		if shape == zpopPairs || shape == zpopKeyNested {
			c.Out.Array(2)
		}
		c.Out.Bulk(m)
		c.Out.Double(s)
		left--
		return left > 0
	})
	if max {
		z.DeleteRange(z.Len()-n, z.Len())
	} else {
		z.DeleteRange(0, n)
	}
	event := "zpopmin"
	if max {
		event = "zpopmax"
	}
	c.Notify(command.NotifyZSet, event, key)
	zsetWritten(c, key, z)
	return n
}

func zpopmin(c *command.Ctx) error { return zpop(c, false) }
func zpopmax(c *command.Ctx) error { return zpop(c, true) }

// zpop is ZPOPMIN key [count]: a missing key or a count of 0 is the empty
// array; RESP3 nests the pairs when a count is given.
func zpop(c *command.Ctx, max bool) error {
	if len(c.Args) > 3 {
		return command.ErrSyntax
	}
	count, shape := int64(1), zpopFlat
	if len(c.Args) == 3 {
		n, ok := command.ParseInt(c.Args[2])
		if !ok || n < 0 {
			return command.ErrPositiveCount
		}
		count = n
		if c.Out.Proto() == 3 {
			shape = zpopPairs
		}
	}
	key := c.Args[1]
	z, err := zsetAt(c.DB.LookupWrite(key))
	if err != nil {
		return err
	}
	if z == nil || count == 0 {
		c.Out.Array(0)
		return nil
	}
	zpopFrom(c, key, z, max, count, shape)
	c.EmitArgs()
	return nil
}

// zmpopArgs is "numkeys key... MIN|MAX [COUNT n]".
type zmpopArgs struct {
	keys  [][]byte
	max   bool
	count int64
}

// parseZmpop parses ZMPOP's arguments from args[at] (numkeys) on.
func parseZmpop(args [][]byte, at int) (zmpopArgs, error) {
	keys, max, count, err := parseMultiPop(args, at, func(b []byte) (bool, error) {
		switch {
		case command.Is(b, "MIN"):
			return false, nil
		case command.Is(b, "MAX"):
			return true, nil
		}
		return false, command.ErrSyntax
	})
	return zmpopArgs{keys: keys, max: max, count: count}, err
}

// zpopFirst pops from the first existing set among keys; a key of another
// type met first is WRONGTYPE. It logs ZPOPMIN/ZPOPMAX key count (count
// omitted when withCount is false, for BZPOPMIN's single pop).
func zpopFirst(c *command.Ctx, keys [][]byte, max bool, count int64, shape zpopShape, withCount bool) (bool, error) {
	for _, key := range keys {
		z, err := zsetAt(c.DB.LookupWrite(key))
		if err != nil {
			return false, err
		}
		if z == nil {
			continue
		}
		zpopFrom(c, key, z, max, count, shape)
		if withCount {
			c.Emit(zpopName(max), key, strconv.AppendInt(nil, count, 10))
		} else {
			c.Emit(zpopName(max), key)
		}
		return true, nil
	}
	return false, nil
}

func zmpop(c *command.Ctx) error {
	a, err := parseZmpop(c.Args, 1)
	if err != nil {
		return err
	}
	served, err := zpopFirst(c, a.keys, a.max, a.count, zpopKeyNested, true)
	if err == nil && !served {
		c.Out.NullArray()
	}
	return err
}

// zblock parks the client on keys (copied: they alias the request) until
// one of them holds a sorted set.
func zblock(c *command.Ctx, keys [][]byte, timeout time.Duration) {
	cp := make([][]byte, len(keys))
	for i, k := range keys {
		cp[i] = append([]byte(nil), k...)
	}
	c.Block(command.BlockRequest{Keys: cp, Timeout: timeout, Ready: holdsZSet})
}

// holdsZSet is the blocking pops' BlockRequest.Ready.
func holdsZSet(_ string, v command.Value) bool {
	_, ok := v.(*ZSet)
	return ok
}

// zwaitOn reports whether a retry should go on waiting: none of keys
// holds a set to serve.
func zwaitOn(c *command.Ctx, keys [][]byte) bool {
	if !c.Retrying || !c.CanBlock() {
		return false
	}
	for _, k := range keys {
		if _, ok := c.DB.Lookup(k).(*ZSet); ok {
			return false
		}
	}
	return true
}

func bzpopmin(c *command.Ctx) error { return bzpop(c, false) }
func bzpopmax(c *command.Ctx) error { return bzpop(c, true) }

// bzpop is BZPOPMIN key... timeout: [key, member, score] from the first
// set, logged as ZPOPMIN key.
func bzpop(c *command.Ctx, max bool) error {
	timeout, err := parseTimeout(c, c.Args[len(c.Args)-1])
	if err != nil {
		return err
	}
	keys := c.Args[1 : len(c.Args)-1]
	return bzpopRun(c, keys, max, 1, zpopKeyFlat, false, timeout)
}

// bzmpop is BZMPOP timeout numkeys key... MIN|MAX [COUNT n]; the timeout
// is parsed after the rest, as in Redis.
func bzmpop(c *command.Ctx) error {
	a, err := parseZmpop(c.Args, 2)
	if err != nil {
		return err
	}
	timeout, err := parseTimeout(c, c.Args[1])
	if err != nil {
		return err
	}
	return bzpopRun(c, a.keys, a.max, a.count, zpopKeyNested, true, timeout)
}

// bzpopRun serves at once when it can; otherwise it parks the client, or
// replies the null array where it may not block (MULTI, scripts).
func bzpopRun(c *command.Ctx, keys [][]byte, max bool, count int64, shape zpopShape, withCount bool, timeout time.Duration) error {
	if zwaitOn(c, keys) {
		zblock(c, keys, timeout)
		return nil
	}
	served, err := zpopFirst(c, keys, max, count, shape, withCount)
	if err != nil || served {
		return err
	}
	if !c.CanBlock() {
		c.Out.NullArray()
		return nil
	}
	zblock(c, keys, timeout)
	return nil
}
