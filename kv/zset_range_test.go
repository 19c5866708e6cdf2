package kv

import "testing"

func TestZsetRange(t *testing.T) {
	x := newStringTester(t)
	x.want("ZADD z 1 a 2 b 3 c 4 d 5 e", "(int) 5")
	x.wantUnchanged([]cmdReply{
		{"ZRANGE z 0 -1", `["a" "b" "c" "d" "e"]`},
		{"ZRANGE z 0 -1 LIMIT 1 -1", `["a" "b" "c" "d" "e"]`}, // accepted and ignored, as redis-server 7.0.15 does
		{"ZRANGE z 1 2 WITHSCORES", `["b" "2" "c" "3"]`},
		{"ZRANGE z -2 100", `["d" "e"]`},
		{"ZRANGE z -100 0", `["a"]`},
		{"ZRANGE z 3 1", `[]`},
		{"ZRANGE z 5 10", `[]`},
		{"ZRANGE z 0 1 REV", `["e" "d"]`},
		{"ZREVRANGE z 0 1 WITHSCORES", `["e" "5" "d" "4"]`},
		{"ZREVRANGE z -1 -1", `["a"]`},
		{"ZRANGE missing 0 -1", `[]`},
		{"ZRANGE z 2 4 BYSCORE", `["b" "c" "d"]`},
		{"ZRANGE z (2 (4 BYSCORE", `["c"]`},
		{"ZRANGE z -inf +inf BYSCORE LIMIT 1 2", `["b" "c"]`},
		{"ZRANGE z -inf +inf BYSCORE LIMIT 1 -1", `["b" "c" "d" "e"]`},
		{"ZRANGE z -inf +inf BYSCORE LIMIT -1 2", `[]`},
		{"ZRANGE z -inf +inf BYSCORE LIMIT 5 2", `[]`},
		{"ZRANGE z -inf +inf BYSCORE LIMIT 0 0", `[]`},
		{"ZRANGE z (4 2 BYSCORE REV", `["c" "b"]`},
		{"ZRANGE z +inf -inf BYSCORE REV LIMIT 1 2 WITHSCORES", `["d" "4" "c" "3"]`},
		{"ZRANGEBYSCORE z 2 3 WITHSCORES", `["b" "2" "c" "3"]`},
		{"ZRANGEBYSCORE z (1 5 LIMIT 0 1 LIMIT 1 1", `["c"]`},
		{"ZRANGEBYSCORE z 3 2", `[]`},
		{"ZRANGEBYSCORE z (3 3", `[]`},
		{`ZRANGEBYSCORE z "" "  3"`, `["a" "b" "c"]`}, // strtod: "" is 0, leading spaces skipped
		{"ZRANGEBYSCORE z 1e400 +inf", `[]`},
		{"ZREVRANGEBYSCORE z 4 (2", `["d" "c"]`},
		{"ZREVRANGEBYSCORE z +inf -inf LIMIT 0 2 WITHSCORES", `["e" "5" "d" "4"]`},
		{"ZRANGEBYSCORE z x 1", "ERR min or max is not a float"},
		{"ZRANGEBYSCORE z 1 nan", "ERR min or max is not a float"},
		{"ZRANGEBYSCORE z 1 (", `[]`},
		{"ZRANGEBYSCORE z 1 2 REV", "ERR syntax error"},
		{"ZRANGEBYSCORE z 1 2 BYLEX", "ERR syntax error"},
		{"ZRANGEBYSCORE z 1 2 LIMIT 1", "ERR syntax error"},
		{"ZRANGEBYSCORE z 1 2 LIMIT x 1", "ERR value is not an integer or out of range"},
		{"ZRANGE z 0 1 REV REV", "ERR syntax error"},
		{"ZRANGE z 0 1 BYSCORE BYSCORE", "ERR syntax error"},
		{"ZRANGE z 0 1 BYSCORE BYLEX", "ERR syntax error"},
		{"ZRANGE z 0 1 LIMIT 0 1", "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX"},
		{"ZRANGE z 0 -1 LIMIT 0 -5", "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX"},
		{"ZRANGE z - + BYLEX WITHSCORES", "ERR syntax error, WITHSCORES not supported in combination with BYLEX"},
		{"ZRANGE z x 1", "ERR value is not an integer or out of range"},
		{"ZREVRANGE z 0 1 REV", "ERR syntax error"},
		{"ZREVRANGE z 0 1 LIMIT 0 1", "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX"},
	})
	x.want("MKLIST s x", "OK")
	x.want("ZRANGE s 0 1", wrongType)
	x.want("ZRANGE s 0 x", "ERR value is not an integer or out of range") // arguments first
}

func TestZsetRangeLex(t *testing.T) {
	x := newStringTester(t)
	x.want("ZADD z 0 a 0 b 0 c 0 d 0 e", "(int) 5")
	x.wantUnchanged([]cmdReply{
		{"ZRANGEBYLEX z - +", `["a" "b" "c" "d" "e"]`},
		{"ZRANGEBYLEX z [b (d", `["b" "c"]`},
		{"ZRANGEBYLEX z (b [d", `["c" "d"]`},
		{"ZRANGEBYLEX z - + LIMIT 1 2", `["b" "c"]`},
		{"ZRANGEBYLEX z + -", `[]`},
		{"ZRANGEBYLEX z [d [b", `[]`},
		{"ZRANGEBYLEX z (b (b", `[]`},
		{"ZRANGEBYLEX z [b [b", `["b"]`},
		{"ZRANGEBYLEX z [ (c", `["a" "b"]`},
		{"ZREVRANGEBYLEX z + -", `["e" "d" "c" "b" "a"]`},
		{"ZREVRANGEBYLEX z (d [b LIMIT 1 5", `["b"]`},
		{"ZRANGE z [b [c BYLEX", `["b" "c"]`},
		{"ZRANGE z [c - BYLEX REV", `["c" "b" "a"]`},
		{"ZRANGEBYLEX z a +", "ERR min or max not valid string range item"},
		{"ZRANGEBYLEX z - ++", "ERR min or max not valid string range item"},
		{`ZRANGEBYLEX z "" +`, "ERR min or max not valid string range item"},
		{"ZRANGEBYLEX z - + WITHSCORES", "ERR syntax error, WITHSCORES not supported in combination with BYLEX"},
		{"ZLEXCOUNT z - +", "(int) 5"},
		{"ZLEXCOUNT z (a [c", "(int) 2"},
		{"ZLEXCOUNT z x +", "ERR min or max not valid string range item"},
		{"ZLEXCOUNT missing - +", "(int) 0"},
	})
}

func TestZsetRangeRESP3(t *testing.T) {
	x := newTester(t)
	x.proto = 3
	x.want("ZADD z 1 a 2.5 b", "(int) 2")
	x.want("ZRANGE z 0 -1 WITHSCORES", `[["a" (double) 1] ["b" (double) 2.5]]`)
	x.want("ZRANGE z 0 -1", `["a" "b"]`)
	x.want("ZREVRANGEBYSCORE z +inf -inf WITHSCORES LIMIT 0 1", `[["b" (double) 2.5]]`)
}

func TestZsetRemRange(t *testing.T) {
	x := newStringTester(t)
	x.want("MKLIST s x", "OK")
	x.want("ZADD z 1 a 2 b 3 c 4 d 5 e 6 f", "(int) 6")
	x.wantEffects("ZREMRANGEBYRANK z 0 0", "(int) 1", "ZREMRANGEBYRANK z 0 0")
	x.wantEffects("ZREMRANGEBYRANK z 3 1", "(int) 0")
	x.wantEffects("ZREMRANGEBYRANK z -1 100", "(int) 1", "ZREMRANGEBYRANK z -1 100")
	x.wantEffects("ZREMRANGEBYSCORE z (2 3", "(int) 1", "ZREMRANGEBYSCORE z (2 3")
	x.wantEffects("ZREMRANGEBYSCORE z 10 20", "(int) 0")
	x.want("ZRANGE z 0 -1", `["b" "d" "e"]`)
	x.wantEffects("ZREMRANGEBYLEX z - +", "(int) 3", "ZREMRANGEBYLEX z - +")
	x.want("EXISTS z", "(int) 0")
	x.want("ZADD l 0 a 0 b 0 c", "(int) 3")
	x.wantEffects("ZREMRANGEBYLEX l (a [b", "(int) 1", "ZREMRANGEBYLEX l (a [b")
	x.wantUnchanged([]cmdReply{
		{"ZREMRANGEBYRANK l x 1", "ERR value is not an integer or out of range"},
		{"ZREMRANGEBYSCORE l x 1", "ERR min or max is not a float"},
		{"ZREMRANGEBYLEX l x +", "ERR min or max not valid string range item"},
		{"ZREMRANGEBYRANK missing 0 -1", "(int) 0"},
		{"ZREMRANGEBYSCORE s 0 1", wrongType},
	})
	x.checkReplay()
}
