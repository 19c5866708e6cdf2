package kv

import (
	"slices"
	"strings"
	"testing"
)

func TestSetAdd(t *testing.T) {
	x := newStringTester(t)
	x.wantEffects("SADD s 3 1 2 1", "(int) 3", "SADD s 3 1 2 1")
	x.want("SMEMBERS s", `["1" "2" "3"]`) // an intset lists in ascending order
	x.want("TYPE s", "set")
	x.want("OBJECT ENCODING s", `"intset"`)
	x.wantEffects("SADD s 2 3", "(int) 0")
	x.wantEffects("SADD s b a 1", "(int) 2", "SADD s b a 1")
	x.want("OBJECT ENCODING s", `"listpack"`)
	x.want("SMEMBERS s", `["1" "2" "3" "b" "a"]`) // converted in order, then appended
	x.wantEffects(`SADD bin "" "\x00\xff" "01" "-0" "-5"`, "(int) 5", "SADD bin  \x00\xff 01 -0 -5")
	x.want("OBJECT ENCODING bin", `"listpack"`)
	x.want("SCARD bin", "(int) 5")
	x.checkReplay()
}

func TestSetAddEncodings(t *testing.T) {
	long := strings.Repeat("x", 65)
	for _, tt := range []struct {
		name  string
		lines []string
		enc   string
	}{
		{"integers", []string{"SADD s " + seqArgs("", 0, 512)}, "intset"},
		{"integers past the intset limit", []string{"SADD s " + seqArgs("", 0, 512), "SADD s 512"}, "hashtable"},
		{"hint past the intset limit", []string{"SADD s " + seqArgs("", 0, 513)}, "hashtable"},
		{"integers past the listpack size", []string{"SADD s " + seqArgs("", 0, 200)}, "intset"},
		{"intset of 127 takes a string", []string{"SADD s " + seqArgs("", 0, 127), "SADD s a"}, "listpack"},
		{"intset of 128 takes a string", []string{"SADD s " + seqArgs("", 0, 128), "SADD s a"}, "hashtable"},
		{"intset takes a long string", []string{"SADD s 1", "SADD s " + long}, "hashtable"},
		{"listpack full", []string{"SADD s " + seqArgs("m", 0, 128)}, "listpack"},
		{"listpack past full", []string{"SADD s " + seqArgs("m", 0, 128), "SADD s m128"}, "hashtable"},
		{"hint past the listpack limit", []string{"SADD s " + seqArgs("m", 0, 129)}, "hashtable"},
		{"string first, 200 integers", []string{"SADD s a " + seqArgs("", 0, 199)}, "hashtable"},
		{"listpack takes a long string", []string{"SADD s a", "SADD s " + long}, "hashtable"},
		{"64 bytes fit", []string{"SADD s a " + long[:64]}, "listpack"},
		{"long first member", []string{"SADD s " + long}, "hashtable"},
		{"duplicates past the hint", []string{"SADD s a", "SADD s " + strings.Repeat("a ", 129)}, "hashtable"},
		{"no conversion back", []string{"SADD s a " + long, "SREM s " + long}, "hashtable"},
		{"listpack of integers stays", []string{"SADD s a 1 2", "SREM s a"}, "listpack"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			x := newTester(t)
			for _, l := range tt.lines {
				x.do(l)
			}
			x.wantEncoding("s", tt.enc)
			checkSetInvariants(t, x.setOf("s"))
			x.checkReplay()
		})
	}
}

// TestSetAddLogsConversion: SADD of members already there adds nothing
// but may convert the set; replay must convert it too.
func TestSetAddLogsConversion(t *testing.T) {
	x := newTester(t)
	x.want("SADD s a", "(int) 1")
	x.wantEffects("SADD s "+strings.Repeat("a ", 129), "(int) 0", "SADD s"+strings.Repeat(" a", 129))
	x.wantEncoding("s", "hashtable")
	x.checkReplay()
}

func TestSetRem(t *testing.T) {
	x := newStringTester(t)
	x.want("SADD s a b c 1", "(int) 4")
	x.wantEffects("SREM s a x", "(int) 1", "SREM s a x")
	x.wantEffects("SREM s x y", "(int) 0")
	x.wantEffects("SREM missing a", "(int) 0")
	x.wantEffects("SREM s b c 1 b", "(int) 3", "SREM s b c 1 b")
	x.want("EXISTS s", "(int) 0")
	x.want("SADD i 1 2 3", "(int) 3")
	x.wantEffects("SREM i 2 x 02", "(int) 1", "SREM i 2 x 02")
	x.want("SMEMBERS i", `["1" "3"]`)
	x.want("SADD h "+seqArgs("m", 0, 200), "(int) 200")
	x.wantEffects("SREM h m1 m2", "(int) 2", "SREM h m1 m2")
	x.want("SCARD h", "(int) 198")
	x.checkReplay()
}

func TestSetMembership(t *testing.T) {
	for _, enc := range []struct{ name, add string }{
		{"intset", "SADD s 1 2 3"},
		{"listpack", "SADD s 1 2 3 x"},
		{"hashtable", "SADD s 1 2 3 " + seqArgs("m", 0, 200)},
	} {
		t.Run(enc.name, func(t *testing.T) {
			x := newTester(t)
			x.do(enc.add)
			x.want("SISMEMBER s 2", "(int) 1")
			x.want("SISMEMBER s 4", "(int) 0")
			x.want("SISMEMBER s 02", "(int) 0")
			x.want("SISMEMBER s a", "(int) 0")
			x.want("SMISMEMBER s 1 4 3 x", "[(int) 1 (int) 0 (int) 1 (int) "+map[bool]string{true: "1", false: "0"}[enc.name == "listpack"]+"]")
			x.want("SISMEMBER missing 1", "(int) 0")
			x.want("SMISMEMBER missing 1 2", "[(int) 0 (int) 0]")
			x.want("SCARD missing", "(int) 0")
		})
	}
}

func TestSetReadErrors(t *testing.T) {
	x := newStringTester(t)
	x.want("SET str v", "OK")
	x.want("SADD s a", "(int) 1")
	x.wantUnchanged([]cmdReply{
		{"SADD str a", wrongType},
		{"SREM str a", wrongType},
		{"SISMEMBER str a", wrongType},
		{"SMISMEMBER str a", wrongType},
		{"SCARD str", wrongType},
		{"SMEMBERS str", wrongType},
		{"SRANDMEMBER str", wrongType},
		{"SRANDMEMBER str 2", wrongType},
		{"SPOP str", wrongType},
		{"SPOP str 2", wrongType},
		{"SSCAN str 0", wrongType},
		{"SADD s", "ERR wrong number of arguments for 'sadd' command"},
		{"SREM s", "ERR wrong number of arguments for 'srem' command"},
		{"SISMEMBER s", "ERR wrong number of arguments for 'sismember' command"},
		{"SISMEMBER s a b", "ERR wrong number of arguments for 'sismember' command"},
		{"SMISMEMBER s", "ERR wrong number of arguments for 'smismember' command"},
		{"SCARD s x", "ERR wrong number of arguments for 'scard' command"},
		{"SMEMBERS", "ERR wrong number of arguments for 'smembers' command"},
		{"SMOVE s d", "ERR wrong number of arguments for 'smove' command"},
	})
	x.want("GET str", `"v"`)
}

func TestSetMove(t *testing.T) {
	x := newStringTester(t)
	x.want("SET str v", "OK")
	x.want("SADD src a b 1", "(int) 3")
	x.wantEffects("SMOVE src dst a", "(int) 1", "SMOVE src dst a")
	x.wantEncoding("dst", "listpack")
	x.wantEffects("SMOVE src idst 1", "(int) 1", "SMOVE src idst 1")
	x.wantEncoding("idst", "intset") // created for its one member
	x.wantEffects("SMOVE src dst x", "(int) 0")
	x.wantEffects("SMOVE src src b", "(int) 1")
	x.wantEffects("SMOVE src src x", "(int) 0")
	x.want("SADD dst b", "(int) 1")
	x.wantEffects("SMOVE src dst b", "(int) 1", "SMOVE src dst b") // already there: only removed
	x.want("EXISTS src", "(int) 0")
	x.want("SMEMBERS dst", `["a" "b"]`)
	x.wantUnchanged([]cmdReply{
		{"SMOVE missing str a", "(int) 0"}, // a missing source wins over a wrong destination
		{"SMOVE str dst a", wrongType},
		{"SMOVE dst str a", wrongType},
	})
	x.want("SMEMBERS dst", `["a" "b"]`)
	x.checkReplay()
}

// TestSetKeepsTTL: changing a set in place keeps its TTL; an expired set
// reads as missing.
func TestSetKeepsTTL(t *testing.T) {
	x := newTester(t)
	x.want("SADD s a", "(int) 1")
	x.want("PEXPIRE s 1000", "(int) 1")
	x.want("SADD s b", "(int) 1")
	x.want("SREM s a", "(int) 1")
	x.wantExpireAt("s", t0+1000)
	x.advance(1000)
	x.want("SCARD s", "(int) 0")
	x.wantEffects("SADD s c", "(int) 1", "DEL s", "SADD s c")
	x.wantExpireAt("s", 0)
	x.checkReplay()
}

// TestSetClone: COPY gives an independent set of the same encoding.
func TestSetClone(t *testing.T) {
	for _, add := range []string{"SADD s 1 2", "SADD s a b", "SADD s " + seqArgs("m", 0, 200)} {
		x := newTester(t)
		x.do(add)
		x.want("COPY s c", "(int) 1")
		x.want("SADD c new", "(int) 1")
		x.want("SISMEMBER s new", "(int) 0")
		if a, b := x.setOf("s"), x.setOf("c"); a.Encoding() != b.Encoding() && b.Encoding() != "listpack" {
			t.Errorf("%s: copy is %s, original %s", add, b.Encoding(), a.Encoding())
		}
		if got := x.setMembers("c"); !slices.Contains(got, "new") || len(got) != x.setOf("s").Len()+1 {
			t.Errorf("%s: copy holds %q", add, got)
		}
		x.checkReplay()
	}
}
