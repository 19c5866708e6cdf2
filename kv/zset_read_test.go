package kv

import (
	"strings"
	"testing"
)

func TestZsetRead(t *testing.T) {
	x := newStringTester(t)
	x.want("MKLIST s x", "OK")
	x.want("ZADD z 1 a 2 b 2 c 3.5 d", "(int) 4")
	x.wantUnchanged([]cmdReply{
		{"ZCARD z", "(int) 4"},
		{"ZCARD missing", "(int) 0"},
		{"ZCARD s", wrongType},
		{"ZSCORE z d", `"3.5"`},
		{"ZSCORE z x", "(nil)"},
		{"ZSCORE missing x", "(nil)"},
		{"ZSCORE s x", wrongType},
		{"ZMSCORE z a x d", `["1" (nil) "3.5"]`},
		{"ZMSCORE missing a b", `[(nil) (nil)]`},
		{"ZMSCORE s a", wrongType},
		{"ZRANK z c", "(int) 2"},
		{"ZRANK z a WITHSCORE", `[(int) 0 "1"]`},
		{"ZRANK z x", "(nil)"},
		{"ZRANK z x withscore", "(nil array)"},
		{"ZRANK missing x WITHSCORE", "(nil array)"},
		{"ZRANK z a WITHSCORES", "ERR syntax error"},
		{"ZRANK z a WITHSCORE x", "ERR wrong number of arguments for 'zrank' command"},
		{"ZRANK s a", wrongType},
		{"ZREVRANK z a", "(int) 3"},
		{"ZREVRANK z d WITHSCORE", `[(int) 0 "3.5"]`},
		{"ZCOUNT z 2 3.5", "(int) 3"},
		{"ZCOUNT z (2 3.5", "(int) 1"},
		{"ZCOUNT z -inf +inf", "(int) 4"},
		{"ZCOUNT z 3 2", "(int) 0"},
		{"ZCOUNT missing 0 1", "(int) 0"},
		{"ZCOUNT z x 1", "ERR min or max is not a float"},
		{"ZCOUNT s 0 1", wrongType},
	})
	x.proto = 3
	x.want("ZSCORE z d", "(double) 3.5")
	x.want("ZMSCORE z a x", "[(double) 1 (nil)]")
	x.want("ZRANK z b WITHSCORE", "[(int) 1 (double) 2]")
	x.want("ZRANK z x WITHSCORE", "(nil)")
}

func TestZsetRandmember(t *testing.T) {
	x := newStringTester(t)
	x.want("MKLIST s x", "OK")
	x.want("ZADD z 1 a", "(int) 1")
	x.wantUnchanged([]cmdReply{
		{"ZRANDMEMBER z", `"a"`},
		{"ZRANDMEMBER missing", "(nil)"},
		{"ZRANDMEMBER missing 3", "[]"},
		{"ZRANDMEMBER z 0", "[]"},
		{"ZRANDMEMBER z 5", `["a"]`},
		{"ZRANDMEMBER z -3", `["a" "a" "a"]`},
		{"ZRANDMEMBER z -2 WITHSCORES", `["a" "1" "a" "1"]`},
		{"ZRANDMEMBER z 1 WITHSCORES", `["a" "1"]`},
		{"ZRANDMEMBER z x", "ERR value is not an integer or out of range"},
		{"ZRANDMEMBER z 1 WITHSCORE", "ERR syntax error"},
		{"ZRANDMEMBER z 1 WITHSCORES x", "ERR syntax error"},
		{"ZRANDMEMBER z -9223372036854775808", "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807"},
		{"ZRANDMEMBER z 9223372036854775807 WITHSCORES", "ERR value is out of range"},
		{"ZRANDMEMBER s", wrongType},
	})
	x.want("ZADD z 2 b 3 c 4 d", "(int) 3")
	for _, line := range []string{"ZRANDMEMBER z 4", "ZRANDMEMBER z 2", "ZRANDMEMBER z 3"} {
		got := x.do(line)
		seen := map[string]bool{}
		for _, m := range []string{`"a"`, `"b"`, `"c"`, `"d"`} {
			if contains(got, m) {
				seen[m] = true
			}
		}
		if want := int(line[len(line)-1] - '0'); len(seen) != want {
			t.Errorf("%s = %s, want %d distinct members", line, got, want)
		}
	}
	x.proto = 3
	if got := x.do("ZRANDMEMBER z -1 WITHSCORES"); !contains(got, `[["`) || !contains(got, "(double)") {
		t.Errorf("RESP3 ZRANDMEMBER -1 WITHSCORES = %s, want one [member, double] pair", got)
	}
	if got := x.do("ZRANDMEMBER z 4 WITHSCORES"); got != `[["a" (double) 1] ["b" (double) 2] ["c" (double) 3] ["d" (double) 4]]` {
		t.Errorf("RESP3 WITHSCORES = %s", got)
	}
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }

func TestZsetScan(t *testing.T) {
	x := newStringTester(t)
	x.want("MKLIST s x", "OK")
	x.want("ZADD z 1 a 2.5 b 3 c", "(int) 3")
	x.wantUnchanged([]cmdReply{
		{"ZSCAN z 0", `["0" ["a" "1" "b" "2.5" "c" "3"]]`},
		{"ZSCAN z 0 MATCH [ab] COUNT 1", `["0" ["a" "1" "b" "2.5"]]`},
		{"ZSCAN missing 0", `["0" []]`},
		{"ZSCAN missing 0 COUNT 0", `["0" []]`}, // the key is looked up before the options, as zscanCommand does
		{"ZSCAN z x", "ERR invalid cursor"},
		{"ZSCAN z 0 COUNT 0", "ERR syntax error"},
		{"ZSCAN z 0 COUNT x", "ERR value is not an integer or out of range"},
		{"ZSCAN z 0 TYPE zset", "ERR syntax error"},
		{"ZSCAN z 0 MATCH", "ERR syntax error"},
		{"ZSCAN s 0", wrongType},
	})
	x.proto = 3
	x.want("ZSCAN z 0 MATCH a", `["0" ["a" "1"]]`)
}
