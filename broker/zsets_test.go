package broker_test

import (
	"context"
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/brokerd/brokerd/internal/brokertest"
	"github.com/redis/go-redis/v9"
)

// TestGoRedisZsets drives the sorted-set commands through go-redis v9, once
// per protocol version, the way Sidekiq-, BullMQ- and asynq-style delayed
// job queues use them.
func TestGoRedisZsets(t *testing.T) {
	brokertest.EachProtocol(t, func(t *testing.T, s *brokertest.Server, rdb *redis.Client) {
		ctx := context.Background()
		must := replyChecker(t)
		n, err := rdb.ZAdd(ctx, "sched", redis.Z{Score: 1700000000.5, Member: "job1"}, redis.Z{Score: 1700000001, Member: "job2"},
			redis.Z{Score: 1700000002, Member: "job3"}).Result()
		must("ZADD", n, int64(3), err)
		n, err = rdb.ZAddArgs(ctx, "sched", redis.ZAddArgs{GT: true, Ch: true, Members: []redis.Z{{Score: 1, Member: "job1"}, {Score: 1800000000, Member: "job3"}}}).Result()
		must("ZADD GT CH", n, int64(1), err)
		f, err := rdb.ZIncrBy(ctx, "sched", 0.25, "job1").Result()
		must("ZINCRBY", f, 1700000000.75, err)
		f, err = rdb.ZAddArgsIncr(ctx, "sched", redis.ZAddArgs{Members: []redis.Z{{Score: 1, Member: "job2"}}}).Result()
		must("ZADD INCR", f, 1700000002.0, err)
		f, err = rdb.ZScore(ctx, "sched", "job1").Result()
		must("ZSCORE", f, 1700000000.75, err)
		_, err = rdb.ZScore(ctx, "sched", "nope").Result()
		must("ZSCORE missing", err, redis.Nil, nil)
		fs, err := rdb.ZMScore(ctx, "sched", "job1", "nope").Result()
		must("ZMSCORE", fs, []float64{1700000000.75, 0}, err)
		n, err = rdb.ZCard(ctx, "sched").Result()
		must("ZCARD", n, int64(3), err)
		n, err = rdb.ZCount(ctx, "sched", "-inf", "(1700000002").Result()
		must("ZCOUNT", n, int64(1), err)
		n, err = rdb.ZRank(ctx, "sched", "job3").Result()
		must("ZRANK", n, int64(2), err)
		rs, err := rdb.ZRevRankWithScore(ctx, "sched", "job3").Result()
		must("ZREVRANK WITHSCORE", rs, redis.RankScore{Rank: 0, Score: 1800000000}, err)
		// due jobs: the Sidekiq poller's ZRANGEBYSCORE ... LIMIT 0 1
		ss, err := rdb.ZRangeByScore(ctx, "sched", &redis.ZRangeBy{Min: "-inf", Max: "1700000005", Offset: 0, Count: 1}).Result()
		must("ZRANGEBYSCORE LIMIT", ss, []string{"job1"}, err)
		zs, err := rdb.ZRangeArgsWithScores(ctx, redis.ZRangeArgs{Key: "sched", Start: "+inf", Stop: "(1700000001", ByScore: true, Rev: true}).Result()
		must("ZRANGE BYSCORE REV WITHSCORES", zs, []redis.Z{{Score: 1800000000, Member: "job3"}, {Score: 1700000002, Member: "job2"}}, err)
		zs, err = rdb.ZRangeWithScores(ctx, "sched", 0, 0).Result()
		must("ZRANGE WITHSCORES", zs, []redis.Z{{Score: 1700000000.75, Member: "job1"}}, err)
		ss, err = rdb.ZRevRange(ctx, "sched", 0, 0).Result()
		must("ZREVRANGE", ss, []string{"job3"}, err)
		n, err = rdb.ZRem(ctx, "sched", "job1", "nope").Result()
		must("ZREM", n, int64(1), err)

		rdb.ZAdd(ctx, "lex", redis.Z{Member: "a"}, redis.Z{Member: "b"}, redis.Z{Member: "c"})
		ss, err = rdb.ZRangeByLex(ctx, "lex", &redis.ZRangeBy{Min: "(a", Max: "+"}).Result()
		must("ZRANGEBYLEX", ss, []string{"b", "c"}, err)
		ss, err = rdb.ZRevRangeByLex(ctx, "lex", &redis.ZRangeBy{Min: "-", Max: "[b"}).Result()
		must("ZREVRANGEBYLEX", ss, []string{"b", "a"}, err)
		n, err = rdb.ZLexCount(ctx, "lex", "-", "[b").Result()
		must("ZLEXCOUNT", n, int64(2), err)
		n, err = rdb.ZRemRangeByLex(ctx, "lex", "[c", "+").Result()
		must("ZREMRANGEBYLEX", n, int64(1), err)

		rdb.ZAdd(ctx, "q", redis.Z{Score: 1, Member: "a"}, redis.Z{Score: 2, Member: "b"}, redis.Z{Score: 3, Member: "c"}, redis.Z{Score: 4, Member: "d"})
		zs, err = rdb.ZPopMin(ctx, "q").Result()
		must("ZPOPMIN", zs, []redis.Z{{Score: 1, Member: "a"}}, err)
		zs, err = rdb.ZPopMax(ctx, "q", 2).Result()
		must("ZPOPMAX 2", zs, []redis.Z{{Score: 4, Member: "d"}, {Score: 3, Member: "c"}}, err)
		key, zs, err := rdb.ZMPop(ctx, "min", 5, "none", "q").Result()
		must("ZMPOP", []any{key, zs}, []any{"q", []redis.Z{{Score: 2, Member: "b"}}}, err)
		n, err = rdb.Exists(ctx, "q").Result()
		must("emptied set deleted", n, int64(0), err)

		rdb.ZAdd(ctx, "r", redis.Z{Score: 1, Member: "a"}, redis.Z{Score: 2, Member: "b"}, redis.Z{Score: 3, Member: "c"})
		n, err = rdb.ZRemRangeByScore(ctx, "r", "(1", "2").Result()
		must("ZREMRANGEBYSCORE", n, int64(1), err)
		n, err = rdb.ZRemRangeByRank(ctx, "r", -1, -1).Result()
		must("ZREMRANGEBYRANK", n, int64(1), err)
		zs, err = rdb.ZRandMemberWithScores(ctx, "r", 5).Result()
		must("ZRANDMEMBER WITHSCORES", zs, []redis.Z{{Score: 1, Member: "a"}}, err)
		ss, cur, err := rdb.ZScan(ctx, "r", 0, "*", 10).Result()
		must("ZSCAN", []any{ss, cur}, []any{[]string{"a", "1"}, uint64(0)}, err)

		f, err = rdb.ZIncrBy(ctx, "inf", math.Inf(1), "x").Result()
		must("ZINCRBY +inf", f, math.Inf(1), err)
		_, err = rdb.ZIncrBy(ctx, "inf", math.Inf(-1), "x").Result()
		if err == nil || err.Error() != "ERR resulting score is not a number (NaN)" {
			t.Errorf("ZINCRBY to NaN: %v", err)
		}

		// a worker parked on BZPOPMIN is handed the job scheduled next
		done := make(chan []any, 1)
		go func() {
			v, err := rdb.BZPopMin(ctx, 0, "delayed").Result()
			if err != nil {
				done <- []any{err}
				return
			}
			done <- []any{v.Key, v.Member, v.Score}
		}()
		brokertest.Eventually(t, 10*time.Second, func() error {
			info, err := s.Client().Info(ctx, "clients").Result()
			if err != nil || !strings.Contains(info, "blocked_clients:1\r") {
				return fmt.Errorf("no client blocked yet: %v", err)
			}
			return nil
		})
		s.Client().ZAdd(ctx, "delayed", redis.Z{Score: 7, Member: "later"})
		if got := <-done; !reflect.DeepEqual(got, []any{"delayed", "later", 7.0}) {
			t.Errorf("BZPOPMIN served %v", got)
		}
		_, err = rdb.BZPopMax(ctx, 10*time.Millisecond, "none").Result()
		must("BZPOPMAX timeout", err, redis.Nil, nil)
	})
}

// zsetGetKeysCases is COMMAND GETKEYS of the sorted-set commands, as
// redis-server 7.0.15 answers it (TestCommandGetKeysEveryCommand runs it
// with the other families' tables).
var zsetGetKeysCases = []adminCase{
	{"COMMAND GETKEYS zadd k 1 a", `["k"]`},
	{"COMMAND GETKEYS zincrby k 1 a", `["k"]`},
	{"COMMAND GETKEYS zrem k a", `["k"]`},
	{"COMMAND GETKEYS zcard k", `["k"]`},
	{"COMMAND GETKEYS zscore k a", `["k"]`},
	{"COMMAND GETKEYS zmscore k a b", `["k"]`},
	{"COMMAND GETKEYS zrank k a", `["k"]`},
	{"COMMAND GETKEYS zrevrank k a", `["k"]`},
	{"COMMAND GETKEYS zcount k 0 1", `["k"]`},
	{"COMMAND GETKEYS zlexcount k - +", `["k"]`},
	{"COMMAND GETKEYS zrange k 0 -1", `["k"]`},
	{"COMMAND GETKEYS zrevrange k 0 -1", `["k"]`},
	{"COMMAND GETKEYS zrangebyscore k 0 1", `["k"]`},
	{"COMMAND GETKEYS zrevrangebyscore k 1 0", `["k"]`},
	{"COMMAND GETKEYS zrangebylex k - +", `["k"]`},
	{"COMMAND GETKEYS zrevrangebylex k + -", `["k"]`},
	{"COMMAND GETKEYS zremrangebyscore k 0 1", `["k"]`},
	{"COMMAND GETKEYS zremrangebyrank k 0 1", `["k"]`},
	{"COMMAND GETKEYS zremrangebylex k - +", `["k"]`},
	{"COMMAND GETKEYS zpopmin k", `["k"]`},
	{"COMMAND GETKEYS zpopmax k 2", `["k"]`},
	{"COMMAND GETKEYS zmpop 2 a b min count 2", `["a" "b"]`},
	{"COMMAND GETKEYS zrandmember k", `["k"]`},
	{"COMMAND GETKEYS zscan k 0", `["k"]`},
	{"COMMAND GETKEYS bzpopmin a b 0", `["a" "b"]`},
	{"COMMAND GETKEYS bzpopmax a b 0", `["a" "b"]`},
	{"COMMAND GETKEYS bzmpop 0 2 a b max", `["a" "b"]`},
}

// replyChecker returns a check of one go-redis call: its result, its
// error, and the result wanted.
func replyChecker(t *testing.T) func(what string, got, want any, err error) {
	return func(what string, got, want any, err error) {
		t.Helper()
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("%s = %#v (err %v), want %#v", what, got, err, want)
		}
	}
}
