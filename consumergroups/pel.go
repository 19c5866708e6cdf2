package consumergroups

import (
	"sync/atomic"

	"github.com/brokerd/brokerd/streams"
	"github.com/tidwall/btree"
)

// chunkCap is how many items a chunk holds at most. Items are stored by
// value in the chunk's slice, so a pending entry costs its own size plus
// 1/chunkCap of an index node, and the GC scans nothing per entry.
const chunkCap = 128

// keyed is an item of an idSet: it is ordered by its ID.
type keyed interface{ key() streams.ID }

// idSet is an ordered set of items keyed by stream ID, stored as sorted
// chunks of up to chunkCap items in a B-tree keyed by each chunk's lower
// bound. Appending in ID order (the way XREADGROUP ">" delivers) fills
// every chunk completely, where a plain B-tree leaves its nodes half
// full; acknowledging in order empties and frees chunks from the front.
//
// Clones share chunks copy-on-write (see Clone): a set changes only the
// chunks that carry its generation, and gives itself a copy of any other
// chunk first (own). Get is one of the changing calls, since its callers
// write through the pointer it returns.
//
// Cost: Get, Insert and Delete are O(log(n/chunkCap) + chunkCap) with the
// chunkCap part a memmove, plus a chunk copy the first time a chunk
// shared with a clone is touched. Not safe for concurrent changes (the
// keyspace write lock guards them); see Clone and Get for what may run
// under the read lock.
type idSet[T keyed] struct {
	index *btree.BTreeG[setNode[T]]
	n     int
	// gen is the set's generation: the chunks that carry it are the
	// set's own. Atomic because Clone, which changes it, may run under
	// the keyspace read lock while readers call Get.
	gen atomic.Uint64
}

// setNode is an index item. NB: low <= every item of the chunk and >
// every item of the chunks before it; deleting items keeps that true,
// and an insert below the first chunk's low re-keys it.
type setNode[T keyed] struct {
	low streams.ID
	ref *chunkRef[T]
}

// chunkRef is a set's own hold on one chunk: clones share chunks but
// never refs, so a set can swap a chunk for its own copy without
// changing its index, even under the read lock (Get).
type chunkRef[T keyed] struct{ p atomic.Pointer[chunk[T]] }

// chunk is a sorted run of items. NB: a chunk whose owner is not its
// set's generation may be read by other sets (and by a snapshot being
// written without the lock), so it is never written again.
type chunk[T keyed] struct {
	owner uint64
	items []T
}

// setGens hands out set generations (0 is never one, so a set's first
// chunks, made with its first generation, are told from shared ones).
var setGens atomic.Uint64

func newIDSet[T keyed]() *idSet[T] {
	s := &idSet[T]{index: btree.NewBTreeGOptions(func(a, b setNode[T]) bool { return a.low.Less(b.low) },
		btree.Options{NoLocks: true})}
	s.gen.Store(setGens.Add(1))
	return s
}

// newChunk returns a ref to a new chunk of s holding items.
func (s *idSet[T]) newChunk(items []T) *chunkRef[T] {
	r := new(chunkRef[T])
	r.p.Store(&chunk[T]{owner: s.gen.Load(), items: items})
	return r
}

// own returns r's chunk, first replacing it with a copy of s's own when
// it is shared with a clone. Concurrent calls (readers' Get under the
// read lock) may each copy; one copy wins and the others are only read.
func (s *idSet[T]) own(r *chunkRef[T]) *chunk[T] {
	c := r.p.Load()
	gen := s.gen.Load()
	if c.owner == gen {
		return c
	}
	items := make([]T, len(c.items), cap(c.items))
	copy(items, c.items)
	own := &chunk[T]{owner: gen, items: items}
	if r.p.CompareAndSwap(c, own) {
		return own
	}
	return r.p.Load()
}

// Len is the number of items.
func (s *idSet[T]) Len() int { return s.n }

// chunkFor returns the chunk whose range holds id (the one with the
// greatest low <= id), or false when id is below every chunk.
func (s *idSet[T]) chunkFor(id streams.ID) (setNode[T], bool) {
	var found setNode[T]
	ok := false
	s.index.Descend(setNode[T]{low: id}, func(n setNode[T]) bool {
		found, ok = n, true
		return false
	})
	return found, ok
}

// search returns the index of id in items, or where it would go.
func search[T keyed](items []T, id streams.ID) (int, bool) {
	lo, hi := 0, len(items)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if items[m].key().Less(id) {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo, lo < len(items) && items[lo].key() == id
}

// Get returns a pointer to the item with id, valid until the set is next
// changed, or nil. Callers may change the item through it (not its ID),
// so Get gives the set its own copy of a shared chunk first; it is safe
// under the read lock all the same (see own).
func (s *idSet[T]) Get(id streams.ID) *T {
	n, ok := s.chunkFor(id)
	if !ok {
		return nil
	}
	if i, found := search(n.ref.p.Load().items, id); found {
		return &s.own(n.ref).items[i]
	}
	return nil
}

// Insert adds item, replacing an item with the same ID.
func (s *idSet[T]) Insert(item T) {
	id := item.key()
	n, ok := s.chunkFor(id)
	if !ok {
		first, any := s.index.Min()
		if !any {
			items := make([]T, 1, 4)
			items[0] = item
			s.index.Set(setNode[T]{low: id, ref: s.newChunk(items)})
			s.n++
			return
		}
		// Below every chunk: the first chunk takes it and its new low.
		s.index.Delete(first)
		first.low = id
		s.index.Set(first)
		n = first
	}
	c := s.own(n.ref)
	items := c.items
	i, found := search(items, id)
	if found {
		items[i] = item
		return
	}
	s.n++
	if len(items) < cap(items) {
		items = append(items, item)
		copy(items[i+1:], items[i:])
		items[i] = item
		c.items = items
		return
	}
	if len(items) < chunkCap {
		grown := make([]T, len(items)+1, min(2*cap(items), chunkCap))
		copy(grown, items[:i])
		grown[i] = item
		copy(grown[i+1:], items[i:])
		c.items = grown
		return
	}
	if i == len(items) {
		// A full chunk and an item past its end (in-order delivery): start
		// the next chunk rather than split, so chunks stay full.
		next := make([]T, 1, 4)
		next[0] = item
		s.index.Set(setNode[T]{low: id, ref: s.newChunk(next)})
		return
	}
	half := len(items) / 2
	right := make([]T, len(items)-half, chunkCap)
	copy(right, items[half:])
	left := items[:half:chunkCap]
	clear(items[half:])
	if i < half {
		left = append(left, item)
		copy(left[i+1:], left[i:])
		left[i] = item
	} else {
		j := i - half
		right = append(right, item)
		copy(right[j+1:], right[j:])
		right[j] = item
	}
	c.items = left
	s.index.Set(setNode[T]{low: right[0].key(), ref: s.newChunk(right)})
}

// Delete removes the item with id and returns it.
func (s *idSet[T]) Delete(id streams.ID) (T, bool) {
	var zero T
	n, ok := s.chunkFor(id)
	if !ok {
		return zero, false
	}
	i, found := search(n.ref.p.Load().items, id)
	if !found {
		return zero, false
	}
	s.n--
	c := n.ref.p.Load()
	if len(c.items) == 1 {
		// The chunk goes: no need to own it.
		s.index.Delete(n)
		return c.items[0], true
	}
	c = s.own(n.ref)
	items := c.items
	old := items[i]
	copy(items[i:], items[i+1:])
	items[len(items)-1] = zero
	items = items[:len(items)-1]
	if cap(items) > 8 && len(items) < cap(items)/4 {
		// Mostly acknowledged: give the memory back.
		shrunk := make([]T, len(items), cap(items)/2)
		copy(shrunk, items)
		items = shrunk
	}
	c.items = items
	return old, true
}

// Ascend calls fn for each item with ID >= from, in order, until fn
// returns false. fn must not change the set, nor the items.
func (s *idSet[T]) Ascend(from streams.ID, fn func(*T) bool) {
	pivot := setNode[T]{low: from}
	if n, ok := s.chunkFor(from); ok {
		pivot = n
	}
	s.index.Ascend(pivot, func(n setNode[T]) bool {
		items := n.ref.p.Load().items
		i, _ := search(items, from)
		for ; i < len(items); i++ {
			if !fn(&items[i]) {
				return false
			}
		}
		return true
	})
}

// First returns the first item with ID >= from.
func (s *idSet[T]) First(from streams.ID) (T, bool) {
	var out T
	ok := false
	s.Ascend(from, func(it *T) bool {
		out, ok = *it, true
		return false
	})
	return out, ok
}

// Last returns the greatest item.
func (s *idSet[T]) Last() (T, bool) {
	var zero T
	n, ok := s.index.Max()
	if !ok {
		return zero, false
	}
	items := n.ref.p.Load().items
	return items[len(items)-1], true
}

// Clone returns a copy that shares the chunks with s, copy-on-write: both
// sets get a new generation, so neither owns a shared chunk any more and
// each copies a chunk before it first changes it (own). The clone gets
// an index and refs of its own. Cost: O(n/chunkCap), nothing per item.
//
// NB: Clone may run under the keyspace read lock (a snapshot's copy)
// while readers call Get on s, which may swap a chunk of s for a copy
// owned by s's generation. Clone therefore reads s's chunks before it
// changes s's generation: a chunk it reads was made under an older
// generation of s, so s copies it again before a change.
func (s *idSet[T]) Clone() *idSet[T] {
	c := newIDSet[T]()
	refs := make([]chunkRef[T], s.index.Len()) // one allocation for all
	i := 0
	s.index.Scan(func(n setNode[T]) bool {
		r := &refs[i]
		i++
		r.p.Store(n.ref.p.Load())
		c.index.Load(setNode[T]{low: n.low, ref: r})
		return true
	})
	c.n = s.n
	s.gen.Store(setGens.Add(1))
	return c
}

// pendingEntry is one entry of a group's PEL (Redis's streamNACK): 40
// bytes by value, no pointers.
type pendingEntry struct {
	id streams.ID
	// deliveryTime is the Unix time in ms of the last delivery.
	deliveryTime int64
	// deliveries is the delivery count (Redis's delivery_count).
	deliveries int64
	// consumer is the owner's slot in Group.consumers.
	consumer uint32
}

func (p pendingEntry) key() streams.ID { return p.id }

// idItem is an entry of a consumer's own PEL: just the ID; the delivery
// data lives in the group's PEL.
type idItem streams.ID

func (i idItem) key() streams.ID { return streams.ID(i) }
