package kv

import (
	"bytes"
	"math"

	"github.com/brokerd/brokerd/command"
)

// LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len].

const (
	errRankZero      command.Error = "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list"
	errRankRange     command.Error = "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807"
	errCountNegative command.Error = "ERR COUNT can't be negative"
	errMaxlenNeg     command.Error = "ERR MAXLEN can't be negative"
)

type lposArgs struct {
	rank   int64
	count  int64 // -1: no COUNT option
	maxlen int64 // 0: scan everything
}

// parseLpos parses the options, which may repeat (the last one wins).
func parseLpos(args [][]byte) (lposArgs, error) {
	a := lposArgs{rank: 1, count: -1}
	for cur := command.NewCursor(args, 3); cur.More(); {
		opt, _ := cur.Next()
		if !cur.More() {
			return a, command.ErrSyntax
		}
		val, _ := cur.Next()
		n, ok := command.ParseInt(val)
		switch {
		case command.Is(opt, "RANK"):
			if !ok {
				return a, command.ErrNotInteger
			}
			if n == math.MinInt64 {
				return a, errRankRange
			}
			if n == 0 {
				return a, errRankZero
			}
			a.rank = n
		case command.Is(opt, "COUNT"):
			if !ok || n < 0 {
				return a, errCountNegative
			}
			a.count = n
		case command.Is(opt, "MAXLEN"):
			if !ok || n < 0 {
				return a, errMaxlenNeg
			}
			a.maxlen = n
		default:
			return a, command.ErrSyntax
		}
	}
	return a, nil
}

// lpos replies the index of the rank-th match (negative ranks count
// matches from the tail), or with COUNT an array of up to count indexes
// (0: all), scanning at most maxlen elements. Indexes are always from the
// head, as LINDEX reads them.
func lpos(c *command.Ctx) error {
	a, err := parseLpos(c.Args)
	if err != nil {
		return err
	}
	l, err := listAt(c.DB.Lookup(c.Args[1]))
	if err != nil {
		return err
	}
	if l == nil {
		if a.count != -1 {
			c.Out.Array(0)
		} else {
			c.Out.Null()
		}
		return nil
	}
	reverse := a.rank < 0
	rank := a.rank
	if reverse {
		rank = -rank
	}
	start := 0
	if reverse {
		start = l.n - 1
	}
	ele := c.Args[2]
	var found []int64
	var scanned, matches int64
	l.Range(start, reverse, func(e []byte) bool {
		if a.maxlen != 0 && scanned >= a.maxlen {
			return false
		}
		idx := scanned
		if reverse {
			idx = int64(l.n) - 1 - scanned
		}
		scanned++
		if !bytes.Equal(e, ele) {
			return true
		}
		matches++
		if matches < rank {
			return true
		}
		found = append(found, idx)
		if a.count == -1 {
			return false
		}
		return a.count == 0 || int64(len(found)) < a.count
	})
	if a.count != -1 {
		c.Out.Array(len(found))
		for _, i := range found {
			c.Out.Int(i)
		}
		return nil
	}
	if len(found) == 0 {
		c.Out.Null()
		return nil
	}
	c.Out.Int(found[0])
	return nil
}
