package streams

import (
	"slices"
	"strconv"

	"github.com/brokerd/brokerd/command"
)

var _ command.Rewriter = (*Stream)(nil)

var (
	cmdXDEL         = []byte("XDEL")
	cmdXSETID       = []byte("XSETID")
	argENTRIESADDED = []byte("ENTRIESADDED")
	argMAXDELETEDID = []byte("MAXDELETEDID")
	argZero         = []byte("0")
	// The field and value of the entries Rewrite adds only to remove
	// them again, Redis's.
	ghostField, ghostValue = []byte("x"), []byte("y")
)

// rewriteBatch caps the IDs of one XDEL, so a record stays small.
const rewriteBatch = 128

// Rewrite implements command.Rewriter, as Redis's rewriteStreamObject:
//
//	XADD key <id> f v ...          each live entry, in ID order
//	XGROUP CREATE, XCLAIM ...       the groups (Groups.Rewrite)
//	XSETID key <last-id> ENTRIESADDED n MAXDELETEDID id
//
// XSETID restores what the XADDs cannot: the last ID, entries-added and
// the max deleted ID. An empty stream is created by XADD key MAXLEN 0
// 0-1 x y, whose entry the MAXLEN removes at once; trimming sets no
// counter that XSETID does not then overwrite.
//
// A group's pending entry may outlive its stream entry, and XCLAIM can
// only make an existing entry pending, so such a ghost is added too (XADD
// <id> x y) before the groups and removed after them, in a way that keeps
// the stream's counters: ghosts after the first live entry can only have
// been removed by XDEL (trimming removes a prefix), so the max deleted ID
// is at least theirs and XDEL then XSETID restores it; ghosts before it
// were removed by XDEL or trimming, and an exact XTRIM MAXLEN <length>
// removes them without touching the max deleted ID. NB: a ghost after the
// first live entry but beyond the max deleted ID can only come from
// trimming a stream to nothing, XSETID moving its last ID back and XADD
// adding below the trimmed entries; it is left out of the PEL, as Redis's
// AOF rewrite leaves out every pending entry whose stream entry is gone.
//
// Rewrite only reads the stream. Cost: O(n + p log p) for n entries and p
// pending entries, one command per entry.
func (s *Stream) Rewrite(key []byte, emit func(args ...[]byte)) {
	w := rewriter{key: key, emit: emit}
	ghosts := s.ghosts()
	if s.length == 0 && len(ghosts) == 0 {
		emit(cmdXADD, key, argMAXLEN, argZero, ID{0, 1}.Append(w.idb[:0]), ghostField, ghostValue)
	}
	it := s.Range(ID{}, MaxID, false)
	var deleted []ID // ghosts that XDEL removes
	trimmed := false // ghosts that XTRIM removes
	for e, ok := it.Next(); ; e, ok = it.Next() {
		for len(ghosts) > 0 && (!ok || ghosts[0].Less(e.ID)) {
			w.addGhost(ghosts[0])
			if s.length > 0 && s.firstID.Less(ghosts[0]) {
				deleted = append(deleted, ghosts[0])
			} else {
				trimmed = true
			}
			ghosts = ghosts[1:]
		}
		if !ok {
			break
		}
		if len(ghosts) > 0 && ghosts[0] == e.ID {
			ghosts = ghosts[1:]
		}
		w.addEntry(e)
	}
	if s.groups != nil {
		s.groups.Rewrite(key, emit)
	}
	for batch := range slices.Chunk(deleted, rewriteBatch) {
		w.buf, w.ends = w.buf[:0], w.ends[:0]
		for _, id := range batch {
			w.buf = id.Append(w.buf)
			w.ends = append(w.ends, len(w.buf))
		}
		w.emitWith(cmdXDEL, key)
	}
	if trimmed {
		emit(cmdXTRIM, key, argMAXLEN, strconv.AppendInt(w.buf[:0], s.length, 10))
	}
	var last, maxDel [41]byte
	emit(cmdXSETID, key, s.lastID.Append(last[:0]), argENTRIESADDED, strconv.AppendInt(w.idb[:0], s.entriesAdded, 10),
		argMAXDELETEDID, s.maxDeletedID.Append(maxDel[:0]))
}

// ghosts returns, sorted, the IDs that are pending in some group without
// a live entry and that Rewrite can recreate (see there). It may include
// live IDs; the caller skips those.
func (s *Stream) ghosts() []ID {
	if s.groups == nil {
		return nil
	}
	// Only IDs up to the greater of the first ID and the max deleted ID
	// are kept below, so groups that can stop there do.
	var ids []ID
	if g, ok := s.groups.(PendingUpTo); ok {
		upTo := MaxID
		if s.length > 0 {
			upTo = s.firstID
			if upTo.Less(s.maxDeletedID) {
				upTo = s.maxDeletedID
			}
		}
		ids = g.AppendPendingUpTo(nil, upTo)
	} else {
		ids = s.groups.AppendPending(nil)
	}
	slices.SortFunc(ids, ID.Compare)
	ids = slices.Compact(ids)
	if s.length == 0 {
		return ids
	}
	return slices.DeleteFunc(ids, func(id ID) bool { return s.firstID.Less(id) && s.maxDeletedID.Less(id) })
}

// rewriter holds Rewrite's scratch buffers; emit copies its arguments,
// so they are reused from one command to the next.
type rewriter struct {
	key  []byte
	emit func(args ...[]byte)
	args [][]byte
	buf  []byte
	ends []int
	idb  [41]byte
}

// addEntry emits XADD key <id> f v ... for a live entry.
func (w *rewriter) addEntry(e Entry) {
	w.buf, w.ends = w.buf[:0], w.ends[:0]
	p := e.pairs()
	for f, v, ok := p.next(); ok; f, v, ok = p.next() {
		w.buf = append(w.buf, f...)
		w.ends = append(w.ends, len(w.buf))
		w.buf = append(w.buf, v...)
		w.ends = append(w.ends, len(w.buf))
	}
	w.emitWith(cmdXADD, w.key, e.ID.Append(w.idb[:0]))
}

// emitWith emits head followed by the arguments gathered in buf, each
// ending at the offset ends lists.
func (w *rewriter) emitWith(head ...[]byte) {
	w.args = append(w.args[:0], head...)
	start := 0
	for _, end := range w.ends {
		w.args = append(w.args, w.buf[start:end:end])
		start = end
	}
	w.emit(w.args...)
}

// addGhost emits XADD key <id> x y for a pending entry that is not live.
func (w *rewriter) addGhost(id ID) {
	w.emit(cmdXADD, w.key, id.Append(w.idb[:0]), ghostField, ghostValue)
}
