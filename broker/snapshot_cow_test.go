package broker_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/brokerd/brokerd/internal/brokertest"
	"github.com/brokerd/brokerd/wal"
)

// isErrorReply reports whether a formatted reply is an error.
func isErrorReply(got string) bool {
	for _, p := range []string{"ERR ", "WRONGTYPE ", "NOGROUP ", "BUSYGROUP ", "EXECABORT "} {
		if strings.HasPrefix(got, p) {
			return true
		}
	}
	return false
}

// snapshotContents loads the newest snapshot of s alone (no log after it)
// into a fresh server and dumps that.
func snapshotContents(t *testing.T, s *brokertest.Server) map[string]string {
	t.Helper()
	snaps := snapshotFiles(t, s.Dir)
	if len(snaps) == 0 {
		t.Fatal("no snapshot")
	}
	fresh := brokertest.Start(t, brokertest.WithFsync(wal.No))
	if err := fresh.LoadSnapshotFile(snaps[0].Path); err != nil {
		t.Fatal(err)
	}
	return dumpKeyspace(t, fresh.Dial())
}

// cowSetup is the keyspace the copy-before-write cases start from: every
// type, TTLs, groups with pending entries, several databases.
var cowSetup = []string{
	"SET s1 one", "SET s2 two PX 100000000", "SET n 10",
	"RPUSH l1 a b c d e", "RPUSH done x", "RPUSH l2 y z",
	"XADD st 1-1 f 1", "XADD st 2-1 f 2", "XADD st 3-1 f 3", "XGROUP CREATE st g 0",
	"XREADGROUP GROUP g alice COUNT 2 STREAMS st >", "XGROUP CREATE st h $",
	"XADD st2 5-5 a b",
	"SELECT 1", "SET s1 db1", "RPUSH l1 p q",
	"SELECT 2", "SET a db2",
	"SELECT 3", "SET b db3", "RPUSH q j1 j2",
	"SELECT 0",
}

// TestSnapshotCopyBeforeWrite: writes of every kind made while a
// background snapshot's copy is part way, with the copy stopped after its
// first key and with one copy step between writes. The snapshot alone
// must hold the keyspace as it was when it started, and the snapshot plus
// the log after it the live keyspace.
func TestSnapshotCopyBeforeWrite(t *testing.T) {
	cases := []struct {
		name string
		// blocked are commands parked before the snapshot starts, each on
		// its own connection; the writes serve them.
		blocked []string
		lines   []string
	}{
		{"overwrite and in place", nil, []string{"SET s1 new", "APPEND s2 more", "INCR n", "SET l1 nowastring",
			"SETRANGE s1 1 x"}},
		{"keys", nil, []string{"DEL s1", "EXPIRE s2 500", "PERSIST s2", "RENAME l1 l3", "MOVE n 2", "COPY l2 l4",
			"RENAME s2 l2", "SET s1 reborn", "SET brandnew x", "DEL brandnew"}},
		{"lists", nil, []string{"LPUSH l1 z", "RPOP l1", "LSET l1 0 w", "LINSERT l1 BEFORE c cc", "LREM l1 1 d",
			"LTRIM l2 1 -1", "LMOVE l1 done LEFT RIGHT", "RPOPLPUSH done done"}},
		{"streams and groups", nil, []string{"XADD st 4-1 f 4", "XDEL st 1-1", "XTRIM st MAXLEN 2",
			"XREADGROUP GROUP g bob STREAMS st >", "XACK st g 2-1", "XCLAIM st g carol 0 1-1 2-1",
			"XGROUP SETID st h 0", "XGROUP CREATECONSUMER st h dave", "XGROUP DESTROY st g", "XSETID st2 9-9",
			"XADD st3 1-1 new stream"}},
		{"databases", nil, []string{"SELECT 1", "FLUSHDB", "SET s1 after", "SELECT 2", "SWAPDB 2 3", "SET b changed",
			"SELECT 3", "DEL a", "SELECT 0", "SET s1 changed", "FLUSHALL", "SET s1 last"}},
		{"MULTI/EXEC", nil, []string{"MULTI", "SET s1 tx", "LPUSH l1 tx", "XADD st 9-1 f tx", "DEL s2", "SET new tx", "EXEC"}},
		{"blocked clients", []string{"BLMOVE bq done LEFT RIGHT 0", "BLPOP l9 0", "XREADGROUP GROUP h erin BLOCK 0 STREAMS st >"},
			[]string{"RPUSH bq job", "RPUSH l9 k", "XADD st 7-1 f woken"}},
	}
	for _, tc := range cases {
		for _, mode := range []string{"first key", "interleaved"} {
			t.Run(tc.name+"/"+mode, func(t *testing.T) {
				s := brokertest.Start(t, brokertest.WithFsync(wal.No))
				r := s.Dial()
				doLines(t, r, cowSetup)
				var waiters []*brokertest.Raw
				for i, b := range tc.blocked {
					waiters = append(waiters, startBlocking(t, s, i, strings.Fields(b)...))
				}
				want := dumpKeyspace(t, r)
				step := s.StepSnapshots(1)
				defer step.Release()
				if got := r.Do("BGSAVE"); got != "Background saving started" {
					t.Fatalf("BGSAVE = %s", got)
				}
				copying := step.Wait()
				if !copying {
					t.Fatal("the copy did not stop after its first step")
				}
				for _, l := range tc.lines {
					if got := r.Do(l); isErrorReply(got) {
						t.Fatalf("%s: %s", l, got)
					}
					if mode == "interleaved" && copying {
						step.Next()
						copying = step.Wait()
					}
				}
				for _, w := range waiters {
					if got := w.Read(); isErrorReply(got) || got == "(nil)" {
						t.Errorf("waiter got %s", got)
					}
				}
				step.Release()
				waitSnapshot(t, r, "rdb_last_bgsave_status")
				if got := snapshotContents(t, s); !reflect.DeepEqual(got, want) {
					t.Errorf("snapshot is not the keyspace at its start\n got: %v\nwant: %v", got, want)
				}
				live := dumpKeyspace(t, r)
				s.Restart()
				if got := dumpKeyspace(t, s.Dial()); !reflect.DeepEqual(got, live) {
					t.Errorf("snapshot + log is not the live keyspace\n got: %v\nwant: %v", got, live)
				}
			})
		}
	}
}

// TestSnapshotWhileSaveWaits: SAVE while a background snapshot's copy is
// part way waits for it without holding the keyspace lock, so writers
// queued meanwhile are no deadlock.
func TestSnapshotWhileSaveWaits(t *testing.T) {
	s := brokertest.Start(t, brokertest.WithFsync(wal.No))
	r := s.Dial()
	doLines(t, r, cowSetup)
	step := s.StepSnapshots(1)
	defer step.Release()
	if got := r.Do("BGREWRITEAOF"); !strings.Contains(got, "started") {
		t.Fatalf("BGREWRITEAOF = %s", got)
	}
	if !step.Wait() {
		t.Fatal("the copy did not stop")
	}
	saver := s.Dial()
	saver.Send(brokertest.Encode([]byte("SAVE")))
	writer := s.Dial()
	writer.Send(brokertest.Encode([]byte("SET"), []byte("s1"), []byte("during")))
	if got := writer.Read(); got != "OK" {
		t.Fatalf("SET = %s", got)
	}
	step.Release()
	if got := saver.Read(); got != "OK" {
		t.Fatalf("SAVE = %s", got)
	}
	if got := r.Do("GET s1"); got != `"during"` {
		t.Fatalf("GET s1 = %s", got)
	}
}
