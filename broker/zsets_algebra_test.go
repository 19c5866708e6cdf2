package broker_test

import (
	"context"
	"math"
	"strings"
	"testing"

	"github.com/brokerd/brokerd/internal/brokertest"
	"github.com/redis/go-redis/v9"
)

// TestGoRedisZsetAlgebra drives ZUNION, ZINTER, ZDIFF, their STORE forms,
// ZINTERCARD and ZRANGESTORE through go-redis v9, once per protocol
// version: leaderboards merged with weights, a job set minus the done
// set, a page of the schedule copied aside.
func TestGoRedisZsetAlgebra(t *testing.T) {
	brokertest.EachProtocol(t, func(t *testing.T, s *brokertest.Server, rdb *redis.Client) {
		ctx := context.Background()
		must := replyChecker(t)
		rdb.ZAdd(ctx, "week1", redis.Z{Score: 10, Member: "ann"}, redis.Z{Score: 20, Member: "bob"}, redis.Z{Score: 5, Member: "cid"})
		rdb.ZAdd(ctx, "week2", redis.Z{Score: 7, Member: "bob"}, redis.Z{Score: 30, Member: "dee"})
		rdb.SAdd(ctx, "banned", "cid", "dee")

		ss, err := rdb.ZUnion(ctx, redis.ZStore{Keys: []string{"week1", "week2"}}).Result()
		must("ZUNION", ss, []string{"cid", "ann", "bob", "dee"}, err)
		zs, err := rdb.ZUnionWithScores(ctx, redis.ZStore{Keys: []string{"week1", "week2"}, Weights: []float64{1, 2}}).Result()
		must("ZUNION WEIGHTS WITHSCORES", zs, []redis.Z{{Score: 5, Member: "cid"}, {Score: 10, Member: "ann"}, {Score: 34, Member: "bob"}, {Score: 60, Member: "dee"}}, err)
		zs, err = rdb.ZInterWithScores(ctx, &redis.ZStore{Keys: []string{"week1", "week2"}, Aggregate: "MAX"}).Result()
		must("ZINTER AGGREGATE MAX WITHSCORES", zs, []redis.Z{{Score: 20, Member: "bob"}}, err)
		ss, err = rdb.ZInter(ctx, &redis.ZStore{Keys: []string{"week1", "banned"}}).Result()
		must("ZINTER with a set", ss, []string{"cid"}, err)
		ss, err = rdb.ZDiff(ctx, "week1", "banned").Result()
		must("ZDIFF", ss, []string{"ann", "bob"}, err)
		zs, err = rdb.ZDiffWithScores(ctx, "week2", "week1").Result()
		must("ZDIFF WITHSCORES", zs, []redis.Z{{Score: 30, Member: "dee"}}, err)
		n, err := rdb.ZInterCard(ctx, 0, "week1", "week2").Result()
		must("ZINTERCARD", n, int64(1), err)
		n, err = rdb.ZInterCard(ctx, 1, "week1", "week1").Result()
		must("ZINTERCARD LIMIT", n, int64(1), err)

		n, err = rdb.ZUnionStore(ctx, "total", &redis.ZStore{Keys: []string{"week1", "week2"}, Aggregate: "SUM"}).Result()
		must("ZUNIONSTORE", n, int64(4), err)
		zs, err = rdb.ZRangeWithScores(ctx, "total", 0, -1).Result()
		must("ZUNIONSTORE result", zs, []redis.Z{{Score: 5, Member: "cid"}, {Score: 10, Member: "ann"}, {Score: 27, Member: "bob"}, {Score: 30, Member: "dee"}}, err)
		n, err = rdb.ZInterStore(ctx, "both", &redis.ZStore{Keys: []string{"week1", "week2"}, Weights: []float64{0.5, 1}, Aggregate: "MIN"}).Result()
		must("ZINTERSTORE", n, int64(1), err)
		f, err := rdb.ZScore(ctx, "both", "bob").Result()
		must("ZINTERSTORE result", f, 7.0, err)
		n, err = rdb.ZDiffStore(ctx, "allowed", "total", "banned").Result()
		must("ZDIFFSTORE", n, int64(2), err)
		ss, err = rdb.ZRange(ctx, "allowed", 0, -1).Result()
		must("ZDIFFSTORE result", ss, []string{"ann", "bob"}, err)
		n, err = rdb.ZDiffStore(ctx, "allowed", "banned", "total").Result()
		must("ZDIFFSTORE empty", n, int64(0), err)
		n, err = rdb.Exists(ctx, "allowed").Result()
		must("empty result deletes the destination", n, int64(0), err)

		n, err = rdb.ZRangeStore(ctx, "top", redis.ZRangeArgs{Key: "total", Start: 0, Stop: 1, Rev: true}).Result()
		must("ZRANGESTORE REV", n, int64(2), err)
		zs, err = rdb.ZRangeWithScores(ctx, "top", 0, -1).Result()
		must("ZRANGESTORE result", zs, []redis.Z{{Score: 27, Member: "bob"}, {Score: 30, Member: "dee"}}, err)
		n, err = rdb.ZRangeStore(ctx, "mid", redis.ZRangeArgs{Key: "total", Start: "(5", Stop: "+inf", ByScore: true, Offset: 1, Count: 2}).Result()
		must("ZRANGESTORE BYSCORE LIMIT", n, int64(2), err)
		ss, err = rdb.ZRange(ctx, "mid", 0, -1).Result()
		must("ZRANGESTORE BYSCORE result", ss, []string{"bob", "dee"}, err)
		rdb.ZAdd(ctx, "names", redis.Z{Member: "a"}, redis.Z{Member: "b"}, redis.Z{Member: "c"})
		n, err = rdb.ZRangeStore(ctx, "bc", redis.ZRangeArgs{Key: "names", Start: "(a", Stop: "+", ByLex: true}).Result()
		must("ZRANGESTORE BYLEX", n, int64(2), err)

		rdb.ZAdd(ctx, "hi", redis.Z{Score: math.Inf(1), Member: "x"})
		rdb.ZAdd(ctx, "lo", redis.Z{Score: math.Inf(-1), Member: "x"})
		zs, err = rdb.ZUnionWithScores(ctx, redis.ZStore{Keys: []string{"hi", "lo"}}).Result()
		must("inf + -inf", zs, []redis.Z{{Score: 0, Member: "x"}}, err)

		rdb.Set(ctx, "str", "v", 0)
		for what, err := range map[string]error{
			"ZUNION WRONGTYPE":      rdb.ZUnion(ctx, redis.ZStore{Keys: []string{"week1", "str"}}).Err(),
			"ZRANGESTORE from set":  rdb.ZRangeStore(ctx, "d", redis.ZRangeArgs{Key: "banned", Start: 0, Stop: -1}).Err(),
			"ZINTERSTORE WRONGTYPE": rdb.ZInterStore(ctx, "d", &redis.ZStore{Keys: []string{"str"}}).Err(),
		} {
			if err == nil || !strings.HasPrefix(err.Error(), "WRONGTYPE") {
				t.Errorf("%s: %v", what, err)
			}
		}
		if err := rdb.Do(ctx, "ZUNIONSTORE", "d", 0, "a").Err(); err == nil ||
			err.Error() != "ERR at least 1 input key is needed for 'zunionstore' command" {
			t.Errorf("ZUNIONSTORE numkeys 0: %v", err)
		}
	})
}

// TestZsetAlgebraRESP3Shapes: WITHSCORES replies are member/score pairs
// in RESP3, as ZRANGE's are, and a -0 score prints as Redis's does.
func TestZsetAlgebraRESP3Shapes(t *testing.T) {
	s := brokertest.Start(t)
	r := s.Dial()
	adminExpect(t, r, []adminCase{
		{"HELLO 3", r.Do("HELLO 3")},
		{"ZADD a 0 x 2 y", "(int) 2"},
		{"ZUNION 1 a WITHSCORES", `[["x" (double) 0] ["y" (double) 2]]`},
		{"ZINTER 2 a a", `["x" "y"]`},
		{"ZDIFF 1 a WITHSCORES", `[["x" (double) 0] ["y" (double) 2]]`},
		{"ZUNION 1 a WEIGHTS -1 WITHSCORES", `[["y" (double) -2] ["x" (double) -0]]`},
		{"ZINTERCARD 1 a", "(int) 2"},
		{"ZUNIONSTORE d 1 a", "(int) 2"},
	})
}

// TestZsetAlgebraNotifications: the events Redis fires for the STORE
// commands (redis-server 7.0.15, notify-keyspace-events AEn): new and
// the command's event when a result is stored, del when an empty result
// removes the destination, nothing when there was none.
func TestZsetAlgebraNotifications(t *testing.T) {
	expectKeyEvents(t, "AEn", []keyEventCase{
		{"ZADD a 1 x 2 y", "new:a zadd:a"},
		{"ZADD b 2 y", "new:b zadd:b"},
		{"ZUNIONSTORE d 2 a b", "new:d zunionstore:d"},
		{"ZINTERSTORE d 2 a b", "zinterstore:d"},
		{"ZDIFFSTORE d 2 a b", "zdiffstore:d"},
		{"ZDIFFSTORE d 2 a a", "del:d"},
		{"ZDIFFSTORE d 2 a a", ""},
		{"ZRANGESTORE r a 0 0", "new:r zrangestore:r"},
		{"ZRANGESTORE r a 5 6", "del:r"},
		{"SET str v", "new:str set:str"},
		{"ZUNIONSTORE str 1 a", "zunionstore:str"},
		{"ZINTERSTORE e 2 a missing", ""},
		{"ZUNION 2 a b", ""},
		{"ZADD last 1 z", "new:last zadd:last"},
	})
}

// zsetAlgebraGetKeysCases is COMMAND GETKEYS of the algebra commands as
// redis-server 7.0.15 answers it: the key specs' order (destination
// first), or, where a spec cannot read the count ("+2"), the getkeys
// function's (destination last).
var zsetAlgebraGetKeysCases = []adminCase{
	{"COMMAND GETKEYS zunion 2 a b", `["a" "b"]`},
	{"COMMAND GETKEYS zinter +2 a b", `["a" "b"]`},
	{"COMMAND GETKEYS zdiff 2 a b WITHSCORES", `["a" "b"]`},
	{"COMMAND GETKEYS zintercard +2 a b LIMIT 1", `["a" "b"]`},
	{"COMMAND GETKEYS zunionstore d 2 a b", `["d" "a" "b"]`},
	{"COMMAND GETKEYS zinterstore d 2 a b weights 1 2", `["d" "a" "b"]`},
	{"COMMAND GETKEYS zdiffstore d +2 a b", `["a" "b" "d"]`},
	{"COMMAND GETKEYS zunionstore d 3 a b", "ERR Invalid arguments specified for command"},
	{"COMMAND GETKEYS zunion 0 a", "ERR Invalid arguments specified for command"},
	{"COMMAND GETKEYS zrangestore d s 0 -1 BYSCORE", `["d" "s"]`},
}
