package kv

import "testing"

// The tester's clock starts at 1_700_000_000_000 ms.
const t0 = 1_700_000_000_000

func TestSetConditions(t *testing.T) {
	x := newStringTester(t)
	x.wantEffects("SET k v", "OK", "SET k v")
	x.want("GET k", `"v"`)
	x.wantEffects("SET k v2 NX", "(nil)")
	x.wantEffects("SET n v NX", "OK", "SET n v")
	x.wantEffects("SET missing v XX", "(nil)")
	x.want("GET missing", "(nil)")
	x.wantEffects("SET k v3 XX", "OK", "SET k v3")
	x.wantEffects("SET k v4 XX GET", `"v3"`, "SET k v4")
	x.wantEffects("SET k v5 NX GET", `"v4"`) // NX stops it; GET still replies
	x.want("GET k", `"v4"`)
	x.wantEffects("SET new v NX GET", "(nil)", "SET new v")
	x.wantEffects("SET none v XX GET", "(nil)")
	x.wantEffects("SET k v6 GET", `"v4"`, "SET k v6")
	x.wantEffects("set k \"\" get", `"v6"`, "SET k ")
	x.want("GET k", `""`)
	x.wantEffects(`SET "bin\x00" "\xff\r\n"`, "OK", "SET bin\x00 \xff\r\n")
	x.want(`GET "bin\x00"`, `"\xff\r\n"`)
	x.checkReplay()
}

func TestSetOverwritesOtherTypes(t *testing.T) {
	x := newStringTester(t)
	x.want("MKLIST l a", "OK")
	x.wantEffects("SET l v GET", "WRONGTYPE Operation against a key holding the wrong kind of value")
	x.wantEffects("SET l v NX", "(nil)")
	x.wantEffects("SET l v", "OK", "SET l v")
	x.want("GET l", `"v"`)
	x.want("MKLIST l a", "OK")
	x.wantEffects("SET l v XX", "OK", "SET l v")
	x.checkReplay()
}

func TestSetExpiry(t *testing.T) {
	x := newStringTester(t)
	x.wantEffects("SET a 1 EX 10", "OK", "SET a 1 PXAT 1700000010000")
	x.wantExpireAt("a", t0+10_000)
	x.wantEffects("SET b 1 PX 500", "OK", "SET b 1 PXAT 1700000000500")
	x.wantExpireAt("b", t0+500)
	x.wantEffects("SET c 1 EXAT 1700000100", "OK", "SET c 1 PXAT 1700000100000")
	x.wantExpireAt("c", t0+100_000)
	x.wantEffects("SET d 1 pxat 1700000100001", "OK", "SET d 1 PXAT 1700000100001")
	x.wantExpireAt("d", t0+100_001)
	x.wantEffects("SET a 2 KEEPTTL", "OK", "SET a 2 KEEPTTL")
	x.wantExpireAt("a", t0+10_000)
	x.wantEffects("SET a 3", "OK", "SET a 3")
	x.wantExpireAt("a", 0)
	x.wantEffects("SET b 2 KEEPTTL GET", `"1"`, "SET b 2 KEEPTTL")
	x.wantExpireAt("b", t0+500)
	x.wantEffects("SET e 1 KEEPTTL", "OK", "SET e 1 KEEPTTL")
	x.wantExpireAt("e", 0)
	x.wantEffects("SET e 2 XX GET EX 1", `"1"`, "SET e 2 PXAT 1700000001000")
	x.wantExpireAt("e", t0+1000)

	// b expires: reads see nothing and change nothing; a write logs the
	// removal before deciding.
	x.advance(500)
	x.wantEffects("GET b", "(nil)")
	x.wantEffects("SET b 3 XX", "(nil)", "DEL b")
	x.wantEffects("SET b 4 NX", "OK", "SET b 4")
	x.checkReplay()
}

func TestSetExpiryInThePast(t *testing.T) {
	x := newStringTester(t)
	x.want("SET c 1", "OK")
	x.wantEffects("SET c 2 EXAT 1", "OK", "DEL c")
	x.want("GET c", "(nil)")
	x.wantEffects("SET gone 2 PXAT 1", "OK")
	x.want("SET d 1", "OK")
	x.wantEffects("SET d 5 PXAT 1700000000000 GET", `"1"`, "DEL d") // now counts as past
	x.want("GET d", "(nil)")
	if n := x.store.Database(0).Size(); n != 0 {
		t.Errorf("%d keys left, want 0", n)
	}
	x.checkReplay()
}

func TestSetErrors(t *testing.T) {
	x := newStringTester(t)
	x.want("SET k v", "OK")
	x.want("MKLIST l a", "OK")
	for _, tt := range []struct{ line, want string }{
		{"SET k v EX 0", "ERR invalid expire time in 'set' command"},
		{"SET k v EX -5", "ERR invalid expire time in 'set' command"},
		{"SET k v PXAT 0", "ERR invalid expire time in 'set' command"},
		{"SET k v EX 9223372036854776", "ERR invalid expire time in 'set' command"},
		{"SET k v PX 9223372036854775807", "ERR invalid expire time in 'set' command"},
		{"SET k v PX abc", "ERR value is not an integer or out of range"},
		{"SET k v EX 1.5", "ERR value is not an integer or out of range"},
		{"SET k v EX 10 PX 10", "ERR syntax error"},
		{"SET k v NX XX", "ERR syntax error"},
		{"SET k v KEEPTTL PX 10", "ERR syntax error"},
		{"SET k v EX", "ERR syntax error"},
		{"SET k v BAD", "ERR syntax error"},
		{"SET k v EX abc BAD", "ERR syntax error"},                       // syntax before the number
		{"SET l v EX 0 GET", "ERR invalid expire time in 'set' command"}, // expire time before type
		{"SET l v GET XX", "WRONGTYPE Operation against a key holding the wrong kind of value"},
		{"SET k", "ERR wrong number of arguments for 'set' command"},
	} {
		x.wantEffects(tt.line, tt.want)
	}
	x.want("GET k", `"v"`)
	x.checkReplay()
}

func TestSetVariants(t *testing.T) {
	x := newStringTester(t)
	x.want("MKLIST l a", "OK")
	for _, tt := range []struct {
		line, reply string
		effects     []string
	}{
		{"SETNX a 1", "(int) 1", []string{"SET a 1"}},
		{"SETNX a 2", "(int) 0", nil},
		{"SETNX l 2", "(int) 0", nil},
		{"SETEX b 10 v", "OK", []string{"SET b v PXAT 1700000010000"}},
		{"SETEX b 0 v", "ERR invalid expire time in 'setex' command", nil},
		{"SETEX b x v", "ERR value is not an integer or out of range", nil},
		{"PSETEX c 1500 v", "OK", []string{"SET c v PXAT 1700000001500"}},
		{"PSETEX c -1 v", "ERR invalid expire time in 'psetex' command", nil},
		{"GETSET b new", `"v"`, []string{"SET b new"}},
		{"GETSET fresh x", "(nil)", []string{"SET fresh x"}},
		{"GETSET l x", "WRONGTYPE Operation against a key holding the wrong kind of value", nil},
		{"SETEX l 10 v", "OK", []string{"SET l v PXAT 1700000010000"}},
		{"SETNX a", "ERR wrong number of arguments for 'setnx' command", nil},
	} {
		x.wantEffects(tt.line, tt.reply, tt.effects...)
	}
	x.want("GET a", `"1"`)
	x.wantExpireAt("b", 0) // GETSET clears the TTL
	x.wantExpireAt("c", t0+1500)
	x.wantExpireAt("l", t0+10_000)
	x.advance(1500)
	x.want("GET c", "(nil)")
	x.wantEffects("SETNX c 2", "(int) 1", "DEL c", "SET c 2")
	x.checkReplay()
}

func TestMSet(t *testing.T) {
	x := newStringTester(t)
	x.want("MKLIST l a", "OK")
	x.want("SET t 1 EX 100", "OK")
	x.wantEffects("MSET a 1 b 2 a 3 l 4 t 5", "OK", "MSET a 1 b 2 a 3 l 4 t 5")
	x.want("MGET a b l t nope", `["3" "2" "4" "5" (nil)]`)
	x.wantExpireAt("t", 0)
	x.wantEffects("MSET a 1 b", "ERR wrong number of arguments for 'mset' command")
	x.wantEffects("mset a", "ERR wrong number of arguments for 'mset' command")

	x.wantEffects("MSETNX c 1 a 2", "(int) 0")
	x.want("GET c", "(nil)")
	x.wantEffects("MSETNX c 1 d 2 c 3", "(int) 1", "MSET c 1 d 2 c 3")
	x.want("MGET c d", `["3" "2"]`)
	x.wantEffects("MSETNX x 1 y", "ERR wrong number of arguments for 'msetnx' command")

	x.want("SET e 1 PX 10", "OK")
	x.advance(10)
	x.wantEffects("MSETNX e 2 f 3", "(int) 1", "DEL e", "MSET e 2 f 3")
	x.wantExpireAt("e", 0)
	x.checkReplay()
}
