package kv

import (
	"hash/maphash"
	"strings"

	"github.com/tidwall/btree"
)

// Capture is a copy of the keyspace as it was at one moment (a
// snapshot's WAL index), taken a few keys at a time so that writers run
// in between: copy-before-write, the way fork's copy-on-write pages give
// Redis its point-in-time image without stopping the server.
//
// Each database's table is copied in scan order (scanKey: hash, then key),
// so "the copy has reached this key" is one comparison with a cursor, and
// no entry needs a mark. Every change to a key passes one of the choke
// points of keyspace.go first: getWrite (which hands a value out to be
// changed in place), putFound and PutKeepTTL (which replace it), remove
// (which drops it) and insert (which creates a key). Each tells the
// table's capture, which
//
//   - saves the key's pre-image (its value and TTL as they were at the
//     start) if the copy has not reached it yet and has not saved it
//     before, and marks it to be skipped when the copy gets there;
//   - marks a key created since the start to be skipped.
//
// A value handed out by getWrite is deep-copied, since it is about to be
// changed in place; a value being replaced or removed is saved as it is,
// since nothing changes it any more (NB: code that moves a value object to
// another key, as RENAME and MOVE do, must look the source up with
// getWrite first, which all of them do).
//
// FLUSHDB and FLUSHALL replace a database's table: the old one, which
// nothing changes any more, stays with its capture, which goes on copying
// it. SWAPDB moves each table's capture with the table, so that a write
// through either number saves the pre-image into the right database.
//
// The copies share no memory with the live keyspace; the Capture may be
// read and written out with no lock once Next has returned them.
type Capture struct {
	store  *Store
	tables []*tableCapture // by database number at the start
	cur    int             // tables[:cur] are copied
	keys   int             // at the start
}

// tableCapture is the capture of one database's table. Guarded by the
// keyspace lock: writers use it under the write lock, the copy (Next)
// under at least the read lock.
type tableCapture struct {
	db    int // the database the table was at the start
	seed  maphash.Seed
	keys  map[string]*entry
	order *btree.BTreeG[scanKey]
	// next is the first key not yet copied: keys before it are either in
	// the copy or were created since the start.
	next  scanKey
	done  bool // every key is copied
	count int  // keys at the start
	// skip holds the keys at or after next that the copy must pass over:
	// saved before a change (their pre-image is in saved or was handed
	// out) or created since the start. It is in scan order, as the copy
	// is, so the copy merges it with the table instead of looking each
	// key up: with writers changing random keys, a hash set of them was
	// most of the copy's time under the lock (a cache miss per key
	// visited, tens of thousands of keys in it, deletions as the cursor
	// passed them). A key created and removed again since the start stays
	// in it until the cursor passes where it was.
	skip *btree.BTreeG[scanKey]
	// batch and ents are visitNext's buffers; touched keeps its reads of
	// memory it only wants in the cache from being optimized away.
	batch   []scanKey
	ents    []*entry
	touched uint
	saved   []Entry // pre-images not yet handed out by Next
}

// BeginCapture starts a capture of every database as it is now. Caller
// holds the keyspace lock, in a mode that excludes writers (read or
// write), and takes it again for each Next; only one capture may run at a
// time, and it must end (Next returned true, or Abort) before the next.
func (s *Store) BeginCapture() *Capture {
	c := &Capture{store: s, tables: make([]*tableCapture, len(s.dbs))}
	for i, db := range s.dbs {
		t := &tableCapture{db: i, seed: s.seed, keys: db.keys, order: db.scanOrder(), skip: newOrder(),
			count: len(db.keys)}
		c.keys += len(db.keys)
		if len(db.keys) == 0 {
			t.done = true
		} else {
			db.capture = t
		}
		c.tables[i] = t
	}
	return c
}

// Keys is the number of keys at the start, expired ones not yet removed
// included.
func (c *Capture) Keys() int { return c.keys }

// DBKeys returns the number of keys of each database at the start
// (index = database number), expired ones not yet removed included: the
// number of keys the capture hands out for it.
func (c *Capture) DBKeys() []uint64 {
	out := make([]uint64, len(c.tables))
	for _, t := range c.tables {
		out[t.db] = uint64(t.count)
	}
	return out
}

// Next copies up to n more keys (n > 0) with their TTLs and appends them
// to out[db], out having one slice per database, together with the
// pre-images writers saved since the last call. The copies share no memory
// with the live keyspace: they may be used with no lock once Next
// returns. It reports whether the capture is complete; once it is, the
// capture is detached from the store and writers no longer pay for it.
// Keys that have expired but were not yet removed are included with their
// TTL, as the log has no DEL for them yet. Caller holds the keyspace lock
// (read or write).
func (c *Capture) Next(out [][]Entry, n int) bool {
	starts := make([]int, len(out))
	for db := range out {
		starts[db] = len(out[db])
	}
	done := c.visit(n, func(db int, e Entry, _ bool) { out[db] = append(out[db], e) })
	for db := range out {
		// Pre-images are copied again, which is harmless.
		copyValues(out[db][starts[db]:])
	}
	return done
}

// Visit is Next for a caller that reads each value while it holds the
// lock (a snapshot encoding strings as it goes) rather than keeping a
// copy: it calls fn with up to n more keys and the saved pre-images. A
// value with copied false is the live one, which fn may only read and
// must not retain (Clone it to keep it); one with copied true is the
// capture's own, which fn may keep. Caller holds the keyspace lock (read
// or write) until Visit returns.
func (c *Capture) Visit(n int, fn func(db int, e Entry, copied bool)) bool {
	return c.visit(n, fn)
}

func (c *Capture) visit(n int, fn func(db int, e Entry, copied bool)) bool {
	for _, t := range c.tables {
		if len(t.saved) > 0 {
			for _, e := range t.saved {
				fn(t.db, e, true)
			}
			clear(t.saved)
			t.saved = t.saved[:0]
		}
	}
	for n > 0 && c.cur < len(c.tables) {
		t := c.tables[c.cur]
		if !t.done {
			n -= t.visitNext(n, fn)
		}
		if t.done {
			c.cur++
		}
	}
	if c.cur < len(c.tables) {
		return false
	}
	c.detach()
	return true
}

// Abort ends the capture unfinished. Caller holds the keyspace lock (read
// or write).
func (c *Capture) Abort() { c.detach() }

// detach unhooks every table's capture from the store and lets go of the
// tables.
func (c *Capture) detach() {
	for _, db := range c.store.dbs {
		for _, t := range c.tables {
			if db.capture == t {
				db.capture = nil
			}
		}
	}
	for _, t := range c.tables {
		t.done, t.keys, t.order, t.skip, t.saved = true, nil, nil, nil, nil
	}
	c.cur = len(c.tables)
}

// visitNext calls fn with up to n keys from next on, skipping those in
// skip, and reports how many keys it visited.
//
// It works in passes over the batch rather than key by key: take the
// keys from the tree, look them all up, then read their entries, values
// and bytes. Nearly all the time is waiting for memory (the key's bytes
// for the map's hash, the map's group, the entry, the String, its
// bytes: each a cache miss at 1,000,000 keys), and one key's misses
// wait for each other; in short loops over many keys the processor
// overlaps the next keys' misses with the current one's.
func (t *tableCapture) visitNext(n int, fn func(db int, e Entry, copied bool)) int {
	batch, more := t.batch[:0], false
	t.order.Ascend(t.next, func(k scanKey) bool {
		if len(batch) >= n {
			t.next, more = k, true
			return false
		}
		batch = append(batch, k)
		return true
	})
	visited, taken := len(batch), batch
	if t.skip.Len() > 0 {
		batch = t.passSkipped(batch)
	}
	var touch uint
	for _, k := range batch {
		if len(k.key) > 0 {
			touch += uint(k.key[0])
		}
	}
	ents := t.ents[:0]
	for _, k := range batch {
		ents = append(ents, t.keys[k.key])
	}
	for _, e := range ents {
		if e != nil {
			touch += uint(e.expireAt)
		}
	}
	for _, e := range ents {
		if e == nil {
			continue
		}
		if s, ok := e.value.(*String); ok && len(s.b) > 0 {
			touch += uint(s.b[0])
		}
	}
	for i, e := range ents {
		if e != nil {
			fn(t.db, Entry{Key: batch[i].key, Value: e.value, ExpireAt: e.expireAt}, false)
		}
	}
	t.touched += touch
	clear(taken) // hold on to no key or entry until the next step
	clear(ents)
	t.batch, t.ents = taken[:0], ents[:0]
	if !more {
		t.done, t.skip, t.batch, t.ents = true, nil, nil, nil
	}
	return visited
}

// passSkipped removes from batch, which is in scan order, the keys in
// skip, and drops from skip every key up to the batch's last: the cursor
// passes them, so they are never asked about again.
func (t *tableCapture) passSkipped(batch []scanKey) []scanKey {
	out := batch[:0]
	sk, skipping := t.skip.Min()
	for _, k := range batch {
		for skipping && scanLess(sk, k) {
			// Created and removed again: the cursor passed where it was.
			t.skip.PopMin()
			sk, skipping = t.skip.Min()
		}
		if skipping && sk == k {
			t.skip.PopMin()
			sk, skipping = t.skip.Min()
			continue
		}
		out = append(out, k)
	}
	return out
}

// pending returns key's place in scan order and whether the copy has yet
// to reach it: only then is a change to it a concern of the capture's.
func (t *tableCapture) pending(key string) (scanKey, bool) {
	if t.done {
		return scanKey{}, false
	}
	k := scanKey{maphash.String(t.seed, key), key}
	return k, !scanLess(k, t.next)
}

// save records the pre-image of key, whose entry e is about to be changed
// in place (clone) or replaced or removed (!clone), unless the copy has
// reached it or it was saved or created since the start. Caller holds the
// keyspace write lock.
func (t *tableCapture) save(key string, e *entry, clone bool) {
	sk, ok := t.pending(key)
	if !ok {
		return
	}
	if _, ok := t.skip.Get(sk); ok {
		return
	}
	k := strings.Clone(key)
	t.skip.Set(scanKey{sk.hash, k})
	v := e.value
	if clone {
		v = copyValue(v)
	}
	t.saved = append(t.saved, Entry{Key: k, Value: v, ExpireAt: e.expireAt})
}

// created records that key, a fresh string owned by the table, was
// created since the start, so that the copy skips it. Caller holds the
// keyspace write lock.
func (t *tableCapture) created(key string) {
	if sk, ok := t.pending(key); ok {
		t.skip.Set(sk)
	}
}
