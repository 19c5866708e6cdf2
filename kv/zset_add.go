package kv

import (
	"math"

	"github.com/brokerd/brokerd/command"
)

// ZADD, ZINCRBY and ZREM (zaddGenericCommand, zremCommand). Each logs
// itself: its outcome depends only on the set it finds, and Go's float
// addition is as deterministic as C's, so a replay computes the same
// scores.

const (
	errZaddNXXX  command.Error = "ERR XX and NX options at the same time are not compatible"
	errZaddGTLT  command.Error = "ERR GT, LT, and/or NX options at the same time are not compatible"
	errZaddIncr  command.Error = "ERR INCR option supports a single increment-element pair"
	errZaddFloat               = command.ErrNotFloat
)

// zaddArgs is ZADD key [NX|XX] [GT|LT] [CH] [INCR] score member ....
type zaddArgs struct {
	nx, xx, gt, lt, ch, incr bool
	scores                   []float64
	members                  [][]byte
}

// parseZadd reads the options in any order until the first argument that
// is none, then the pairs; all scores are parsed before anything
// changes, so the command runs fully or not at all.
func parseZadd(args [][]byte) (zaddArgs, error) {
	var a zaddArgs
	i := 2
	for ; i < len(args); i++ {
		switch opt := args[i]; {
		case command.Is(opt, "NX"):
			a.nx = true
		case command.Is(opt, "XX"):
			a.xx = true
		case command.Is(opt, "GT"):
			a.gt = true
		case command.Is(opt, "LT"):
			a.lt = true
		case command.Is(opt, "CH"):
			a.ch = true
		case command.Is(opt, "INCR"):
			a.incr = true
		default:
			goto pairs
		}
	}
pairs:
	rest := args[i:]
	switch {
	case len(rest) == 0 || len(rest)%2 != 0:
		return a, command.ErrSyntax
	case a.nx && a.xx:
		return a, errZaddNXXX
	case (a.gt && a.nx) || (a.lt && a.nx) || (a.gt && a.lt):
		return a, errZaddGTLT
	case a.incr && len(rest) > 2:
		return a, errZaddIncr
	}
	a.scores = make([]float64, len(rest)/2)
	a.members = make([][]byte, len(rest)/2)
	for j := range a.scores {
		f, ok := parseScore(rest[2*j])
		if !ok {
			return a, errZaddFloat
		}
		a.scores[j], a.members[j] = f, rest[2*j+1]
	}
	return a, nil
}

func zadd(c *command.Ctx) error {
	a, err := parseZadd(c.Args)
	if err != nil {
		return err
	}
	return zaddRun(c, a)
}

// zincrby is ZADD key INCR increment member.
func zincrby(c *command.Ctx) error {
	f, ok := parseScore(c.Args[2])
	if !ok {
		return errZaddFloat
	}
	return zaddRun(c, zaddArgs{incr: true, scores: []float64{f}, members: c.Args[3:4]})
}

// zaddRun applies the pairs one by one (zsetAdd). A new key is created in
// the encoding zsetTypeCreate picks for the number of pairs and the
// longest member, and bound only if something was added.
func zaddRun(c *command.Ctx, a zaddArgs) error {
	key := c.Args[1]
	z, err := zsetAt(c.DB.LookupWrite(key))
	if err != nil {
		return err
	}
	fresh := z == nil
	if fresh {
		if a.xx {
			return zaddReply(c, a, 0, 0, 0, 0)
		}
		maxLen := 0
		for _, m := range a.members {
			maxLen = max(maxLen, len(m))
		}
		z = newZSet(len(a.members), maxLen)
	}
	added, updated, processed := 0, 0, 0
	var score float64
	for j, m := range a.members {
		score = a.scores[j]
		cur, exists := z.Score(m)
		switch {
		case exists && a.nx, !exists && a.xx:
			continue
		case exists:
			if a.incr {
				score += cur
				if math.IsNaN(score) {
					return errZsetNaN // INCR takes one pair: nothing changed yet
				}
			}
			if (a.lt && score >= cur) || (a.gt && score <= cur) {
				continue
			}
			if score != cur {
				z.Set(m, score)
				updated++
			}
		default:
			z.Set(m, score)
			added++
		}
		processed++
	}
	zaddFinish(c, key, z, fresh, added+updated > 0, a.incr)
	return zaddReply(c, a, added, updated, processed, score)
}

// zaddFinish binds or records a changed set, logs the command and fires
// "zadd" or "zincr".
func zaddFinish(c *command.Ctx, key []byte, z *ZSet, fresh, changed, incr bool) {
	if !changed {
		return
	}
	if fresh {
		c.DB.Put(key, z)
	} else {
		c.DB.Update(key)
	}
	c.EmitArgs()
	event := "zadd"
	if incr {
		event = "zincr"
	}
	c.Notify(command.NotifyZSet, event, key)
}

// zaddReply is the new score with INCR (null when nothing was done), else
// the number added (plus updated with CH).
func zaddReply(c *command.Ctx, a zaddArgs, added, updated, processed int, score float64) error {
	switch {
	case a.incr && processed > 0:
		c.Out.Double(score)
	case a.incr:
		c.Out.Null()
	case a.ch:
		c.Out.Int(int64(added + updated))
	default:
		c.Out.Int(int64(added))
	}
	return nil
}

// zrem removes the members, replies how many there were, and deletes the
// key once empty.
func zrem(c *command.Ctx) error {
	key := c.Args[1]
	z, err := zsetAt(c.DB.LookupWrite(key))
	if err != nil || z == nil {
		if err == nil {
			c.Out.Int(0)
		}
		return err
	}
	deleted := 0
	for _, m := range c.Args[2:] {
		if z.Remove(m) {
			deleted++
			if z.Len() == 0 {
				break
			}
		}
	}
	if deleted > 0 {
		c.Notify(command.NotifyZSet, "zrem", key)
		zsetWritten(c, key, z)
		c.EmitArgs()
	}
	c.Out.Int(int64(deleted))
	return nil
}
