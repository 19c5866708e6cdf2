package kv

import "testing"

func TestListLset(t *testing.T) {
	x := newStringTester(t)
	x.want("SET s v", "OK")
	x.want("RPUSH l a b c", "(int) 3")
	x.wantEffects("LSET l 0 A", "OK", "LSET l 0 A")
	x.wantEffects("LSET l -1 C", "OK", "LSET l -1 C")
	x.wantEffects("LSET l 1 longer-value", "OK", "LSET l 1 longer-value")
	x.wantEffects("LSET l 1 b", "OK", "LSET l 1 b")
	x.want("LRANGE l 0 -1", `["A" "b" "C"]`)
	x.wantUnchanged([]cmdReply{
		{"LSET l 3 x", "ERR index out of range"},
		{"LSET l -4 x", "ERR index out of range"},
		{"LSET l x x", "ERR value is not an integer or out of range"},
		{"LSET missing 0 x", "ERR no such key"},
		{"LSET missing x x", "ERR no such key"}, // the key is looked at first
		{"LSET s 0 x", wrongType},
	})
	x.checkReplay()
}

func TestListLinsert(t *testing.T) {
	x := newStringTester(t)
	x.want("SET s v", "OK")
	x.want("RPUSH l a b c b", "(int) 4")
	x.wantEffects("LINSERT l BEFORE b x", "(int) 5", "LINSERT l BEFORE b x")
	x.wantEffects("LINSERT l after b y", "(int) 6", "LINSERT l after b y")
	x.wantEffects("LINSERT l AFTER b2 z", "(int) -1")
	x.wantEffects("LINSERT l BEFORE a head", "(int) 7", "LINSERT l BEFORE a head")
	x.wantEffects("LINSERT l AFTER b tail", "(int) 8", "LINSERT l AFTER b tail")
	x.want("LRANGE l 0 -1", `["head" "a" "x" "b" "tail" "y" "c" "b"]`)
	x.wantUnchanged([]cmdReply{
		{"LINSERT missing BEFORE a b", "(int) 0"},
		{"LINSERT l MIDDLE a b", "ERR syntax error"},
		{"LINSERT missing MIDDLE a b", "ERR syntax error"},
		{"LINSERT s BEFORE a b", wrongType},
	})
	x.checkReplay()
}

func TestListLrem(t *testing.T) {
	x := newStringTester(t)
	x.want("SET s v", "OK")
	x.want("RPUSH l a b a c a b a", "(int) 7")
	x.wantEffects("LREM l 2 a", "(int) 2", "LREM l 2 a")
	x.want("LRANGE l 0 -1", `["b" "c" "a" "b" "a"]`)
	x.wantEffects("LREM l -1 b", "(int) 1", "LREM l -1 b")
	x.want("LRANGE l 0 -1", `["b" "c" "a" "a"]`)
	x.wantEffects("LREM l 0 a", "(int) 2", "LREM l 0 a")
	x.wantEffects("LREM l 0 zz", "(int) 0")
	x.want("LRANGE l 0 -1", `["b" "c"]`)
	x.wantEffects("LREM l -9223372036854775808 b", "(int) 1", "LREM l -9223372036854775808 b")
	x.wantEffects("LREM l 1 c", "(int) 1", "LREM l 1 c")
	x.want("EXISTS l", "(int) 0")
	x.wantUnchanged([]cmdReply{
		{"LREM missing 1 a", "(int) 0"},
		{"LREM missing x a", "ERR value is not an integer or out of range"},
		{"LREM s 1 a", wrongType},
	})
	x.checkReplay()
}

func TestListLtrim(t *testing.T) {
	x := newStringTester(t)
	x.want("SET s v", "OK")
	x.want("RPUSH l a b c d e f", "(int) 6")
	x.wantEffects("LTRIM l 1 -2", "OK", "LTRIM l 1 -2")
	x.want("LRANGE l 0 -1", `["b" "c" "d" "e"]`)
	x.wantEffects("LTRIM l 0 -1", "OK")
	x.wantEffects("LTRIM l -100 100", "OK")
	x.wantEffects("LTRIM l -2 -1", "OK", "LTRIM l -2 -1")
	x.want("LRANGE l 0 -1", `["d" "e"]`)
	x.wantEffects("LTRIM l 1 0", "OK", "LTRIM l 1 0")
	x.want("EXISTS l", "(int) 0")
	x.want("RPUSH m a b", "(int) 2")
	x.wantEffects("LTRIM m 5 10", "OK", "LTRIM m 5 10")
	x.want("EXISTS m", "(int) 0")
	x.wantUnchanged([]cmdReply{
		{"LTRIM missing 0 1", "OK"},
		{"LTRIM missing x 1", "ERR value is not an integer or out of range"},
		{"LTRIM s 0 1", wrongType},
		{"LTRIM s 0 x", "ERR value is not an integer or out of range"},
	})
	x.checkReplay()
}
