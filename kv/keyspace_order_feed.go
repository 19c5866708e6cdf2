package kv

import "hash/maphash"

// orderFeed builds a database's SCAN order on a goroutine of its own while
// the store loads: every key the load adds is handed to it in batches, and
// it hashes them as they come, so that the end of the load only waits for
// the sort. Start-up is otherwise one goroutine on a machine with more
// cores, and building the order from the table afterwards (a pass over
// the map, a hash per key, a sort) was a third of the start-up of 2.27M
// keys from a snapshot and a log.
//
// The feed only sees keys added; a key removed during the load (a logged
// DEL, an expiry, RENAME's source) breaks it, and the order is then built
// from the table as before.
type orderFeed struct {
	seed   maphash.Seed
	batch  []string
	in     chan []string // full batches, to hash
	free   chan []string // hashed batches, to fill again
	done   chan []scanKey
	broken bool
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
		for _, k := range batch {
			ks = append(ks, scanKey{maphash.String(f.seed, k), k})
		}
		select {
		case f.free <- batch[:0]:
		default:
		}
	}
	sortScanKeys(ks)
	f.done <- ks
}

// add hands over k, a key new to the table.
func (f *orderFeed) add(k string) {
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

// finish stops the feed and returns every key it was given in scan order,
// or nil if it broke. The feed must not be used afterwards.
func (f *orderFeed) finish() []scanKey {
	if len(f.batch) > 0 {
		f.in <- f.batch
	}
	close(f.in)
	ks := <-f.done
	if f.broken {
		return nil
	}
	return ks
}

// feedKey tells the order about key, new to the table, while it is stale.
func (db *DB) feedKey(key string) {
	if db.feed == nil {
		db.feed = newOrderFeed(db.store.seed, 0)
	}
	db.feed.add(key)
}

// breakFeed gives up on the feed: a key left the table during the load.
func (db *DB) breakFeed() {
	if db.feed != nil {
		db.feed.broken = true
	}
}

// orderKeys returns every key of the table in scan order: the feed's, if
// it saw the whole table, or else built from the table.
func (db *DB) orderKeys() []scanKey {
	if f := db.feed; f != nil {
		db.feed = nil
		if ks := f.finish(); ks != nil && len(ks) == len(db.keys) {
			return ks
		}
	}
	ks := make([]scanKey, 0, len(db.keys))
	for k := range db.keys {
		ks = append(ks, scanKey{db.hash(k), k})
	}
	sortScanKeys(ks) // keyspace_load.go
	return ks
}
