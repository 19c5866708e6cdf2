package kv

import "github.com/brokerd/brokerd/command"

var _ command.Rewriter = (*Hash)(nil)

// Rewrite limits: one HSET carries at most this many pairs or bytes, so a
// huge hash becomes several snapshot records of bounded size.
const (
	rewriteHashPairs = 1000
	rewriteHashBytes = 256 << 10
)

// Rewrite implements command.Rewriter: the pairs in Range order, as HSET
// key f1 v1 ... commands. A packed hash comes back packed, in the same
// order. A hashtable of at most 512 short pairs comes back packed, as
// Redis's RDB loading makes it a listpack; its pairs do not change.
func (h *Hash) Rewrite(key []byte, emit func(args ...[]byte)) {
	args := [][]byte{[]byte("HSET"), key}
	size := 0
	h.Range(func(f, v []byte) bool {
		args = append(args, f, v)
		size += len(f) + len(v)
		if (len(args)-2)/2 >= rewriteHashPairs || size >= rewriteHashBytes {
			emit(args...)
			args, size = args[:2], 0
		}
		return true
	})
	if len(args) > 2 {
		emit(args...)
	}
}
