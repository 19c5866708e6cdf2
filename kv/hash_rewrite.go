package kv

import "github.com/brokerd/brokerd/command"

var _ command.Rewriter = (*Hash)(nil)

// Rewrite implements command.Rewriter: the pairs in Range order, as HSET
// key f1 v1 ... commands. A packed hash comes back packed, in the same
// order. A hashtable of at most 512 short pairs comes back packed, as
// Redis's RDB loading makes it a listpack; its pairs do not change.
func (h *Hash) Rewrite(key []byte, emit func(args ...[]byte)) {
	b := newRewriteBatch("HSET", key, emit)
	h.Range(func(f, v []byte) bool {
		b.add(f, v)
		return true
	})
	b.flush()
}
