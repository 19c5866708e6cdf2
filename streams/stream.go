// Package streams is the stream type: IDs, compact entry storage in
// blocks, ranges, trimming and deletion, and the commands XADD, XRANGE,
// XREVRANGE, XREAD, XLEN, XDEL, XTRIM, XSETID and XINFO STREAM/HELP.
//
// Consumer groups live in a later package that imports this one; a
// Stream holds them through the Groups interface so that DEL, RENAME,
// COPY and restarts carry them along.
//
// Locking: a Stream is only touched under the broker's keyspace lock;
// methods that change it need the write lock.
package streams

import (
	"github.com/brokerd/brokerd/command"
	"github.com/tidwall/btree"
)

// Stream is the value stored under a stream key.
type Stream struct {
	// index orders the blocks by their first ID, so seeking an ID is
	// O(log blocks) and a range read of k entries is O(log n + k).
	index *btree.BTreeG[node]
	// tail is the block XADD appends to (the index's last), cached so
	// that appending never walks the tree.
	tail *block
	// capHint is the size the next block starts with: the size the last
	// full block reached, so a block is usually allocated once.
	capHint int
	// gen is the stream's generation: the blocks that carry it are its
	// own, any other may be shared with a clone and is copied before a
	// change (see own).
	gen uint64

	length       int64
	lastID       ID
	firstID      ID // first live entry, 0-0 when empty (recorded-first-entry-id)
	maxDeletedID ID
	entriesAdded int64

	// groups is nil until consumer groups are created (see Groups).
	groups Groups

	// scratch holds XADD's effect arguments between calls so that
	// logging an XADD does not allocate. Guarded by the keyspace write
	// lock, like every change to the stream.
	scratch [][]byte
	idbuf   [41]byte
}

// node is an index item: a block keyed by its first ID.
type node struct {
	first ID
	b     *block
}

func nodeLess(a, b node) bool { return a.first.Less(b.first) }

// New returns an empty stream.
func New() *Stream {
	return &Stream{index: btree.NewBTreeGOptions(nodeLess, btree.Options{NoLocks: true})}
}

var _ command.Value = (*Stream)(nil)

// Type implements command.Value.
func (s *Stream) Type() string { return "stream" }

// Encoding implements command.Value.
func (s *Stream) Encoding() string { return "stream" }

// Clone implements command.Value: a copy that shares the entries with s,
// copy-on-write, and deep-copies the groups (whose PELs are themselves
// copy-on-write). The index is copied lazily (tidwall/btree's Copy) and
// the blocks are shared; both streams get a new generation, so neither
// owns a shared block any more and each copies a block before its first
// change to it (own). Cost: O(1) for the entries, plus the groups' Clone
// (consumergroups: O(consumers + pending/128)); afterwards each side pays
// one block copy (about 4 KiB at most) per block it changes, and
// O(log blocks) index nodes.
//
// NB: Clone may run under the keyspace read lock (a snapshot's copy)
// while readers use s: it writes only what readers never read (s.gen and
// the index's isolation ID).
func (s *Stream) Clone() command.Value {
	c := &Stream{index: s.index.Copy(), tail: s.tail, capHint: s.capHint, gen: nextGen()}
	s.gen = nextGen()
	c.length, c.lastID, c.firstID = s.length, s.lastID, s.firstID
	c.maxDeletedID, c.entriesAdded = s.maxDeletedID, s.entriesAdded
	if s.groups != nil {
		c.groups = s.groups.Clone()
	}
	return c
}

// Len is the number of entries (XLEN).
func (s *Stream) Len() int64 { return s.length }

// LastID is the last ID ever added or set with XSETID
// (last-generated-id); new entries must be greater.
func (s *Stream) LastID() ID { return s.lastID }

// FirstID is the first entry's ID, 0-0 when the stream is empty
// (recorded-first-entry-id).
func (s *Stream) FirstID() ID { return s.firstID }

// MaxDeletedID is the greatest ID removed by XDEL (max-deleted-entry-id).
func (s *Stream) MaxDeletedID() ID { return s.maxDeletedID }

// EntriesAdded counts every entry ever added (entries-added).
func (s *Stream) EntriesAdded() int64 { return s.entriesAdded }

// Groups returns the stream's consumer groups, nil when there are none.
func (s *Stream) Groups() Groups { return s.groups }

// SetGroups installs (or with nil, drops) the consumer groups.
func (s *Stream) SetGroups(g Groups) { s.groups = g }

// Blocks is the number of storage blocks (XINFO's radix-tree-keys).
func (s *Stream) Blocks() int { return s.index.Len() }
