package broker

import "slices"

// watchRegistry maps watched keys to the clients watching them. A write
// to a watched key (the kv Written hook) marks its watchers dirty, and
// their next EXEC fails. Guarded by the keyspace write lock (WATCH,
// UNWATCH, EXEC and DISCARD take it).
type watchRegistry struct {
	byDB  []map[string][]*client
	count int // watched keys, so writes skip the lookup when none
}

// watchedKey is one key a client watches.
type watchedKey struct {
	db  int
	key string
}

func (r *watchRegistry) init(databases int) {
	r.byDB = make([]map[string][]*client, databases)
	for i := range r.byDB {
		r.byDB[i] = map[string][]*client{}
	}
}

func (r *watchRegistry) watch(cl *client, key []byte) {
	k := watchedKey{cl.db, string(key)}
	if slices.Contains(cl.watching, k) {
		return
	}
	cl.watching = append(cl.watching, k)
	if len(r.byDB[k.db][k.key]) == 0 {
		r.count++
	}
	r.byDB[k.db][k.key] = append(r.byDB[k.db][k.key], cl)
}

// unwatchAll forgets every key cl watches and clears its dirty mark.
func (r *watchRegistry) unwatchAll(cl *client) {
	for _, k := range cl.watching {
		watchers := r.byDB[k.db][k.key]
		if i := slices.Index(watchers, cl); i >= 0 {
			watchers = slices.Delete(watchers, i, i+1)
		}
		if len(watchers) == 0 {
			delete(r.byDB[k.db], k.key)
			r.count--
		} else {
			r.byDB[k.db][k.key] = watchers
		}
	}
	cl.watching = nil
	cl.watchDirty = false
}

// touch marks the watchers of key dirty; it runs on every write.
func (r *watchRegistry) touch(db int, key []byte) {
	if r.count == 0 {
		return
	}
	for _, cl := range r.byDB[db][string(key)] {
		cl.watchDirty = true
	}
}

// touchDB marks every watcher of db dirty (FLUSHDB, FLUSHALL, SWAPDB).
// Redis spares keys that did not exist before the flush; brokerd cannot
// tell after the fact and fails those EXECs too, which is safe: the
// client retries.
func (r *watchRegistry) touchDB(db int) {
	for _, watchers := range r.byDB[db] {
		for _, cl := range watchers {
			cl.watchDirty = true
		}
	}
}
