package kv

import (
	"hash/maphash"
	"slices"
	"sync/atomic"
)

// orderFeed builds a database's SCAN order on a goroutine of its own while
// the store loads: every key the load adds is handed to it in batches, and
// it hashes them as they come, so that the end of the load only waits for
// the sort. Start-up is otherwise one goroutine on a machine with more
// cores, and building the order from the table afterwards (a pass over
// the map, a hash per key, a sort) was a third of the start-up of 2.27M
// keys from a snapshot and a log.
//
// A key removed during the load (a logged DEL, a list popped empty,
// RENAME's source) is noted in removed, and taken out of the sorted keys at
// the end; one added again is only taken off removed, since it was fed
// already. A queue's log removes and adds its keys all the time: giving up
// on the first removal would have left most real loads the slow way, and
// feeding each return would have hashed and sorted a key per push.
type orderFeed struct {
	seed    maphash.Seed
	batch   []string
	in      chan []string // full batches, to hash
	free    chan []string // hashed batches, to fill again
	done    chan []scanKey
	dropped atomic.Bool         // the table was flushed: stop, without sorting
	removed map[string]struct{} // keys fed, then removed from the table
}

// feedBatch is the number of keys handed over at a time: a channel
// operation per 4096 keys costs nothing next to inserting them.
const feedBatch = 4096

func newOrderFeed(seed maphash.Seed, hint int) *orderFeed {
	f := &orderFeed{
		seed:  seed,
		batch: make([]string, 0, feedBatch),
		in:    make(chan []string, 8),
		free:  make(chan []string, 8),
		done:  make(chan []scanKey, 1),
	}
	go f.run(hint)
	return f
}

func (f *orderFeed) run(hint int) {
	ks := make([]scanKey, 0, hint)
	for batch := range f.in {
		if f.dropped.Load() {
			continue // drain until closed
		}
		for _, k := range batch {
			ks = append(ks, scanKey{maphash.String(f.seed, k), k})
		}
		select {
		case f.free <- batch[:0]:
		default:
		}
	}
	if f.dropped.Load() {
		f.done <- nil
		return
	}
	sortScanKeys(ks)
	f.done <- ks
}

// add hands over k, a key new to the table.
func (f *orderFeed) add(k string) {
	if _, back := f.removed[k]; back {
		// Fed before it was removed. (A key that was in the table before
		// the load, removed and added again, is then never fed: the count
		// at the end tells, and the order is built from the table.)
		delete(f.removed, k)
		return
	}
	f.batch = append(f.batch, k)
	if len(f.batch) < feedBatch {
		return
	}
	f.in <- f.batch
	select {
	case f.batch = <-f.free:
	default:
		f.batch = make([]string, 0, feedBatch)
	}
}

// remove notes that k left the table.
func (f *orderFeed) remove(k string) {
	if f.removed == nil {
		f.removed = map[string]struct{}{}
	}
	f.removed[k] = struct{}{}
}

// finish stops the feed and returns the keys it was given that are still
// in the table, in scan order. The feed must not be used afterwards.
func (f *orderFeed) finish() []scanKey {
	if len(f.batch) > 0 {
		f.in <- f.batch
	}
	close(f.in)
	return f.dropRemoved(<-f.done)
}

// dropRemoved takes the removed keys out of ks, sorted. A few removals (a
// queue's keys) are each found by binary search: looking every key up in
// removed instead made the end of a 2M-key load twice as long.
func (f *orderFeed) dropRemoved(ks []scanKey) []scanKey {
	if len(f.removed) == 0 {
		return ks
	}
	if len(f.removed) > len(ks)/64 {
		return slices.DeleteFunc(ks, func(k scanKey) bool {
			_, gone := f.removed[k.key]
			return gone
		})
	}
	var drop []int
	for r := range f.removed {
		k := scanKey{maphash.String(f.seed, r), r}
		i, _ := slices.BinarySearchFunc(ks, k, compareScanKeys)
		for ; i < len(ks) && ks[i] == k; i++ {
			drop = append(drop, i)
		}
	}
	if len(drop) == 0 {
		return ks
	}
	slices.Sort(drop)
	out, next := ks[:drop[0]], drop[0]
	for _, d := range drop {
		out = append(out, ks[next:d]...)
		next = d + 1
	}
	return append(out, ks[next:]...)
}

// drop stops the feed without waiting for it or sorting.
func (f *orderFeed) drop() {
	f.dropped.Store(true)
	close(f.in)
}

// feedKey tells the order about key, new to the table, while it is stale.
func (db *DB) feedKey(key string) {
	if db.feed == nil {
		db.feed = newOrderFeed(db.store.seed, 0)
	}
	db.feed.add(key)
}

// feedRemoved tells the order that key left the table while it is stale.
func (db *DB) feedRemoved(key string) {
	if db.feed != nil {
		db.feed.remove(key)
	}
}

// dropFeed ends the feed of a table that was emptied (a flush while
// loading): the keys added after it start a new one.
func (db *DB) dropFeed() {
	if db.feed != nil {
		db.feed.drop()
		db.feed = nil
	}
}

// orderKeys returns every key of the table in scan order, and whether
// they came from the feed: they do if it saw the whole table (keys that
// were there before the load began are not fed; what it returns is always
// in the table, so a count that matches means the same keys), or else the
// order is built from the table.
func (db *DB) orderKeys() (ks []scanKey, fed bool) {
	if f := db.feed; f != nil {
		db.feed = nil
		if ks := f.finish(); len(ks) == len(db.keys) {
			return ks, true
		}
	}
	ks = make([]scanKey, 0, len(db.keys))
	for k := range db.keys {
		ks = append(ks, scanKey{db.hash(k), k})
	}
	sortScanKeys(ks) // keyspace_load.go
	return ks, false
}
