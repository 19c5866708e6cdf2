// Package kv owns the keyspace (numbered databases, keys, TTLs, SCAN,
// expiry) and the non-stream data types with their commands.
//
// Locking: every method that changes a DB requires the broker's keyspace
// write lock; the others require at least its read lock. The only field
// written under the read lock is an entry's access time, which is atomic.
package kv

import (
	"hash/maphash"
	"sync/atomic"
	"time"

	"github.com/brokerd/brokerd/command"
	"github.com/tidwall/btree"
)

// Store is the set of numbered databases.
type Store struct {
	dbs []*DB
	// now returns the time in Unix milliseconds; tests replace it.
	now func() int64
	// accessClock, when set, is a coarse clock for access times (OBJECT
	// IDLETIME has second resolution, as Redis's LRU clock): reading the
	// time on every lookup costs more than the lookup on some machines.
	accessClock *atomic.Int64
	// loading is set while the log is replayed: keys do not expire then,
	// as in Redis, because the log already holds the DEL of every key that
	// expired while it was live.
	loading bool
	hooks   Hooks
	seed    maphash.Seed
}

// Hooks let the broker observe keyspace events it must act on.
type Hooks struct {
	// Expired is called, under the write lock, when a write command or the
	// active sweep removes an expired key. The broker logs it as a DEL so a
	// replay makes the same decisions.
	Expired func(db int, key []byte)
	// Written is called, under the write lock, whenever a key is bound,
	// changed in place or removed: it is how the broker learns that
	// clients blocked on the key may now be served.
	Written func(db int, key []byte)
	// Flushed is called when a whole database is emptied or swapped
	// (FLUSHDB, FLUSHALL, SWAPDB), for the same reason.
	Flushed func(db int)
	// Created and Missed report a new key and a read of an absent one,
	// for the "new" and "keymiss" keyspace notifications. Missed may be
	// called under the read lock, concurrently.
	Created func(db int, key []byte)
	Missed  func(db int, key []byte)
}

// NewStore returns n empty databases.
func NewStore(n int, hooks Hooks) *Store {
	s := &Store{
		now:   func() int64 { return time.Now().UnixMilli() },
		hooks: hooks,
		seed:  maphash.MakeSeed(),
	}
	s.dbs = make([]*DB, n)
	for i := range s.dbs {
		s.dbs[i] = newDB(s, i)
	}
	return s
}

// SetClock replaces the clock (Unix milliseconds), for tests.
func (s *Store) SetClock(now func() int64) { s.now = now }

// Now is the store's clock in Unix milliseconds.
func (s *Store) Now() int64 { return s.now() }

// UseAccessClock makes access times read clock (Unix milliseconds), which
// the caller keeps current, instead of the store's clock.
func (s *Store) UseAccessClock(clock *atomic.Int64) { s.accessClock = clock }

func (s *Store) accessNow() int64 {
	if s.accessClock != nil {
		return s.accessClock.Load()
	}
	return s.now()
}

// SetLoading switches replay mode on or off. Caller holds the write lock,
// and keeps holding it from switching on to switching off (the broker's
// load does), since while loading the databases build their SCAN order
// lazily (see DB.orderStale): switching off builds it, and ends the
// goroutines that hash the keys of each loaded database meanwhile
// (keyspace_order_feed.go), so a load must always switch it off, as the
// broker's does even when it fails.
func (s *Store) SetLoading(on bool) {
	s.loading = on
	for _, db := range s.dbs {
		switch {
		case on && db.capture == nil:
			db.order, db.orderStale = nil, true
		case !on && db.orderStale:
			db.buildOrder()
		}
	}
}

// DB returns database i.
func (s *Store) DB(i int) command.DB { return s.dbs[i] }

// Database returns database i with its concrete type.
func (s *Store) Database(i int) *DB { return s.dbs[i] }

// Len is the number of databases.
func (s *Store) Len() int { return len(s.dbs) }

var _ command.Keyspace = (*Store)(nil)
var _ command.DB = (*DB)(nil)

// entry is what a key maps to.
type entry struct {
	value command.Value
	// expireAt is the Unix time in ms at which the key expires; 0 = never.
	expireAt int64
	// access is the Unix time in ms of the last read or write, for OBJECT
	// IDLETIME. Atomic because readers share the read lock.
	access atomic.Int64
}

// scanKey orders keys by hash for SCAN: a cursor is the hash to resume
// from, so a key present for the whole scan is always returned, however
// the map grows or shrinks in between (Redis gets the same guarantee from
// its reverse-binary cursor).
type scanKey struct {
	hash uint64
	key  string
}

func scanLess(a, b scanKey) bool {
	if a.hash != b.hash {
		return a.hash < b.hash
	}
	return a.key < b.key
}

// DB is one numbered database.
type DB struct {
	store *Store
	index int
	keys  map[string]*entry
	// expires holds the keys that have a TTL, for the active sweep and for
	// INFO keyspace's expires count.
	expires map[string]*entry
	// order holds every key of keys in scan order, for SCAN, KEYS and
	// snapshot capture; read it through scanOrder.
	order *btree.BTreeG[scanKey]
	// orderStale is set while the store loads: inserts and removals then
	// leave order alone (nil or out of date), and it is built once, from
	// keys sorted, when the load ends or when something reads it first.
	// Keeping the tree up to date key by key was a quarter of the CPU of
	// loading 1M keys. Only set in loading mode, whose caller holds the
	// write lock throughout, so building it in a reader is safe; never set
	// while a capture is attached (BeginCapture builds it first).
	orderStale bool
	// feed hashes the keys added while order is stale, if any were
	// (keyspace_order_feed.go).
	feed *orderFeed
	// capture is the snapshot capture copying this table, if one is in
	// progress and has not reached its end (capture.go); every change to
	// a key tells it first.
	capture *tableCapture
}

func newDB(s *Store, index int) *DB {
	return &DB{
		store:   s,
		index:   index,
		keys:    make(map[string]*entry),
		expires: make(map[string]*entry),
		order:   newOrder(),
	}
}

func newOrder() *btree.BTreeG[scanKey] {
	return btree.NewBTreeGOptions(scanLess, btree.Options{NoLocks: true})
}

// scanOrder returns order, building it first if the load deferred it.
func (db *DB) scanOrder() *btree.BTreeG[scanKey] {
	if db.orderStale {
		db.buildOrder()
	}
	return db.order
}

// buildOrder rebuilds order from keys: sorted, then loaded into the tree
// in one pass (btree's Load appends sorted items to the rightmost leaf).
// Caller holds the write lock.
func (db *DB) buildOrder() {
	tr := newOrder()
	ks, _ := db.orderKeys() // keyspace_order_feed.go
	for _, k := range ks {
		tr.Load(k)
	}
	db.order, db.orderStale = tr, false
}

// Index is the database number.
func (db *DB) Index() int { return db.index }

func (db *DB) hash(key string) uint64 { return maphash.String(db.store.seed, key) }

func (db *DB) expired(e *entry) bool {
	return e.expireAt != 0 && !db.store.loading && e.expireAt <= db.store.now()
}

// get returns the live entry at key, or nil. It never changes the map.
func (db *DB) get(key []byte) *entry {
	e := db.keys[string(key)]
	if e == nil || db.expired(e) {
		return nil
	}
	e.access.Store(db.store.accessNow())
	return e
}

// getWrite is get for write commands: an expired key is removed first, and
// the removal reported, so the command and its replay agree. Caller holds
// the write lock.
func (db *DB) getWrite(key []byte) *entry {
	e := db.keys[string(key)]
	if e == nil {
		return nil
	}
	if db.expired(e) {
		db.expire(string(key))
		return nil
	}
	if db.capture != nil {
		// The caller may change the value in place.
		db.capture.save(string(key), e, true)
	}
	e.access.Store(db.store.accessNow())
	return e
}

// expire removes an expired key and reports it. Caller holds the write lock.
func (db *DB) expire(key string) {
	db.remove(key)
	if db.store.hooks.Expired != nil {
		db.store.hooks.Expired(db.index, []byte(key))
	}
}

// Lookup implements command.DB.
func (db *DB) Lookup(key []byte) command.Value {
	if e := db.getRead(key); e != nil {
		return e.value
	}
	return nil
}

// Peek implements command.DB.
func (db *DB) Peek(key []byte) command.Value {
	e := db.keys[string(key)]
	if e == nil || db.expired(e) {
		return nil
	}
	return e.value
}

// getRead is get for a read command's lookup, which reports a miss (the
// "keymiss" notification, as Redis's lookupKeyRead).
func (db *DB) getRead(key []byte) *entry {
	e := db.get(key)
	if e == nil && db.store.hooks.Missed != nil {
		db.store.hooks.Missed(db.index, key)
	}
	return e
}

// Stored reports whether key is in the table, live or not yet removed
// past its TTL, and whether it is past its TTL (Redis's dictFind and
// keyIsExpired). It changes nothing, not even the access time. Caller
// holds the keyspace lock.
func (db *DB) Stored(key []byte) (stored, expired bool) {
	e := db.keys[string(key)]
	if e == nil {
		return false, false
	}
	return true, db.expired(e)
}

// LookupWrite implements command.DB.
func (db *DB) LookupWrite(key []byte) command.Value {
	if e := db.getWrite(key); e != nil {
		return e.value
	}
	return nil
}

// Put implements command.DB: it replaces the value and clears any TTL.
func (db *DB) Put(key []byte, v command.Value) { db.putFound(db.keys[string(key)], key, v) }

// putFound is Put for a key whose entry (nil when absent) the caller has
// just looked up, which saves the second map lookup on SET's path.
func (db *DB) putFound(e *entry, key []byte, v command.Value) {
	if e == nil {
		db.insert(string(key), v, 0)
		return
	}
	if db.capture != nil {
		db.capture.save(string(key), e, false)
	}
	e.value = v
	if e.expireAt != 0 {
		e.expireAt = 0
		delete(db.expires, string(key))
	}
	e.access.Store(db.store.accessNow())
	db.written(key)
}

// written reports a change at key to the broker.
func (db *DB) written(key []byte) {
	if f := db.store.hooks.Written; f != nil {
		f(db.index, key)
	}
}

func (db *DB) flushed() {
	if f := db.store.hooks.Flushed; f != nil {
		f(db.index)
	}
}

// PutKeepTTL replaces the value at key but keeps its TTL (SET KEEPTTL,
// SETRANGE, APPEND on an existing key).
func (db *DB) PutKeepTTL(key []byte, v command.Value) {
	if e := db.keys[string(key)]; e != nil {
		if db.capture != nil {
			db.capture.save(string(key), e, false)
		}
		e.value = v
		e.access.Store(db.store.accessNow())
		db.written(key)
		return
	}
	db.insert(string(key), v, 0)
}

// insert adds a new key; key must be a fresh string (not aliasing a read
// buffer). Caller holds the write lock and has checked the key is absent.
func (db *DB) insert(key string, v command.Value, expireAt int64) *entry {
	e := &entry{value: v, expireAt: expireAt}
	e.access.Store(db.store.accessNow())
	db.keys[key] = e
	if expireAt != 0 {
		db.expires[key] = e
	}
	if db.orderStale {
		db.feedKey(key)
	} else {
		db.order.Set(scanKey{db.hash(key), key})
	}
	if db.capture != nil {
		db.capture.created(key)
	}
	if db.store.hooks.Written != nil {
		db.written([]byte(key))
	}
	if f := db.store.hooks.Created; f != nil {
		f(db.index, []byte(key))
	}
	return e
}

// Update implements command.DB.
func (db *DB) Update(key []byte) {
	if e := db.keys[string(key)]; e != nil {
		e.access.Store(db.store.accessNow())
		db.written(key)
	}
}

// Delete implements command.DB.
func (db *DB) Delete(key []byte) bool {
	if db.getWrite(key) == nil {
		return false
	}
	db.remove(string(key))
	return true
}

func (db *DB) remove(key string) {
	e := db.keys[key]
	if e == nil {
		return
	}
	if db.capture != nil {
		db.capture.save(key, e, false)
	}
	delete(db.keys, key)
	if e.expireAt != 0 {
		delete(db.expires, key)
	}
	if db.orderStale {
		db.feedRemoved(key)
	} else {
		db.order.Delete(scanKey{db.hash(key), key})
	}
	if db.store.hooks.Written != nil {
		db.written([]byte(key))
	}
}

// ExpireAt returns the key's expiry in Unix ms (0 = none) and whether the
// key exists.
func (db *DB) ExpireAt(key []byte) (int64, bool) {
	e := db.getRead(key)
	if e == nil {
		return 0, false
	}
	return e.expireAt, true
}

// SetExpireAt sets (at > 0) or clears (at == 0) the key's TTL and reports
// whether the key exists. It counts as a write of the key, so a client
// that WATCHes it fails its EXEC: Redis's EXPIRE, PERSIST and GETEX call
// signalModifiedKey. Caller holds the write lock.
func (db *DB) SetExpireAt(key []byte, at int64) bool {
	e := db.getWrite(key)
	if e == nil {
		return false
	}
	k := string(key)
	switch {
	case at == 0 && e.expireAt != 0:
		delete(db.expires, k)
	case at != 0 && e.expireAt == 0:
		db.expires[k] = e
	}
	e.expireAt = at
	db.written(key)
	return true
}

// Size is the number of keys, expired ones not yet removed included (as
// Redis's DBSIZE counts them).
func (db *DB) Size() int { return len(db.keys) }

// ExpiresCount is the number of keys with a TTL.
func (db *DB) ExpiresCount() int { return len(db.expires) }

// Flush removes every key. Caller holds the write lock. A capture in
// progress keeps the old table, which nothing changes any more.
func (db *DB) Flush() {
	db.capture = nil
	db.keys = make(map[string]*entry)
	db.expires = make(map[string]*entry)
	if db.orderStale {
		db.order = nil // still built when the load ends
		db.dropFeed()
	} else {
		db.order = newOrder()
	}
	db.flushed()
}

// Swap exchanges the contents of two databases (SWAPDB). Caller holds the
// write lock.
func (db *DB) Swap(other *DB) {
	db.keys, other.keys = other.keys, db.keys
	db.expires, other.expires = other.expires, db.expires
	db.order, other.order = other.order, db.order
	db.orderStale, other.orderStale = other.orderStale, db.orderStale
	db.feed, other.feed = other.feed, db.feed
	db.capture, other.capture = other.capture, db.capture
	db.flushed()
	other.flushed()
}

// Scan calls fn for live keys in cursor order, starting at cursor, until
// at least count keys have been visited, and returns the cursor to resume
// from (0 when the scan is complete). Keys sharing a hash are never split
// across two calls, so none is skipped.
func (db *DB) Scan(cursor uint64, count int, fn func(key string, v command.Value)) uint64 {
	var next uint64
	visited := 0
	var lastHash uint64
	db.scanOrder().Ascend(scanKey{hash: cursor}, func(k scanKey) bool {
		if visited >= count && k.hash != lastHash {
			next = k.hash
			return false
		}
		visited++
		lastHash = k.hash
		if e := db.keys[k.key]; e != nil && !db.expired(e) {
			fn(k.key, e.value)
		}
		return true
	})
	return next
}

// RandomKey returns a random live key, or "" and false when there is none.
func (db *DB) RandomKey() (string, bool) {
	// Map iteration starts at a random bucket; a few tries skip expired keys
	// without scanning a database full of them.
	for tries := 0; tries < 100; tries++ {
		for k, e := range db.keys {
			if !db.expired(e) {
				return k, true
			}
			break
		}
		if len(db.keys) == 0 {
			break
		}
	}
	for k, e := range db.keys {
		if !db.expired(e) {
			return k, true
		}
	}
	return "", false
}

// ActiveExpire removes up to limit expired keys, sampling keys with a TTL,
// and returns how many it removed. The broker calls it periodically under
// the write lock, bounding how long it holds the lock.
func (db *DB) ActiveExpire(limit int) int {
	if len(db.expires) == 0 || db.store.loading {
		return 0
	}
	now := db.store.now()
	removed, sampled := 0, 0
	for k, e := range db.expires {
		if sampled >= limit*4 || removed >= limit {
			break
		}
		sampled++
		if e.expireAt <= now {
			db.expire(k)
			removed++
		}
	}
	return removed
}

// IdleMillis is how long ago the key was last accessed.
func (db *DB) IdleMillis(key []byte) (int64, bool) {
	e := db.keys[string(key)]
	if e == nil || db.expired(e) {
		return 0, false
	}
	return max(db.store.accessNow()-e.access.Load(), 0), true
}
