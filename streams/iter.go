package streams

import "github.com/brokerd/brokerd/command"

// Entry is a read-only view of one entry. It aliases the stream's
// storage: it is valid until the stream is next changed.
type Entry struct {
	ID ID
	b  *block
	s  slot
}

// Len is the number of field/value pairs.
func (e Entry) Len() int { return int(e.s.n) }

// Pairs returns a copy of the fields and values: f1 v1 f2 v2 ...
func (e Entry) Pairs() [][]byte {
	out := make([][]byte, 0, 2*e.Len())
	p := e.pairs()
	for {
		f, v, ok := p.next()
		if !ok {
			return out
		}
		out = append(out, append([]byte(nil), f...), append([]byte(nil), v...))
	}
}

// WriteReply writes the entry as Redis does in XRANGE and XREAD:
// [id, [field, value, ...]].
func (e Entry) WriteReply(out *command.Reply) {
	var idb [41]byte
	out.Array(2)
	out.Bulk(e.ID.Append(idb[:0]))
	out.Array(2 * e.Len())
	p := e.pairs()
	for {
		f, v, ok := p.next()
		if !ok {
			return
		}
		out.Bulk(f)
		out.Bulk(v)
	}
}

// pairReader walks an entry's fields and values.
type pairReader struct {
	buf    []byte
	master int // next master field, when the entry uses them
	off    int // next value (or field) in the entry
	left   int
	same   bool
	fs, vs [24]byte
}

func (e Entry) pairs() pairReader {
	p := pairReader{buf: e.b.buf, off: int(e.s.pairs), left: int(e.s.n), same: e.s.flags&flagSameFields != 0}
	if p.same {
		_, p.master = e.b.masterCount()
	}
	return p
}

// next returns the next pair; the slices are valid until the next call.
func (p *pairReader) next() (field, value []byte, ok bool) {
	if p.left == 0 {
		return nil, nil, false
	}
	p.left--
	if p.same {
		field, p.master, ok = readValue(p.buf, p.master, &p.fs)
	} else {
		field, p.off, ok = readValue(p.buf, p.off, &p.fs)
	}
	if !ok {
		p.left = 0
		return nil, nil, false
	}
	value, p.off, ok = readValue(p.buf, p.off, &p.vs)
	if !ok {
		p.left = 0
	}
	return field, value, ok
}

// Iter walks the live entries between two IDs, forwards or backwards.
// It must not outlive a change to the stream.
type Iter struct {
	s          *Stream
	start, end ID
	rev        bool
	b          *block
	masterN    int
	off        int    // forward: next entry offset
	slots      []slot // backward: the block's entries, reused per block
	i          int    // backward: next index into slots
	done       bool
}

// Range returns an iterator over the entries with start <= ID <= end,
// in ascending order, or descending with rev.
func (s *Stream) Range(start, end ID, rev bool) Iter {
	it := Iter{s: s, start: start, end: end, rev: rev}
	if end.Less(start) || s.length == 0 {
		it.done = true
		return it
	}
	if rev {
		it.slots = make([]slot, 0, nodeMaxEntries)
		it.enter(s.blockFor(end))
	} else {
		b := s.blockFor(start)
		if b == nil {
			if n, ok := s.index.Min(); ok {
				b = n.b
			}
		}
		it.enter(b)
	}
	return it
}

func (it *Iter) enter(b *block) {
	it.b = b
	if b == nil {
		it.done = true
		return
	}
	it.masterN, _ = b.masterCount()
	if it.rev {
		it.slots = b.slots(it.slots[:0])
		it.i = len(it.slots) - 1
	} else {
		it.off = int(b.start)
	}
}

// Next returns the next entry; ok is false at the end of the range.
func (it *Iter) Next() (Entry, bool) {
	for !it.done {
		var sl slot
		if it.rev {
			if it.i < 0 {
				it.enter(it.s.blockBefore(it.b.first))
				continue
			}
			sl = it.slots[it.i]
			it.i--
			if sl.flags&flagDeleted != 0 || it.end.Less(sl.id) {
				continue
			}
			if sl.id.Less(it.start) {
				it.done = true
				break
			}
		} else {
			if it.off >= len(it.b.buf) {
				it.enter(it.s.blockAfter(it.b.first))
				continue
			}
			var next int
			var ok bool
			sl, next, ok = it.b.decode(it.off, it.masterN)
			if !ok {
				it.done = true
				break
			}
			it.off = next
			if sl.flags&flagDeleted != 0 || sl.id.Less(it.start) {
				continue
			}
			if it.end.Less(sl.id) {
				it.done = true
				break
			}
		}
		return Entry{ID: sl.id, b: it.b, s: sl}, true
	}
	return Entry{}, false
}
