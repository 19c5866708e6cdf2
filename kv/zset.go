package kv

import "github.com/brokerd/brokerd/command"

// ZSet is the sorted-set type: members ordered by (score, member bytes),
// as Redis orders them. A small set is one packed byte slice (zlistpack,
// Redis's listpack encoding); once it grows past Redis's listpack limits it
// becomes a pair of B-trees (zskiplist, standing in for Redis's skiplist
// plus dict) and stays one, as in Redis. OBJECT ENCODING follows the same
// history as Redis's.
//
// Ranks are 0-based positions in (score, member) order. Every operation
// is written once against the few primitives below, which each encoding
// provides: linear scans on the packed form (at most 128 entries, as
// Redis's listpack), O(log n) on the trees.
//
// An empty ZSet is never stored: commands delete the key instead, as
// Redis does. Not safe for concurrent use; commands hold the keyspace lock.
type ZSet struct {
	lp zlistpack  // the listpack encoding, used while sl is nil
	sl *zskiplist // the skiplist encoding, once converted
}

// Redis 7.2's defaults for zset-max-listpack-entries and
// zset-max-listpack-value.
const (
	zsetMaxListpackEntries = 128
	zsetMaxListpackValue   = 64
)

// newZSet returns an empty set in the encoding Redis's zsetTypeCreate
// picks for about sizeHint members of up to maxLen bytes.
func newZSet(sizeHint, maxLen int) *ZSet {
	z := &ZSet{}
	if sizeHint > zsetMaxListpackEntries || maxLen > zsetMaxListpackValue {
		z.sl = newZSkiplist()
	}
	return z
}

// Type implements command.Value.
func (z *ZSet) Type() string { return "zset" }

// Encoding implements command.Value.
func (z *ZSet) Encoding() string {
	if z.sl != nil {
		return "skiplist"
	}
	return "listpack"
}

// Clone implements command.Value. The packed form is copied; the trees are
// shared copy-on-write (tidwall/btree's Copy), so cloning a large set for
// a snapshot costs O(1) and later writes copy only the nodes they touch.
func (z *ZSet) Clone() command.Value {
	if z.sl != nil {
		return &ZSet{sl: z.sl.clone()}
	}
	return &ZSet{lp: z.lp.clone()}
}

// Len is the number of members.
func (z *ZSet) Len() int {
	if z.sl != nil {
		return z.sl.len()
	}
	return z.lp.n
}

// Score returns member's score.
func (z *ZSet) Score(member []byte) (float64, bool) {
	if z.sl != nil {
		return z.sl.score(member)
	}
	return z.lp.score(member)
}

// Set adds member with score or moves it to score, converting to the
// skiplist encoding first when the listpack would pass its limits
// (zsetAdd). score must not be NaN. It reports whether member is new.
func (z *ZSet) Set(member []byte, score float64) bool {
	if score == 0 {
		score = 0 // NB: -0 sorts and prints as 0, as Redis's listpack stores it
	}
	if z.sl == nil {
		if _, ok := z.lp.score(member); ok {
			z.lp.remove(member)
			z.lp.insert(member, score)
			return false
		}
		if z.lp.n+1 <= zsetMaxListpackEntries && len(member) <= zsetMaxListpackValue {
			z.lp.insert(member, score)
			return true
		}
		z.convert()
	}
	return z.sl.set(member, score)
}

// convert moves a listpack set into the skiplist encoding.
func (z *ZSet) convert() {
	sl := newZSkiplist()
	z.lp.each(0, false, func(m []byte, s float64) bool {
		sl.set(m, s)
		return true
	})
	z.sl, z.lp = sl, zlistpack{}
}

// Remove deletes member and reports whether it was there.
func (z *ZSet) Remove(member []byte) bool {
	if z.sl != nil {
		return z.sl.remove(member)
	}
	return z.lp.remove(member)
}

// At returns the member and score at rank i (0 <= i < Len). The member is
// valid until the set changes.
func (z *ZSet) At(i int) ([]byte, float64) {
	if z.sl != nil {
		return z.sl.at(i)
	}
	return z.lp.at(i)
}

// Each calls fn for members from rank start towards the end (towards rank
// 0 when rev) until fn returns false. Members are valid until the set
// changes; fn must not change it.
func (z *ZSet) Each(start int, rev bool, fn func(member []byte, score float64) bool) {
	if start < 0 || start >= z.Len() {
		return
	}
	if z.sl != nil {
		z.sl.each(start, rev, fn)
		return
	}
	z.lp.each(start, rev, fn)
}

// Search returns the first rank whose entry satisfies in, or Len when
// none does; in must be false for a prefix of the order and true after it
// (sort.Search over ranks).
func (z *ZSet) Search(in func(member []byte, score float64) bool) int {
	if z.sl != nil {
		return z.sl.search(in)
	}
	return z.lp.search(in)
}

// Rank returns member's rank and score.
func (z *ZSet) Rank(member []byte) (int, float64, bool) {
	score, ok := z.Score(member)
	if !ok {
		return 0, 0, false
	}
	return z.Search(func(m []byte, s float64) bool { return !zless(m, s, member, score) }), score, true
}

// DeleteRange removes the members of ranks [start, stop).
func (z *ZSet) DeleteRange(start, stop int) {
	if start >= stop {
		return
	}
	if z.sl != nil {
		z.sl.deleteRange(start, stop)
		return
	}
	z.lp.deleteRange(start, stop)
}

// zless is the set's order: by score, then by member bytes.
func zless(m1 []byte, s1 float64, m2 []byte, s2 float64) bool {
	if s1 != s2 {
		return s1 < s2
	}
	return string(m1) < string(m2)
}

// zsetAt returns the ZSet in v: nil for a missing key, ErrWrongType for a
// value of another type.
func zsetAt(v command.Value) (*ZSet, error) {
	if v == nil {
		return nil, nil
	}
	z, ok := v.(*ZSet)
	if !ok {
		return nil, command.ErrWrongType
	}
	return z, nil
}

// zsetWritten finishes a command that changed the set at key: an empty
// set is deleted (Redis never keeps one) with its "del" event; otherwise
// the change is recorded. Caller holds the write lock.
func zsetWritten(c *command.Ctx, key []byte, z *ZSet) {
	if z.Len() == 0 {
		c.DB.Delete(key)
		c.Notify(command.NotifyGeneric, "del", key)
		return
	}
	c.DB.Update(key)
}
