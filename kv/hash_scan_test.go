package kv

import (
	"strconv"
	"strings"
	"testing"
)

func TestHashScanPacked(t *testing.T) {
	x := newTester(t)
	x.want("HSET h a 1 b 2 ab 3", "(int) 3")
	x.wantUnchanged([]cmdReply{
		{"HSCAN h 0", `["0" ["a" "1" "b" "2" "ab" "3"]]`},
		{"HSCAN h 12345 COUNT 1", `["0" ["a" "1" "b" "2" "ab" "3"]]`},
		{"HSCAN h 0 MATCH a*", `["0" ["a" "1" "ab" "3"]]`},
		{"HSCAN h 0 match * count 2", `["0" ["a" "1" "b" "2" "ab" "3"]]`},
		{"HSCAN h 0 MATCH x* MATCH b", `["0" ["b" "2"]]`},
		{"HSCAN h 0 MATCH zz", `["0" []]`},
		{"HSCAN missing 0", `["0" []]`},
		{"HSCAN missing 0 COUNT 0", `["0" []]`}, // options are not read for a missing key
		{"HSCAN h x", "ERR invalid cursor"},
		{"HSCAN h -1", `["0" ["a" "1" "b" "2" "ab" "3"]]`},
		{"HSCAN h 0 COUNT 0", "ERR syntax error"},
		{"HSCAN h 0 COUNT x", "ERR value is not an integer or out of range"},
		{"HSCAN h 0 COUNT", "ERR syntax error"},
		{"HSCAN h 0 TYPE string", "ERR syntax error"},
		{"HSCAN h 0 NOVALUES", "ERR syntax error"},
	})
	x.proto = 3
	x.want("HSCAN h 0 MATCH b", `["0" ["b" "2"]]`)
}

// hashScanAll runs a full HSCAN of key with the given COUNT, calling
// between after each call, and returns every field seen with how many
// times, and the number of calls.
func hashScanAll(t *testing.T, x *tester, key string, count int, between func(call int)) (map[string]int, int) {
	t.Helper()
	seen := map[string]int{}
	cursor := "0"
	for call := 1; ; call++ {
		got := x.do("HSCAN " + key + " " + cursor + " COUNT " + strconv.Itoa(count))
		rest, ok := strings.CutPrefix(got, `["`)
		if !ok {
			t.Fatalf("HSCAN = %s", got)
		}
		next, items, _ := strings.Cut(rest, `" `)
		words := hashReplyWords(strings.TrimSuffix(items, "]"))
		if len(words)%2 != 0 {
			t.Fatalf("HSCAN = %s", got)
		}
		for i := 0; i < len(words); i += 2 {
			seen[words[i]]++
		}
		if next == "0" {
			return seen, call
		}
		if call > 100000 {
			t.Fatal("HSCAN does not end")
		}
		cursor = next
		if between != nil {
			between(call)
		}
	}
}

func TestHashScanHashtable(t *testing.T) {
	x := newTester(t)
	for i := range 1000 {
		x.do("HSET h f" + itoa(i) + " " + itoa(i))
	}
	x.wantEncoding("h", "hashtable")
	seen, calls := hashScanAll(t, x, "h", 10, nil)
	if len(seen) != 1000 {
		t.Fatalf("saw %d fields, want 1000", len(seen))
	}
	for f, n := range seen {
		if n != 1 {
			t.Errorf("%s returned %d times by a scan of a hash that did not change", f, n)
		}
	}
	if calls < 100 || calls > 101 {
		t.Errorf("scan took %d calls of COUNT 10 for 1000 fields", calls)
	}
	if all := x.do("HSCAN h 0 MATCH f99* COUNT 1000"); !strings.HasPrefix(all, `["0" [`) || strings.Count(all, `"f99`) != 11 {
		t.Errorf("HSCAN h 0 MATCH f99* COUNT 1000 = %s", all)
	}
}

// TestHashScanSurvivesChanges: a field present for the whole scan is
// returned even while other fields are added and removed between calls.
func TestHashScanSurvivesChanges(t *testing.T) {
	x := newTester(t)
	for i := range 500 {
		x.do("HSET h stay" + itoa(i) + " v")
	}
	added := 0
	seen, _ := hashScanAll(t, x, "h", 7, func(call int) {
		for j := range 20 {
			x.do("HSET h new" + itoa(added+j) + " v")
		}
		added += 20
		x.do("HDEL h new" + itoa(added/2))
	})
	for i := range 500 {
		if seen["stay"+itoa(i)] == 0 {
			t.Errorf("stay%d was never returned", i)
		}
	}
}
