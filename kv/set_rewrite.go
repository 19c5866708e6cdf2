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
	args := [][]byte{[]byte("SADD"), key}
	size := 0
	s.Each(func(m []byte) bool {
		args = append(args, append([]byte(nil), m...))
		size += len(m)
		if len(args)-2 >= rewritePushElems || size >= rewritePushBytes {
			emit(args...)
			args, size = args[:2], 0
		}
		return true
	})
	if len(args) > 2 {
		emit(args...)
	}
}
