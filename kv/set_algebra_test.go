package kv

import (
	"slices"
	"strings"
	"testing"
)

func TestSetAlgebraReads(t *testing.T) {
	x := newStringTester(t)
	x.want("SADD a 1 2 3 x y", "(int) 5")
	x.want("SADD b y 3 z 1", "(int) 4")
	x.want("SADD i 3 1 9", "(int) 3")
	x.wantUnchanged([]cmdReply{
		{"SMEMBERS a", `["1" "2" "3" "x" "y"]`},
		{"SMEMBERS missing", "[]"},
		{"SINTER a b", `["y" "3" "1"]`}, // in the smallest set's order
		{"SINTER a b i", `["1" "3"]`},
		{"SINTER a a", `["1" "2" "3" "x" "y"]`},
		{"SINTER a missing", "[]"},
		{"SINTER a", `["1" "2" "3" "x" "y"]`},
		{"SUNION i b", `["1" "3" "9" "y" "z"]`}, // built as an intset, then a listpack
		{"SUNION missing i", `["1" "3" "9"]`},
		{"SUNION missing", "[]"},
		{"SDIFF a b", `["2" "x"]`},
		{"SDIFF a missing i", `["2" "x" "y"]`},
		{"SDIFF missing a", "[]"},
		{"SDIFF a b a", "[]"},
		{"SINTERCARD 2 a b", "(int) 3"},
		{"SINTERCARD 2 a b LIMIT 2", "(int) 2"},
		{"SINTERCARD 2 a b LIMIT 0", "(int) 3"},
		{"SINTERCARD 2 a b limit 9 LIMIT 1", "(int) 1"},
		{"SINTERCARD 3 a b missing", "(int) 0"},
		{"SINTERCARD 1 a", "(int) 5"},
	})
	x.proto = 3
	x.want("SMEMBERS i", `set["1" "3" "9"]`)
	x.want("SINTER a missing", "set[]")
	x.want("SUNION i", `set["1" "3" "9"]`)
	x.want("SDIFF i a", `set["9"]`)
}

func TestSetAlgebraErrors(t *testing.T) {
	x := newStringTester(t)
	x.want("SET str v", "OK")
	x.want("SADD a 1", "(int) 1")
	x.want("SADD d 1", "(int) 1")
	x.wantUnchanged([]cmdReply{
		// Every key is type-checked, missing ones or not.
		{"SINTER missing str", wrongType},
		{"SINTER a str", wrongType},
		{"SUNION missing str", wrongType},
		{"SDIFF missing str", wrongType},
		{"SDIFF a str", wrongType},
		{"SINTERCARD 2 missing str", wrongType},
		{"SINTERSTORE d missing str", wrongType},
		{"SUNIONSTORE d a str", wrongType},
		{"SDIFFSTORE d missing str", wrongType},
		{"SINTERCARD 0 a", "ERR numkeys should be greater than 0"},
		{"SINTERCARD x a", "ERR numkeys should be greater than 0"},
		{"SINTERCARD 3 a", "ERR Number of keys can't be greater than number of args"},
		{"SINTERCARD 1 a LIMIT -1", "ERR LIMIT can't be negative"},
		{"SINTERCARD 1 a LIMIT x", "ERR LIMIT can't be negative"},
		{"SINTERCARD 1 a LIMIT", "ERR syntax error"},
		{"SINTERCARD 1 a FOO 1", "ERR syntax error"},
		{"SINTERCARD 1 str LIMIT -1", "ERR LIMIT can't be negative"}, // options before keys
		{"SINTER", "ERR wrong number of arguments for 'sinter' command"},
		{"SINTERSTORE d", "ERR wrong number of arguments for 'sinterstore' command"},
		{"SINTERCARD 1", "ERR wrong number of arguments for 'sintercard' command"},
	})
	x.want("SMEMBERS d", `["1"]`)
}

func TestSetStore(t *testing.T) {
	x := newStringTester(t)
	x.want("SADD a 1 2 3 x", "(int) 4")
	x.want("SADD b 3 x 4", "(int) 3")
	x.want("SET str v", "OK")
	x.want("PEXPIRE str 100000", "(int) 1")
	x.wantEffects("SINTERSTORE str a b", "(int) 2", "SINTERSTORE str a b") // replaces any type, TTL too
	x.want("SMEMBERS str", `["3" "x"]`)
	x.wantExpireAt("str", 0)
	x.wantEffects("SUNIONSTORE u a b", "(int) 5", "SUNIONSTORE u a b")
	x.want("SMEMBERS u", `["1" "2" "3" "x" "4"]`)
	x.wantEffects("SDIFFSTORE d a b", "(int) 2", "SDIFFSTORE d a b")
	x.wantEncoding("d", "intset")
	x.want("SMEMBERS d", `["1" "2"]`)
	x.wantEffects("SDIFFSTORE a a b", "(int) 2", "SDIFFSTORE a a b") // the destination may be a source
	x.want("SMEMBERS a", `["1" "2"]`)
	// An empty result deletes the destination, logged only if it existed.
	x.wantEffects("SINTERSTORE d a missing", "(int) 0", "SINTERSTORE d a missing")
	x.want("EXISTS d", "(int) 0")
	x.wantEffects("SINTERSTORE d a missing", "(int) 0")
	x.wantEffects("SUNIONSTORE u missing", "(int) 0", "SUNIONSTORE u missing")
	x.wantEffects("SDIFFSTORE str a a", "(int) 0", "SDIFFSTORE str a a")
	x.want("EXISTS u str", "(int) 0")
	x.checkReplay()
}

func TestSetStoreEncodings(t *testing.T) {
	for _, tt := range []struct {
		name  string
		lines []string
		store string
		enc   string
	}{
		{"intersection of intsets", []string{"SADD a 1 2 3", "SADD b 2 3 x"}, "SINTERSTORE d a b", "intset"},
		{"integer intersection of listpacks", []string{"SADD a x 1 2 3", "SADD b y 2 3 4"}, "SINTERSTORE d a b", "intset"},
		{"integer intersection of hashtables", []string{"SADD a x " + seqArgs("", 0, 300), "SADD b y " + seqArgs("", 100, 300)}, "SINTERSTORE d a b", "intset"},
		{"large integer intersection", []string{"SADD a x " + seqArgs("", 0, 600), "SADD b y " + seqArgs("", 0, 600)}, "SINTERSTORE d a b", "hashtable"},
		{"string intersection of hashtables", []string{"SADD a " + seqArgs("m", 0, 200), "SADD b " + seqArgs("m", 190, 200)}, "SINTERSTORE d a b", "listpack"},
		{"big string intersection", []string{"SADD a " + seqArgs("m", 0, 200), "SADD b " + seqArgs("m", 0, 200)}, "SINTERSTORE d a b", "hashtable"},
		{"union of intsets", []string{"SADD a 1 2", "SADD b 3"}, "SUNIONSTORE d a b", "intset"},
		{"union to listpack", []string{"SADD a 1 2", "SADD b x"}, "SUNIONSTORE d a b", "listpack"},
		{"union of 128 integers and a string", []string{"SADD a " + seqArgs("", 0, 128), "SADD b x"}, "SUNIONSTORE d a b", "hashtable"},
		{"union of many integers", []string{"SADD a " + seqArgs("", 0, 300), "SADD b " + seqArgs("", 300, 300)}, "SUNIONSTORE d a b", "hashtable"},
		{"union of a listpack of integers", []string{"SADD a x 1 2", "SREM a x"}, "SUNIONSTORE d a", "intset"},
		// SDIFF: adding the few members left (algorithm 1) keeps a listpack...
		{"small diff, algorithm 1", []string{"SADD a " + seqArgs("m", 0, 200), "SADD b " + seqArgs("m", 10, 190)}, "SDIFFSTORE d a b", "listpack"},
		// ...adding all then removing (algorithm 2) leaves a hashtable.
		{"small diff, algorithm 2", algo2Lines(), "SDIFFSTORE d a b0 b1 b2 b3 b4 b5 b6 b7 b8 b9", "hashtable"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			x := newTester(t)
			for _, l := range tt.lines {
				x.do(l)
			}
			f := strings.Fields(tt.store)
			want := x.sortedReply(strings.TrimSuffix(f[0], "STORE") + " " + strings.Join(f[2:], " "))
			x.do(tt.store)
			x.wantEncoding("d", tt.enc)
			checkSetInvariants(t, x.setOf("d"))
			if got := x.setMembers("d"); !slices.Equal(got, want) {
				t.Errorf("stored %q, want %q", got, want)
			}
			x.checkSetReplay()
		})
	}
}

// algo2Lines makes a set a of 200 members and ten small sets b0..b9 that
// remove all but 10 of them: small enough for SDIFF to pick its algorithm
// 2 (Redis's estimate: 11*200/2 > 200+190).
func algo2Lines() []string {
	lines := []string{"SADD a " + seqArgs("m", 0, 200)}
	for k := range 10 {
		lines = append(lines, "SADD b"+itoa(k)+" "+seqArgs("m", 10+19*k, 19))
	}
	return lines
}
