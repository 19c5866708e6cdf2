package broker_test

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/brokerd/brokerd/internal/brokertest"
	"github.com/redis/go-redis/v9"
)

// TestGoRedisSets drives every set command through go-redis v9, once per
// protocol version (RESP3 replies sets where Redis does).
func TestGoRedisSets(t *testing.T) {
	brokertest.EachProtocol(t, func(t *testing.T, s *brokertest.Server, rdb *redis.Client) {
		ctx := context.Background()
		sorted := func(what string, got []string, err error, want ...string) {
			t.Helper()
			slices.Sort(got)
			checkStrings(t, what, got, err, want...)
		}
		wantInt := func(what string, got, want int64, err error) {
			t.Helper()
			if err != nil || got != want {
				t.Errorf("%s = %d, %v; want %d", what, got, err, want)
			}
		}
		n, err := rdb.SAdd(ctx, "s", "b", "a", "c", "a").Result()
		wantInt("SADD", n, 3, err)
		sorted("SMEMBERS", rdb.SMembers(ctx, "s").Val(), nil, "a", "b", "c")
		n, err = rdb.SCard(ctx, "s").Result()
		wantInt("SCARD", n, 3, err)
		if ok, err := rdb.SIsMember(ctx, "s", "a").Result(); err != nil || !ok {
			t.Errorf("SISMEMBER = %v, %v", ok, err)
		}
		if got, err := rdb.SMIsMember(ctx, "s", "a", "x").Result(); err != nil || !slices.Equal(got, []bool{true, false}) {
			t.Errorf("SMISMEMBER = %v, %v", got, err)
		}
		n, err = rdb.SRem(ctx, "s", "c", "x").Result()
		wantInt("SREM", n, 1, err)
		if ok, err := rdb.SMove(ctx, "s", "d", "a").Result(); err != nil || !ok {
			t.Errorf("SMOVE = %v, %v", ok, err)
		}
		checkStrings(t, "SMEMBERS d", rdb.SMembers(ctx, "d").Val(), nil, "a")

		rdb.SAdd(ctx, "i", 3, 1, 2)
		checkStrings(t, "SMEMBERS intset", rdb.SMembers(ctx, "i").Val(), nil, "1", "2", "3")
		if enc := rdb.ObjectEncoding(ctx, "i").Val(); enc != "intset" {
			t.Errorf("encoding %s", enc)
		}
		rdb.SAdd(ctx, "i", "x")
		if enc := rdb.ObjectEncoding(ctx, "i").Val(); enc != "listpack" {
			t.Errorf("encoding %s", enc)
		}
		if m, err := rdb.SRandMember(ctx, "i").Result(); err != nil || !strings.Contains("123x", m) {
			t.Errorf("SRANDMEMBER = %q, %v", m, err)
		}
		if got, err := rdb.SRandMemberN(ctx, "i", -10).Result(); err != nil || len(got) != 10 {
			t.Errorf("SRANDMEMBER -10 = %q, %v", got, err)
		}
		sorted("SRANDMEMBER 10", rdb.SRandMemberN(ctx, "i", 10).Val(), nil, "1", "2", "3", "x")
		m, err := rdb.SPop(ctx, "i").Result()
		if err != nil || !strings.Contains("123x", m) {
			t.Errorf("SPOP = %q, %v", m, err)
		}
		got, err := rdb.SPopN(ctx, "i", 2).Result()
		if err != nil || len(got) != 2 {
			t.Errorf("SPOP 2 = %q, %v", got, err)
		}
		got, err = rdb.SPopN(ctx, "i", 5).Result()
		if err != nil || len(got) != 1 {
			t.Errorf("SPOP 5 = %q, %v", got, err)
		}
		if _, err := rdb.SPop(ctx, "i").Result(); err != redis.Nil {
			t.Errorf("SPOP of a missing key: %v", err)
		}

		rdb.SAdd(ctx, "a", 1, 2, 3, "x")
		rdb.SAdd(ctx, "b", 2, 3, "y")
		sorted("SINTER", rdb.SInter(ctx, "a", "b").Val(), nil, "2", "3")
		n, err = rdb.SInterCard(ctx, 1, "a", "b").Result()
		wantInt("SINTERCARD LIMIT", n, 1, err)
		sorted("SUNION", rdb.SUnion(ctx, "a", "b").Val(), nil, "1", "2", "3", "x", "y")
		sorted("SDIFF", rdb.SDiff(ctx, "a", "b").Val(), nil, "1", "x")
		n, err = rdb.SInterStore(ctx, "is", "a", "b").Result()
		wantInt("SINTERSTORE", n, 2, err)
		if enc := rdb.ObjectEncoding(ctx, "is").Val(); enc != "intset" {
			t.Errorf("SINTERSTORE result encoding %s", enc)
		}
		n, err = rdb.SUnionStore(ctx, "us", "a", "b").Result()
		wantInt("SUNIONSTORE", n, 5, err)
		n, err = rdb.SDiffStore(ctx, "ds", "a", "b").Result()
		wantInt("SDIFFSTORE", n, 2, err)
		n, err = rdb.SDiffStore(ctx, "ds", "a", "a").Result()
		wantInt("SDIFFSTORE empty", n, 0, err)
		if rdb.Exists(ctx, "ds").Val() != 0 {
			t.Errorf("an empty SDIFFSTORE result left its destination")
		}

		rdb.SAdd(ctx, "big", toAny(seqMembers("m", 300))...)
		var all []string
		var cursor uint64
		for {
			keys, next, err := rdb.SScan(ctx, "big", cursor, "m1*", 20).Result()
			if err != nil {
				t.Fatal(err)
			}
			all = append(all, keys...)
			if cursor = next; cursor == 0 {
				break
			}
		}
		slices.Sort(all)
		var want []string
		for _, m := range seqMembers("m", 300) {
			if strings.HasPrefix(m, "m1") {
				want = append(want, m)
			}
		}
		slices.Sort(want)
		checkStrings(t, "SSCAN", all, nil, want...)

		rdb.Set(ctx, "str", "v", 0)
		if err := rdb.SAdd(ctx, "str", "a").Err(); err == nil || !strings.HasPrefix(err.Error(), "WRONGTYPE") {
			t.Errorf("SADD on a string: %v", err)
		}
		if err := rdb.SInter(ctx, "missing", "str").Err(); err == nil || !strings.HasPrefix(err.Error(), "WRONGTYPE") {
			t.Errorf("SINTER missing str: %v", err)
		}
	})
}

// TestSetRESP3Shapes: SMEMBERS, SINTER, SUNION, SDIFF and SPOP with a
// count reply RESP3 sets; SRANDMEMBER with a count and SSCAN arrays.
func TestSetRESP3Shapes(t *testing.T) {
	s := brokertest.Start(t)
	r := s.Dial()
	adminExpect(t, r, []adminCase{
		{"HELLO 3", r.Do("HELLO 3")},
		{"SADD s 1 2", "(int) 2"},
		{"SMEMBERS s", `set["1" "2"]`},
		{"SINTER s", `set["1" "2"]`},
		{"SUNION s missing", `set["1" "2"]`},
		{"SDIFF s missing", `set["1" "2"]`},
		{"SRANDMEMBER s 5", `["1" "2"]`},
		{"SSCAN s 0", `["0" ["1" "2"]]`},
		{"SPOP missing 2", "set[]"},
		{"SPOP s 0", "set[]"},
		{"SPOP s 5", `set["1" "2"]`},
		{"SMEMBERS s", "set[]"},
	})
}

// TestSetNotifications: the events Redis fires for each set write
// (redis-server 7.0.15, notify-keyspace-events AEn).
func TestSetNotifications(t *testing.T) {
	expectKeyEvents(t, "AEn", []keyEventCase{
		{"SADD s a b 1", "new:s sadd:s"},
		{"SADD s a", ""},
		{"SREM s a x", "srem:s"},
		{"SMOVE s d b", "srem:s new:d sadd:d"},
		{"SMOVE s d2 1", "srem:s del:s new:d2 sadd:d2"},
		{"SADD t 1 2 3", "new:t sadd:t"},
		{"SPOP t", "spop:t"},
		{"SPOP t 1", "spop:t"},
		{"SPOP t 5", "spop:t del:t"},
		{"SADD u 1 2", "new:u sadd:u"},
		{"SINTERSTORE d u d2", "sinterstore:d"},
		{"SUNIONSTORE d u d2", "sunionstore:d"},
		{"SDIFFSTORE d u u", "del:d"},
		{"SDIFFSTORE d2 u u", "del:d2"},
		{"SADD v x", "new:v sadd:v"},
		{"SPOP v", "spop:v del:v"},
	})
}

// setGetKeysCases is COMMAND GETKEYS of every set command, as
// redis-server 7.0.15 answers it (TestCommandGetKeysEveryCommand runs it
// with the other families' tables).
var setGetKeysCases = []adminCase{
	{"COMMAND GETKEYS sadd s a", `["s"]`},
	{"COMMAND GETKEYS scard s", `["s"]`},
	{"COMMAND GETKEYS sdiff a b", `["a" "b"]`},
	{"COMMAND GETKEYS sdiffstore d a b", `["d" "a" "b"]`},
	{"COMMAND GETKEYS sinter a b", `["a" "b"]`},
	{"COMMAND GETKEYS sintercard 2 a b LIMIT 1", `["a" "b"]`},
	{"COMMAND GETKEYS sintercard +2 a b", `["a" "b"]`},
	{"COMMAND GETKEYS sinterstore d a b", `["d" "a" "b"]`},
	{"COMMAND GETKEYS sismember s a", `["s"]`},
	{"COMMAND GETKEYS smembers s", `["s"]`},
	{"COMMAND GETKEYS smismember s a b", `["s"]`},
	{"COMMAND GETKEYS smove a b m", `["a" "b"]`},
	{"COMMAND GETKEYS spop s", `["s"]`},
	{"COMMAND GETKEYS srandmember s", `["s"]`},
	{"COMMAND GETKEYS srem s a", `["s"]`},
	{"COMMAND GETKEYS sscan s 0", `["s"]`},
	{"COMMAND GETKEYS sunion a b", `["a" "b"]`},
	{"COMMAND GETKEYS sunionstore d a b", `["d" "a" "b"]`},
}

func seqMembers(prefix string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = prefix + strconv.Itoa(i)
	}
	return out
}

func toAny(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}
