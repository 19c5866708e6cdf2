package kv

import "github.com/brokerd/brokerd/command"

var _ command.Rewriter = (*Set)(nil)

// Rewrite implements command.Rewriter: the members as SADD key m1 ... mn
// commands, at most rewritePushElems members or rewritePushBytes bytes
// each (list_rewrite.go). SADD sizes a new set for its members as Redis's
// RDB loading does, so an intset or listpack comes back in its encoding,
// and a hashtable of few small members comes back compact, as from an RDB
// file. NB: a listpack whose first member is an integer is rebuilt from an
// intset, so its integers come back first, in ascending order, or, if it
// holds only integers, as an intset.
func (s *Set) Rewrite(key []byte, emit func(args ...[]byte)) {
	b := newRewriteBatch("SADD", key, emit)
	s.Each(func(m []byte) bool {
		b.add(append([]byte(nil), m...)) // an intset's member is formatted in a scratch buffer
		return true
	})
	b.flush()
}
