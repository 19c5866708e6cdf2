package kv

import (
	"github.com/brokerd/brokerd/command"
)

// ZCARD, ZSCORE, ZMSCORE, ZRANK, ZREVRANK, ZCOUNT and ZLEXCOUNT.

// zsetRead looks key up for a read command.
func zsetRead(c *command.Ctx, key []byte) (*ZSet, error) {
	return zsetAt(c.DB.Lookup(key))
}

func zcard(c *command.Ctx) error {
	z, err := zsetRead(c, c.Args[1])
	if err != nil {
		return err
	}
	n := 0
	if z != nil {
		n = z.Len()
	}
	c.Out.Int(int64(n))
	return nil
}

func zscore(c *command.Ctx) error {
	z, err := zsetRead(c, c.Args[1])
	if err != nil {
		return err
	}
	if z == nil {
		c.Out.Null()
		return nil
	}
	if s, ok := z.Score(c.Args[2]); ok {
		c.Out.Double(s)
	} else {
		c.Out.Null()
	}
	return nil
}

// zmscore replies one score or null per member; a missing key gives all
// nulls.
func zmscore(c *command.Ctx) error {
	z, err := zsetRead(c, c.Args[1])
	if err != nil {
		return err
	}
	members := c.Args[2:]
	c.Out.Array(len(members))
	for _, m := range members {
		if z == nil {
			c.Out.Null()
		} else if s, ok := z.Score(m); ok {
			c.Out.Double(s)
		} else {
			c.Out.Null()
		}
	}
	return nil
}

func zrank(c *command.Ctx) error    { return zrankRun(c, false) }
func zrevrank(c *command.Ctx) error { return zrankRun(c, true) }

// zrankRun replies the rank, or [rank, score] with WITHSCORE (Redis 7.2);
// a missing key or member is a null of that shape. The option is checked
// before the key.
func zrankRun(c *command.Ctx, rev bool) error {
	withScore := len(c.Args) == 4
	if withScore && !command.Is(c.Args[3], "WITHSCORE") {
		return command.ErrSyntax
	}
	z, err := zsetRead(c, c.Args[1])
	if err != nil {
		return err
	}
	var rank int
	var score float64
	ok := z != nil
	if ok {
		rank, score, ok = z.Rank(c.Args[2])
	}
	switch {
	case !ok && withScore:
		c.Out.NullArray()
	case !ok:
		c.Out.Null()
	default:
		if rev {
			rank = z.Len() - 1 - rank
		}
		if withScore {
			c.Out.Array(2)
		}
		c.Out.Int(int64(rank))
		if withScore {
			c.Out.Double(score)
		}
	}
	return nil
}

// zcount and zlexcount count the members in a score or lex range: two
// rank searches, so O(log² n) on a large set whatever the count.
func zcount(c *command.Ctx) error {
	r, err := parseScoreRange(c.Args[2], c.Args[3])
	if err != nil {
		return err
	}
	return countInRange(c, r)
}

func zlexcount(c *command.Ctx) error {
	r, err := parseLexRange(c.Args[2], c.Args[3])
	if err != nil {
		return err
	}
	return countInRange(c, r)
}

// countInRange replies how many members of the sorted set at Args[1] r
// spans.
func countInRange(c *command.Ctx, r interface{ ranks(*ZSet) (int, int) }) error {
	z, err := zsetRead(c, c.Args[1])
	if err != nil {
		return err
	}
	n := 0
	if z != nil {
		lo, hi := r.ranks(z)
		n = hi - lo
	}
	c.Out.Int(int64(n))
	return nil
}
