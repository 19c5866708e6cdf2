package kv

import (
	"reflect"
	"strconv"
	"testing"

	"github.com/brokerd/brokerd/command"
)

// rewriteStore rebuilds x's keyspace the way a snapshot does: each key's
// Rewrite commands, then PEXPIREAT for its TTL, replayed onto an empty
// store with loading on. It fails the test on a value without Rewrite.
func rewriteStore(x *tester) *Store {
	x.t.Helper()
	replica := NewStore(16, Hooks{})
	replica.SetClock(func() int64 { return x.now })
	replica.SetLoading(true)
	defer replica.SetLoading(false)
	for i := 0; i < x.store.Len(); i++ {
		for _, e := range x.store.Database(i).AppendEntries(nil) {
			rw, ok := e.Value.(command.Rewriter)
			if !ok {
				x.t.Fatalf("%s (%s) does not implement command.Rewriter", e.Key, e.Value.Type())
			}
			key := []byte(e.Key)
			run := func(args ...[]byte) {
				if raw := x.exec(replica, i, args, true); len(raw) > 0 && raw[0] == '-' {
					x.t.Errorf("replaying %q failed: %s", args, raw)
				}
			}
			rw.Rewrite(key, run)
			if e.ExpireAt != 0 {
				run([]byte("PEXPIREAT"), key, []byte(strconv.FormatInt(e.ExpireAt, 10)))
			}
		}
	}
	return replica
}

func TestStringRewriteRebuildsKeyspace(t *testing.T) {
	for _, tt := range []struct {
		name  string
		lines []string
	}{
		{"plain", []string{"SET a hello", "SET n 12", "SET big " + string(make([]byte, 100))}},
		{"with TTLs", []string{"SET a 1 PX 5000", "SET b 2 EXAT 4000000000", "SET c 3"}},
		{"changed in place", []string{"SET a 12", "APPEND a 3", "SETRANGE b 3 xy", "SET c 5", "INCR c"}},
		{"binary and empty", []string{"SET \"k\\x00\" \"\\xff\\r\\n\"", "SET e \"\"", "APPEND f \"\""}},
		{"several databases", []string{"SET a 1", "SELECT 3", "SET a 2 PX 100000", "SELECT 15", "SET z z"}},
		{"expired, not yet removed", []string{"SET a 1 PX 10", "SET b 2"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			x := newTester(t)
			for _, l := range tt.lines {
				if got := x.do(l); len(got) > 0 && got[0] == '(' && got[1] == 'e' {
					t.Fatalf("%s: %s", l, got)
				}
			}
			x.advance(20) // a has expired in the last case; the live store keeps it until touched
			if got, want := dumpStore(rewriteStore(x)), dumpStore(x.store); !reflect.DeepEqual(got, want) {
				t.Errorf("rewritten keyspace differs\n rewritten: %v\n      live: %v", got, want)
			}
		})
	}
}

// TestAppendEntriesClones: what a snapshot captured does not change when
// the live value is changed in place afterwards.
func TestAppendEntriesClones(t *testing.T) {
	x := newTester(t)
	x.do("SET a hello")
	ents := x.store.Database(0).AppendEntries(nil)
	x.do("APPEND a world")
	x.do("SETRANGE a 0 J")
	if got := string(ents[0].Value.(*String).Bytes()); got != "hello" {
		t.Errorf("captured value = %q, want hello", got)
	}
}
