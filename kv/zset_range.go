package kv

import (
	"github.com/brokerd/brokerd/command"
)

// ZRANGE and its older forms ZREVRANGE, ZRANGEBYSCORE, ZREVRANGEBYSCORE,
// ZRANGEBYLEX and ZREVRANGEBYLEX (zrangeGenericCommand).

type zrangeKind int

const (
	zrangeAuto zrangeKind = iota
	zrangeRank
	zrangeScore
	zrangeLex
)

const (
	errZrangeLimit command.Error = "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX"
	errZrangeLexWS command.Error = "ERR syntax error, WITHSCORES not supported in combination with BYLEX"
)

// zrangeArgs is a parsed range request.
type zrangeArgs struct {
	kind           zrangeKind
	rev            bool
	withScores     bool
	offset         int64
	limit          int64 // -1: no limit
	start, end     int64 // by rank
	score          scoreRange
	lex            lexRange
	minArg, maxArg []byte
}

// parseZrange parses "min max [options]" at args[at:]. The older commands
// preset the kind and direction, which then may not be given again
// (kind zrangeAuto and rev false for ZRANGE itself, whose REV, BYSCORE
// and BYLEX are options). Reversed score and lex ranges are given as max
// then min.
func parseZrange(args [][]byte, at int, kind zrangeKind, rev bool) (zrangeArgs, error) {
	a := zrangeArgs{kind: kind, rev: rev, limit: -1}
	dirSet := rev
	for j := at + 2; j < len(args); j++ {
		left := len(args) - j - 1
		switch opt := args[j]; {
		case command.Is(opt, "WITHSCORES"):
			a.withScores = true
		case command.Is(opt, "LIMIT") && left >= 2:
			var err error
			if a.offset, err = command.Int(args[j+1]); err != nil {
				return a, err
			}
			if a.limit, err = command.Int(args[j+2]); err != nil {
				return a, err
			}
			j += 2
		case !dirSet && kind == zrangeAuto && command.Is(opt, "REV"):
			a.rev, dirSet = true, true
		case a.kind == zrangeAuto && command.Is(opt, "BYLEX"):
			a.kind = zrangeLex
		case a.kind == zrangeAuto && command.Is(opt, "BYSCORE"):
			a.kind = zrangeScore
		default:
			return a, command.ErrSyntax
		}
	}
	if a.kind == zrangeAuto {
		a.kind = zrangeRank
	}
	if a.kind == zrangeRank {
		// Redis refuses only a count: LIMIT <any offset> -1 on a rank
		// range is accepted and changes nothing (redis-server 7.0.15).
		if a.limit != -1 {
			return a, errZrangeLimit
		}
		a.offset = 0
	}
	if a.withScores && a.kind == zrangeLex {
		return a, errZrangeLexWS
	}
	minArg, maxArg := args[at], args[at+1]
	if a.rev && a.kind != zrangeRank {
		minArg, maxArg = maxArg, minArg
	}
	var err error
	switch a.kind {
	case zrangeRank:
		if a.start, err = command.Int(minArg); err == nil {
			a.end, err = command.Int(maxArg)
		}
	case zrangeScore:
		a.score, err = parseScoreRange(minArg, maxArg)
	case zrangeLex:
		a.lex, err = parseLexRange(minArg, maxArg)
	}
	return a, err
}

// window returns the ranks the range selects: n members from rank first,
// walking towards rank 0 when rev.
func (a *zrangeArgs) window(z *ZSet) (first, n int, rev bool) {
	llen := int64(z.Len())
	if a.kind == zrangeRank {
		start, end := a.start, a.end
		if start < 0 {
			start += llen
		}
		if end < 0 {
			end += llen
		}
		start = max(start, 0)
		if start > end || start >= llen {
			return 0, 0, a.rev
		}
		end = min(end, llen-1)
		n := int(end - start + 1)
		if a.rev {
			return int(llen - 1 - start), n, true
		}
		return int(start), n, false
	}
	var lo, hi int
	if a.kind == zrangeScore {
		lo, hi = a.score.ranks(z)
	} else {
		lo, hi = a.lex.ranks(z)
	}
	// NB: a negative offset selects nothing, a negative count everything,
	// as the C loops "while (offset--)" and "while (limit--)" do.
	if a.offset < 0 || a.offset >= int64(hi-lo) {
		return 0, 0, a.rev
	}
	n = hi - lo - int(a.offset)
	if a.limit >= 0 && a.limit < int64(n) {
		n = int(a.limit)
	}
	if a.rev {
		return hi - 1 - int(a.offset), n, true
	}
	return lo + int(a.offset), n, false
}

// zrangeReply writes n members from rank first: an array of members, with
// WITHSCORES a flat member/score array in RESP2 and member/score pairs in
// RESP3.
func zrangeReply(c *command.Ctx, z *ZSet, first, n int, rev, withScores bool) {
	r := startScoredReply(c, n, withScores)
	if n == 0 {
		return
	}
	z.Each(first, rev, func(m []byte, s float64) bool {
		r.member(m, s)
		n--
		return n > 0
	})
}

// scoredReply writes n members as ZRANGE does: an array of members, with
// WITHSCORES a flat member/score array in RESP2 and member/score pairs in
// RESP3.
type scoredReply struct {
	c                 *command.Ctx
	withScores, pairs bool
}

// startScoredReply writes the array header of a reply of n members.
func startScoredReply(c *command.Ctx, n int, withScores bool) scoredReply {
	r := scoredReply{c: c, withScores: withScores, pairs: withScores && c.Out.Proto() == 3}
	if withScores && !r.pairs {
		c.Out.Array(2 * n)
	} else {
		c.Out.Array(n)
	}
	return r
}

func (r scoredReply) member(m []byte, s float64) {
	if r.pairs {
		r.c.Out.Array(2)
	}
	r.c.Out.Bulk(m)
	if r.withScores {
		r.c.Out.Double(s)
	}
}

func zrangeRun(c *command.Ctx, kind zrangeKind, rev bool) error {
	a, err := parseZrange(c.Args, 2, kind, rev)
	if err != nil {
		return err
	}
	z, err := zsetAt(c.DB.Lookup(c.Args[1]))
	if err != nil {
		return err
	}
	if z == nil {
		c.Out.Array(0)
		return nil
	}
	first, n, rev := a.window(z)
	zrangeReply(c, z, first, n, rev, a.withScores)
	return nil
}

func zrange(c *command.Ctx) error           { return zrangeRun(c, zrangeAuto, false) }
func zrevrange(c *command.Ctx) error        { return zrangeRun(c, zrangeRank, true) }
func zrangebyscore(c *command.Ctx) error    { return zrangeRun(c, zrangeScore, false) }
func zrevrangebyscore(c *command.Ctx) error { return zrangeRun(c, zrangeScore, true) }
func zrangebylex(c *command.Ctx) error      { return zrangeRun(c, zrangeLex, false) }
func zrevrangebylex(c *command.Ctx) error   { return zrangeRun(c, zrangeLex, true) }
