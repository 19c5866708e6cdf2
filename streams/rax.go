package streams

import (
	"encoding/binary"
	"math/bits"
)

// raxNodes is the node count Redis's rax would have holding the block
// keys (XINFO STREAM's radix-tree-nodes). Redis keys each listpack by its
// master entry's ID, 16 bytes big-endian, which is our block's first ID.
//
// A rax is a compressed trie with one node per key end (a leaf here:
// every key has 16 bytes, so none is a prefix of another), one branching
// node where keys diverge, and one compressed node for each run of bytes
// that only one path takes: the root's common prefix, and the rest of an
// edge below a branching node after its first byte, which the branching
// node holds. An empty rax is its root alone. raxRemove re-compresses
// what a removal leaves, so the shape depends on the keys only.
//
// Cost: O(blocks) time and 16 bytes per block, on each call.
func (s *Stream) raxNodes() int64 {
	n := s.index.Len()
	if n == 0 {
		return 1
	}
	keys := make([][16]byte, 0, n)
	s.index.Scan(func(nd node) bool {
		var k [16]byte
		binary.BigEndian.PutUint64(k[:8], nd.first.Ms)
		binary.BigEndian.PutUint64(k[8:], nd.first.Seq)
		keys = append(keys, k)
		return true
	})
	top := commonPrefix(keys[0], keys[n-1]) // keys are sorted
	var count int64
	if top > 0 {
		count++ // the root, compressed
	}
	return count + raxSubtree(keys, top)
}

// raxSubtree counts the nodes of the trie of keys (sorted, sharing their
// first depth bytes and diverging at depth, or a single key when depth
// is 16): the node at depth, and below it each child's compressed edge
// remainder and subtree.
func raxSubtree(keys [][16]byte, depth int) int64 {
	count := int64(1)
	if len(keys) == 1 {
		return count
	}
	for lo := 0; lo < len(keys); {
		hi := lo + 1
		for hi < len(keys) && keys[hi][depth] == keys[lo][depth] {
			hi++
		}
		child := 16
		if hi-lo > 1 {
			child = commonPrefix(keys[lo], keys[hi-1])
		}
		if child-depth > 1 {
			count++ // the edge's bytes after the one the branching node holds
		}
		count += raxSubtree(keys[lo:hi], child)
		lo = hi
	}
	return count
}

// commonPrefix is the number of leading bytes a and b share.
func commonPrefix(a, b [16]byte) int {
	x := binary.BigEndian.Uint64(a[:8]) ^ binary.BigEndian.Uint64(b[:8])
	if x != 0 {
		return bits.LeadingZeros64(x) / 8
	}
	y := binary.BigEndian.Uint64(a[8:]) ^ binary.BigEndian.Uint64(b[8:])
	return 8 + bits.LeadingZeros64(y)/8 // 16 when equal
}
