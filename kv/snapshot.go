package kv

import (
	"slices"

	"github.com/brokerd/brokerd/command"
)

// Entry is one key of a database as a snapshot captures it.
type Entry struct {
	Key      string
	Value    command.Value
	ExpireAt int64 // Unix ms; 0 = no TTL
}

// AppendEntries appends every key of the database, with a deep copy of its
// value and its TTL, to dst and returns it. Keys that have expired but not
// yet been removed are included with their TTL: the log has no DEL for
// them yet, so the state a snapshot stands for still holds them. The order
// is the map's, unspecified. The copies are for reading only (Rewrite):
// they may share memory with each other, never with the live values.
//
// Caller holds the keyspace lock; this is the part of a snapshot that
// runs under it, so it does nothing but copy. Strings, the bulk of most
// keyspaces, are copied into one slab of String headers and one byte
// arena per call rather than two allocations each (Clone): for 1,000,000
// keys that is most of the pause, and of the garbage collector's work
// after it. Other types use Value.Clone.
func (db *DB) AppendEntries(dst []Entry) []Entry {
	dst = slices.Grow(dst, len(db.keys))
	size, n := 0, 0
	for _, e := range db.keys {
		if s, ok := e.value.(*String); ok {
			size += len(s.b)
			n++
		}
	}
	slab := make([]String, 0, n)
	arena := make([]byte, 0, size)
	for k, e := range db.keys {
		v := e.value
		if s, ok := v.(*String); ok {
			off := len(arena)
			arena = append(arena, s.b...)
			slab = append(slab, String{b: arena[off:len(arena):len(arena)], raw: s.raw})
			v = &slab[len(slab)-1]
		} else {
			v = v.Clone()
		}
		dst = append(dst, Entry{Key: k, Value: v, ExpireAt: e.expireAt})
	}
	return dst
}
