package kv

import "github.com/brokerd/brokerd/command"

var _ command.Rewriter = (*ZSet)(nil)

// Rewrite implements command.Rewriter: the members in order as ZADD key
// score member ... commands of at most rewritePushElems pairs or about
// rewritePushBytes bytes. Scores print in their shortest exact form, so
// they parse back to the same float64. A skiplist set small enough for a
// listpack comes back as one, as it does when Redis loads an RDB file.
func (z *ZSet) Rewrite(key []byte, emit func(args ...[]byte)) {
	args := [][]byte{[]byte("ZADD"), key}
	size := 0
	z.Each(0, false, func(m []byte, s float64) bool {
		args = append(args, command.AppendDouble(nil, s), m)
		size += len(m) + 8
		if (len(args)-2)/2 >= rewritePushElems || size >= rewritePushBytes {
			emit(args...)
			args, size = args[:2], 0
		}
		return true
	})
	if len(args) > 2 {
		emit(args...)
	}
}
