package streams

import "sync/atomic"

// Copy-on-write sharing of blocks between a stream and its clones.
//
// Stream.Clone shares every block, and the index (lazily, through
// tidwall/btree's own copy-on-write), and gives both streams a fresh
// generation. A block carries the generation of the one stream that may
// change it; NB: a block whose generation is not its stream's may be read
// by another stream (or by a snapshot being written without the lock),
// so no byte and no field of it is written again. Every change to a block
// (appending, flagging a deletion, compacting, shrinking) goes through
// own first, which gives the stream a copy of its own in that case.

// generations hands out stream generations. Atomic because streams of
// different servers (tests run several in one process) clone under
// different locks.
var generations atomic.Uint64

func nextGen() uint64 { return generations.Add(1) }

// own returns b if s may change it, and otherwise a copy of b that s owns
// and that replaces b in s's index (and as s's tail). The copy keeps b's
// buffer capacity, so appending to a copied tail block does not grow it
// at once. Caller holds the keyspace write lock. Cost: a copy of b (at
// most about nodeMaxBytes) and O(log blocks) when it is shared.
func (s *Stream) own(b *block) *block {
	if b.gen == s.gen {
		return b
	}
	return s.copyBlock(b)
}

// copyBlock is own's slow path, apart so that own inlines.
func (s *Stream) copyBlock(b *block) *block {
	c := b.clone(cap(b.buf))
	c.gen = s.gen
	s.index.Set(node{c.first, c})
	if s.tail == b {
		s.tail = c
	}
	return c
}

// owns reports whether s may change b in place.
func (s *Stream) owns(b *block) bool { return b.gen == s.gen }
