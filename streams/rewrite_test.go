package streams

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/brokerd/brokerd/command"
	"github.com/brokerd/brokerd/internal/resptest"
)

// The fake groups of xinfo_test.go own no pending entries and rewrite to
// nothing.
func (g *fakeGroups) AppendPending(dst []ID) []ID              { return dst }
func (g *fakeGroups) Rewrite(key []byte, emit func(...[]byte)) {}

// pendingGroups stands in for consumer groups that hold pending entries
// (maybe of entries no longer in the stream) and rewrite to nothing: the
// stream must still add and remove the ghosts without a trace.
type pendingGroups []ID

func (g pendingGroups) Clone() Groups                                    { return g }
func (g pendingGroups) Len() int                                         { return 0 }
func (g pendingGroups) WriteFull(out *command.Reply, s *Stream, _ int64) { out.Array(0) }
func (g pendingGroups) AppendPending(dst []ID) []ID                      { return append(dst, g...) }
func (g pendingGroups) Rewrite(key []byte, emit func(...[]byte))         {}

// rewrite runs Rewrite on a clone of the stream at key, checks that it
// left the clone alone, replays the commands onto an empty keyspace as a
// snapshot load does, and fails unless the stream reads the same there
// in XINFO STREAM, FULL and not. The block count (radix-tree-keys and
// -nodes) is compared only with sameBlocks: the rewrite packs the live
// entries afresh, as Redis's does, so a stream whose blocks XDEL thinned
// out comes back in fewer. It returns the commands, one per line.
func (x *tester) rewrite(key string, sameBlocks bool) string {
	x.t.Helper()
	s := x.store.dbs[0].keys[key].(*Stream).Clone().(*Stream)
	before := dumpStream(s)
	mark := len(x.effects) // Emit copies, as the snapshotter's emit does
	s.Rewrite([]byte(key), func(args ...[]byte) { x.Emit(0, args) })
	cmds := slices.Clone(x.effects[mark:])
	x.effects = x.effects[:mark]
	if after := dumpStream(s); after != before {
		x.t.Errorf("Rewrite changed the stream\nbefore: %s\n after: %s", before, after)
	}
	replica := newFakeStore(func() int64 { return math.MaxInt32 })
	var lines []string
	for _, e := range cmds {
		args := e.args
		lines = append(lines, fmt.Sprintf("%q", args))
		if raw := x.exec(replica, 0, args, true, false); len(raw) > 0 && raw[0] == '-' {
			x.t.Errorf("replaying %q: %s", args, raw)
		}
	}
	for _, info := range []string{"XINFO STREAM %s FULL COUNT 0", "XINFO STREAM %s"} {
		args := resptest.Split(fmt.Sprintf(info, key))
		got, want := fmtReply(x.exec(replica, 0, args, false, false)), fmtReply(x.exec(x.store, 0, args, false, false))
		if !sameBlocks {
			got, want = radixCounts.ReplaceAllString(got, "$1 ?"), radixCounts.ReplaceAllString(want, "$1 ?")
		}
		if got != want {
			x.t.Errorf("%s after replaying the rewrite\n got: %s\nwant: %s", args, got, want)
		}
	}
	return strings.Join(lines, "\n")
}

var radixCounts = regexp.MustCompile(`("radix-tree-(?:keys|nodes)") \(int\) \d+`)

func TestRewriteRebuildsTheStream(t *testing.T) {
	for _, tt := range []struct {
		name  string
		setup []string
		want  string // the commands, when given
	}{
		{"entries and fields", []string{
			"XADD s 1-1 f v",
			"XADD s 1-2 f w",
			"XADD s 2-0 a 1 b -45 c 007 d \"\"",
			"XADD s 3-0 \"\\x00\\xff\" \"\\r\\n\" f 18446744073709551616",
		}, `["XADD" "s" "1-1" "f" "v"]
["XADD" "s" "1-2" "f" "w"]
["XADD" "s" "2-0" "a" "1" "b" "-45" "c" "007" "d" ""]
["XADD" "s" "3-0" "\x00\xff" "\r\n" "f" "18446744073709551616"]
["XSETID" "s" "3-0" "ENTRIESADDED" "4" "MAXDELETEDID" "0-0"]`},
		{"deleted first, middle and last", []string{
			"XADD s 1-1 f v", "XADD s 1-2 f v", "XADD s 1-3 f v", "XADD s 1-4 f v", "XADD s 1-5 f v",
			"XDEL s 1-1 1-3 1-5",
		}, `["XADD" "s" "1-2" "f" "v"]
["XADD" "s" "1-4" "f" "v"]
["XSETID" "s" "1-5" "ENTRIESADDED" "5" "MAXDELETEDID" "1-5"]`},
		{"trimmed", []string{"XADD s 1-1 f v", "XADD s 1-2 f v", "XADD s 1-3 f v", "XTRIM s MAXLEN 1"}, ""},
		{"empty after XDEL", []string{"XADD s 1-1 f v", "XADD s 2-2 f v", "XDEL s 1-1 2-2"},
			`["XADD" "s" "MAXLEN" "0" "0-1" "x" "y"]
["XSETID" "s" "2-2" "ENTRIESADDED" "2" "MAXDELETEDID" "2-2"]`},
		{"empty after trimming", []string{"XADD s 1-1 f v", "XADD s 2-2 f v", "XTRIM s MAXLEN 0"}, ""},
		{"empty without history", []string{"XADD s 1-1 f v", "XTRIM s MAXLEN 0", "XSETID s 0-0 ENTRIESADDED 0"},
			`["XADD" "s" "MAXLEN" "0" "0-1" "x" "y"]
["XSETID" "s" "0-0" "ENTRIESADDED" "0" "MAXDELETEDID" "0-0"]`},
		{"XSETID", []string{"XADD s 1-1 f v", "XADD s 1-2 f v", "XSETID s 9-0 ENTRIESADDED 40 MAXDELETEDID 5-0"}, ""},
		{"greatest ID", []string{"XADD s 18446744073709551615-18446744073709551615 f v"}, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			x := newTester(t)
			for _, line := range tt.setup {
				if got := x.do(line); strings.HasPrefix(got, "ERR") {
					t.Fatalf("%s: %s", line, got)
				}
			}
			if got := x.rewrite("s", true); tt.want != "" && got != tt.want {
				t.Errorf("commands\n got: %s\nwant: %s", got, tt.want)
			}
		})
	}
}

// TestRewriteManyBlocks: a stream of several blocks, with deletions and
// trimming, rebuilds to the same entries and counters (in fewer blocks).
func TestRewriteManyBlocks(t *testing.T) {
	x := newTester(t)
	for i := 1; i <= 450; i++ {
		x.do(fmt.Sprintf("XADD s %d-0 f %d g v%d", i, i, i%7))
		if i%3 == 0 {
			x.do(fmt.Sprintf("XADD s %d-1 other field", i))
		}
	}
	x.do("XTRIM s MAXLEN 500")
	for i := 200; i < 300; i++ {
		x.do(fmt.Sprintf("XDEL s %d-0", i))
	}
	x.rewrite("s", false)
}

// TestRewriteGhosts: pending IDs without a live entry are added for the
// groups and removed again, leaving the stream's counters as they were.
func TestRewriteGhosts(t *testing.T) {
	for _, tt := range []struct {
		name    string
		setup   []string
		pending []ID
		want    string
	}{
		{"trimmed and deleted", []string{
			"XADD s 1-1 f v", "XADD s 1-2 f v", "XADD s 1-3 f v", "XADD s 1-4 f v", "XADD s 1-5 f v",
			"XTRIM s MAXLEN 4", "XDEL s 1-3",
		}, []ID{{1, 3}, {1, 1}, {1, 2}, {1, 3}}, `["XADD" "s" "1-1" "x" "y"]
["XADD" "s" "1-2" "f" "v"]
["XADD" "s" "1-3" "x" "y"]
["XADD" "s" "1-4" "f" "v"]
["XADD" "s" "1-5" "f" "v"]
["XDEL" "s" "1-3"]
["XTRIM" "s" "MAXLEN" "3"]
["XSETID" "s" "1-5" "ENTRIESADDED" "5" "MAXDELETEDID" "1-3"]`},
		{"trimmed to nothing, no max deleted ID", []string{"XADD s 1-1 f v", "XADD s 1-2 f v", "XTRIM s MAXLEN 0"},
			[]ID{{1, 1}, {1, 2}}, `["XADD" "s" "1-1" "x" "y"]
["XADD" "s" "1-2" "x" "y"]
["XTRIM" "s" "MAXLEN" "0"]
["XSETID" "s" "1-2" "ENTRIESADDED" "2" "MAXDELETEDID" "0-0"]`},
		{"deleted to nothing", []string{"XADD s 1-1 f v", "XADD s 1-2 f v", "XDEL s 1-2 1-1"},
			[]ID{{1, 2}}, ""},
		{"trimmed, then last ID moved back below it", []string{
			"XADD s 5-0 f v", "XTRIM s MAXLEN 0", "XSETID s 1-0", "XADD s 2-0 f v",
		}, []ID{{5, 0}}, `["XADD" "s" "2-0" "f" "v"]
["XSETID" "s" "2-0" "ENTRIESADDED" "2" "MAXDELETEDID" "0-0"]`},
		{"all pending live", []string{"XADD s 1-1 f v", "XADD s 1-2 f v"}, []ID{{1, 2}, {1, 1}}, `["XADD" "s" "1-1" "f" "v"]
["XADD" "s" "1-2" "f" "v"]
["XSETID" "s" "1-2" "ENTRIESADDED" "2" "MAXDELETEDID" "0-0"]`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			x := newTester(t)
			for _, line := range tt.setup {
				if got := x.do(line); strings.HasPrefix(got, "ERR") {
					t.Fatalf("%s: %s", line, got)
				}
			}
			x.store.dbs[0].keys["s"].(*Stream).SetGroups(pendingGroups(tt.pending))
			if got := x.rewrite("s", true); tt.want != "" && got != tt.want {
				t.Errorf("commands\n got: %s\nwant: %s", got, tt.want)
			}
		})
	}
}

// TestRewriteBatchesDeletes: ghosts removed by XDEL go rewriteBatch to a
// command.
func TestRewriteBatchesDeletes(t *testing.T) {
	x := newTester(t)
	var pending []ID
	for i := 1; i <= 2*rewriteBatch+2; i++ {
		x.do(fmt.Sprintf("XADD s %d-0 f v", i))
		if i > 1 && i < 2*rewriteBatch+2 {
			x.do(fmt.Sprintf("XDEL s %d-0", i))
			pending = append(pending, ID{uint64(i), 0})
		}
	}
	x.store.dbs[0].keys["s"].(*Stream).SetGroups(pendingGroups(pending))
	dels := 0
	for _, line := range strings.Split(x.rewrite("s", false), "\n") {
		if strings.HasPrefix(line, `["XDEL"`) {
			dels++
		}
	}
	if dels != 2 {
		t.Errorf("%d XDEL commands for %d ghosts, want 2", dels, len(pending))
	}
}
