package kv

import (
	"math"
	"math/rand/v2"
	"strconv"

	"github.com/brokerd/brokerd/command"
	"github.com/brokerd/brokerd/internal/glob"
)

// ZRANDMEMBER and ZSCAN.

const errZrandRange command.Error = "ERR value is out of range"

// zrandmember is ZRANDMEMBER key [count [WITHSCORES]]: without a count one
// member or null; a positive count up to that many distinct members, a
// negative one exactly -count members that may repeat.
func zrandmember(c *command.Ctx) error {
	if len(c.Args) == 2 {
		z, err := zsetRead(c, c.Args[1])
		if err != nil || z == nil {
			if err == nil {
				c.Out.Null()
			}
			return err
		}
		m, _ := z.At(rand.IntN(z.Len()))
		c.Out.Bulk(m)
		return nil
	}
	count, err := command.Int(c.Args[2])
	if err != nil {
		return err
	}
	if count == math.MinInt64 {
		return command.Error("ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807")
	}
	withScores := false
	switch {
	case len(c.Args) > 4 || (len(c.Args) == 4 && !command.Is(c.Args[3], "WITHSCORES")):
		return command.ErrSyntax
	case len(c.Args) == 4:
		withScores = true
		if count < -math.MaxInt64/2 || count > math.MaxInt64/2 {
			return errZrandRange
		}
	}
	z, err := zsetRead(c, c.Args[1])
	if err != nil {
		return err
	}
	if z == nil || count == 0 {
		c.Out.Array(0)
		return nil
	}
	size := z.Len()
	var ranks []int
	switch {
	case count < 0:
		ranks = make([]int, -count)
		for i := range ranks {
			ranks[i] = rand.IntN(size)
		}
	case count >= int64(size):
		ranks = make([]int, size)
		for i := range ranks {
			ranks[i] = i
		}
	case count*4 < int64(size):
		seen := make(map[int]bool, count)
		for int64(len(ranks)) < count {
			if r := rand.IntN(size); !seen[r] {
				seen[r] = true
				ranks = append(ranks, r)
			}
		}
	default:
		ranks = rand.Perm(size)[:count]
	}
	out := startScoredReply(c, len(ranks), withScores)
	for _, r := range ranks {
		out.member(z.At(r))
	}
	return nil
}

// zscan is ZSCAN key cursor [MATCH pattern] [COUNT n]. A listpack set is
// returned whole with cursor 0, as Redis does; a large one walks its
// members in hash order (see zskiplist.scan). Scores are strings here, in
// both protocols.
func zscan(c *command.Ctx) error {
	cursor, ok := parseScanCursor(c.Args[2])
	if !ok {
		return errInvalidCursor
	}
	z, err := zsetRead(c, c.Args[1])
	if err != nil {
		return err
	}
	if z == nil {
		replyEmptyScan(c)
		return nil
	}
	a, err := parseCollectionScan(c.Args[3:])
	if err != nil {
		return err
	}
	var out [][]byte
	emit := func(m []byte, s float64) {
		if a.pattern != nil && !glob.Match(a.pattern, m, false) {
			return
		}
		out = append(out, append([]byte(nil), m...), command.AppendDouble(nil, s))
	}
	next := uint64(0)
	switch {
	case z.sl == nil:
		z.Each(0, false, func(m []byte, s float64) bool {
			emit(m, s)
			return true
		})
	default:
		next = z.sl.scan(cursor, a.count, emit)
	}
	c.Out.Array(2)
	c.Out.Bulk(strconv.AppendUint(nil, next, 10))
	c.Out.Array(len(out))
	for _, b := range out {
		c.Out.Bulk(b)
	}
	return nil
}
