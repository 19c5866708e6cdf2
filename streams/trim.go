package streams

// Strategy is how XADD and XTRIM trim a stream.
type Strategy uint8

const (
	NoTrim Strategy = iota
	// TrimMaxLen keeps at most MaxLen entries.
	TrimMaxLen
	// TrimMinID removes the entries with IDs below MinID.
	TrimMinID
)

// defaultApproxLimit is what "~" trimming may remove without LIMIT:
// 100 blocks' worth, 100*stream-node-max-entries, kept between 10000 and
// 1000000 as Redis's streamParseAddOrTrimArgsOrReply keeps it (a limit of
// 0 or one past int64, which wraps as in Redis, becomes 10000).
func defaultApproxLimit() int64 {
	const floor, ceiling = 10000, 1000000
	_, entries := NodeLimits()
	limit := 100 * entries // wraps past math.MaxInt64, as Redis's long long does
	switch {
	case limit <= 0:
		return floor
	case limit > ceiling:
		return ceiling
	}
	return limit
}

// Trim says how to trim (Redis's streamAddTrimArgs, trimming part).
type Trim struct {
	Strategy Strategy
	// Approx ("~") removes whole blocks only, so more entries than asked
	// may remain.
	Approx bool
	// Limit caps the entries removed; 0 means no cap.
	Limit  int64
	MaxLen int64
	MinID  ID
}

// Trim removes entries from the head as t says and returns how many, as
// Redis's streamTrim: whole blocks while they fit the goal and the limit,
// then (unless Approx) the leading entries of the next block. Cost:
// O(log n) per removed block plus one block scan.
func (s *Stream) Trim(t Trim) int64 {
	if t.Strategy == NoTrim {
		return 0
	}
	var deleted int64
	for {
		if t.Strategy == TrimMaxLen && s.length <= t.MaxLen {
			break
		}
		n, ok := s.index.Min()
		if !ok {
			break
		}
		b := n.b
		entries := int64(b.live)
		if t.Limit != 0 && deleted+entries > t.Limit {
			break
		}
		var whole bool
		if t.Strategy == TrimMaxLen {
			whole = s.length-entries >= t.MaxLen
		} else {
			whole = b.last.Less(t.MinID)
		}
		if whole {
			s.removeBlock(b)
			s.length -= entries
			deleted += entries
			continue
		}
		if t.Approx {
			break
		}
		deleted += s.trimBlock(b, t)
		break
	}
	if deleted > 0 {
		s.refreshFirstID()
	}
	return deleted
}

// trimBlock flags the leading entries of b that t removes.
func (s *Stream) trimBlock(b *block, t Trim) int64 {
	var deleted int64
	masterN, _ := b.masterCount()
	for off := int(b.start); off < len(b.buf); {
		sl, next, ok := b.decode(off, masterN)
		if !ok {
			break
		}
		if t.Strategy == TrimMaxLen && s.length <= t.MaxLen ||
			t.Strategy == TrimMinID && !sl.id.Less(t.MinID) {
			break
		}
		if sl.flags&flagDeleted == 0 {
			b = s.own(b) // a copy the first time, when b is shared
			b.buf[off] |= flagDeleted
			b.live--
			b.dead++
			s.length--
			deleted++
		}
		off = next
	}
	s.settle(b)
	return deleted
}

// removeBlock drops the whole block b. It does not change b, which
// clones may share.
func (s *Stream) removeBlock(b *block) { s.dropBlock(b) }
