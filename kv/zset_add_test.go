package kv

import "testing"

func TestZsetAdd(t *testing.T) {
	x := newStringTester(t)
	x.wantEffects("ZADD z 1 a 2 b", "(int) 2", "ZADD z 1 a 2 b")
	x.wantEffects("ZADD z 3 a 2 b", "(int) 0", "ZADD z 3 a 2 b")
	x.want("ZRANGE z 0 -1 WITHSCORES", `["b" "2" "a" "3"]`)
	x.wantEffects("ZADD z CH 4 a 2 b 1 c", "(int) 2", "ZADD z CH 4 a 2 b 1 c")
	x.wantEffects("ZADD z NX 9 a 5 d", "(int) 1", "ZADD z NX 9 a 5 d")
	x.wantEffects("ZADD z XX 7 a 9 e", "(int) 0", "ZADD z XX 7 a 9 e")
	x.wantEffects("ZADD z XX CH 8 a", "(int) 1", "ZADD z XX CH 8 a")
	x.wantEffects("ZADD z NX 1 a", "(int) 0")
	x.wantEffects("ZADD z XX 1 nope", "(int) 0")
	x.wantEffects("ZADD z GT CH 1 a 10 d 6 f", "(int) 2", "ZADD z GT CH 1 a 10 d 6 f")
	x.wantEffects("ZADD z LT CH 9 a 20 d", "(int) 0")
	x.wantEffects("ZADD z xx lt ch 0 a", "(int) 1", "ZADD z xx lt ch 0 a")
	x.want("ZRANGE z 0 -1 WITHSCORES", `["a" "0" "c" "1" "b" "2" "f" "6" "d" "10"]`)
	x.wantEffects("ZADD missing XX 1 a", "(int) 0")
	x.want("EXISTS missing", "(int) 0")
	x.wantEffects("ZADD z 1 a", "(int) 0", "ZADD z 1 a") // moved from 0 to 1
	x.checkReplay()
}

func TestZsetAddIncr(t *testing.T) {
	x := newStringTester(t)
	x.wantEffects("ZADD z INCR 1.5 a", `"1.5"`, "ZADD z INCR 1.5 a")
	x.wantEffects("ZINCRBY z 2 a", `"3.5"`, "ZINCRBY z 2 a")
	x.wantEffects("ZINCRBY z 0.1 b", `"0.1"`, "ZINCRBY z 0.1 b")
	x.wantEffects("ZINCRBY z 0.2 b", `"0.30000000000000004"`, "ZINCRBY z 0.2 b")
	x.wantEffects("ZADD z NX INCR 1 a", "(nil)")
	x.wantEffects("ZADD z XX INCR 1 nope", "(nil)")
	x.wantEffects("ZADD z GT INCR -1 a", "(nil)")
	x.wantEffects("ZADD z LT INCR -1 a", `"2.5"`, "ZADD z LT INCR -1 a")
	x.wantEffects("ZADD z INCR +inf a", `"inf"`, "ZADD z INCR +inf a")
	x.wantEffects("ZADD z INCR -inf a", "ERR resulting score is not a number (NaN)")
	x.wantEffects("ZINCRBY z -inf a", "ERR resulting score is not a number (NaN)")
	x.want("ZSCORE z a", `"inf"`)
	x.proto = 3
	x.want("ZINCRBY z 1 b", "(double) 1.3")
	x.want("ZSCORE z a", "(double) inf")
	x.checkReplay()
}

func TestZsetAddErrors(t *testing.T) {
	x := newStringTester(t)
	x.want("MKLIST s x", "OK")
	x.want("ZADD z 1 a", "(int) 1")
	x.wantUnchanged([]cmdReply{
		{"ZADD z 1", "ERR wrong number of arguments for 'zadd' command"},
		{"ZADD z NX 1", "ERR syntax error"},
		{"ZADD z 1 a 2", "ERR syntax error"},
		{"ZADD z NX XX 1 a", "ERR XX and NX options at the same time are not compatible"},
		{"ZADD z GT LT 1 a", "ERR GT, LT, and/or NX options at the same time are not compatible"},
		{"ZADD z NX GT 1 a", "ERR GT, LT, and/or NX options at the same time are not compatible"},
		{"ZADD z NX LT 1 a", "ERR GT, LT, and/or NX options at the same time are not compatible"},
		{"ZADD z INCR 1 a 2 b", "ERR INCR option supports a single increment-element pair"},
		{"ZADD z x a", "ERR value is not a valid float"},
		{"ZADD z 1 a x b", "ERR value is not a valid float"}, // nothing added
		{"ZADD z nan a", "ERR value is not a valid float"},
		{`ZADD z " 1" a`, "ERR value is not a valid float"},
		{`ZADD z "1 " a`, "ERR value is not a valid float"},
		{`ZADD z "" a`, "ERR value is not a valid float"},
		{"ZADD z 1e400 a", "ERR value is not a valid float"},
		{"ZADD z 1e-400 a", "ERR value is not a valid float"},
		{"ZADD s 1 a", wrongType},
		{"ZINCRBY z x a", "ERR value is not a valid float"},
		{"ZINCRBY s 1 a", wrongType},
		{"ZADD z", "ERR wrong number of arguments for 'zadd' command"},
		{"ZINCRBY z 1", "ERR wrong number of arguments for 'zincrby' command"},
	})
	x.want("ZCARD z", "(int) 1")
	x.want("ZADD z +inf p -inf m 0x10 h 1e3 k -0 zero infinity i", "(int) 6")
	x.want("ZRANGE z 0 -1 WITHSCORES", `["m" "-inf" "zero" "0" "a" "1" "h" "16" "k" "1000" "i" "inf" "p" "inf"]`)
	x.checkReplay()
}

func TestZsetRem(t *testing.T) {
	x := newStringTester(t)
	x.want("MKLIST s x", "OK")
	x.want("ZADD z 1 a 2 b 3 c", "(int) 3")
	x.wantEffects("ZREM z a x a", "(int) 1", "ZREM z a x a")
	x.wantEffects("ZREM z x", "(int) 0")
	x.wantEffects("ZREM missing a", "(int) 0")
	x.wantEffects("ZREM s a", wrongType)
	x.wantEffects("ZREM z b c d", "(int) 2", "ZREM z b c d")
	x.want("EXISTS z", "(int) 0")
	x.checkReplay()
}
