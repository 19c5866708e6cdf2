package kv

import (
	"slices"
	"strings"
	"testing"
)

func TestSetPop(t *testing.T) {
	x := newStringTester(t)
	x.want("SADD s a", "(int) 1")
	x.wantEffects("SPOP s", `"a"`, "SREM s a")
	x.want("EXISTS s", "(int) 0")
	x.wantEffects("SPOP s", "(nil)")
	x.wantEffects("SPOP s 1", "[]")
	x.want("SADD s 1 2 3", "(int) 3")
	x.wantEffects("SPOP s 0", "[]")
	x.wantEffects("SPOP s 3", `["1" "2" "3"]`, "DEL s")
	x.want("SADD s a 2 1", "(int) 3")
	x.want("SREM s a", "(int) 1")
	// Popping the whole set replies it as SUNION does: an intset's order.
	x.wantEffects("SPOP s 10", `["1" "2"]`, "DEL s")
	x.checkReplay()
}

func TestSetPopRandom(t *testing.T) {
	for _, enc := range []struct{ name, add string }{
		{"intset", "SADD s " + seqArgs("", 0, 20)},
		{"listpack", "SADD s " + seqArgs("m", 0, 20)},
		{"hashtable", "SADD s " + seqArgs("m", 0, 300)},
	} {
		t.Run(enc.name, func(t *testing.T) {
			x := newTester(t)
			x.do(enc.add)
			before := x.setMembers("s")
			var popped []string
			for _, line := range []string{"SPOP s", "SPOP s 1", "SPOP s 5", "SPOP s 12"} {
				n := len(x.effects)
				switch got := x.reply(line).(type) {
				case string:
					popped = append(popped, got)
				case []any:
					for _, m := range got {
						popped = append(popped, m.(string))
					}
				}
				want := "SREM s " + strings.Join(popped[len(popped)-(len(x.effects[n].args)-2):], " ")
				if got := effectLine(x.effects[n])[4:]; got != want || len(x.effects) != n+1 {
					t.Errorf("%s logged %q, want %q", line, got, want)
				}
			}
			rest := x.setMembers("s")
			all := append(slices.Clone(rest), popped...)
			slices.Sort(all)
			if !slices.Equal(all, before) || len(popped) != 19 {
				t.Errorf("popped %q and left %q of %q", popped, rest, before)
			}
			x.wantEncoding("s", enc.name)
			checkSetInvariants(t, x.setOf("s"))
			x.checkReplay()
		})
	}
}

// TestSetPopBatches: a large SPOP is logged as SREMs of at most 1024
// members.
func TestSetPopBatches(t *testing.T) {
	x := newTester(t)
	x.do("SADD s " + seqArgs("m", 0, 3000))
	n := len(x.effects)
	if got := x.reply("SPOP s 2500").([]any); len(got) != 2500 {
		t.Fatalf("popped %d", len(got))
	}
	var sizes []int
	for _, e := range x.effects[n:] {
		sizes = append(sizes, len(e.args)-2)
	}
	if !slices.Equal(sizes, []int{1024, 1024, 452}) {
		t.Errorf("SREM batches %v", sizes)
	}
	x.want("SCARD s", "(int) 500")
	x.checkReplay()
}

func TestSetPopErrors(t *testing.T) {
	x := newTester(t)
	x.want("SADD s a", "(int) 1")
	x.wantUnchanged([]cmdReply{
		{"SPOP s -1", "ERR value is out of range, must be positive"},
		{"SPOP s x", "ERR value is out of range, must be positive"},
		{"SPOP missing -1", "ERR value is out of range, must be positive"}, // count before key
		{"SPOP s 1 2", "ERR syntax error"},
		{"SPOP", "ERR wrong number of arguments for 'spop' command"},
	})
	x.want("SCARD s", "(int) 1")
}

func TestSetPopRESP3(t *testing.T) {
	x := newTester(t)
	x.proto = 3
	x.want("SPOP s", "(nil)")
	x.want("SPOP s 2", "set[]")
	x.want("SADD s 1", "(int) 1")
	x.want("SPOP s 0", "set[]")
	x.want("SPOP s 2", `set["1"]`)
	x.want("SADD s a", "(int) 1")
	x.want("SPOP s 1", `set["a"]`)
}

func TestSetRandMember(t *testing.T) {
	for _, enc := range []struct{ name, add string }{
		{"intset", "SADD s " + seqArgs("", 0, 20)},
		{"listpack", "SADD s " + seqArgs("m", 0, 20)},
		{"hashtable", "SADD s " + seqArgs("m", 0, 300)},
	} {
		t.Run(enc.name, func(t *testing.T) {
			x := newTester(t)
			x.do(enc.add)
			all := x.setMembers("s")
			n := len(all)
			distinct := func(line string, want int) {
				t.Helper()
				got := x.sortedReply(line)
				if len(got) != want || len(slices.Compact(slices.Clone(got))) != want {
					t.Errorf("%s: %d members %q, want %d distinct", line, len(got), got, want)
				}
				for _, m := range got {
					if _, ok := slices.BinarySearch(all, m); !ok {
						t.Errorf("%s: %q is no member", line, m)
					}
				}
			}
			for _, c := range []int{1, 2, n / 4, n / 2, n - 1, n, n + 5} {
				distinct("SRANDMEMBER s "+itoa(c), min(c, n))
			}
			got := x.sortedReply("SRANDMEMBER s -" + itoa(3*n))
			if len(got) != 3*n || len(slices.Compact(got)) > n {
				t.Errorf("negative count gave %d members", len(got))
			}
			if m, ok := x.reply("SRANDMEMBER s").(string); !ok || !slices.Contains(all, m) {
				t.Errorf("SRANDMEMBER s = %v", m)
			}
			if len(x.effects) != 1 {
				t.Errorf("SRANDMEMBER logged %v", x.effects[1:])
			}
			if got := x.setMembers("s"); !slices.Equal(got, all) {
				t.Errorf("set changed")
			}
		})
	}
}

func TestSetRandMemberEdges(t *testing.T) {
	x := newTester(t)
	x.wantUnchanged([]cmdReply{
		{"SRANDMEMBER missing", "(nil)"},
		{"SRANDMEMBER missing 5", "[]"},
		{"SRANDMEMBER missing -5", "[]"},
	})
	x.want("SADD s 1 2 3", "(int) 3")
	x.wantUnchanged([]cmdReply{
		{"SRANDMEMBER s 0", "[]"},
		{"SRANDMEMBER s 3", `["1" "2" "3"]`},
		{"SRANDMEMBER s 100", `["1" "2" "3"]`},
		{"SRANDMEMBER s x", "ERR value is not an integer or out of range"},
		{"SRANDMEMBER s -9223372036854775808", "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807"},
		{"SRANDMEMBER missing x", "ERR value is not an integer or out of range"}, // count before key
		{"SRANDMEMBER s 1 2", "ERR syntax error"},
	})
	x.proto = 3
	x.want("SRANDMEMBER s 3", `["1" "2" "3"]`) // an array, not a set, in RESP3 too
	x.want("SRANDMEMBER missing 3", "[]")
}
