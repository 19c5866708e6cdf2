package kv

import "testing"

func TestListPush(t *testing.T) {
	x := newStringTester(t)
	x.wantEffects("RPUSH l a b c", "(int) 3", "RPUSH l a b c")
	x.wantEffects("LPUSH l x y", "(int) 5", "LPUSH l x y")
	x.want("LRANGE l 0 -1", `["y" "x" "a" "b" "c"]`)
	x.want("TYPE l", "list")
	x.want("OBJECT ENCODING l", `"listpack"`)
	x.wantEffects("LPUSHX missing a", "(int) 0")
	x.wantEffects("RPUSHX missing a", "(int) 0")
	x.want("EXISTS missing", "(int) 0")
	x.wantEffects("LPUSHX l h1 h2", "(int) 7", "LPUSHX l h1 h2")
	x.wantEffects("RPUSHX l t", "(int) 8", "RPUSHX l t")
	x.want("LRANGE l 0 -1", `["h2" "h1" "y" "x" "a" "b" "c" "t"]`)
	x.wantEffects(`RPUSH bin "" "\x00\xff" "12" "-7"`, "(int) 4", "RPUSH bin  \x00\xff 12 -7")
	x.want("LRANGE bin 0 -1", `["" "\x00\xff" "12" "-7"]`)
	x.checkReplay()
}

func TestListPushWrongType(t *testing.T) {
	x := newStringTester(t)
	x.want("SET s v", "OK")
	for _, cmd := range []string{"LPUSH s a", "RPUSH s a", "LPUSHX s a", "RPUSHX s a"} {
		x.wantEffects(cmd, wrongType)
	}
	x.want("GET s", `"v"`)
}

// TestListPushKeepsTTL: pushing changes the list in place, so its TTL
// stays.
func TestListPushKeepsTTL(t *testing.T) {
	x := newStringTester(t)
	x.want("RPUSH l a", "(int) 1")
	x.want("PEXPIRE l 1000", "(int) 1")
	x.want("RPUSH l b", "(int) 2")
	x.wantExpireAt("l", t0+1000)
	x.advance(1000)
	x.wantEffects("RPUSHX l c", "(int) 0", "DEL l")
	x.wantEffects("LPUSH l c", "(int) 1", "LPUSH l c")
	x.wantExpireAt("l", 0)
	x.checkReplay()
}
