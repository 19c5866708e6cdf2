package kv

import "bytes"

// chunkRing is the deque of a list's nodes: a ring buffer whose capacity
// is a power of two, so pushing and popping nodes at either end is O(1)
// amortized; inserting or removing a node in the middle (LINSERT, LREM)
// shifts the nodes after it, which are few (one per ~8 KB of list).
type chunkRing struct {
	buf  []chunk
	head int
	n    int
}

func (r *chunkRing) at(i int) *chunk { return &r.buf[(r.head+i)&(len(r.buf)-1)] }

// resize moves the nodes into a ring of the given capacity (a power of
// two, at least n).
func (r *chunkRing) resize(size int) {
	buf := make([]chunk, size)
	for i := 0; i < r.n; i++ {
		buf[i] = *r.at(i)
	}
	r.buf, r.head = buf, 0
}

func (r *chunkRing) makeRoom() {
	if r.n == len(r.buf) {
		r.resize(max(1, 2*len(r.buf)))
	}
}

// settle gives back a ring that is mostly empty, after a long list shrank.
func (r *chunkRing) settle() {
	if len(r.buf) > 8 && r.n < len(r.buf)/4 {
		r.resize(len(r.buf) / 2)
	}
}

func (r *chunkRing) pushBack(c chunk) {
	r.makeRoom()
	r.n++
	*r.at(r.n - 1) = c
}

func (r *chunkRing) pushFront(c chunk) {
	r.makeRoom()
	r.head = (r.head - 1) & (len(r.buf) - 1)
	r.n++
	*r.at(0) = c
}

func (r *chunkRing) popFront() {
	*r.at(0) = chunk{}
	r.head = (r.head + 1) & (len(r.buf) - 1)
	r.n--
	r.settle()
}

func (r *chunkRing) popBack() {
	*r.at(r.n - 1) = chunk{}
	r.n--
	r.settle()
}

// insert makes c node i.
func (r *chunkRing) insert(i int, c chunk) {
	r.makeRoom()
	r.n++
	for j := r.n - 1; j > i; j-- {
		*r.at(j) = *r.at(j - 1)
	}
	*r.at(i) = c
}

// remove drops node i.
func (r *chunkRing) remove(i int) {
	for j := i; j < r.n-1; j++ {
		*r.at(j) = *r.at(j + 1)
	}
	*r.at(r.n - 1) = chunk{}
	r.n--
	r.settle()
}

// insertAt inserts e before (after == false) or after element ei of node
// ci, choosing the node as Redis 7.2's _quicklistInsert does: into the
// node if it has room; at a node's edge, into the neighbour if that has
// room, else into a new node; in the middle of a full node, by splitting
// it and then merging small neighbours. Callers run grow first.
func (l *List) insertAt(ci, ei int, after bool, e []byte) {
	l.n++
	lp := lpEntrySize(e)
	node := l.chunks.at(ci)
	pos := ei
	if after {
		pos++
	}
	if l.fits(node, len(e)) {
		node.insertAt(pos, e, lp)
		return
	}
	atTail := after && ei == int(node.count)-1
	atHead := !after && ei == 0
	switch {
	case atTail && ci+1 < l.chunks.n && l.fits(l.chunks.at(ci+1), len(e)):
		l.chunks.at(ci+1).pushFront(e, lp)
	case atHead && ci > 0 && l.fits(l.chunks.at(ci-1), len(e)):
		l.chunks.at(ci-1).pushBack(e, lp)
	case atTail || atHead:
		c := chunk{lpsz: lpEmpty}
		c.pushBack(e, lp)
		if atTail {
			ci++
		}
		l.chunks.insert(ci, c)
	case after:
		// The node keeps [0, ei], the new node gets e and the rest.
		rest := node.split(ei + 1)
		rest.pushFront(e, lp)
		l.chunks.insert(ci+1, rest)
		l.mergeAround(ci)
	default:
		// The new node gets [0, ei) and e, the node keeps the rest.
		rest := node.split(ei)
		first := *node
		*node = rest
		first.pushBack(e, lp)
		l.chunks.insert(ci, first)
		l.mergeAround(ci + 1)
	}
}

// canMerge reports whether nodes i and j would fit in one
// (_quicklistNodeAllowMerge: one listpack header fewer).
func (l *List) canMerge(i, j int) bool {
	if i < 0 || j >= l.chunks.n {
		return false
	}
	return int(l.chunks.at(i).lpsz+l.chunks.at(j).lpsz)-lpEmpty <= nodeLimit
}

// mergeNext merges node i+1 into node i.
func (l *List) mergeNext(i int) {
	l.chunks.at(i).merge(l.chunks.at(i + 1))
	l.chunks.remove(i + 1)
}

// mergeAround merges the nodes around center as _quicklistMergeNodes
// does: the two before it, the two after it, then center with its
// previous node and the result with its next.
func (l *List) mergeAround(center int) {
	if l.canMerge(center-2, center-1) {
		l.mergeNext(center - 2)
		center--
	}
	if l.canMerge(center+1, center+2) {
		l.mergeNext(center + 1)
	}
	target := center
	if l.canMerge(center-1, center) {
		l.mergeNext(center - 1)
		target = center - 1
	}
	if l.canMerge(target, target+1) {
		l.mergeNext(target)
	}
}

// removeMatches removes elements equal to e: the first count from the
// head, the last -count from the tail when count is negative, all when it
// is 0. Nodes left empty are dropped; none are merged (quicklistDelEntry).
func (l *List) removeMatches(count int, e []byte) int {
	limit := count
	if limit < 0 {
		limit = -limit
	}
	removed := 0
	visit := func(ci int, fromTail bool) {
		c := l.chunks.at(ci)
		// How many of this node's matches go: the first ones walking from
		// the head, the last ones walking from the tail.
		matches := 0
		for p := int(c.lo); p < int(c.hi); {
			var x []byte
			x, p = c.elemAt(p)
			if bytes.Equal(x, e) {
				matches++
			}
		}
		take := matches
		if limit > 0 {
			take = min(matches, limit-removed)
		}
		if take == 0 {
			return
		}
		skip := 0
		if fromTail {
			skip = matches - take
		}
		seen := 0
		removed += c.filter(func(_ int, x []byte) bool {
			if !bytes.Equal(x, e) {
				return false
			}
			seen++
			return seen > skip && seen <= skip+take
		})
	}
	if count >= 0 {
		for ci := 0; ci < l.chunks.n && (limit == 0 || removed < limit); ci++ {
			visit(ci, false)
		}
	} else {
		for ci := l.chunks.n - 1; ci >= 0 && removed < limit; ci-- {
			visit(ci, true)
		}
	}
	for ci := l.chunks.n - 1; ci >= 0; ci-- {
		if l.chunks.at(ci).count == 0 {
			l.chunks.remove(ci)
		}
	}
	l.n -= removed
	return removed
}

// find returns the node and index of the first element equal to e, or
// ok false.
func (l *List) find(e []byte) (ci, ei int, ok bool) {
	for ci = 0; ci < l.chunks.n; ci++ {
		if ei = l.chunks.at(ci).index(e); ei >= 0 {
			return ci, ei, true
		}
	}
	return 0, 0, false
}
