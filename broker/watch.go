package broker

import (
	"slices"

	"github.com/brokerd/brokerd/kv"
)

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
	// in is database db, for the expiry checks below.
	in *kv.DB
	// expired is set when the key was stored but past its TTL at WATCH
	// time (Redis 7's watchedKey.expired): to the watcher it was already
	// gone, so its removal is no change; any other write is.
	expired bool
}

// expiredSinceWatch reports whether a key cl watches has expired since
// WATCH (Redis's isWatchedKeyExpired): a key that turned from a value
// into nothing is a change, even before anything removes it. Caller
// holds the keyspace write lock.
func (cl *client) expiredSinceWatch() bool {
	for _, k := range cl.watching {
		if _, expired := k.in.Stored([]byte(k.key)); expired && !k.expired {
			return true
		}
	}
	return false
}

func (r *watchRegistry) init(databases int) {
	r.byDB = make([]map[string][]*client, databases)
	for i := range r.byDB {
		r.byDB[i] = map[string][]*client{}
	}
}

// watch adds key of database in (cl's current one) to cl's watched keys.
func (r *watchRegistry) watch(cl *client, in *kv.DB, key []byte) {
	k := watchedKey{db: cl.db, key: string(key), in: in}
	if slices.ContainsFunc(cl.watching, k.same) {
		return
	}
	_, k.expired = in.Stored(key)
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

func (k watchedKey) same(o watchedKey) bool { return k.db == o.db && k.key == o.key }

// touch marks the watchers of key dirty; it runs on every write. A
// watcher that saw the key already expired is spared when the write is
// the key's removal (Redis's touchWatchedKey): from then on, the key is
// an ordinary absent one.
func (r *watchRegistry) touch(db int, key []byte) {
	if r.count == 0 {
		return
	}
	for _, cl := range r.byDB[db][string(key)] {
		i := slices.IndexFunc(cl.watching, watchedKey{db: db, key: string(key)}.same)
		if i >= 0 && cl.watching[i].expired {
			if stored, _ := cl.watching[i].in.Stored(key); !stored {
				cl.watching[i].expired = false
				continue
			}
		}
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
