package kv

import (
	"strings"
	"testing"
)

// zsetAlgebraCommandInfo is COMMAND INFO / COMMAND DOCS of the commands
// in zset_algebra*.go (Redis 7.2, src/commands.def), appended to
// zsetCommandInfo so that TestZsetSpecsMatchRedis covers them.
var zsetAlgebraCommandInfo = []specInfo{
	{"ZRANGESTORE", -5, "write denyoom", 1, 2, 1, "@write @sortedset @slow", "6.2.0", "Stores a range of members from sorted set in a key."},
	{"ZUNION", -3, "readonly", 0, 0, 0, "@read @sortedset @slow", "6.2.0", "Returns the union of multiple sorted sets."},
	{"ZINTER", -3, "readonly", 0, 0, 0, "@read @sortedset @slow", "6.2.0", "Returns the intersect of multiple sorted sets."},
	{"ZDIFF", -3, "readonly", 0, 0, 0, "@read @sortedset @slow", "6.2.0", "Returns the difference between multiple sorted sets."},
	{"ZUNIONSTORE", -4, "write denyoom", 1, 1, 1, "@write @sortedset @slow", "2.0.0", "Stores the union of multiple sorted sets in a key."},
	{"ZINTERSTORE", -4, "write denyoom", 1, 1, 1, "@write @sortedset @slow", "2.0.0", "Stores the intersect of multiple sorted sets in a key."},
	{"ZDIFFSTORE", -4, "write denyoom", 1, 1, 1, "@write @sortedset @slow", "6.2.0", "Stores the difference of multiple sorted sets in a key."},
	{"ZINTERCARD", -3, "readonly", 0, 0, 0, "@read @sortedset @slow", "7.0.0", "Returns the number of members of the intersect of multiple sorted sets."},
}

var _ = func() bool {
	zsetCommandInfo = append(zsetCommandInfo, zsetAlgebraCommandInfo...)
	return true
}()

// zsetAlgebraSetup is the keyspace the algebra tables run against. str
// is a string; s a plain set, whose members score 1.
var zsetAlgebraSetup = []cmdReply{
	{"ZADD a 1 x 2 y 3 z", "(int) 3"},
	{"ZADD b 10 y 20 z 30 w", "(int) 3"},
	{"SADD s x w q", "(int) 3"},
	{"SET str v", "OK"},
	{"ZADD inf +inf m -inf n 0 o", "(int) 3"},
	{"ZADD ninf -inf m +inf n 5 o", "(int) 3"},
	{"ZADD lex 0 a 0 b 0 c 0 d", "(int) 4"},
}

// zsetAlgebraReads are the read-only forms, every option and error, as
// redis-server 7.0.15 answers them (TestZsetAlgebraMatchesRedis).
var zsetAlgebraReads = []cmdReply{
	{"ZUNION 2 a b", `["x" "y" "z" "w"]`},
	{"ZUNION 2 a b WITHSCORES", `["x" "1" "y" "12" "z" "23" "w" "30"]`},
	{"ZUNION 2 a b WEIGHTS 2 0.5 WITHSCORES", `["x" "2" "y" "9" "w" "15" "z" "16"]`},
	{"ZUNION 2 a b AGGREGATE MIN WITHSCORES", `["x" "1" "y" "2" "z" "3" "w" "30"]`},
	{"ZUNION 2 a b aggregate max weights 1 -1 withscores", `["w" "-30" "x" "1" "y" "2" "z" "3"]`},
	{"ZUNION 1 a AGGREGATE SUM AGGREGATE MAX WITHSCORES WITHSCORES", `["x" "1" "y" "2" "z" "3"]`},
	{"ZUNION 3 a b s WITHSCORES", `["q" "1" "x" "2" "y" "12" "z" "23" "w" "31"]`},
	{"ZUNION 2 missing a", `["x" "y" "z"]`},
	{"ZUNION 1 missing", `[]`},
	{"ZUNION 1 a WEIGHTS -1 WITHSCORES", `["z" "-3" "y" "-2" "x" "-1"]`},
	{"ZUNION 1 a WEIGHTS 0x10 WITHSCORES", `["x" "16" "y" "32" "z" "48"]`},
	{"ZUNION 2 inf ninf WITHSCORES", `["m" "0" "n" "0" "o" "5"]`},      // inf + -inf is 0
	{"ZUNION 1 inf WEIGHTS 0 WITHSCORES", `["m" "0" "n" "0" "o" "0"]`}, // 0 * inf is 0
	{"ZUNION 2 inf inf WEIGHTS 0 1 AGGREGATE MIN WITHSCORES", `["n" "-inf" "m" "0" "o" "0"]`},
	{"ZINTER 2 a b", `["y" "z"]`},
	{"ZINTER 2 a b WITHSCORES", `["y" "12" "z" "23"]`},
	{"ZINTER 2 b a WEIGHTS 1 3 AGGREGATE MAX WITHSCORES", `["y" "10" "z" "20"]`},
	{"ZINTER 2 a s WITHSCORES", `["x" "2"]`},
	{"ZINTER 2 s s WITHSCORES", `["q" "2" "w" "2" "x" "2"]`},
	{"ZINTER 2 a missing", `[]`},
	{"ZINTER 2 a a WEIGHTS 1 2 WITHSCORES", `["x" "3" "y" "6" "z" "9"]`},
	{"ZINTER 2 inf ninf AGGREGATE MIN WITHSCORES", `["m" "-inf" "n" "-inf" "o" "0"]`},
	{"ZINTER 2 inf inf WEIGHTS 1 0 AGGREGATE MAX WITHSCORES", `["n" "-inf" "o" "0" "m" "inf"]`}, // NaN ignored
	{"ZINTER 2 inf inf WEIGHTS 1 0 WITHSCORES", `["m" "0" "n" "0" "o" "0"]`},                    // inf + NaN is 0
	{"ZDIFF 2 a b", `["x"]`},
	{"ZDIFF 2 a b WITHSCORES", `["x" "1"]`},
	{"ZDIFF 2 a s WITHSCORES", `["y" "2" "z" "3"]`},
	{"ZDIFF 2 s a WITHSCORES", `["q" "1" "w" "1"]`},
	{"ZDIFF 3 a missing b", `["x"]`},
	{"ZDIFF 2 a a", `[]`},
	{"ZDIFF 1 missing", `[]`},
	{"ZDIFF 1 a", `["x" "y" "z"]`},
	{"ZINTERCARD 2 a b", "(int) 2"},
	{"ZINTERCARD 2 a b LIMIT 1", "(int) 1"},
	{"ZINTERCARD 2 a b LIMIT 0", "(int) 2"},
	{"ZINTERCARD 2 a b limit 5 LIMIT 1", "(int) 1"},
	{"ZINTERCARD 2 a s", "(int) 1"},
	{"ZINTERCARD 2 a missing", "(int) 0"},
	{"ZINTERCARD 1 s", "(int) 3"},

	{"ZUNION 0 a", "ERR at least 1 input key is needed for 'zunion' command"},
	{"ZINTER -1 a", "ERR at least 1 input key is needed for 'zinter' command"},
	{"ZDIFF 0 a", "ERR at least 1 input key is needed for 'zdiff' command"},
	{"ZINTERCARD 0 a", "ERR at least 1 input key is needed for 'zintercard' command"},
	{"ZUNION x a", "ERR value is not an integer or out of range"},
	{"ZUNION 3 a b", "ERR syntax error"},
	{"ZUNION 2 a str", wrongType},
	{"ZINTER 2 missing str", wrongType},
	{"ZDIFF 2 str a", wrongType},
	{"ZINTERCARD 2 a str", wrongType},
	{"ZUNION 2 a str WEIGHTS x", wrongType}, // keys before options
	{"ZUNION 1 a WEIGHTS x", "ERR weight value is not a float"},
	{"ZUNION 1 a WEIGHTS nan", "ERR weight value is not a float"},
	{`ZUNION 1 a WEIGHTS " 1"`, "ERR weight value is not a float"},
	{"ZUNION 2 a b WEIGHTS 1", "ERR syntax error"},
	{"ZUNION 1 a WEIGHTS 1 2", "ERR syntax error"},
	{"ZUNION 1 a AGGREGATE avg", "ERR syntax error"},
	{"ZUNION 1 a AGGREGATE", "ERR syntax error"},
	{"ZUNION 1 a FOO", "ERR syntax error"},
	{"ZUNION 1 a LIMIT 1", "ERR syntax error"},
	{"ZDIFF 1 a WEIGHTS 1", "ERR syntax error"},
	{"ZDIFF 1 a AGGREGATE SUM", "ERR syntax error"},
	{"ZINTERCARD 1 a WEIGHTS 1", "ERR syntax error"},
	{"ZINTERCARD 1 a WITHSCORES", "ERR syntax error"},
	{"ZINTERCARD 1 a LIMIT -1", "ERR LIMIT can't be negative"},
	{"ZINTERCARD 1 a LIMIT x", "ERR LIMIT can't be negative"},
	{"ZINTERCARD 1 a LIMIT", "ERR syntax error"},
	{"ZUNION 1", "ERR wrong number of arguments for 'zunion' command"},
	{"ZINTERCARD 1", "ERR wrong number of arguments for 'zintercard' command"},
}

func TestZsetAlgebraReads(t *testing.T) {
	x := newStringTester(t)
	for _, c := range zsetAlgebraSetup {
		x.want(c.cmd, c.want)
	}
	x.wantUnchanged(zsetAlgebraReads)
	x.proto = 3
	x.want("ZUNION 2 a b WITHSCORES", `[["x" (double) 1] ["y" (double) 12] ["z" (double) 23] ["w" (double) 30]]`)
	x.want("ZINTER 2 a b", `["y" "z"]`)
	x.want("ZDIFF 2 a b WITHSCORES", `[["x" (double) 1]]`)
	x.want("ZUNION 1 a WEIGHTS 0 WITHSCORES", `[["x" (double) 0] ["y" (double) 0] ["z" (double) 0]]`)
}

// zsetAlgebraStores are the STORE forms and ZRANGESTORE, run in order:
// each replaces d, and the lines after one check what it stored.
var zsetAlgebraStores = []cmdReply{
	{"ZUNIONSTORE d 2 a b WEIGHTS 2 0.5", "(int) 4"},
	{"ZRANGE d 0 -1 WITHSCORES", `["x" "2" "y" "9" "w" "15" "z" "16"]`},
	{"OBJECT ENCODING d", `"listpack"`},
	{"ZINTERSTORE d 2 a b AGGREGATE MAX", "(int) 2"},
	{"ZRANGE d 0 -1 WITHSCORES", `["y" "10" "z" "20"]`},
	{"ZDIFFSTORE d 2 a b", "(int) 1"},
	{"ZRANGE d 0 -1 WITHSCORES", `["x" "1"]`},
	{"ZUNIONSTORE d 2 s a", "(int) 5"},
	{"ZRANGE d 0 -1 WITHSCORES", `["q" "1" "w" "1" "x" "2" "y" "2" "z" "3"]`},
	{"ZUNIONSTORE d 1 a WEIGHTS -1", "(int) 3"},
	{"ZRANGE d 0 -1 WITHSCORES", `["z" "-3" "y" "-2" "x" "-1"]`},
	{"ZINTERSTORE d 2 a missing", "(int) 0"},
	{"EXISTS d", "(int) 0"},
	{"ZDIFFSTORE d 2 a a", "(int) 0"},
	{"ZUNIONSTORE d 1 d", "(int) 0"},
	{"ZUNIONSTORE str2 1 a", "(int) 3"}, // a new key
	{"ZUNIONSTORE a 2 a b", "(int) 4"},  // a source as destination
	{"ZRANGE a 0 -1 WITHSCORES", `["x" "1" "y" "12" "z" "23" "w" "30"]`},
	{"ZDIFFSTORE a 2 a b", "(int) 1"},
	{"ZRANGE a 0 -1 WITHSCORES", `["x" "1"]`},

	{"ZRANGESTORE d b 0 1", "(int) 2"},
	{"ZRANGE d 0 -1 WITHSCORES", `["y" "10" "z" "20"]`},
	{"ZRANGESTORE d b 0 0 REV", "(int) 1"},
	{"ZRANGE d 0 -1 WITHSCORES", `["w" "30"]`},
	{"ZRANGESTORE d b (10 +inf BYSCORE", "(int) 2"},
	{"ZRANGE d 0 -1 WITHSCORES", `["z" "20" "w" "30"]`},
	{"ZRANGESTORE d b +inf -inf BYSCORE REV LIMIT 1 5", "(int) 2"},
	{"ZRANGE d 0 -1 WITHSCORES", `["y" "10" "z" "20"]`},
	{"ZRANGESTORE d lex [b + BYLEX LIMIT 0 2", "(int) 2"},
	{"ZRANGE d 0 -1", `["b" "c"]`},
	{"ZRANGESTORE d lex - (b BYLEX REV", "(int) 0"}, // reversed ranges are max min
	{"EXISTS d", "(int) 0"},
	{"ZRANGESTORE d lex (c - BYLEX REV", "(int) 2"},
	{"ZRANGE d 0 -1", `["a" "b"]`},
	{"ZRANGESTORE d b 5 9", "(int) 0"},
	{"EXISTS d", "(int) 0"},
	{"ZRANGESTORE d missing 0 -1", "(int) 0"},
	{"ZRANGESTORE b b 1 -1", "(int) 2"},
	{"ZRANGE b 0 -1 WITHSCORES", `["z" "20" "w" "30"]`},

	{"ZRANGESTORE d s 0 1", wrongType},
	{"ZRANGESTORE d str 0 1", wrongType},
	{"ZRANGESTORE d b 0 1 WITHSCORES", "ERR syntax error"},
	{"ZRANGESTORE d b 0 1 WITHSCORES LIMIT x 1", "ERR syntax error"},
	{"ZRANGESTORE d b 0 1 BYSCORE LIMIT x 1 WITHSCORES", "ERR value is not an integer or out of range"},
	{"ZRANGESTORE d b 0 1 BYSCORE LIMIT 0 WITHSCORES", "ERR value is not an integer or out of range"},
	{"ZRANGESTORE d b 0 1 LIMIT 0 1", "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX"},
	{"ZRANGESTORE d b x 1 BYSCORE", "ERR min or max is not a float"},
	{"ZRANGESTORE d b x 1 BYLEX", "ERR min or max not valid string range item"},
	{"ZRANGESTORE d b x 1", "ERR value is not an integer or out of range"},
	{"ZRANGESTORE d s x 1", "ERR value is not an integer or out of range"}, // arguments before the type
	{"ZRANGESTORE d b 0", "ERR wrong number of arguments for 'zrangestore' command"},
	{"ZUNIONSTORE d 0 a", "ERR at least 1 input key is needed for 'zunionstore' command"},
	{"ZINTERSTORE d 0 a", "ERR at least 1 input key is needed for 'zinterstore' command"},
	{"ZDIFFSTORE d 0 a", "ERR at least 1 input key is needed for 'zdiffstore' command"},
	{"ZUNIONSTORE d 2 a", "ERR syntax error"},
	{"ZUNIONSTORE d 1 a WITHSCORES", "ERR syntax error"},
	{"ZDIFFSTORE d 1 a WITHSCORES", "ERR syntax error"},
	{"ZINTERSTORE d 1 a WEIGHTS z", "ERR weight value is not a float"},
	{"ZUNIONSTORE d 2 a str", wrongType},
	{"ZUNIONSTORE d 1", "ERR wrong number of arguments for 'zunionstore' command"},
	{"TYPE str2", "zset"},
	{"TYPE str", "string"},
}

func TestZsetAlgebraStores(t *testing.T) {
	x := newStringTester(t)
	for _, c := range zsetAlgebraSetup {
		x.want(c.cmd, c.want)
	}
	x.want("SET str2 v", "OK")
	x.want("PEXPIRE str2 100000", "(int) 1")
	x.want("ZADD d 1 old", "(int) 1")
	for _, c := range zsetAlgebraStores {
		x.want(c.cmd, c.want)
	}
	x.wantExpireAt("str2", 0) // replaced with its TTL
	x.checkReplay()
}

// TestZsetAlgebraLogging: a STORE command logs itself when it writes or
// deletes, and nothing when its empty result finds no destination.
func TestZsetAlgebraLogging(t *testing.T) {
	x := newStringTester(t)
	x.want("ZADD a 1 x 2 y", "(int) 2")
	x.wantEffects("ZUNIONSTORE d 1 a", "(int) 2", "ZUNIONSTORE d 1 a")
	x.wantEffects("ZINTERSTORE d 2 a missing", "(int) 0", "ZINTERSTORE d 2 a missing")
	x.wantEffects("ZINTERSTORE d 2 a missing", "(int) 0")
	x.wantEffects("ZRANGESTORE d a 0 0 REV", "(int) 1", "ZRANGESTORE d a 0 0 REV")
	x.wantEffects("ZRANGESTORE d a 5 6", "(int) 0", "ZRANGESTORE d a 5 6")
	x.wantEffects("ZDIFFSTORE d 1 missing", "(int) 0")
	x.wantEffects("ZUNIONSTORE d 2 a x WEIGHTS", "ERR syntax error")
	x.wantEffects("ZUNION 1 a", `["x" "y"]`)
	// an expired source is deleted, and logged, before the command
	x.want("ZADD e 5 z", "(int) 1")
	x.want("PEXPIRE e 10", "(int) 1")
	x.advance(20)
	x.wantEffects("ZUNIONSTORE d 2 a e", "(int) 2", "DEL e", "ZUNIONSTORE d 2 a e")
	x.checkReplay()
}

// TestZsetAlgebraEncoding: a stored result is a listpack when it has at
// most 128 members of at most 64 bytes, else a skiplist, whatever its
// inputs were (redis-server 7.0.15 OBJECT ENCODING).
func TestZsetAlgebraEncoding(t *testing.T) {
	x := newStringTester(t)
	long := strings.Repeat("v", 65)
	x.want("ZADD big "+manyPairs(200), "(int) 200")
	x.want("ZADD small 1 m1 2 m2 3 other", "(int) 3")
	x.want("ZADD long 1 "+long+" 2 short", "(int) 2")
	x.want("SADD ints "+intArgs(300), "(int) 300")
	for _, c := range []struct{ cmd, reply, enc string }{
		{"ZUNIONSTORE d 1 big", "(int) 200", "skiplist"},
		{"ZINTERSTORE d 2 big small", "(int) 2", "listpack"},
		{"ZDIFFSTORE d 2 big small", "(int) 198", "skiplist"},
		{"ZRANGESTORE d big 0 127", "(int) 128", "listpack"},
		{"ZRANGESTORE d big 0 128", "(int) 129", "skiplist"},
		{"ZRANGESTORE d big 0 +inf BYSCORE LIMIT 0 128", "(int) 128", "listpack"},
		{"ZRANGESTORE d big 0 +inf BYSCORE LIMIT 0 129", "(int) 129", "skiplist"},
		{"ZUNIONSTORE d 1 long", "(int) 2", "skiplist"},
		{"ZRANGESTORE d long 1 1", "(int) 1", "listpack"},
		{"ZRANGESTORE d long 0 0", "(int) 1", "skiplist"},
		{"ZINTERSTORE d 2 long long", "(int) 2", "skiplist"},
		{"ZUNIONSTORE d 1 ints", "(int) 300", "skiplist"},
		{"ZINTERSTORE d 2 ints big WEIGHTS 1 0", "(int) 0", ""},
	} {
		x.want(c.cmd, c.reply)
		if c.enc != "" {
			x.wantEncoding("d", c.enc)
		}
	}
	x.want("ZRANGE d 0 -1", "[]")
	x.want("ZUNIONSTORE d 2 small ints WEIGHTS 1 0.5", "(int) 303")
	x.want("ZRANGE d 0 3 WITHSCORES", `["0" "0.5" "1" "0.5" "10" "0.5" "100" "0.5"]`)
	x.checkReplay()
}

// manyPairs is "0 m0 1 m1 ..." for n members.
func manyPairs(n int) string {
	var b strings.Builder
	for i := range n {
		b.WriteString(itoa(i) + " m" + itoa(i) + " ")
	}
	return strings.TrimSpace(b.String())
}

// intArgs is "0 1 ... n-1".
func intArgs(n int) string {
	parts := make([]string, n)
	for i := range parts {
		parts[i] = itoa(i)
	}
	return strings.Join(parts, " ")
}
