package kv

import (
	"bytes"
	"cmp"
	"math"
	"slices"
	"strings"

	"github.com/brokerd/brokerd/command"
)

// ZUNION, ZINTER, ZDIFF, their STORE forms and ZINTERCARD
// (zunionInterDiffGenericCommand). The inputs may be sorted sets or plain
// sets, whose members count as scoring 1; a missing key is an empty input.
// Every key is type-checked before the options are read, as in Redis. The
// STORE forms log themselves: their result depends only on the inputs
// they find, and Go's float arithmetic on them is C's (see zaggregate).

const (
	errZsetWeight      command.Error = "ERR weight value is not a float"
	errZintercardLimit command.Error = "ERR LIMIT can't be negative"
)

// zsetOp is the operation of one of these commands.
type zsetOp uint8

const (
	zopUnion zsetOp = iota
	zopInter
	zopDiff
)

// zaggregate is AGGREGATE SUM|MIN|MAX.
type zaggregate uint8

const (
	zaggSum zaggregate = iota
	zaggMin
	zaggMax
)

// zsource is one input (zsetopsrc): a sorted set, a plain set, or neither
// for a missing key, and its weight.
type zsource struct {
	z      *ZSet
	s      *Set
	weight float64
}

func (src *zsource) len() int {
	switch {
	case src.z != nil:
		return src.z.Len()
	case src.s != nil:
		return src.s.Len()
	}
	return 0
}

// same reports whether both inputs are the same value (a key given
// twice), which Redis checks rather than looking up the set it iterates.
func (src *zsource) same(o *zsource) bool {
	return (src.z != nil && src.z == o.z) || (src.s != nil && src.s == o.s)
}

// each calls fn with every member and its unweighted score, until fn
// returns false. Members are valid until the input changes.
func (src *zsource) each(fn func(m []byte, score float64) bool) {
	switch {
	case src.z != nil:
		src.z.Each(0, false, fn)
	case src.s != nil:
		src.s.Each(func(m []byte) bool { return fn(m, 1) })
	}
}

// score returns m's unweighted score (zuiFind).
func (src *zsource) score(m []byte) (float64, bool) {
	switch {
	case src.z != nil:
		return src.z.Score(m)
	case src.s != nil && src.s.Has(m):
		return 1, true
	}
	return 0, false
}

// weighted is weight times score, a NaN (0 times an infinity) taken as 0
// as Redis does for the first score of a member. NB: the explicit
// float64 conversion keeps the product rounded on its own, never fused
// with a later addition (the Go spec allows fusing otherwise), so the
// result is C's and a replay's is the same.
func weighted(weight, score float64) float64 {
	v := float64(weight * score)
	if math.IsNaN(v) {
		return 0
	}
	return v
}

// aggregate folds val into *target (zunionInterAggregate): a SUM of
// opposite infinities is 0; MIN and MAX keep *target when val is NaN.
func (agg zaggregate) aggregate(target *float64, val float64) {
	switch agg {
	case zaggSum:
		*target = float64(*target + val)
		if math.IsNaN(*target) {
			*target = 0
		}
	case zaggMin:
		if val < *target {
			*target = val
		}
	case zaggMax:
		if val > *target {
			*target = val
		}
	}
}

// zopArgs is a parsed ZUNION/ZINTER/ZDIFF family command.
type zopArgs struct {
	op         zsetOp
	srcs       []zsource
	agg        zaggregate
	withScores bool
	limit      int64 // ZINTERCARD's LIMIT, 0 for none
}

// parseZop reads "numkeys key... [options]" from c.Args[numkeysAt:] in
// Redis's order: the count, then every key (WRONGTYPE for a value that is
// neither kind of set), then the options. store is set for the STORE
// forms, which look their inputs up for writing so that an expired input
// is removed, and logged, before the command's own entry; card for
// ZINTERCARD.
func parseZop(c *command.Ctx, numkeysAt int, op zsetOp, store, card bool) (zopArgs, error) {
	a := zopArgs{op: op}
	setnum, err := command.Int(c.Args[numkeysAt])
	if err != nil {
		return a, err
	}
	if setnum < 1 {
		return a, command.Error("ERR at least 1 input key is needed for '" + strings.ToLower(string(c.Args[0])) + "' command")
	}
	first := numkeysAt + 1
	if setnum > int64(len(c.Args)-first) {
		return a, command.ErrSyntax
	}
	keys := c.Args[first : first+int(setnum)]
	a.srcs = make([]zsource, len(keys))
	for i, key := range keys {
		a.srcs[i].weight = 1
		switch v := lookupSource(c, key, store).(type) {
		case nil:
		case *ZSet:
			a.srcs[i].z = v
		case *Set:
			a.srcs[i].s = v
		default:
			return a, command.ErrWrongType
		}
	}
	args := c.Args[first+len(keys):]
	for j := 0; j < len(args); {
		left := len(args) - j
		opt := args[j]
		switch {
		case op != zopDiff && !card && left >= len(keys)+1 && command.Is(opt, "WEIGHTS"):
			for i := range a.srcs {
				w, ok := parseScore(args[j+1+i])
				if !ok {
					return a, errZsetWeight
				}
				a.srcs[i].weight = w
			}
			j += 1 + len(keys)
		case op != zopDiff && !card && left >= 2 && command.Is(opt, "AGGREGATE"):
			switch agg := args[j+1]; {
			case command.Is(agg, "SUM"):
				a.agg = zaggSum
			case command.Is(agg, "MIN"):
				a.agg = zaggMin
			case command.Is(agg, "MAX"):
				a.agg = zaggMax
			default:
				return a, command.ErrSyntax
			}
			j += 2
		case !store && !card && command.Is(opt, "WITHSCORES"):
			a.withScores = true
			j++
		case card && left >= 2 && command.Is(opt, "LIMIT"):
			n, ok := command.ParseInt(args[j+1])
			if !ok || n < 0 {
				return a, errZintercardLimit
			}
			a.limit = n
			j += 2
		default:
			return a, command.ErrSyntax
		}
	}
	return a, nil
}

// zentry is one member of a result, its bytes owned by the entry.
type zentry struct {
	m []byte
	s float64
}

// run computes the result, unordered.
func (a *zopArgs) run() []zentry {
	switch a.op {
	case zopUnion:
		return a.union()
	case zopInter:
		var out []zentry
		a.inter(func(m []byte, s float64) bool {
			out = append(out, zentry{slices.Clone(m), s})
			return true
		})
		return out
	}
	return a.diff()
}

// bySize orders the inputs smallest first, as Redis does before a union
// or an intersection (the order in which a member's scores are
// aggregated, which with SUM can change the last bit).
func (a *zopArgs) bySize() {
	slices.SortStableFunc(a.srcs, func(x, y zsource) int { return cmp.Compare(x.len(), y.len()) })
}

// union aggregates every member's weighted scores, input by input.
func (a *zopArgs) union() []zentry {
	a.bySize()
	acc := make(map[string]int)
	var out []zentry
	for i := range a.srcs {
		src := &a.srcs[i]
		src.each(func(m []byte, s float64) bool {
			score := weighted(src.weight, s)
			if j, ok := acc[string(m)]; ok {
				a.agg.aggregate(&out[j].s, score)
				return true
			}
			acc[string(m)] = len(out)
			out = append(out, zentry{slices.Clone(m), score})
			return true
		})
	}
	return out
}

// inter calls fn with each member of every input and its aggregated
// score, walking the smallest input, until fn returns false.
func (a *zopArgs) inter(fn func(m []byte, s float64) bool) {
	a.bySize()
	first := &a.srcs[0]
	if first.len() == 0 {
		return
	}
	first.each(func(m []byte, s0 float64) bool {
		score := weighted(first.weight, s0)
		for j := 1; j < len(a.srcs); j++ {
			src := &a.srcs[j]
			s := s0
			if !src.same(first) {
				var ok bool
				if s, ok = src.score(m); !ok {
					return true
				}
			}
			// NB: no NaN fix-up here, as in Redis: SUM turns a NaN
			// into 0, MIN and MAX ignore it.
			a.agg.aggregate(&score, float64(s*src.weight))
		}
		return fn(m, score)
	})
}

// diff is the members of the first input in none of the others, with
// their scores there (weights do not apply). An input given twice makes
// it empty.
func (a *zopArgs) diff() []zentry {
	first := &a.srcs[0]
	for j := 1; j < len(a.srcs); j++ {
		if a.srcs[j].same(first) {
			return nil
		}
	}
	var out []zentry
	first.each(func(m []byte, s float64) bool {
		for j := 1; j < len(a.srcs); j++ {
			if _, ok := a.srcs[j].score(m); ok {
				return true
			}
		}
		out = append(out, zentry{slices.Clone(m), s})
		return true
	})
	return out
}

// sortZentries puts a result in the set's order: by score, then by
// member bytes.
func sortZentries(es []zentry) {
	slices.SortFunc(es, func(x, y zentry) int {
		if c := cmp.Compare(x.s, y.s); c != 0 {
			return c
		}
		return bytes.Compare(x.m, y.m)
	})
}

// zsetOfEntries builds a stored result in the encoding Redis 7.2 gives
// it (zsetConvertToListpackIfNeeded, or ZRANGESTORE's listpack growing
// through zsetAdd; both come to this): a listpack when it has at most
// zsetMaxListpackEntries members of at most zsetMaxListpackValue bytes,
// else a skiplist.
func zsetOfEntries(es []zentry) *ZSet {
	maxLen := 0
	for _, e := range es {
		maxLen = max(maxLen, len(e.m))
	}
	z := newZSet(len(es), maxLen)
	for _, e := range es {
		z.Set(e.m, e.s)
	}
	return z
}

// zentriesReply writes a result as ZRANGE does: members, with WITHSCORES
// a flat member/score array in RESP2 and pairs in RESP3. Scores are
// written as computed, so a -0 (a zero times a negative weight) prints as
// "-0", as Redis's skiplist result does.
func zentriesReply(c *command.Ctx, es []zentry, withScores bool) {
	r := startScoredReply(c, len(es), withScores)
	for _, e := range es {
		r.member(e.m, e.s)
	}
}

// zsetStoreResult replaces dst (of any type, its TTL too) with the
// result and replies its size; an empty result deletes dst instead, with
// a "del" event if it was there. The command logs itself.
func zsetStoreResult(c *command.Ctx, dst []byte, es []zentry, event string) {
	if len(es) == 0 {
		if c.DB.Delete(dst) {
			c.EmitArgs()
			c.Notify(command.NotifyGeneric, "del", dst)
		}
		c.Out.Int(0)
		return
	}
	c.DB.Put(dst, zsetOfEntries(es))
	c.EmitArgs()
	c.Notify(command.NotifyZSet, event, dst)
	c.Out.Int(int64(len(es)))
}

func zopRead(c *command.Ctx, op zsetOp) error {
	a, err := parseZop(c, 1, op, false, false)
	if err != nil {
		return err
	}
	es := a.run()
	sortZentries(es)
	zentriesReply(c, es, a.withScores)
	return nil
}

func zopStore(c *command.Ctx, op zsetOp, event string) error {
	a, err := parseZop(c, 2, op, true, false)
	if err != nil {
		return err
	}
	zsetStoreResult(c, c.Args[1], a.run(), event)
	return nil
}

func zunion(c *command.Ctx) error { return zopRead(c, zopUnion) }
func zinter(c *command.Ctx) error { return zopRead(c, zopInter) }
func zdiff(c *command.Ctx) error  { return zopRead(c, zopDiff) }

func zunionstore(c *command.Ctx) error { return zopStore(c, zopUnion, "zunionstore") }
func zinterstore(c *command.Ctx) error { return zopStore(c, zopInter, "zinterstore") }
func zdiffstore(c *command.Ctx) error  { return zopStore(c, zopDiff, "zdiffstore") }

// zintercard is ZINTERCARD numkeys key... [LIMIT limit]: the size of the
// intersection, counting stopped at limit (0 for none).
func zintercard(c *command.Ctx) error {
	a, err := parseZop(c, 1, zopInter, false, true)
	if err != nil {
		return err
	}
	card := int64(0)
	a.inter(func([]byte, float64) bool {
		card++
		return a.limit == 0 || card < a.limit
	})
	c.Out.Int(card)
	return nil
}
