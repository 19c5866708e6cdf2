package kv

import "github.com/brokerd/brokerd/command"

var _ command.Rewriter = (*ZSet)(nil)

// Rewrite implements command.Rewriter: the members in order as ZADD key
// score member ... commands of at most rewritePushElems pairs or about
// rewritePushBytes bytes. Scores print in their shortest exact form, so
// they parse back to the same float64. A skiplist set small enough for a
// listpack comes back as one, as it does when Redis loads an RDB file.
func (z *ZSet) Rewrite(key []byte, emit func(args ...[]byte)) {
	b := newRewriteBatch("ZADD", key, emit)
	z.Each(0, false, func(m []byte, s float64) bool {
		b.add(command.AppendDouble(nil, s), m)
		return true
	})
	b.flush()
}
