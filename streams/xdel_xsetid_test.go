package streams

import "testing"

func TestXDel(t *testing.T) {
	x := newTester(t)
	x.fill("s", 5)
	x.wants(
		"XDEL s 1-2 1-4 1-9", "(int) 2",
		"XDEL s 1-2", "(int) 0",
		"XRANGE s - +", `[["1-1" ["f" "v1"]] ["1-3" ["f" "v3"]] ["1-5" ["f" "v5"]]]`,
		"XREVRANGE s + -", `[["1-5" ["f" "v5"]] ["1-3" ["f" "v3"]] ["1-1" ["f" "v1"]]]`,
		"XDEL s 1-1", "(int) 1",
		"XINFO STREAM s FULL", `["length" (int) 2 "radix-tree-keys" (int) 1 "radix-tree-nodes" (int) 2 "last-generated-id" "1-5" "max-deleted-entry-id" "1-4" "entries-added" (int) 5 "recorded-first-entry-id" "1-3" "entries" [["1-3" ["f" "v3"]] ["1-5" ["f" "v5"]]] "groups" []]`,
		"XDEL s 1-5 1-3", "(int) 2",
		"XINFO STREAM s", `["length" (int) 0 "radix-tree-keys" (int) 0 "radix-tree-nodes" (int) 1 "last-generated-id" "1-5" "max-deleted-entry-id" "1-5" "entries-added" (int) 5 "recorded-first-entry-id" "0-0" "groups" (int) 0 "first-entry" (nil) "last-entry" (nil)]`,
		"XADD s 1-5 f v", "ERR The ID specified in XADD is equal or smaller than the target stream top item",
		"XADD s * f v", `"1700000000000-0"`,
		"XDEL s abc", "ERR Invalid stream ID specified as stream command argument",
		"XDEL s 1-1 abc", "ERR Invalid stream ID specified as stream command argument",
		"XDEL nosuch abc", "(int) 0",
		"XDEL s +", "ERR Invalid stream ID specified as stream command argument",
		"SET str v", "OK",
		"XDEL str 1-1", "WRONGTYPE Operation against a key holding the wrong kind of value",
	)
	x.checkReplay()
}

// TestXDelCompacts deletes most of a block: the block is rewritten
// without its tombstones and reads stay right.
func TestXDelCompacts(t *testing.T) {
	x := newTester(t)
	x.fill("s", 100)
	for i := 1; i <= 60; i++ {
		x.do("XDEL s 1-" + itoa(i))
	}
	s := x.store.dbs[0].keys["s"].(*Stream)
	n, _ := s.index.Min()
	if n.b.dead > n.b.live || n.b.live != 40 || n.first != (ID{1, 1}) {
		t.Fatalf("block after deletes: first %v live %d dead %d", n.first, n.b.live, n.b.dead)
	}
	x.want("XRANGE s - 1-62", `[["1-61" ["f" "v61"]] ["1-62" ["f" "v62"]]]`)
	x.want("XREVRANGE s 1-62 -", `[["1-62" ["f" "v62"]] ["1-61" ["f" "v61"]]]`)
	x.want("XADD s 1-101 f v101", `"1-101"`)
	x.want("XLEN s", "(int) 41")
	x.checkReplay()
}

func TestXSetID(t *testing.T) {
	x := newTester(t)
	x.fill("s", 3)
	x.wants(
		"XSETID s 1-2", "ERR The ID specified in XSETID is smaller than the target stream top item",
		"XSETID s 1-3", "OK",
		"XSETID s 5-0", "OK",
		"XADD s 5-0 f v", "ERR The ID specified in XADD is equal or smaller than the target stream top item",
		"XADD s 5-* f v", `"5-1"`,
		"XSETID s 6-0 ENTRIESADDED 10 MAXDELETEDID 5-5", "OK",
		"XSETID s 6-0 MAXDELETEDID 7-0", "ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id",
		"XSETID s 5-4", "ERR The ID specified in XSETID is smaller than current max_deleted_entry_id",
		"XSETID s 6-0 ENTRIESADDED 3", "ERR The entries_added specified in XSETID is smaller than the target stream length",
		"XSETID s 6-0 ENTRIESADDED -1", "ERR entries_added must be positive",
		"XSETID s 6-0 ENTRIESADDED x", "ERR value is not an integer or out of range",
		"XSETID s 6-0 FOO", "ERR syntax error",
		"XSETID s 6-0 ENTRIESADDED", "ERR syntax error",
		"XSETID s x", "ERR Invalid stream ID specified as stream command argument",
		"XSETID s +", "ERR Invalid stream ID specified as stream command argument",
		"XSETID nosuch 1-1", "ERR no such key",
		"SET str v", "OK",
		"XSETID str 1-1", "WRONGTYPE Operation against a key holding the wrong kind of value",
		"XINFO STREAM s", `["length" (int) 4 "radix-tree-keys" (int) 1 "radix-tree-nodes" (int) 2 "last-generated-id" "6-0" "max-deleted-entry-id" "5-5" "entries-added" (int) 10 "recorded-first-entry-id" "1-1" "groups" (int) 0 "first-entry" ["1-1" ["f" "v1"]] "last-entry" ["5-1" ["f" "v"]]]`,
	)
	x.checkReplay()
}

// TestXSetIDRewind lowers the last ID of a stream emptied by trimming,
// which Redis allows (no entry and no deletion is above it).
func TestXSetIDRewind(t *testing.T) {
	x := newTester(t)
	x.fill("s", 5)
	x.wants(
		"XTRIM s MAXLEN 0", "(int) 5",
		"XSETID s 1-2", "OK",
		"XADD s 1-3 f new", `"1-3"`,
		"XRANGE s - +", `[["1-3" ["f" "new"]]]`,
		"XINFO STREAM s FULL COUNT 1", `["length" (int) 1 "radix-tree-keys" (int) 1 "radix-tree-nodes" (int) 2 "last-generated-id" "1-3" "max-deleted-entry-id" "0-0" "entries-added" (int) 6 "recorded-first-entry-id" "1-3" "entries" [["1-3" ["f" "new"]]] "groups" []]`,
	)
	x.checkReplay()
}

func itoa(i int) string { return ID{0, uint64(i)}.String()[2:] }
