package kv

import "github.com/brokerd/brokerd/command"

var _ command.Rewriter = (*List)(nil)

// Rewrite implements command.Rewriter: the elements in order, as RPUSH
// key e1 ... en commands. Node boundaries may differ from the live list's,
// and a one-node quicklist of 4 to 8 KB comes back as a listpack, as it
// does when Redis loads an RDB file; the elements do not change.
func (l *List) Rewrite(key []byte, emit func(args ...[]byte)) {
	b := newRewriteBatch("RPUSH", key, emit)
	l.Range(0, false, func(e []byte) bool {
		b.add(e)
		return true
	})
	b.flush()
}
