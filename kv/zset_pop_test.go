package kv

import "testing"

func TestZsetPop(t *testing.T) {
	x := newStringTester(t)
	x.want("MKLIST s x", "OK")
	x.want("ZADD z 1 a 2 b 3 c 4 d 5 e", "(int) 5")
	x.wantEffects("ZPOPMIN z", `["a" "1"]`, "ZPOPMIN z")
	x.wantEffects("ZPOPMAX z", `["e" "5"]`, "ZPOPMAX z")
	x.wantEffects("ZPOPMIN z 2", `["b" "2" "c" "3"]`, "ZPOPMIN z 2")
	x.wantEffects("ZPOPMAX z 0", "[]")
	x.wantEffects("ZPOPMAX z 10", `["d" "4"]`, "ZPOPMAX z 10")
	x.want("EXISTS z", "(int) 0")
	x.wantUnchanged([]cmdReply{
		{"ZPOPMIN z", "[]"},
		{"ZPOPMIN z 3", "[]"},
		{"ZPOPMIN z -1", "ERR value is out of range, must be positive"},
		{"ZPOPMIN z x", "ERR value is out of range, must be positive"},
		{"ZPOPMIN z 1 2", "ERR syntax error"},
		{"ZPOPMIN s", wrongType},
	})
	x.proto = 3
	x.want("ZADD r 1 a 2 b", "(int) 2")
	x.want("ZPOPMIN r", `["a" (double) 1]`)
	x.want("ZPOPMIN r 1", `[["b" (double) 2]]`)
	x.checkReplay()
}

func TestZsetMpop(t *testing.T) {
	x := newStringTester(t)
	x.want("MKLIST s x", "OK")
	x.want("ZADD b 1 x 2 y 3 w", "(int) 3")
	x.wantEffects("ZMPOP 2 a b MIN", `["b" [["x" "1"]]]`, "ZPOPMIN b 1")
	x.wantEffects("ZMPOP 2 a b MAX COUNT 5", `["b" [["w" "3"] ["y" "2"]]]`, "ZPOPMAX b 5")
	x.wantUnchanged([]cmdReply{
		{"ZMPOP 2 a b MIN", "(nil array)"},
		{"ZMPOP 0 a MIN", "ERR numkeys should be greater than 0"},
		{"ZMPOP 2 a MIN", "ERR syntax error"},
		{"ZMPOP 1 a LEFT", "ERR syntax error"},
		{"ZMPOP 1 a MIN COUNT 0", "ERR count should be greater than 0"},
		{"ZMPOP 1 a MIN COUNT 1 COUNT 1", "ERR syntax error"},
		{"ZMPOP 2 a s MIN", wrongType},
	})
	x.checkReplay()
}

func TestZsetBlockingPop(t *testing.T) {
	x := newStringTester(t)
	x.want("MKLIST s x", "OK")
	x.want("ZADD z 1 a 2 b", "(int) 2")
	x.wantServed("BZPOPMIN missing z 0", `["z" "a" "1"]`, "ZPOPMIN z")
	x.wantServed("BZPOPMAX z 0", `["z" "b" "2"]`, "ZPOPMAX z")
	x.wantServed("BZPOPMIN s 0", wrongType)
	if _, req := x.doBlocking("BZPOPMIN z 1.5", true, false); req == nil || req.Timeout.Milliseconds() != 1500 || string(req.Keys[0]) != "z" {
		t.Fatalf("BZPOPMIN on a missing key: block request %+v", req)
	} else if req.Ready("z", &ZSet{}) != true || req.Ready("z", &List{}) != false {
		t.Errorf("Ready should accept only a sorted set")
	}
	x.wantAtOnce(false, []cmdReply{
		{"BZPOPMIN z 0", "(nil array)"},
		{"BZMPOP 0 1 z MIN", "(nil array)"},
	})
	x.want("ZADD z 3 c 4 d", "(int) 2")
	x.wantServedRetry(true, "BZMPOP 0 2 y z MAX COUNT 3", `["z" [["d" "4"] ["c" "3"]]]`, "ZPOPMAX z 3")
	x.wantServed("BZPOPMIN z x", "ERR timeout is not a float or out of range")
	x.wantServed("BZPOPMIN z -1", "ERR timeout is negative")
	x.wantServed("BZMPOP 0 0 z MIN", "ERR numkeys should be greater than 0")
	x.checkReplay()
}
