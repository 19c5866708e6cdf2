package kv

import (
	"math"
	"math/rand/v2"
	"slices"

	"github.com/brokerd/brokerd/command"
)

// HRANDFIELD key [count [WITHVALUES]] (hrandfieldCommand). Read-only: it
// changes nothing and logs nothing.

// errHashRandCount is the reply for a count outside -LONG_MAX..LONG_MAX,
// in Redis 7.2's wording (getRangeLongFromObjectOrReply).
const errHashRandCount command.Error = "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807"

// errHashRandRange is the reply for a count WITHVALUES whose pairs could
// not be counted (|count| > LONG_MAX/2).
const errHashRandRange command.Error = "ERR value is out of range"

func hrandfield(c *command.Ctx) error {
	if len(c.Args) == 2 {
		h, err := hashRead(c)
		if err != nil {
			return err
		}
		if h == nil {
			c.Out.Null()
			return nil
		}
		f, _ := h.random()
		c.Out.Bulk(f)
		return nil
	}
	count, err := command.Int(c.Args[2])
	if err != nil {
		return err
	}
	if count == math.MinInt64 {
		return errHashRandCount
	}
	withValues := false
	switch {
	case len(c.Args) > 4 || (len(c.Args) == 4 && !command.Is(c.Args[3], "WITHVALUES")):
		return command.ErrSyntax
	case len(c.Args) == 4:
		withValues = true
		if count < -math.MaxInt64/2 || count > math.MaxInt64/2 {
			return errHashRandRange
		}
	}
	h, err := hashRead(c)
	if err != nil {
		return err
	}
	if h == nil || count == 0 {
		c.Out.Array(0)
		return nil
	}
	pairs := h.pairs()
	if count < 0 {
		// Repeats allowed, in random order (CASE 1), written as drawn: a
		// huge count costs the reply, not a list of picks as well.
		hashReplyHeader(c, -count, withValues)
		for range -count {
			hashReplyPair(c, pairs[rand.IntN(len(pairs))], withValues)
		}
		return nil
	}
	if count >= int64(len(pairs)) {
		// The whole hash, in its order (CASE 2).
		hashReplyHeader(c, int64(len(pairs)), withValues)
		for _, p := range pairs {
			hashReplyPair(c, p, withValues)
		}
		return nil
	}
	// count distinct fields: a partial Fisher-Yates shuffle, then back in
	// the hash's order, as Redis's lpRandomPairsUnique returns them.
	idx := make([]int, len(pairs))
	for i := range idx {
		idx[i] = i
	}
	for i := range int(count) {
		j := i + rand.IntN(len(idx)-i)
		idx[i], idx[j] = idx[j], idx[i]
	}
	picks := idx[:count]
	slices.Sort(picks)
	hashReplyHeader(c, count, withValues)
	for _, i := range picks {
		hashReplyPair(c, pairs[i], withValues)
	}
	return nil
}

// hashPair is one field and its value, valid until the hash changes.
type hashPair struct{ field, value []byte }

// pairs returns the hash's pairs in Range order.
func (h *Hash) pairs() []hashPair {
	out := make([]hashPair, 0, h.Len())
	h.Range(func(f, v []byte) bool {
		out = append(out, hashPair{f, v})
		return true
	})
	return out
}

// random returns one pair: uniformly while packed; for a hashtable the
// first pair of a map iteration, which starts at a random place (O(1),
// close to uniform, as Redis's dictGetFairRandomKey is). The hash must
// not be empty.
func (h *Hash) random() (field, value []byte) {
	i := 0
	if h.m == nil {
		i = rand.IntN(h.n)
	}
	h.Range(func(f, v []byte) bool {
		if i == 0 {
			field, value = f, v
			return false
		}
		i--
		return true
	})
	return field, value
}

// hashReplyHeader starts a reply of n fields, or of n pairs: a flat
// array in RESP2, an array of [field, value] arrays in RESP3.
func hashReplyHeader(c *command.Ctx, n int64, withValues bool) {
	if withValues && c.Out.Proto() != 3 {
		n *= 2
	}
	c.Out.Array(int(n))
}

// hashReplyPair writes one element of a hashReplyHeader reply.
func hashReplyPair(c *command.Ctx, p hashPair, withValues bool) {
	if !withValues {
		c.Out.Bulk(p.field)
		return
	}
	if c.Out.Proto() == 3 {
		c.Out.Array(2)
	}
	c.Out.Bulk(p.field)
	c.Out.Bulk(p.value)
}
