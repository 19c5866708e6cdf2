package streams

import (
	"errors"
	"math"
)

// Sentinel errors of the low-level operations; the commands translate
// them to Redis's replies.
var (
	// ErrIDTooSmall: the ID is not greater than the stream's last ID.
	ErrIDTooSmall = errors.New("streams: ID equal or smaller than the top item")
	// ErrExhausted: the last ID is the greatest possible one.
	ErrExhausted = errors.New("streams: last possible ID reached")
)

// NextID works out the ID of a new entry as XADD does. With auto set
// (XADD "*") it is now-0 when now is past the last ID's time, and the
// last ID plus one otherwise, so a clock going backwards never yields a
// smaller ID. With seqGiven false (XADD "<ms>-*") the sequence continues
// the last ID's when the times are equal. An explicit ID must be greater
// than the last ID.
func (s *Stream) NextID(now uint64, auto bool, req ID, seqGiven bool) (ID, error) {
	last := s.lastID
	if last == MaxID {
		return ID{}, ErrExhausted
	}
	var id ID
	switch {
	case auto:
		if now > last.Ms {
			id = ID{now, 0}
		} else {
			id, _ = last.Next()
		}
	case !seqGiven:
		if req.Ms == last.Ms {
			if last.Seq == math.MaxUint64 {
				return ID{}, ErrIDTooSmall
			}
			id = ID{last.Ms, last.Seq + 1}
		} else {
			id = ID{req.Ms, 0}
		}
	default:
		id = req
	}
	if !last.Less(id) {
		return ID{}, ErrIDTooSmall
	}
	return id, nil
}

// Append adds an entry with the given field/value pairs (an even number
// of them). id must come from NextID or otherwise be greater than
// LastID. The pairs are copied. Amortised cost: one varint encoding per
// value and, once per block, an index insert.
func (s *Stream) Append(id ID, pairs [][]byte) {
	payload := 0
	for _, p := range pairs {
		payload += len(p)
	}
	b := s.tail
	// NB: after XDEL of the top entries, XSETID may lower the last ID
	// below the tail's tombstones; a new block keeps IDs ordered then.
	if b == nil || !b.last.Less(id) || !b.hasRoom(payload) {
		if b != nil {
			s.capHint = min(len(b.buf)+len(b.buf)/8, nodeMaxBytes+nodeMaxBytes/8)
			if s.owns(b) {
				b.shrink()
			}
		}
		b = newBlock(id, pairs, s.capHint)
		b.gen = s.gen
		s.index.Set(node{id, b})
		s.tail = b
	} else {
		b = s.own(b)
	}
	b.appendEntry(id, pairs)
	s.length++
	s.entriesAdded++
	s.lastID = id
	if s.length == 1 {
		s.firstID = id
	}
}

// blockFor returns the block that would hold id: the one with the
// greatest first ID not above id, or nil.
func (s *Stream) blockFor(id ID) *block {
	var found *block
	s.index.Descend(node{first: id}, func(n node) bool {
		found = n.b
		return false
	})
	return found
}

// blockAfter returns the block following the one that starts at first.
func (s *Stream) blockAfter(first ID) *block {
	next, ok := first.Next()
	if !ok {
		return nil
	}
	var found *block
	s.index.Ascend(node{first: next}, func(n node) bool {
		found = n.b
		return false
	})
	return found
}

// blockBefore returns the block preceding the one that starts at first.
func (s *Stream) blockBefore(first ID) *block {
	prev, ok := first.Prev()
	if !ok {
		return nil
	}
	return s.blockFor(prev)
}

// Delete removes the entry id and reports whether it existed. It does
// not change the last ID, first ID or max deleted ID; XDEL maintains
// those (see deleteIDs).
func (s *Stream) Delete(id ID) bool {
	b := s.blockFor(id)
	if b == nil || b.last.Less(id) {
		return false
	}
	masterN, _ := b.masterCount()
	for off := int(b.start); off < len(b.buf); {
		sl, next, ok := b.decode(off, masterN)
		if !ok {
			return false
		}
		if sl.flags&flagDeleted != 0 {
			off = next
			continue
		}
		if id.Less(sl.id) {
			return false
		}
		if sl.id == id {
			b = s.own(b)
			b.buf[off] |= flagDeleted
			b.live--
			b.dead++
			s.length--
			s.settle(b)
			return true
		}
		off = next
	}
	return false
}

// settle drops a block left without live entries, and compacts one that
// is mostly tombstones, after a deletion.
func (s *Stream) settle(b *block) {
	switch {
	case b.live == 0:
		s.dropBlock(b)
	case b.dead > b.live:
		s.own(b).compact()
	}
}

// dropBlock removes b from the index. It does not change b, which clones
// may share.
func (s *Stream) dropBlock(b *block) {
	s.index.Delete(node{first: b.first})
	if s.tail == b {
		s.tail = nil
		if n, ok := s.index.Max(); ok {
			s.tail = n.b
		}
	}
}

// refreshFirstID recomputes the recorded first entry ID after deletions.
func (s *Stream) refreshFirstID() {
	s.firstID = ID{}
	if s.length == 0 {
		return
	}
	if e, ok := s.First(); ok {
		s.firstID = e.ID
	}
}

// First returns the first entry.
func (s *Stream) First() (Entry, bool) {
	it := s.Range(ID{}, MaxID, false)
	return it.Next()
}

// Last returns the last entry (Redis's streamLastValidID). It scans the
// last block forwards, which costs no allocation, unlike Range's reverse
// walk.
func (s *Stream) Last() (Entry, bool) {
	for b := s.tail; b != nil; b = s.blockBefore(b.first) {
		masterN, _ := b.masterCount()
		var found Entry
		ok := false
		for off := int(b.start); off < len(b.buf); {
			sl, next, good := b.decode(off, masterN)
			if !good {
				break
			}
			if sl.flags&flagDeleted == 0 {
				found, ok = Entry{ID: sl.id, b: b, s: sl}, true
			}
			off = next
		}
		if ok {
			return found, true
		}
	}
	return Entry{}, false
}

// Get returns the entry id, if it exists and is not deleted.
func (s *Stream) Get(id ID) (Entry, bool) {
	it := s.Range(id, id, false)
	return it.Next()
}

// SetLastID sets the last ID, the entries-added counter (when
// entriesAdded >= 0) and the max deleted ID (when not 0-0), as XSETID
// does once it has validated them.
func (s *Stream) SetLastID(id ID, entriesAdded int64, maxDeleted ID) {
	s.lastID = id
	if entriesAdded >= 0 {
		s.entriesAdded = entriesAdded
	}
	if !maxDeleted.IsZero() {
		s.maxDeletedID = maxDeleted
	}
}

// HasAfter reports whether a live entry has an ID greater than id. It is
// what every blocked XREAD and XREADGROUP retry asks, so the common case
// answers from the tail block's last ID without decoding: entries are
// deleted only up to maxDeletedID, so a tail entry above it is live.
func (s *Stream) HasAfter(id ID) bool {
	if s.length == 0 || s.tail == nil || !id.Less(s.tail.last) {
		return false
	}
	if s.maxDeletedID.Less(s.tail.last) {
		return true
	}
	last, ok := s.Last()
	return ok && id.Less(last.ID)
}
