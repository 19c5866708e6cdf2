package kv

import (
	"fmt"
	"reflect"
	"slices"
	"testing"

	"github.com/brokerd/brokerd/command"
)

// Loading mode defers each database's SCAN-order tree and builds it once
// when the load ends (keyspace.go, DB.orderStale). These tests replay a
// log with deletes, renames, moves, expiries, flushes and swaps, and check
// that the tree built at the end is the one built key by key, and that
// whatever reads the tree during the load sees it whole.

// loadWorkload runs a mix of writes on x whose effects (x.effects) are
// the log the tests replay.
func loadWorkload(x *tester) {
	x.t.Helper()
	var lines []string
	for i := 0; i < 400; i++ {
		lines = append(lines, fmt.Sprintf("SET k%03d v%d", i, i))
	}
	for i := 0; i < 400; i += 7 {
		lines = append(lines, fmt.Sprintf("DEL k%03d", i))
	}
	for i := 1; i < 400; i += 11 {
		lines = append(lines, fmt.Sprintf("RENAME k%03d r%03d", i, i))
	}
	for i := 2; i < 400; i += 13 {
		lines = append(lines, fmt.Sprintf("PEXPIRE k%03d 5", i)) // expire below
	}
	for i := 3; i < 400; i += 17 {
		lines = append(lines, fmt.Sprintf("EXPIRE k%03d 100000", i)) // stay
	}
	lines = append(lines, "RPUSH list a b c", "MOVE k004 1", "@1", "SET one 1", "SET two 2",
		"@2", "SET gone1 x", "SET gone2 y", "FLUSHDB", "SET kept z",
		"@3", "SET swapped a", "SET swapped2 b", "SWAPDB 3 4", "@4", "SET late c", "DEL swapped2", "@0")
	x.run(lines)
	x.advance(10)
	var touch []string
	for i := 2; i < 400; i += 13 {
		touch = append(touch, fmt.Sprintf("DEL k%03d", i)) // logs the expiry's DEL
	}
	touch = append(touch, "SET k005 again", "SET k999 new")
	x.run(touch)
}

// replayInto runs effects on st, which must be in loading mode.
func (x *tester) replayInto(st *Store, effects []effect) {
	x.t.Helper()
	for _, e := range effects {
		if raw := x.exec(st, e.db, e.args, true); len(raw) > 0 && raw[0] == '-' {
			x.t.Fatalf("replaying %q failed: %s", e.args, raw)
		}
	}
}

// checkOrder fails unless every database's tree holds exactly its keys in
// the order inserting them one by one gives, and a SCAN in small steps
// returns every key exactly once. Caller has ended loading mode.
func checkOrder(t *testing.T, st *Store) {
	t.Helper()
	for i, db := range st.dbs {
		if db.orderStale {
			t.Fatalf("db %d: order still deferred after loading", i)
		}
		want := newOrder()
		for k := range db.keys {
			want.Set(scanKey{db.hash(k), k})
		}
		if got := db.order.Items(); !reflect.DeepEqual(got, want.Items()) {
			t.Errorf("db %d: tree holds %d keys, want the %d of the keyspace in scan order", i, len(got), want.Len())
		}
		seen := map[string]int{}
		for cursor := uint64(0); ; {
			cursor = db.Scan(cursor, 3, func(k string, _ command.Value) { seen[k]++ })
			if cursor == 0 {
				break
			}
		}
		for k := range db.keys {
			if seen[k] != 1 {
				t.Errorf("db %d: SCAN returned %q %d times", i, k, seen[k])
			}
		}
		if len(seen) != len(db.keys) {
			t.Errorf("db %d: SCAN returned %d keys, the database holds %d", i, len(seen), len(db.keys))
		}
	}
}

func newReplica(x *tester) *Store {
	st := NewStore(16, Hooks{})
	st.SetClock(func() int64 { return x.now })
	return st
}

func TestLoadBuildsScanOrderAtEnd(t *testing.T) {
	x := newTester(t)
	loadWorkload(x)
	replica := newReplica(x)
	replica.SetLoading(true)
	x.replayInto(replica, x.effects)
	if !replica.dbs[0].orderStale || replica.dbs[0].order != nil {
		t.Fatal("the load kept the scan order up to date key by key")
	}
	replica.SetLoading(false)
	checkOrder(t, replica)
	if got, want := dumpStore(replica), dumpStore(x.store); !reflect.DeepEqual(got, want) {
		t.Errorf("replayed keyspace differs\n replayed: %v\n     live: %v", got, want)
	}
	checkOrder(t, x.store) // built key by key, for comparison
}

// A reader of the tree during the load (SCAN, KEYS, a capture) builds it;
// writes after that keep it up to date.
func TestLoadReadersSeeWholeOrder(t *testing.T) {
	x := newTester(t)
	loadWorkload(x)
	half := len(x.effects) / 2
	for _, read := range []string{"SCAN", "KEYS", "capture"} {
		t.Run(read, func(t *testing.T) {
			replica := newReplica(x)
			replica.SetLoading(true)
			x.replayInto(replica, x.effects[:half])
			db := replica.dbs[0]
			want := len(db.keys)
			got := 0
			switch read {
			case "SCAN":
				for cursor := uint64(0); ; {
					cursor = db.Scan(cursor, 10, func(string, command.Value) { got++ })
					if cursor == 0 {
						break
					}
				}
			case "KEYS":
				db.eachKey(func(string) { got++ })
			case "capture":
				c := replica.BeginCapture()
				out := make([][]Entry, replica.Len())
				for !c.Next(out, 50) {
				}
				got = len(out[0])
				for i := range out {
					out[i] = out[i][:0]
				}
			}
			if got != want {
				t.Errorf("%s during the load saw %d keys, want %d", read, got, want)
			}
			x.replayInto(replica, x.effects[half:])
			replica.SetLoading(false)
			checkOrder(t, replica)
		})
	}
}

// A load that fails midway and starts over (as a damaged snapshot is
// flushed and an older one loaded) leaves a consistent keyspace; so does
// one abandoned midway.
func TestLoadFailedMidway(t *testing.T) {
	x := newTester(t)
	loadWorkload(x)
	replica := newReplica(x)
	replica.SetLoading(true)
	x.replayInto(replica, x.effects[:len(x.effects)/3])
	for i := 0; i < replica.Len(); i++ {
		replica.Database(i).Flush()
	}
	x.replayInto(replica, x.effects)
	replica.SetLoading(false)
	checkOrder(t, replica)
	if got, want := dumpStore(replica), dumpStore(x.store); !reflect.DeepEqual(got, want) {
		t.Errorf("replayed keyspace differs\n replayed: %v\n     live: %v", got, want)
	}

	abandoned := newReplica(x)
	abandoned.SetLoading(true)
	x.replayInto(abandoned, x.effects[:len(x.effects)/2])
	abandoned.SetLoading(false) // the broker's load ends so on an error too
	checkOrder(t, abandoned)
}

// A load hands the keys it adds to the order feed as they come
// (keyspace_order_feed.go), and the ones it removes: the order built from
// it is the one built key by key, whether the keys came through the loader
// (overwrites included) or through commands, were removed and added again,
// swapped to another database, or flushed.
func TestLoadOrderFromFeed(t *testing.T) {
	x := newTester(t)
	replica := newReplica(x)
	replica.SetLoading(true)
	l := replica.NewLoader()
	n := 3*feedBatch + 17
	l.Reserve(0, n)
	for i := range n {
		l.PutString(0, fmt.Appendf(nil, "key:%d", i), []byte("v"), false, 0)
	}
	for i := 0; i < n; i += 5 { // overwrites add no key
		l.PutString(0, fmt.Appendf(nil, "key:%d", i), []byte("w"), false, 0)
	}
	var lines []string
	for i := range feedBatch + 3 {
		lines = append(lines, fmt.Sprintf("SET s%d v", i))
	}
	lines = append(lines,
		"DEL key:1 key:2 s7", "SET key:1 back", // removed, one added again
		"RPUSH queue a", "RPOP queue", "RPUSH queue b", "RPOP queue", // a queue emptied twice
		"RPUSH kept x", "RENAME key:3 renamed",
		"@1", "SET one 1", "RPUSH list a b", "@2", "SET two 2", "SWAPDB 1 2",
		"@3", "SET gone 1", "FLUSHDB", "SET after 1",
		"@4", "SET a 1", "SET b 1", "DEL a", "@0") // more removed than kept
	x.run(lines)
	x.replayInto(replica, x.effects)
	for _, i := range []int{0, 1, 2, 3, 4} {
		db := replica.dbs[i]
		ks, fed := db.orderKeys()
		if !fed {
			t.Fatalf("db %d: the order was built from the table, want it from the feed", i)
		}
		want := make([]scanKey, 0, len(db.keys))
		for k := range db.keys {
			want = append(want, scanKey{db.hash(k), k})
		}
		slices.SortFunc(want, compareScanKeys)
		if !reflect.DeepEqual(ks, want) {
			t.Fatalf("db %d: the feed gave %d keys, want the %d of the table in scan order", i, len(ks), len(want))
		}
	}
	replica.SetLoading(false)
	checkOrder(t, replica)
}
