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

// AppendEntries appends every key of the database, with a deep copy
// (Value.Clone) of its value and its TTL, to dst and returns it. Keys that
// have expired but not yet been removed are included with their TTL: the
// log has no DEL for them yet, so the state a snapshot stands for still
// holds them. The order is the map's, unspecified.
//
// Caller holds the keyspace lock; this is the part of a snapshot that
// runs under it, so it does nothing but copy.
func (db *DB) AppendEntries(dst []Entry) []Entry {
	dst = slices.Grow(dst, len(db.keys))
	for k, e := range db.keys {
		dst = append(dst, Entry{Key: k, Value: e.value.Clone(), ExpireAt: e.expireAt})
	}
	return dst
}
