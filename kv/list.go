package kv

import (
	"math"
	"math/bits"

	"github.com/brokerd/brokerd/command"
)

// List is the list type: a deque of chunks (list_chunk.go), each holding
// its elements packed in one []byte, as Redis's quicklist of listpacks. A
// list of small jobs costs a few bytes over the jobs themselves, with no
// heap object per element, and both ends push and pop in amortized O(1).
//
// The chunk boundaries follow Redis 7.2's quicklist rules for
// list-max-listpack-size -2 (8 KB nodes, sizes counted in listpack bytes),
// and quick mirrors Redis's encoding, so OBJECT ENCODING answers what Redis
// would: "listpack" while the list is one small node, "quicklist" once it
// has grown past one node (see grow and shrink).
//
// An empty List is never stored: commands delete the key instead, as
// Redis does. Not safe for concurrent use; commands hold the keyspace lock.
type List struct {
	chunks chunkRing
	n      int
	quick  bool
	// slab is the size, in nodes, of the last slab cut at the front [0]
	// and at the back [1] (see newNode); a pop that drops a node at that
	// end resets it, so a list that only breathes there gets one node at
	// a time, as Redis would allocate.
	slab [2]int32
}

// Redis 7.2 listpack and quicklist constants.
const (
	// lpEmpty is the size of an empty listpack: its header and end byte.
	lpEmpty = 7
	// nodeLimit is quicklist's size limit for fill -2 (the default
	// list-max-listpack-size): a node holds up to 8 KB of listpack.
	nodeLimit = 8192
	// nodeInsertOverhead is quicklist's SIZE_ESTIMATE_OVERHEAD, added to an
	// element's length when deciding whether it fits in a node.
	nodeInsertOverhead = 8
)

// Type implements command.Value.
func (l *List) Type() string { return "list" }

// Encoding implements command.Value.
func (l *List) Encoding() string {
	if l.quick {
		return "quicklist"
	}
	return "listpack"
}

// Clone implements command.Value: same elements, same node boundaries,
// same encoding (Redis's listTypeDup). It costs O(nodes), not O(elements):
// the clone reads the same node buffers, copy-on-write (see chunk).
// Whichever list later changes a shared byte copies that node first;
// pushes and pops at the ends copy nothing, so a snapshot's pre-image of a
// queue being pushed to costs a ring of node headers, not the jobs. NB: it
// marks l's nodes shared, so it writes to l although l does not change.
// Caller holds the keyspace write lock, or the read lock as the one
// snapshot capture that may run at a time: no other reader looks at the
// marks.
func (l *List) Clone() command.Value {
	out := &List{n: l.n, quick: l.quick}
	if l.chunks.n > 0 {
		out.chunks.resize(1 << bits.Len(uint(l.chunks.n-1)))
	}
	for i := 0; i < l.chunks.n; i++ {
		out.chunks.pushBack(l.chunks.at(i).share())
	}
	return out
}

// Len is the number of elements.
func (l *List) Len() int { return l.n }

// lpEntrySize is the size of e as a listpack entry: Redis stores strings
// that are canonical integers as integers, in 1 to 9 bytes, and other
// strings with a 1, 2 or 5 byte header; then the entry's length again
// (backlen) in 1 to 5 bytes.
func lpEntrySize(e []byte) int {
	var enc int
	if v, ok := command.ParseInt(e); ok {
		switch {
		case v >= 0 && v <= 127:
			enc = 1
		case v >= -4096 && v <= 4095:
			enc = 2
		case v >= -32768 && v <= 32767:
			enc = 3
		case v >= -8388608 && v <= 8388607:
			enc = 4
		case v >= math.MinInt32 && v <= math.MaxInt32:
			enc = 5
		default:
			enc = 9
		}
	} else {
		switch n := len(e); {
		case n < 64:
			enc = 1 + n
		case n < 4096:
			enc = 2 + n
		default:
			enc = 5 + n
		}
	}
	switch {
	case enc <= 127:
		return enc + 1
	case enc < 16383:
		return enc + 2
	case enc < 2097151:
		return enc + 3
	case enc < 268435455:
		return enc + 4
	}
	return enc + 5
}

// lpBytes is the size of the list as one listpack, valid while it is one.
func (l *List) lpBytes() int {
	if l.chunks.n == 0 {
		return lpEmpty
	}
	return int(l.chunks.at(0).lpsz)
}

// grow switches a listpack list to quicklist before adding count elements
// of addBytes bytes in total would take it past one node
// (listTypeTryConversionAppend; Redis counts raw string lengths here).
func (l *List) grow(addBytes int) {
	if !l.quick && l.lpBytes()+addBytes > nodeLimit {
		l.quick = true
	}
}

// shrink switches a quicklist list back to listpack once it is one node of
// at most half the limit, so a list hovering at the limit does not convert
// on every change (listTypeTryConvertQuicklist with shrinking set).
func (l *List) shrink() {
	if l.quick && l.chunks.n == 1 && l.chunks.at(0).lpsz <= nodeLimit/2 {
		l.quick = false
	}
}

// fits reports whether an element of n bytes may join node c
// (_quicklistNodeAllowInsert). A listpack list is one node without limit.
func (l *List) fits(c *chunk, n int) bool {
	return !l.quick || int(c.lpsz)+n+nodeInsertOverhead <= nodeLimit
}

// newNode returns an empty node for an element of n bytes about to be
// pushed at the front or the back. A quicklist node is likely to fill up
// from that end, so it gets its room at once, carved from the free space
// its neighbour was given: the nodes at an end of a long list are cut one
// after another from one buffer (a slab), so a full node wastes nothing
// and growing never copies.
func (l *List) newNode(n int, front bool) chunk {
	if l.quick && l.chunks.n > 0 {
		var nc chunk
		var ok bool
		if front {
			nc, ok = l.chunks.at(0).carveFront()
		} else {
			nc, ok = l.chunks.at(l.chunks.n - 1).carveBack()
		}
		if ok {
			return nc
		}
	}
	c := chunk{lpsz: lpEmpty}
	if l.quick {
		c.room(max(elemSize(n), maxChunkCap*l.nextSlab(front)), front)
	}
	return c
}

// nextSlab is the size in nodes of a new slab at one end: double the last
// one, up to a quarter of the list's nodes and to 128 (1 MB), so a list
// that stops growing wastes at most a fifth of its size, and a long one
// about 0.4%.
func (l *List) nextSlab(front bool) int {
	end := 1
	if front {
		end = 0
	}
	size := min(max(2*int(l.slab[end]), 1), max(l.chunks.n/4, 1), 128)
	l.slab[end] = int32(size)
	return size
}

// PushBack appends e (copied). Callers run grow first.
func (l *List) PushBack(e []byte) {
	lp := lpEntrySize(e)
	if l.chunks.n == 0 || !l.fits(l.chunks.at(l.chunks.n-1), len(e)) {
		l.chunks.pushBack(l.newNode(len(e), false))
	}
	l.chunks.at(l.chunks.n-1).pushBack(e, lp)
	l.n++
}

// PushFront prepends e (copied). Callers run grow first.
func (l *List) PushFront(e []byte) {
	lp := lpEntrySize(e)
	if l.chunks.n == 0 || !l.fits(l.chunks.at(0), len(e)) {
		l.chunks.pushFront(l.newNode(len(e), true))
	}
	l.chunks.at(0).pushFront(e, lp)
	l.n++
}

// PopFront removes and returns the first element. The slice is valid until
// the list changes again. The list must not be empty.
func (l *List) PopFront() []byte {
	c := l.chunks.at(0)
	e := c.popFront()
	if c.count == 0 {
		l.chunks.popFront()
		l.slab[0] = 0
	}
	l.n--
	return e
}

// PopBack removes and returns the last element (see PopFront).
func (l *List) PopBack() []byte {
	c := l.chunks.at(l.chunks.n - 1)
	e := c.popBack()
	if c.count == 0 {
		l.chunks.popBack()
		l.slab[1] = 0
	}
	l.n--
	return e
}

// trim removes n elements from the front or the back, whole nodes at a
// time where it can (quicklistDelRange: nodes emptied are dropped, none
// are merged).
func (l *List) trim(n int, front bool) {
	end := 1
	if front {
		end = 0
	}
	for n > 0 {
		ci := 0
		if !front {
			ci = l.chunks.n - 1
		}
		c := l.chunks.at(ci)
		if int(c.count) > n {
			if front {
				c.deleteRange(0, n)
			} else {
				c.deleteRange(int(c.count)-n, n)
			}
			l.n -= n
			return
		}
		n -= int(c.count)
		l.n -= int(c.count)
		if front {
			l.chunks.popFront()
		} else {
			l.chunks.popBack()
		}
		l.slab[end] = 0
	}
}

// locate returns the node holding element i (0 <= i < Len) and the
// element's index in it, walking from the nearer end.
func (l *List) locate(i int) (int, int) {
	if i < l.n/2 {
		for ci := 0; ; ci++ {
			c := l.chunks.at(ci)
			if i < int(c.count) {
				return ci, i
			}
			i -= int(c.count)
		}
	}
	back := l.n - 1 - i
	for ci := l.chunks.n - 1; ; ci-- {
		c := l.chunks.at(ci)
		if back < int(c.count) {
			return ci, int(c.count) - 1 - back
		}
		back -= int(c.count)
	}
}

// Index returns element i (0 <= i < Len).
func (l *List) Index(i int) []byte {
	ci, ei := l.locate(i)
	return l.chunks.at(ci).get(ei)
}

// set replaces element i in its node, which may then exceed the node
// limit, as Redis 7.2's lpReplace does.
func (l *List) set(i int, e []byte) {
	ci, ei := l.locate(i)
	l.chunks.at(ci).replaceAt(ei, e)
}

// Range calls fn for elements from start towards the end (or towards the
// head when reverse), until fn returns false or the list ends.
func (l *List) Range(start int, reverse bool, fn func(e []byte) bool) {
	if start < 0 || start >= l.n {
		return
	}
	ci, ei := l.locate(start)
	if !reverse {
		for ; ci < l.chunks.n; ci, ei = ci+1, 0 {
			c := l.chunks.at(ci)
			for p := c.offset(ei); p < int(c.hi); {
				var e []byte
				e, p = c.elemAt(p)
				if !fn(e) {
					return
				}
			}
		}
		return
	}
	for ; ci >= 0; ci-- {
		c := l.chunks.at(ci)
		q := int(c.hi)
		if ei >= 0 {
			q = c.offset(ei + 1)
			ei = -1
		}
		for q > int(c.lo) {
			var e []byte
			e, q = c.elemBefore(q)
			if !fn(e) {
				return
			}
		}
	}
}

// listAt returns the List in e: nil for a missing key, ErrWrongType for a
// value of another type.
func listAt(v command.Value) (*List, error) {
	if v == nil {
		return nil, nil
	}
	l, ok := v.(*List)
	if !ok {
		return nil, command.ErrWrongType
	}
	return l, nil
}
