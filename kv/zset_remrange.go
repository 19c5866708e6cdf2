package kv

import "github.com/brokerd/brokerd/command"

// ZREMRANGEBYRANK, ZREMRANGEBYSCORE and ZREMRANGEBYLEX
// (zremrangeGenericCommand). Each logs itself: which members it removes
// depends only on the set it finds.

func zremrangebyrank(c *command.Ctx) error {
	start, err := command.Int(c.Args[2])
	if err != nil {
		return err
	}
	end, err := command.Int(c.Args[3])
	if err != nil {
		return err
	}
	return zremrangeRun(c, "zremrangebyrank", func(z *ZSet) (int, int) {
		llen := int64(z.Len())
		if start < 0 {
			start += llen
		}
		if end < 0 {
			end += llen
		}
		start = max(start, 0)
		if start > end || start >= llen {
			return 0, 0
		}
		return int(start), int(min(end, llen-1)) + 1
	})
}

func zremrangebyscore(c *command.Ctx) error {
	r, err := parseScoreRange(c.Args[2], c.Args[3])
	if err != nil {
		return err
	}
	return zremrangeRun(c, "zremrangebyscore", r.ranks)
}

func zremrangebylex(c *command.Ctx) error {
	r, err := parseLexRange(c.Args[2], c.Args[3])
	if err != nil {
		return err
	}
	return zremrangeRun(c, "zremrangebylex", r.ranks)
}

// zremrangeRun removes the ranks [start, stop) that ranks picks and
// replies how many went.
func zremrangeRun(c *command.Ctx, event string, ranks func(*ZSet) (int, int)) error {
	key := c.Args[1]
	z, err := zsetAt(c.DB.LookupWrite(key))
	if err != nil || z == nil {
		if err == nil {
			c.Out.Int(0)
		}
		return err
	}
	start, stop := ranks(z)
	if stop > start {
		z.DeleteRange(start, stop)
		c.Notify(command.NotifyZSet, event, key)
		zsetWritten(c, key, z)
		c.EmitArgs()
	}
	c.Out.Int(int64(stop - start))
	return nil
}
