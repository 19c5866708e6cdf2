package kv

import (
	"cmp"
	"math/bits"
	"slices"
	"strings"
	"unsafe"

	"github.com/brokerd/brokerd/command"
)

// Loader puts a snapshot's values straight into the databases, instead of
// running a command per key: loading 1,000,000 strings this way skips
// parsing and running 1,000,000 SETs (their lookups, access-time reads,
// hooks and map growth).
//
// Caller holds the keyspace write lock throughout, with the store in
// loading mode (SetLoading), as start-up does: keys do not expire, and
// hooks are not called (no client can be waiting on a key yet).
type Loader struct {
	store *Store
	now   int64 // every key's access time: the load's start
}

// NewLoader returns a loader for s. Caller holds the keyspace write lock.
func (s *Store) NewLoader() *Loader {
	return &Loader{store: s, now: s.accessNow()}
}

// Reserve makes room for n keys in database db, if it holds none yet:
// growing a map of a million keys step by step rehashes it some twenty
// times.
func (l *Loader) Reserve(db, n int) {
	d := l.store.dbs[db]
	if len(d.keys) == 0 && n > 0 {
		d.keys = make(map[string]*entry, n)
		if d.orderStale && d.feed == nil {
			d.feed = newOrderFeed(l.store.seed, n)
		}
	}
}

// PutString binds key in database db to a string holding a copy of val,
// raw if it was changed in place (OBJECT ENCODING raw), with expiry
// expireAt (Unix ms, 0 = none), replacing any value. key is copied.
//
// At start-up the key's entry and String share one allocation, and its
// name and bytes another, instead of four allocations per key (a third of
// the CPU of loading a million keys went to allocating and then marking
// them). The value's capacity ends where its bytes do, so growing it in
// place (APPEND) copies it out and never writes past it; the name before
// it is never written at all.
func (l *Loader) PutString(db int, key, val []byte, raw bool, expireAt int64) {
	d := l.store.dbs[db]
	if !l.direct(d) {
		l.put(db, key, &String{b: append([]byte(nil), val...), raw: raw}, expireAt)
		return
	}
	buf := make([]byte, len(key)+len(val))
	copy(buf, key)
	copy(buf[len(key):], val)
	ls := &loadedString{s: String{b: buf[len(key):len(buf):len(buf)], raw: raw}}
	ls.e.value, ls.e.expireAt = &ls.s, expireAt
	l.insert(d, unsafe.String(unsafe.SliceData(buf), len(key)), &ls.e)
}

// loadedString is a loaded string key's entry and value, allocated once.
type loadedString struct {
	e entry
	s String
}

// direct reports whether the loader may write d's table itself: while the
// store loads, when no capture runs and the SCAN-order tree is rebuilt at
// the end anyway.
func (l *Loader) direct(d *DB) bool { return d.capture == nil && d.orderStale }

// put binds key to v with expiry expireAt, replacing any value.
func (l *Loader) put(db int, key []byte, v command.Value, expireAt int64) {
	d := l.store.dbs[db]
	if !l.direct(d) {
		// Not the start-up case: go through the choke points.
		d.Put(key, v)
		if expireAt != 0 {
			d.SetExpireAt(key, expireAt)
		}
		return
	}
	l.insert(d, strings.Clone(string(key)), &entry{value: v, expireAt: expireAt})
}

// insert binds k, a string the table may keep, to e. Caller checked
// direct(d).
func (l *Loader) insert(d *DB, k string, e *entry) {
	e.access.Store(l.now)
	n := len(d.keys)
	d.keys[k] = e
	if len(d.keys) > n {
		d.feedKey(k)
	} else {
		// The key was there (a snapshot holds each key once, but a
		// loader may be used on a database that is not empty, and a log
		// sets keys again): its TTL goes with its old value.
		delete(d.expires, k)
	}
	if e.expireAt != 0 {
		d.expires[k] = e
	}
}

// sortScanKeys sorts ks into scan order (hash, then key). The hashes are
// uniform, so one counting pass on their top bits spreads the keys over
// about n/8 buckets, each then sorted in place: for 1,000,000 keys that
// took the SCAN-order build at the end of a load from ~400 ms
// (slices.SortFunc) to tens of ms.
func sortScanKeys(ks []scanKey) {
	if len(ks) < 1<<12 {
		slices.SortFunc(ks, compareScanKeys)
		return
	}
	b := min(max(bits.Len(uint(len(ks)))-3, 8), 20) // bucket bits
	shift := 64 - b
	counts := make([]int, 1<<b+1)
	for i := range ks {
		counts[ks[i].hash>>shift+1]++
	}
	for i := 1; i < len(counts); i++ {
		counts[i] += counts[i-1]
	}
	out := make([]scanKey, len(ks))
	next := slices.Clone(counts[:1<<b])
	for _, k := range ks {
		h := k.hash >> shift
		out[next[h]] = k
		next[h]++
	}
	for i := 0; i < 1<<b; i++ {
		bucket := out[counts[i]:counts[i+1]]
		// Buckets hold ~8 keys: insertion sort.
		for j := 1; j < len(bucket); j++ {
			for k := j; k > 0 && compareScanKeys(bucket[k], bucket[k-1]) < 0; k-- {
				bucket[k], bucket[k-1] = bucket[k-1], bucket[k]
			}
		}
	}
	copy(ks, out)
}

func compareScanKeys(a, b scanKey) int {
	if c := cmp.Compare(a.hash, b.hash); c != 0 {
		return c
	}
	return strings.Compare(a.key, b.key)
}
