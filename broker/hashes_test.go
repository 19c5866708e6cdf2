package broker_test

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/brokerd/brokerd/internal/brokertest"
	"github.com/redis/go-redis/v9"
)

// TestGoRedisHashes drives every hash command through go-redis v9, once
// per protocol version (HGETALL is a map and HRANDFIELD WITHVALUES an
// array of pairs in RESP3, flat arrays in RESP2).
func TestGoRedisHashes(t *testing.T) {
	brokertest.EachProtocol(t, func(t *testing.T, s *brokertest.Server, rdb *redis.Client) {
		ctx := context.Background()
		n, err := rdb.HSet(ctx, "task:1", "state", "queued", "tries", "0", "owner", "").Result()
		check(t, "HSET", n, err, 3)
		ok, err := rdb.HSetNX(ctx, "task:1", "state", "running").Result()
		check(t, "HSETNX existing", ok, err, false)
		ok, err = rdb.HSetNX(ctx, "task:1", "queue", "default").Result()
		check(t, "HSETNX new", ok, err, true)
		ok, err = rdb.HMSet(ctx, "task:1", "state", "running", "owner", "w1").Result()
		check(t, "HMSET", ok, err, true)
		v, err := rdb.HGet(ctx, "task:1", "state").Result()
		check(t, "HGET", v, err, "running")
		if _, err := rdb.HGet(ctx, "task:1", "nope").Result(); !errors.Is(err, redis.Nil) {
			t.Errorf("HGET missing field: %v", err)
		}
		vals, err := rdb.HMGet(ctx, "task:1", "owner", "nope", "tries").Result()
		if err != nil || !reflect.DeepEqual(vals, []any{"w1", nil, "0"}) {
			t.Errorf("HMGET = %v, %v", vals, err)
		}
		all, err := rdb.HGetAll(ctx, "task:1").Result()
		if want := map[string]string{"state": "running", "tries": "0", "owner": "w1", "queue": "default"}; err != nil || !reflect.DeepEqual(all, want) {
			t.Errorf("HGETALL = %v, %v", all, err)
		}
		keys, err := rdb.HKeys(ctx, "task:1").Result()
		checkStrings(t, "HKEYS", keys, err, "state", "tries", "owner", "queue")
		vs, err := rdb.HVals(ctx, "task:1").Result()
		checkStrings(t, "HVALS", vs, err, "running", "0", "w1", "default")
		n, err = rdb.HLen(ctx, "task:1").Result()
		check(t, "HLEN", n, err, 4)
		n, err = rdb.HStrLen(ctx, "task:1", "queue").Result()
		check(t, "HSTRLEN", n, err, 7)
		ok, err = rdb.HExists(ctx, "task:1", "owner").Result()
		check(t, "HEXISTS", ok, err, true)
		n, err = rdb.HIncrBy(ctx, "task:1", "tries", 3).Result()
		check(t, "HINCRBY", n, err, 3)
		f, err := rdb.HIncrByFloat(ctx, "task:1", "score", 2.5).Result()
		check(t, "HINCRBYFLOAT", f, err, 2.5)
		if _, err := rdb.HIncrBy(ctx, "task:1", "state", 1).Result(); err == nil || err.Error() != "ERR hash value is not an integer" {
			t.Errorf("HINCRBY of a word: %v", err)
		}
		enc, err := rdb.ObjectEncoding(ctx, "task:1").Result()
		check(t, "OBJECT ENCODING", enc, err, "listpack")
		typ, err := rdb.Type(ctx, "task:1").Result()
		check(t, "TYPE", typ, err, "hash")

		one, err := rdb.HRandField(ctx, "task:1", 1).Result()
		if err != nil || len(one) != 1 {
			t.Errorf("HRANDFIELD 1 = %q, %v", one, err)
		}
		pairs, err := rdb.HRandFieldWithValues(ctx, "task:1", -3).Result()
		if err != nil || len(pairs) != 3 {
			t.Errorf("HRANDFIELD -3 WITHVALUES = %v, %v", pairs, err)
		}
		for _, p := range pairs {
			if got, _ := rdb.HGet(ctx, "task:1", p.Key).Result(); got != p.Value {
				t.Errorf("HRANDFIELD WITHVALUES pair %v, but HGET %s = %s", p, p.Key, got)
			}
		}
		fields, cursor, err := rdb.HScan(ctx, "task:1", 0, "q*", 10).Result()
		if err != nil || cursor != 0 || !reflect.DeepEqual(fields, []string{"queue", "default"}) {
			t.Errorf("HSCAN MATCH q* = %q %d %v", fields, cursor, err)
		}

		n, err = rdb.HDel(ctx, "task:1", "state", "tries", "nope").Result()
		check(t, "HDEL", n, err, 2)
		n, err = rdb.HDel(ctx, "task:1", "owner", "queue", "score").Result()
		check(t, "HDEL the rest", n, err, 3)
		n, err = rdb.Exists(ctx, "task:1").Result()
		check(t, "EXISTS after the last HDEL", n, err, 0)

		rdb.Set(ctx, "str", "v", 0)
		if _, err := rdb.HGet(ctx, "str", "f").Result(); err == nil || !strings.HasPrefix(err.Error(), "WRONGTYPE") {
			t.Errorf("HGET of a string: %v", err)
		}
	})
}

// TestHashesLargeScan: HSCAN of a hashtable through go-redis returns every
// field, in batches, ending at cursor 0.
func TestHashesLargeScan(t *testing.T) {
	s := brokertest.Start(t)
	rdb := s.Client()
	ctx := context.Background()
	var args []any
	want := map[string]string{}
	for i := range 1000 {
		f, v := "field-"+strconv.Itoa(i), "value-"+strconv.Itoa(i)
		args = append(args, f, v)
		want[f] = v
	}
	if err := rdb.HSet(ctx, "big", args...).Err(); err != nil {
		t.Fatal(err)
	}
	if enc, _ := rdb.ObjectEncoding(ctx, "big").Result(); enc != "hashtable" {
		t.Fatalf("encoding %s", enc)
	}
	got := map[string]string{}
	var cursor uint64
	calls := 0
	for {
		kv, next, err := rdb.HScan(ctx, "big", cursor, "", 50).Result()
		if err != nil {
			t.Fatal(err)
		}
		calls++
		for i := 0; i < len(kv); i += 2 {
			got[kv[i]] = kv[i+1]
		}
		if next == 0 {
			break
		}
		cursor = next
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("HSCAN returned %d fields, want 1000", len(got))
	}
	if calls < 20 {
		t.Errorf("HSCAN COUNT 50 took %d calls for 1000 fields", calls)
	}
	keys, _ := rdb.HKeys(ctx, "big").Result()
	slices.Sort(keys)
	if len(slices.Compact(keys)) != 1000 {
		t.Errorf("HKEYS returned %d fields", len(keys))
	}
}

// TestHashesRawReplies checks reply types byte for byte as Redis 7.2
// gives them, in both protocols.
func TestHashesRawReplies(t *testing.T) {
	s := brokertest.Start(t)
	r := s.Dial()
	for _, tc := range []struct{ cmd, want string }{
		{"HSET h a 1 b 2", "(int) 2"},
		{"HGETALL h", `["a" "1" "b" "2"]`},
		{"HRANDFIELD h 5 WITHVALUES", `["a" "1" "b" "2"]`},
		{"HELLO 3", ""},
		{"HGETALL h", `{"a":"1" "b":"2"}`},
		{"HGETALL nokey", `{}`},
		{"HRANDFIELD h 5 WITHVALUES", `[["a" "1"] ["b" "2"]]`},
		{"HRANDFIELD nokey", `(nil)`},
		{"HSCAN h 0", `["0" ["a" "1" "b" "2"]]`},
		{"HSET h a", "ERR wrong number of arguments for 'hset' command"},
		{"HGET h", "ERR wrong number of arguments for 'hget' command"},
	} {
		got := r.Do(tc.cmd)
		if tc.want != "" && got != tc.want {
			t.Errorf("%s = %s, want %s", tc.cmd, got, tc.want)
		}
	}
}

// TestHashKeyspaceNotifications: the hash commands fire Redis's events,
// and no-ops fire none.
func TestHashKeyspaceNotifications(t *testing.T) {
	expectKeyEvents(t, "AEn", []keyEventCase{
		{"HSET h a 1", "new:h hset:h"},
		{"HMSET h b 2", "hset:h"},
		{"HSETNX h a 9", ""},
		{"HSETNX h c 3", "hset:h"},
		{"HINCRBY h n 1", "hincrby:h"},
		{"HINCRBYFLOAT h f 1.5", "hincrbyfloat:h"},
		{"HDEL h nope", ""},
		{"HDEL h a b", "hdel:h"},
		{"HDEL h c n f", "hdel:h del:h"},
		{"HINCRBY g n 1", "new:g hincrby:g"},
	})
}
