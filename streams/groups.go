package streams

import "github.com/brokerd/brokerd/command"

// Groups is a stream's set of consumer groups. The consumergroups package
// implements it; a Stream holds it (nil when there are none) so that DEL,
// RENAME, COPY and snapshots carry the groups with the entries.
type Groups interface {
	// Clone returns a deep copy, for COPY.
	Clone() Groups
	// Len is the number of groups (XINFO STREAM's "groups").
	Len() int
	// WriteFull writes the value of XINFO STREAM FULL's "groups" field:
	// an array with one map per group, listing at most count pending
	// entries per group and consumer (0 means all).
	WriteFull(out *command.Reply, s *Stream, count int64)
	// AppendPending appends the ID of every pending entry of every group
	// to dst, in no particular order and possibly repeated, for
	// Stream.Rewrite: a pending entry may outlive its stream entry (XDEL
	// and trimming leave the PELs alone), and replay can only recreate it
	// while the entry exists.
	AppendPending(dst []ID) []ID
	// Rewrite emits the commands that recreate the groups on the stream
	// at key, for command.Rewriter: XGROUP CREATE per group, then its
	// pending entries and consumers through XCLAIM. Stream.Rewrite calls
	// it once the stream holds every pending entry's ID, and before it
	// deletes those that are not live.
	Rewrite(key []byte, emit func(args ...[]byte))
}

// PendingUpTo is an optional ability of Groups, used by Stream.Rewrite
// when the groups have it: AppendPendingUpTo appends, as AppendPending
// does, the IDs of the pending entries, but only those not above upTo.
// Rewrite needs no others, and a stream with a million pending entries
// should not gather them all (16 MB and a sort) at every snapshot.
type PendingUpTo interface {
	AppendPendingUpTo(dst []ID, upTo ID) []ID
}

// InvalidEntriesRead is Redis's SCG_INVALID_ENTRIES_READ: a group's
// entries-read counter that cannot be known.
const InvalidEntriesRead int64 = -1

// RangeHasTombstones reports whether an entry between start and end
// (inclusive; nil for unbounded) may have been deleted with XDEL, as
// Redis's streamRangeHasTombstones. Only the greatest deleted ID is kept,
// so the answer errs on "yes".
func (s *Stream) RangeHasTombstones(start, end *ID) bool {
	if s.length == 0 || s.maxDeletedID.IsZero() || s.maxDeletedID.Less(s.firstID) {
		return false
	}
	lo, hi := ID{}, MaxID
	if start != nil {
		lo = *start
	}
	if end != nil {
		hi = *end
	}
	return lo.Compare(s.maxDeletedID) <= 0 && s.maxDeletedID.Compare(hi) <= 0
}

// EntriesReadAt returns the logical read counter of id: how many entries
// had been added up to and including it, counting from the first entry
// ever added (Redis's streamEstimateDistanceFromFirstEverEntry). It
// returns InvalidEntriesRead when that cannot be known: id lies between
// the first and last entries, is in the future, or deletions fragment the
// stream.
func (s *Stream) EntriesReadAt(id ID) int64 {
	if s.entriesAdded == 0 {
		return 0
	}
	cmpLast := id.Compare(s.lastID)
	if s.length == 0 && cmpLast <= 0 {
		return s.entriesAdded
	}
	switch {
	case cmpLast == 0:
		return s.entriesAdded
	case cmpLast > 0:
		return InvalidEntriesRead
	}
	if s.maxDeletedID.IsZero() || s.maxDeletedID.Less(s.firstID) {
		switch id.Compare(s.firstID) {
		case -1:
			return s.entriesAdded - s.length
		case 0:
			return s.entriesAdded - s.length + 1
		}
	}
	return InvalidEntriesRead
}

// Lag is a group's lag (XINFO's "lag"): the number of entries not yet
// delivered to a group whose last delivered ID is lastDelivered and whose
// read counter is entriesRead (InvalidEntriesRead when unknown). ok is
// false when it cannot be computed (Redis replies null).
func (s *Stream) Lag(lastDelivered ID, entriesRead int64) (lag int64, ok bool) {
	if s.entriesAdded == 0 {
		return 0, true
	}
	if entriesRead != InvalidEntriesRead && !s.RangeHasTombstones(&lastDelivered, nil) {
		return s.entriesAdded - entriesRead, true
	}
	if read := s.EntriesReadAt(lastDelivered); read != InvalidEntriesRead {
		return s.entriesAdded - read, true
	}
	return 0, false
}
