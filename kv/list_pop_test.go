package kv

import "testing"

func TestListPop(t *testing.T) {
	x := newStringTester(t)
	x.want("RPUSH l a b c d e", "(int) 5")
	x.wantEffects("LPOP l", `"a"`, "LPOP l")
	x.wantEffects("RPOP l", `"e"`, "RPOP l")
	x.wantEffects("LPOP l 0", "[]")
	x.wantEffects("LPOP l 2", `["b" "c"]`, "LPOP l 2")
	x.wantEffects("RPOP l 5", `["d"]`, "RPOP l 5")
	x.want("EXISTS l", "(int) 0")
	x.wantEffects("LPOP l", "(nil)")
	x.wantEffects("LPOP l 1", "(nil array)")
	x.wantEffects("RPOP l 0", "(nil array)")
	x.want("RPUSH r 1 2 3", "(int) 3")
	x.wantEffects("RPOP r 2", `["3" "2"]`, "RPOP r 2")
	x.checkReplay()
}

func TestListPopErrors(t *testing.T) {
	x := newStringTester(t)
	x.want("SET s v", "OK")
	x.want("RPUSH l a", "(int) 1")
	x.wantUnchanged([]cmdReply{
		{"LPOP s", wrongType},
		{"RPOP s 1", wrongType},
		{"LPOP l -1", "ERR value is out of range, must be positive"},
		{"LPOP l x", "ERR value is out of range, must be positive"},
		{"LPOP missing -1", "ERR value is out of range, must be positive"}, // count before key
		{"RPOP s -1", "ERR value is out of range, must be positive"},
	})
	x.want("LLEN l", "(int) 1")
}

func TestListPopRESP3(t *testing.T) {
	x := newTester(t)
	x.proto = 3
	x.want("LPOP l", "(nil)")
	x.want("LPOP l 2", "(nil)")
	x.want("RPUSH l a b", "(int) 2")
	x.want("LPOP l 0", "[]")
	x.want("LMPOP 1 l RIGHT COUNT 5", `["l" ["b" "a"]]`)
	x.want("LMPOP 1 l RIGHT", "(nil)")
}

func TestListLmpop(t *testing.T) {
	x := newStringTester(t)
	x.want("RPUSH b 1 2 3", "(int) 3")
	x.want("RPUSH c x", "(int) 1")
	x.wantEffects("LMPOP 3 a b c LEFT", `["b" ["1"]]`, "LPOP b 1")
	x.wantEffects("LMPOP 2 a b right COUNT 10", `["b" ["3" "2"]]`, "RPOP b 2")
	x.wantEffects("LMPOP 2 a b LEFT", "(nil array)")
	x.wantEffects("LMPOP 3 a b c LEFT COUNT 1", `["c" ["x"]]`, "LPOP c 1")
	x.want("EXISTS b c", "(int) 0")
	x.checkReplay()
}

func TestListLmpopErrors(t *testing.T) {
	x := newStringTester(t)
	x.want("SET s v", "OK")
	x.want("RPUSH l a", "(int) 1")
	x.wantUnchanged([]cmdReply{
		{"LMPOP 0 l LEFT", "ERR numkeys should be greater than 0"},
		{"LMPOP -1 l LEFT", "ERR numkeys should be greater than 0"},
		{"LMPOP x l LEFT", "ERR numkeys should be greater than 0"},
		{"LMPOP 2 l LEFT", "ERR syntax error"},
		{"LMPOP 9223372036854775807 l LEFT", "ERR syntax error"},
		{"LMPOP 1 l MIDDLE", "ERR syntax error"},
		{"LMPOP 1 l LEFT COUNT", "ERR syntax error"},
		{"LMPOP 1 l LEFT COUNT 0", "ERR count should be greater than 0"},
		{"LMPOP 1 l LEFT COUNT x", "ERR count should be greater than 0"},
		{"LMPOP 1 l LEFT COUNT 1 COUNT 1", "ERR syntax error"},
		{"LMPOP 1 l LEFT FOO 1", "ERR syntax error"},
		{"LMPOP 2 s l LEFT", wrongType},
		{"LMPOP 2 missing s LEFT", wrongType},
		{"LMPOP", "ERR wrong number of arguments for 'lmpop' command"},
		{"LMPOP 1 l", "ERR wrong number of arguments for 'lmpop' command"},
	})
	x.wantEffects("LMPOP 2 l s LEFT", `["l" ["a"]]`, "LPOP l 1") // served before s is looked at
}
