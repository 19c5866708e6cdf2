package kv

// Rewrite limits: one command of a snapshot carries at most this many
// elements (list elements, set members, hash pairs, scored members) or
// about this many bytes, so a huge value becomes several snapshot records
// of bounded size.
const (
	rewritePushElems = 1000
	rewritePushBytes = 256 << 10
)

// rewriteBatch gathers a value's elements into commands "NAME key e1 e2
// ..." within the rewrite limits, for command.Rewriter.
type rewriteBatch struct {
	args        [][]byte
	size, elems int
	emit        func(args ...[]byte)
}

func newRewriteBatch(name string, key []byte, emit func(args ...[]byte)) *rewriteBatch {
	return &rewriteBatch{args: [][]byte{[]byte(name), key}, emit: emit}
}

// add appends one element, given as its arguments (a member; a field and
// its value; a score and its member), and emits the command once full.
// The arguments are kept until then: they must not be scratch buffers.
func (b *rewriteBatch) add(parts ...[]byte) {
	b.args = append(b.args, parts...)
	for _, p := range parts {
		b.size += len(p)
	}
	b.elems++
	if b.elems >= rewritePushElems || b.size >= rewritePushBytes {
		b.flush()
	}
}

// flush emits what is gathered, if anything.
func (b *rewriteBatch) flush() {
	if b.elems > 0 {
		b.emit(b.args...)
		clear(b.args[2:])
		b.args, b.size, b.elems = b.args[:2], 0, 0
	}
}
