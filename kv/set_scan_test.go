package kv

import (
	"slices"
	"strings"
	"testing"
)

func TestSetScanSmall(t *testing.T) {
	x := newStringTester(t)
	x.want("SET str v", "OK")
	x.want("SADD i 3 1 2", "(int) 3")
	x.want("SADD l a b 1 ab", "(int) 4")
	x.wantUnchanged([]cmdReply{
		// Whole, cursor 0, whatever the cursor and COUNT.
		{"SSCAN i 0", `["0" ["1" "2" "3"]]`},
		{"SSCAN i 7 COUNT 1", `["0" ["1" "2" "3"]]`},
		{"SSCAN l 0 MATCH a*", `["0" ["a" "ab"]]`},
		{"SSCAN l 0 MATCH * COUNT 2", `["0" ["a" "b" "1" "ab"]]`},
		{"SSCAN i 0 match 1", `["0" ["1"]]`},
		{"SSCAN missing 0", `["0" []]`},
		{"SSCAN missing 0 COUNT 0", `["0" []]`}, // options are read only for an existing key
		{"SSCAN i 0 COUNT 0", "ERR syntax error"},
		{"SSCAN i 0 COUNT x", "ERR value is not an integer or out of range"},
		{"SSCAN i 0 TYPE set", "ERR syntax error"},
		{"SSCAN i 0 MATCH", "ERR syntax error"},
		{"SSCAN i x", "ERR invalid cursor"},
		{"SSCAN missing x", "ERR invalid cursor"},
		{"SSCAN str 0", wrongType},
		{"SSCAN i", "ERR wrong number of arguments for 'sscan' command"},
	})
}

// TestSetScanHashtable: a full scan returns every member exactly once
// when the set does not change, and at least every member present
// throughout when it does.
func TestSetScanHashtable(t *testing.T) {
	x := newTester(t)
	x.do("SADD s " + seqArgs("m", 0, 1000))
	scanAll := func(opts string, during func()) []string {
		var got []string
		cursor := "0"
		for calls := 0; ; calls++ {
			reply := x.reply("SSCAN s " + cursor + opts).([]any)
			for _, m := range reply[1].([]any) {
				got = append(got, m.(string))
			}
			cursor = reply[0].(string)
			if cursor == "0" {
				return got
			}
			if calls > 1000 {
				t.Fatal("scan does not end")
			}
			if during != nil {
				during()
			}
		}
	}
	got := scanAll(" COUNT 7", nil)
	slices.Sort(got)
	if want := seqStrings("m", 0, 1000); !slices.Equal(got, want) {
		t.Errorf("scan returned %d members, want 1000 once each", len(got))
	}
	got = scanAll(" MATCH m1?", nil)
	slices.Sort(got)
	if want := seqStrings("m", 10, 10); !slices.Equal(got, want) {
		t.Errorf("MATCH m1? gave %q", got)
	}
	added := 0
	got = scanAll("", func() {
		x.do("SADD s n" + itoa(added))
		x.do("SREM s m" + itoa(999-added))
		added++
	})
	seen := map[string]bool{}
	for _, m := range got {
		seen[m] = true
	}
	for i := range 1000 - added {
		if !seen["m"+itoa(i)] {
			t.Fatalf("m%d, present throughout, not returned", i)
		}
	}
}

// TestSetRewrite: a snapshot's SADDs rebuild every set with its members,
// and intsets, listpacks and large hashtables in their encoding.
func TestSetRewrite(t *testing.T) {
	long := strings.Repeat("y", 100)
	for _, tt := range []struct {
		name, add, enc string
	}{
		{"intset", "SADD s " + seqArgs("", 0, 512), "intset"},
		{"listpack", "SADD s a " + seqArgs("", 0, 127), "listpack"},
		{"hashtable", "SADD s " + seqArgs("m", 0, 2500), "hashtable"},
		{"long member", "SADD s a " + long, "hashtable"},
		{"many integers", "SADD s " + seqArgs("", 0, 3000), "hashtable"},
		{"binary", `SADD s "" "\x00\xff" "\r\n"`, "listpack"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			x := newTester(t)
			x.do(tt.add)
			live := x.setOf("s")
			y := newTester(t)
			live.Clone().(*Set).Rewrite([]byte("s"), func(args ...[]byte) {
				if len(args)-2 > rewritePushElems {
					t.Errorf("SADD of %d members", len(args)-2)
				}
				raw := y.exec(y.store, 0, args, false)
				if len(raw) > 0 && raw[0] == '-' {
					t.Fatalf("%s", raw)
				}
			})
			y.wantEncoding("s", tt.enc)
			if got, want := y.setMembers("s"), x.setMembers("s"); !slices.Equal(got, want) {
				t.Errorf("rewritten set has %d members, want %d", len(got), len(want))
			}
			if tt.enc == "listpack" && !slices.Equal(y.setOf("s").lp, live.lp) {
				t.Errorf("listpack order changed")
			}
		})
	}
}
