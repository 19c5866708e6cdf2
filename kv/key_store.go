package kv

import "github.com/brokerd/brokerd/command"

// DB helpers for the generic key commands (keys.go, key_*.go). They live
// beside keyspace.go because they need the unexported maps.

// peek returns the live entry at key without updating its access time:
// Redis's LOOKUP_NOTOUCH, for EXISTS, TYPE, TTL and OBJECT, which must not
// make a key look recently used. Caller holds at least the read lock.
func (db *DB) peek(key []byte) *entry {
	e := db.keys[string(key)]
	if e == nil || db.expired(e) {
		return nil
	}
	return e
}

// add binds key to v with the given expiry (0 = none), replacing whatever
// was there. The key is copied. Caller holds the keyspace write lock.
func (db *DB) add(key []byte, v command.Value, expireAt int64) {
	k := string(key)
	db.remove(k)
	db.insert(k, v, expireAt)
}

// rename moves the value at src to dst, replacing dst and keeping src's
// TTL, as RENAME does. src must exist. Caller holds the keyspace write
// lock and has looked both keys up with getWrite.
func (db *DB) rename(src, dst []byte) {
	e := db.keys[string(src)]
	db.remove(string(src))
	db.add(dst, e.value, e.expireAt)
}

// eachKey calls fn for every live key in scan order, for KEYS. Caller
// holds at least the read lock; fn must not change the database.
func (db *DB) eachKey(fn func(key string)) {
	db.scanOrder().Scan(func(k scanKey) bool {
		if e := db.keys[k.key]; e != nil && !db.expired(e) {
			fn(k.key)
		}
		return true
	})
}
