package kv

import "testing"

func TestListLmove(t *testing.T) {
	x := newStringTester(t)
	x.want("RPUSH src a b c", "(int) 3")
	x.wantEffects("LMOVE src dst LEFT RIGHT", `"a"`, "LMOVE src dst LEFT RIGHT")
	x.wantEffects("LMOVE src dst right left", `"c"`, "LMOVE src dst right left")
	x.want("LRANGE dst 0 -1", `["c" "a"]`)
	x.wantEffects("RPOPLPUSH src dst", `"b"`, "RPOPLPUSH src dst")
	x.want("EXISTS src", "(int) 0")
	x.want("LRANGE dst 0 -1", `["b" "c" "a"]`)
	x.wantEffects("LMOVE src dst LEFT LEFT", "(nil)")
	x.wantEffects("RPOPLPUSH src dst", "(nil)")
	// A list moved onto itself rotates.
	x.wantEffects("LMOVE dst dst LEFT RIGHT", `"b"`, "LMOVE dst dst LEFT RIGHT")
	x.want("LRANGE dst 0 -1", `["c" "a" "b"]`)
	x.wantEffects("RPOPLPUSH dst dst", `"b"`, "RPOPLPUSH dst dst")
	x.want("LRANGE dst 0 -1", `["b" "c" "a"]`)
	x.want("RPUSH one x", "(int) 1")
	x.wantEffects("LMOVE one one LEFT LEFT", `"x"`, "LMOVE one one LEFT LEFT")
	x.want("LRANGE one 0 -1", `["x"]`)
	x.checkReplay()
}

func TestListLmoveErrors(t *testing.T) {
	x := newStringTester(t)
	x.want("SET s v", "OK")
	x.want("RPUSH l a", "(int) 1")
	x.wantUnchanged([]cmdReply{
		{"LMOVE l d UP LEFT", "ERR syntax error"},
		{"LMOVE l d LEFT DOWN", "ERR syntax error"},
		{"LMOVE s d LEFT LEFT", wrongType},
		{"LMOVE l s LEFT LEFT", wrongType},
		{"RPOPLPUSH l s", wrongType},
		{"LMOVE missing s LEFT LEFT", "(nil)"}, // destination not checked without a source
	})
	x.want("LRANGE l 0 -1", `["a"]`)
}
