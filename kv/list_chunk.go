package kv

import (
	"bytes"
	"encoding/binary"
	"slices"
)

// chunk is one node of a list (a quicklist node in Redis): its elements
// packed back to back in buf[lo:hi], each as
//
//	uvarint(len) | bytes | uvarint(len) with its bytes reversed
//
// so an element can be read from either end in O(1), as a listpack's
// backlen allows. A 100-byte element costs 102 bytes and no heap object.
//
// Free space is kept on both sides of [lo, hi): pushing at the front fills
// buf[:lo], pushing at the back fills buf[hi:], so both ends are amortized
// O(1).
//
// A chunk may share its buffer with clones of its list (List.Clone),
// copy-on-write: the bytes a clone reads, buf[shLo:shHi], are never
// written again. Pushes go on into the free space outside them, pops only
// move lo and hi, and a change that would write a shared byte gives the
// chunk a buffer of its own first (room, unshare).
type chunk struct {
	buf    []byte
	lo, hi int32
	count  int32
	// lpsz is the size in bytes of these elements as one Redis listpack
	// (quicklistNode.sz): node boundaries and OBJECT ENCODING follow
	// Redis's rules, which are stated in listpack bytes.
	lpsz int32
	// shLo and shHi bound the bytes of buf that another list may read
	// (a clone's buffer lies within them; a clone's own chunk is shared
	// whole). NB: outside them, and everywhere when shLo == shHi, no other
	// list holds a byte of buf[:cap(buf)], so it may be written or carved.
	shLo, shHi int32
}

func (c *chunk) shared() bool { return c.shLo < c.shHi }

// writable reports whether buf[from:to] may be written: it holds no byte
// another list reads.
func (c *chunk) writable(from, to int) bool {
	return to <= int(c.shLo) || from >= int(c.shHi)
}

// maxChunkCap caps how far a chunk's buffer grows ahead of its contents:
// a quicklist node holds about 8 KB, so growing past that would only waste
// memory (a node may still exceed it through LSET, then the buffer grows
// exactly).
const maxChunkCap = 8192

func uvarintLen(n int) int {
	l := 1
	for n >= 0x80 {
		n >>= 7
		l++
	}
	return l
}

// elemSize is the encoded size of an element of n bytes.
func elemSize(n int) int { return 2*uvarintLen(n) + n }

// putElem encodes e into dst, which has exactly elemSize(len(e)) bytes.
func putElem(dst, e []byte) {
	k := binary.PutUvarint(dst, uint64(len(e)))
	copy(dst[k:], e)
	tail := dst[k+len(e):]
	for i := 0; i < k; i++ {
		tail[i] = dst[k-1-i]
	}
}

// elemAt decodes the element starting at p and returns it and the offset
// just past it.
func (c *chunk) elemAt(p int) ([]byte, int) {
	n, k := binary.Uvarint(c.buf[p:])
	start := p + k
	end := start + int(n)
	return c.buf[start:end:end], end + k
}

// elemBefore decodes the element ending at q and returns it and its start.
func (c *chunk) elemBefore(q int) ([]byte, int) {
	var n uint64
	var shift uint
	k := 1
	for ; ; k++ {
		b := c.buf[q-k]
		n |= uint64(b&0x7f) << shift
		if b < 0x80 {
			break
		}
		shift += 7
	}
	end := q - k
	start := end - int(n)
	return c.buf[start:end:end], start - k
}

func (c *chunk) used() int { return int(c.hi - c.lo) }

// room makes n free bytes before lo (front) or after hi (back), moving the
// contents or growing the buffer, with the spare room on the side that is
// growing. Both keep it amortized O(1) per byte: a slide happens only when
// it leaves at least half the contents' size free, and growth doubles, up
// to maxChunkCap (a node's size) unless the contents need more.
//
// The room is never made of shared bytes (see chunk): when they are in
// the way, room copies the contents into a buffer of the chunk's own, so
// a clone costs a copy of the nodes later changed, not of the whole list
// up front. NB: callers write only the n bytes made free; one that moves
// the contents inside the buffer calls unshare first.
func (c *chunk) room(n int, front bool) {
	lo, hi, used := int(c.lo), int(c.hi), c.used()
	if front && lo >= n && c.writable(lo-n, lo) || !front && len(c.buf)-hi >= n && c.writable(hi, hi+n) {
		return
	}
	if !c.shared() {
		// Dead space on the other side (a queue pushed at one end and
		// popped at the other): slide the contents instead of
		// reallocating.
		if len(c.buf)-used-n >= max(used/2, 1) {
			to := 0
			if front {
				to = len(c.buf) - used
			}
			copy(c.buf[to:], c.buf[lo:hi])
			c.lo, c.hi = int32(to), int32(to+used)
			return
		}
	}
	need := used + n
	size := max(need, min(2*need, maxChunkCap), 64)
	buf := slices.Grow([]byte(nil), size)
	buf = buf[:cap(buf)]
	to := 0
	if front {
		to = len(buf) - used
	}
	copy(buf[to:], c.buf[lo:hi])
	c.buf, c.lo, c.hi = buf, int32(to), int32(to+used)
	c.shLo, c.shHi = 0, 0
}

// unshare gives a shared chunk a buffer of its own, exactly its contents'
// size, before a change that moves bytes inside it (LSET, LINSERT, LREM, a
// delete inside the node). The offsets of the contents change: callers
// keep positions relative to lo across it.
func (c *chunk) unshare() {
	if !c.shared() {
		return
	}
	buf := slices.Clone(c.buf[c.lo:c.hi])
	c.buf, c.lo, c.hi = buf[:cap(buf)], 0, int32(len(buf))
	c.shLo, c.shHi = 0, 0
}

// carveBack hands the free space after the contents to a new node, when
// it can hold a whole node; c keeps only its contents (a later growth of c
// reallocates instead of writing into the new node). Free space that
// holds shared bytes (popped since a clone) is not carved.
func (c *chunk) carveBack() (chunk, bool) {
	end := len(c.buf)
	if end-int(c.hi) < maxChunkCap || !c.writable(int(c.hi), end) {
		return chunk{}, false
	}
	nc := chunk{buf: c.buf[c.hi:end:end], lpsz: lpEmpty}
	c.buf = c.buf[:c.hi:c.hi]
	return nc, true
}

// carveFront hands the free space before the contents to a new node (see
// carveBack).
func (c *chunk) carveFront() (chunk, bool) {
	if c.lo < maxChunkCap || !c.writable(0, int(c.lo)) {
		return chunk{}, false
	}
	nc := chunk{buf: c.buf[:c.lo:c.lo], lo: c.lo, hi: c.lo, lpsz: lpEmpty}
	c.buf = c.buf[c.lo:]
	c.hi -= c.lo
	if c.shared() {
		c.shLo, c.shHi = c.shLo-c.lo, c.shHi-c.lo
	}
	c.lo = 0
	return nc, true
}

func (c *chunk) pushBack(e []byte, lpsz int) {
	n := elemSize(len(e))
	c.room(n, false)
	putElem(c.buf[c.hi:int(c.hi)+n], e)
	c.hi += int32(n)
	c.count++
	c.lpsz += int32(lpsz)
}

func (c *chunk) pushFront(e []byte, lpsz int) {
	n := elemSize(len(e))
	c.room(n, true)
	putElem(c.buf[int(c.lo)-n:c.lo], e)
	c.lo -= int32(n)
	c.count++
	c.lpsz += int32(lpsz)
}

// popFront removes the first element and returns it; the slice stays valid
// until the chunk is changed again.
func (c *chunk) popFront() []byte {
	e, next := c.elemAt(int(c.lo))
	c.lo = int32(next)
	c.count--
	c.lpsz -= int32(lpEntrySize(e))
	return e
}

func (c *chunk) popBack() []byte {
	e, start := c.elemBefore(int(c.hi))
	c.hi = int32(start)
	c.count--
	c.lpsz -= int32(lpEntrySize(e))
	return e
}

// offset returns the byte offset of element i (0 <= i <= count), walking
// from the nearer end.
func (c *chunk) offset(i int) int {
	if i <= int(c.count)/2 {
		p := int(c.lo)
		for ; i > 0; i-- {
			_, p = c.elemAt(p)
		}
		return p
	}
	q := int(c.hi)
	for j := int(c.count); j > i; j-- {
		_, q = c.elemBefore(q)
	}
	return q
}

func (c *chunk) get(i int) []byte {
	e, _ := c.elemAt(c.offset(i))
	return e
}

// insertAt makes e element i, shifting the later ones.
func (c *chunk) insertAt(i int, e []byte, lpsz int) {
	switch i {
	case 0:
		c.pushFront(e, lpsz)
		return
	case int(c.count):
		c.pushBack(e, lpsz)
		return
	}
	c.unshare()
	p := c.offset(i)
	n := elemSize(len(e))
	rel := p - int(c.lo)
	c.room(n, false)
	p = int(c.lo) + rel
	copy(c.buf[p+n:], c.buf[p:c.hi])
	putElem(c.buf[p:p+n], e)
	c.hi += int32(n)
	c.count++
	c.lpsz += int32(lpsz)
}

// deleteRange removes n elements starting at element i. Removing them
// from either end of the chunk moves no byte, so a shared chunk stays
// shared (LTRIM, a trim of a popped count).
func (c *chunk) deleteRange(i, n int) {
	p := c.offset(i)
	q := p
	lp := 0
	for j := 0; j < n; j++ {
		var e []byte
		e, q = c.elemAt(q)
		lp += lpEntrySize(e)
	}
	switch {
	case p == int(c.lo):
		c.lo = int32(q)
	case q == int(c.hi):
		c.hi = int32(p)
	default:
		rel, size := p-int(c.lo), q-p
		c.unshare()
		p, q = int(c.lo)+rel, int(c.lo)+rel+size
		if p-int(c.lo) < int(c.hi)-q {
			copy(c.buf[int(c.lo)+q-p:], c.buf[c.lo:p])
			c.lo += int32(q - p)
		} else {
			copy(c.buf[p:], c.buf[q:c.hi])
			c.hi -= int32(q - p)
		}
	}
	c.count -= int32(n)
	c.lpsz -= int32(lp)
}

// replaceAt replaces element i with e.
func (c *chunk) replaceAt(i int, e []byte) {
	p := c.offset(i)
	old, q := c.elemAt(p)
	oldLp := lpEntrySize(old)
	n := elemSize(len(e))
	rel, size := p-int(c.lo), q-p
	delta := n - size
	c.unshare()
	if delta > 0 {
		c.room(delta, false)
	}
	p, q = int(c.lo)+rel, int(c.lo)+rel+size
	if delta != 0 {
		copy(c.buf[q+delta:], c.buf[q:c.hi])
		c.hi += int32(delta)
	}
	putElem(c.buf[p:p+n], e)
	c.lpsz += int32(lpEntrySize(e) - oldLp)
}

// filter removes the elements for which drop returns true, keeping the
// others in order, and returns how many it removed.
func (c *chunk) filter(drop func(i int, e []byte) bool) int {
	c.unshare()
	w := int(c.lo)
	removed, lp := 0, 0
	for i, p := 0, int(c.lo); p < int(c.hi); i++ {
		e, next := c.elemAt(p)
		if drop(i, e) {
			removed++
			lp += lpEntrySize(e)
		} else {
			if w != p {
				copy(c.buf[w:], c.buf[p:next])
			}
			w += next - p
		}
		p = next
	}
	c.hi = int32(w)
	c.count -= int32(removed)
	c.lpsz -= int32(lp)
	return removed
}

// split cuts the chunk before element i: c keeps [0, i), the returned
// chunk holds [i, count). Each gets a buffer of its own (so neither is
// shared afterwards).
func (c *chunk) split(i int) chunk {
	p := c.offset(i)
	var right chunk
	right.appendRaw(c.buf[p:c.hi], int(c.count)-i, 0)
	var left chunk
	left.appendRaw(c.buf[c.lo:p], i, 0)
	lp := 0
	for q := int(right.lo); q < int(right.hi); {
		var e []byte
		e, q = right.elemAt(q)
		lp += lpEntrySize(e)
	}
	right.lpsz = int32(lpEmpty + lp)
	left.lpsz = c.lpsz - int32(lp)
	*c = left
	return right
}

// appendRaw appends already encoded elements.
func (c *chunk) appendRaw(raw []byte, count, lpsz int) {
	c.room(len(raw), false)
	copy(c.buf[c.hi:], raw)
	c.hi += int32(len(raw))
	c.count += int32(count)
	c.lpsz += int32(lpsz)
}

// merge appends the elements of b (Redis's lpMerge: one listpack header
// fewer).
func (c *chunk) merge(b *chunk) {
	c.appendRaw(b.buf[b.lo:b.hi], int(b.count), int(b.lpsz)-lpEmpty)
}

// index returns the position of the first element equal to e, or -1.
func (c *chunk) index(e []byte) int {
	for i, p := 0, int(c.lo); p < int(c.hi); i++ {
		var x []byte
		x, p = c.elemAt(p)
		if bytes.Equal(x, e) {
			return i
		}
	}
	return -1
}

// share returns a chunk for a clone of c's list that reads the same bytes
// (see chunk), marking them shared in c: O(1), no byte copied. The
// clone's chunk is shared whole, so its first write copies it.
func (c *chunk) share() chunk {
	if c.shared() {
		c.shLo, c.shHi = min(c.shLo, c.lo), max(c.shHi, c.hi)
	} else {
		c.shLo, c.shHi = c.lo, c.hi
	}
	used := c.hi - c.lo
	return chunk{buf: c.buf[c.lo:c.hi:c.hi], hi: used, count: c.count, lpsz: c.lpsz, shHi: used}
}
