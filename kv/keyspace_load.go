package kv

import (
	"cmp"
	"math/bits"
	"slices"
	"strings"

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
	}
}

// PutString binds key in database db to a string holding a copy of val,
// raw if it was changed in place (OBJECT ENCODING raw), with expiry
// expireAt (Unix ms, 0 = none), replacing any value. key is copied.
func (l *Loader) PutString(db int, key, val []byte, raw bool, expireAt int64) {
	l.put(db, key, &String{b: append([]byte(nil), val...), raw: raw}, expireAt)
}

// put binds key to v with expiry expireAt, replacing any value.
func (l *Loader) put(db int, key []byte, v command.Value, expireAt int64) {
	d := l.store.dbs[db]
	if d.capture != nil || !d.orderStale {
		// Not the start-up case: go through the choke points.
		d.Put(key, v)
		if expireAt != 0 {
			d.SetExpireAt(key, expireAt)
		}
		return
	}
	k := strings.Clone(string(key))
	e := &entry{value: v, expireAt: expireAt}
	e.access.Store(l.now)
	n := len(d.keys)
	d.keys[k] = e
	if len(d.keys) == n {
		// The key was there (a snapshot holds each key once, but a
		// loader may be used on a database that is not empty): its TTL
		// goes with its old value.
		delete(d.expires, k)
	}
	if expireAt != 0 {
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
