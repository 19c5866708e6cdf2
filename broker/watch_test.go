package broker

import (
	"testing"

	"github.com/brokerd/brokerd/kv"
)

// TestWatchExpiryRules drives the watch registry over a store with a fake
// clock, so the moment a key expires is decided, not waited for (the
// active sweep never runs here). The rules are Redis 7's: a key that
// expires after WATCH fails the EXEC (isWatchedKeyExpired); a key already
// expired at WATCH may be removed without failing it, but any other write
// fails it (touchWatchedKey).
func TestWatchExpiryRules(t *testing.T) {
	key := []byte("k")
	for _, tc := range []struct {
		name      string
		expiredAt bool  // past its TTL (2000) at WATCH time
		execAt    int64 // the clock at EXEC
		after     func(db *kv.DB)
		wantDirty bool
	}{
		{"live key untouched", false, 1999, func(*kv.DB) {}, false},
		{"live key expires", false, 2000, func(*kv.DB) {}, true},
		{"live key written", false, 1999, func(db *kv.DB) { db.Put(key, kv.NewString([]byte("x"))) }, true},
		{"expired key untouched", true, 2000, func(*kv.DB) {}, false},
		{"expired key removed", true, 2000, func(db *kv.DB) { db.Delete(key) }, false},
		{"expired key written", true, 2000, func(db *kv.DB) { db.Put(key, kv.NewString([]byte("x"))) }, true},
		{"expired key removed then written", true, 2000, func(db *kv.DB) {
			db.Delete(key)
			db.Put(key, kv.NewString([]byte("x")))
		}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var r watchRegistry
			r.init(1)
			now := int64(1000)
			st := kv.NewStore(1, kv.Hooks{Written: r.touch})
			st.SetClock(func() int64 { return now })
			db := st.Database(0)
			db.Put(key, kv.NewString([]byte("v")))
			db.SetExpireAt(key, 2000)
			if tc.expiredAt {
				now = 2000
			}
			cl := &client{}
			r.watch(cl, db, key)
			now = tc.execAt
			tc.after(db)
			if got := cl.watchDirty || cl.expiredSinceWatch(); got != tc.wantDirty {
				t.Fatalf("dirty = %v, want %v", got, tc.wantDirty)
			}
		})
	}
}
