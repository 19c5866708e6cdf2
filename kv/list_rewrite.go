package kv

import "github.com/brokerd/brokerd/command"

var _ command.Rewriter = (*List)(nil)

// Rewrite limits: one RPUSH carries at most this many elements or bytes,
// so a huge list becomes several snapshot records of bounded size.
const (
	rewritePushElems = 1000
	rewritePushBytes = 256 << 10
)

// Rewrite implements command.Rewriter: the elements in order, as RPUSH
// key e1 ... en commands. Node boundaries may differ from the live list's,
// and a one-node quicklist of 4 to 8 KB comes back as a listpack, as it
// does when Redis loads an RDB file; the elements do not change.
func (l *List) Rewrite(key []byte, emit func(args ...[]byte)) {
	args := [][]byte{[]byte("RPUSH"), key}
	size := 0
	l.Range(0, false, func(e []byte) bool {
		args = append(args, e)
		size += len(e)
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
