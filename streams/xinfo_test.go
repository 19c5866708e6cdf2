package streams

import (
	"testing"

	"github.com/brokerd/brokerd/command"
)

func TestXInfo(t *testing.T) {
	x := newTester(t)
	x.fill("s", 3)
	x.wants(
		"XINFO HELP", `[XINFO <subcommand> [<arg> [value] [opt] ...]. Subcommands are: STREAM <key> [FULL [COUNT <count>]     Show information about the stream. HELP     Prints this help.]`,
		"XINFO STREAM s FULL COUNT 2", `["length" (int) 3 "radix-tree-keys" (int) 1 "radix-tree-nodes" (int) 2 "last-generated-id" "1-3" "max-deleted-entry-id" "0-0" "entries-added" (int) 3 "recorded-first-entry-id" "1-1" "entries" [["1-1" ["f" "v1"]] ["1-2" ["f" "v2"]]] "groups" []]`,
		"XINFO STREAM s FULL COUNT 0", `["length" (int) 3 "radix-tree-keys" (int) 1 "radix-tree-nodes" (int) 2 "last-generated-id" "1-3" "max-deleted-entry-id" "0-0" "entries-added" (int) 3 "recorded-first-entry-id" "1-1" "entries" [["1-1" ["f" "v1"]] ["1-2" ["f" "v2"]] ["1-3" ["f" "v3"]]] "groups" []]`,
		"XINFO STREAM s FULL COUNT x", "ERR value is not an integer or out of range",
		"XINFO STREAM s FULL COUNT", "ERR unknown subcommand or wrong number of arguments for 'STREAM'. Try XINFO HELP.",
		"XINFO STREAM s PARTIAL", "ERR unknown subcommand or wrong number of arguments for 'STREAM'. Try XINFO HELP.",
		"xinfo stream s full limit 1", "ERR unknown subcommand or wrong number of arguments for 'stream'. Try XINFO HELP.",
		"XINFO STREAM nosuch", "ERR no such key",
		"XINFO STREAM", "ERR wrong number of arguments for 'xinfo|stream' command",
		"XINFO HELP x", "ERR wrong number of arguments for 'xinfo|help' command",
		"SET str v", "OK",
		"XINFO STREAM str", "WRONGTYPE Operation against a key holding the wrong kind of value",
	)
	x.proto = 3
	x.wants(
		"XINFO STREAM s", `{"length":(int) 3 "radix-tree-keys":(int) 1 "radix-tree-nodes":(int) 2 "last-generated-id":"1-3" "max-deleted-entry-id":"0-0" "entries-added":(int) 3 "recorded-first-entry-id":"1-1" "groups":(int) 0 "first-entry":["1-1" ["f" "v1"]] "last-entry":["1-3" ["f" "v3"]]}`,
		"XINFO STREAM s FULL COUNT 1", `{"length":(int) 3 "radix-tree-keys":(int) 1 "radix-tree-nodes":(int) 2 "last-generated-id":"1-3" "max-deleted-entry-id":"0-0" "entries-added":(int) 3 "recorded-first-entry-id":"1-1" "entries":[["1-1" ["f" "v1"]]] "groups":[]}`,
	)
}

// fakeGroups stands in for the consumer-groups package.
type fakeGroups struct{ n int }

func (g *fakeGroups) Clone() Groups { c := *g; return &c }
func (g *fakeGroups) Len() int      { return g.n }
func (g *fakeGroups) WriteFull(out *command.Reply, s *Stream, count int64) {
	out.Array(g.n)
	for i := 0; i < g.n; i++ {
		out.BulkString("group")
	}
}

// TestGroupsTravelWithTheStream checks the extension point: XINFO
// reports the groups and COPY clones them.
func TestGroupsTravelWithTheStream(t *testing.T) {
	x := newTester(t)
	x.fill("s", 1)
	s := x.store.dbs[0].keys["s"].(*Stream)
	s.SetGroups(&fakeGroups{n: 2})
	x.wants(
		"XINFO STREAM s FULL", `["length" (int) 1 "radix-tree-keys" (int) 1 "radix-tree-nodes" (int) 2 "last-generated-id" "1-1" "max-deleted-entry-id" "0-0" "entries-added" (int) 1 "recorded-first-entry-id" "1-1" "entries" [["1-1" ["f" "v1"]]] "groups" ["group" "group"]]`,
		"COPY s t", "OK",
	)
	c := x.store.dbs[0].keys["t"].(*Stream)
	if c.Groups() == s.Groups() || c.Groups().Len() != 2 {
		t.Fatalf("COPY shared or lost the groups: %v %v", c.Groups(), s.Groups())
	}
	x.want("XADD t 2-0 f v", `"2-0"`)
	x.want("XLEN s", "(int) 1")
}

// TestLagInputs checks the entries-read rules consumer groups rely on.
func TestLagInputs(t *testing.T) {
	x := newTester(t)
	x.fill("s", 5)
	s := x.store.dbs[0].keys["s"].(*Stream)
	for _, tt := range []struct {
		id   ID
		want int64
	}{{ID{1, 5}, 5}, {ID{1, 1}, 1}, {ID{0, 9}, 0}, {ID{1, 3}, InvalidEntriesRead}, {ID{2, 0}, InvalidEntriesRead}} {
		if got := s.EntriesReadAt(tt.id); got != tt.want {
			t.Errorf("EntriesReadAt(%v) = %d, want %d", tt.id, got, tt.want)
		}
	}
	if lag, ok := s.Lag(ID{1, 2}, 2); !ok || lag != 3 {
		t.Errorf("Lag = %d %v, want 3", lag, ok)
	}
	x.do("XDEL s 1-4")
	if !s.RangeHasTombstones(&ID{1, 2}, nil) || s.RangeHasTombstones(&ID{1, 5}, nil) {
		t.Errorf("tombstone ranges wrong")
	}
	if _, ok := s.Lag(ID{1, 2}, 2); ok {
		t.Errorf("Lag across a tombstone should be unknown")
	}
	if lag, ok := s.Lag(ID{1, 5}, InvalidEntriesRead); !ok || lag != 0 {
		t.Errorf("Lag at the last ID = %d %v, want 0", lag, ok)
	}
}

// TestXInfoRadixTreeNodes checks radix-tree-nodes against the counts
// redis-server 7.0.15 reported for the same block keys (XINFO STREAM
// after the same XADDs and XDELs; a block holds 100 entries).
func TestXInfoRadixTreeNodes(t *testing.T) {
	tests := []struct {
		name       string
		blocks     []ID // the first ID of each block of 100 entries
		deleteAt   int  // a block whose entries are then all deleted; -1 for none
		keys, want int64
	}{
		{"empty", nil, -1, 0, 1},
		{"one block", []ID{{1, 0}}, -1, 1, 2},
		{"two blocks", []ID{{1, 0}, {2, 0}}, -1, 2, 6},
		{"three blocks diverging at one byte", []ID{{1, 1}, {2, 89}, {3, 1}}, -1, 3, 8},
		{"three blocks diverging at two bytes", []ID{{1, 0}, {2, 0}, {70000, 0}}, -1, 3, 10},
		{"middle block deleted", []ID{{1, 0}, {2, 0}, {70000, 0}}, 1, 2, 6},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := New()
			for _, first := range tt.blocks {
				for i := uint64(0); i < nodeMaxEntries; i++ {
					s.Append(ID{first.Ms, first.Seq + i}, [][]byte{[]byte("f"), []byte("v")})
				}
			}
			if tt.deleteAt >= 0 {
				first := tt.blocks[tt.deleteAt]
				for i := uint64(0); i < nodeMaxEntries; i++ {
					s.Delete(ID{first.Ms, first.Seq + i})
				}
			}
			if got := int64(s.Blocks()); got != tt.keys {
				t.Fatalf("radix-tree-keys = %d, want %d", got, tt.keys)
			}
			if got := s.raxNodes(); got != tt.want {
				t.Errorf("radix-tree-nodes = %d, want %d", got, tt.want)
			}
		})
	}
}
