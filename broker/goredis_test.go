package broker_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/brokerd/brokerd/internal/brokertest"
	"github.com/redis/go-redis/v9"
)

// TestGoRedisCommands drives every string and key command through
// go-redis v9, the client Go users run, once per protocol version.
func TestGoRedisCommands(t *testing.T) {
	brokertest.EachProtocol(t, func(t *testing.T, s *brokertest.Server, rdb *redis.Client) {
		testStringsWithGoRedis(t, rdb)
		testKeysWithGoRedis(t, rdb)
	})
}

// check fails the test when err is set or got differs from want.
func check[T comparable](t *testing.T, what string, got T, err error, want T) {
	t.Helper()
	if err != nil {
		t.Errorf("%s: %v", what, err)
		return
	}
	if got != want {
		t.Errorf("%s = %v, want %v", what, got, want)
	}
}

func checkErr(t *testing.T, what string, err error, want string) {
	t.Helper()
	if err == nil || err.Error() != want {
		t.Errorf("%s: error %v, want %q", what, err, want)
	}
}

func testStringsWithGoRedis(t *testing.T, rdb *redis.Client) {
	ctx := context.Background()
	r, err := rdb.Set(ctx, "s", "v", 0).Result()
	check(t, "SET", r, err, "OK")
	v, err := rdb.Get(ctx, "s").Result()
	check(t, "GET", v, err, "v")
	if _, err := rdb.Get(ctx, "missing").Result(); !errors.Is(err, redis.Nil) {
		t.Errorf("GET missing: %v", err)
	}
	r, err = rdb.SetArgs(ctx, "s", "w", redis.SetArgs{Mode: "XX", Get: true, TTL: time.Hour}).Result()
	check(t, "SET XX GET EX", r, err, "v")
	ttl, err := rdb.TTL(ctx, "s").Result()
	check(t, "TTL after SET EX", ttl, err, time.Hour)
	r, err = rdb.SetArgs(ctx, "s", "x", redis.SetArgs{KeepTTL: true}).Result()
	check(t, "SET KEEPTTL", r, err, "OK")
	ttl, err = rdb.TTL(ctx, "s").Result()
	check(t, "TTL after KEEPTTL", ttl, err, time.Hour)
	ok, err := rdb.SetNX(ctx, "s", "y", 0).Result()
	check(t, "SETNX existing", ok, err, false)
	r, err = rdb.SetEx(ctx, "ex", "1", 10*time.Second).Result()
	check(t, "SETEX", r, err, "OK")
	r, err = rdb.Do(ctx, "PSETEX", "px", 10000, "1").Text()
	check(t, "PSETEX", r, err, "OK")
	r, err = rdb.MSet(ctx, "m1", "a", "m2", "b").Result()
	check(t, "MSET", r, err, "OK")
	vals, err := rdb.MGet(ctx, "m1", "nope", "m2").Result()
	if err != nil || len(vals) != 3 || vals[0] != "a" || vals[1] != nil || vals[2] != "b" {
		t.Errorf("MGET = %v, %v", vals, err)
	}
	ok, err = rdb.MSetNX(ctx, "m2", "c", "m3", "d").Result()
	check(t, "MSETNX", ok, err, false)
	v, err = rdb.GetSet(ctx, "m1", "z").Result()
	check(t, "GETSET", v, err, "a")
	v, err = rdb.GetDel(ctx, "m1").Result()
	check(t, "GETDEL", v, err, "z")
	v, err = rdb.GetEx(ctx, "m2", time.Minute).Result()
	check(t, "GETEX", v, err, "b")
	n, err := rdb.Append(ctx, "ap", "hello").Result()
	check(t, "APPEND", n, err, 5)
	n, err = rdb.StrLen(ctx, "ap").Result()
	check(t, "STRLEN", n, err, 5)
	v, err = rdb.GetRange(ctx, "ap", 1, -2).Result()
	check(t, "GETRANGE", v, err, "ell")
	n, err = rdb.SetRange(ctx, "ap", 5, "!!").Result()
	check(t, "SETRANGE", n, err, 7)
	n, err = rdb.Incr(ctx, "n").Result()
	check(t, "INCR", n, err, 1)
	n, err = rdb.IncrBy(ctx, "n", 10).Result()
	check(t, "INCRBY", n, err, 11)
	n, err = rdb.Decr(ctx, "n").Result()
	check(t, "DECR", n, err, 10)
	n, err = rdb.DecrBy(ctx, "n", 20).Result()
	check(t, "DECRBY", n, err, -10)
	f, err := rdb.IncrByFloat(ctx, "f", 10.5).Result()
	check(t, "INCRBYFLOAT", f, err, 10.5)
	f, err = rdb.IncrByFloat(ctx, "f", 0.1).Result()
	check(t, "INCRBYFLOAT again", f, err, 10.6)
	checkErr(t, "INCR on text", rdb.Incr(ctx, "ap").Err(), "ERR value is not an integer or out of range")
	checkErr(t, "SET bad expire", rdb.Do(ctx, "SET", "s", "v", "EX", "0").Err(), "ERR invalid expire time in 'set' command")
}

func testKeysWithGoRedis(t *testing.T, rdb *redis.Client) {
	ctx := context.Background()
	rdb.FlushDB(ctx)
	rdb.MSet(ctx, "a", "1", "b", "2", "c", "3", "d", "4")
	n, err := rdb.Exists(ctx, "a", "a", "nope").Result()
	check(t, "EXISTS", n, err, 2)
	typ, err := rdb.Type(ctx, "a").Result()
	check(t, "TYPE", typ, err, "string")
	typ, err = rdb.Type(ctx, "nope").Result()
	check(t, "TYPE missing", typ, err, "none")
	ok, err := rdb.Expire(ctx, "a", time.Minute).Result()
	check(t, "EXPIRE", ok, err, true)
	ok, err = rdb.ExpireNX(ctx, "a", time.Hour).Result()
	check(t, "EXPIRE NX", ok, err, false)
	ok, err = rdb.ExpireGT(ctx, "a", time.Hour).Result()
	check(t, "EXPIRE GT", ok, err, true)
	ok, err = rdb.ExpireLT(ctx, "a", time.Hour*2).Result()
	check(t, "EXPIRE LT", ok, err, false)
	ok, err = rdb.ExpireXX(ctx, "b", time.Hour).Result()
	check(t, "EXPIRE XX", ok, err, false)
	ok, err = rdb.PExpire(ctx, "b", time.Hour).Result()
	check(t, "PEXPIRE", ok, err, true)
	at := time.Now().Add(time.Hour).Truncate(time.Second)
	ok, err = rdb.ExpireAt(ctx, "c", at).Result()
	check(t, "EXPIREAT", ok, err, true)
	et, err := rdb.ExpireTime(ctx, "c").Result()
	check(t, "EXPIRETIME", et, err, time.Duration(at.Unix())*time.Second)
	ok, err = rdb.PExpireAt(ctx, "d", at).Result()
	check(t, "PEXPIREAT", ok, err, true)
	pet, err := rdb.PExpireTime(ctx, "d").Result()
	check(t, "PEXPIRETIME", pet, err, time.Duration(at.UnixMilli())*time.Millisecond)
	ttl, err := rdb.PTTL(ctx, "nope").Result()
	check(t, "PTTL missing", ttl, err, -2*time.Nanosecond)
	ok, err = rdb.Persist(ctx, "d").Result()
	check(t, "PERSIST", ok, err, true)
	ttl, err = rdb.TTL(ctx, "d").Result()
	check(t, "TTL persistent", ttl, err, -1*time.Nanosecond)
	r, err := rdb.Rename(ctx, "d", "d2").Result()
	check(t, "RENAME", r, err, "OK")
	checkErr(t, "RENAME missing", rdb.Rename(ctx, "nope", "x").Err(), "ERR no such key")
	ok, err = rdb.RenameNX(ctx, "d2", "a").Result()
	check(t, "RENAMENX", ok, err, false)
	cp, err := rdb.Copy(ctx, "a", "a2", 0, false).Result()
	check(t, "COPY", cp, err, 1)
	cp, err = rdb.Copy(ctx, "a", "a2", 0, true).Result()
	check(t, "COPY REPLACE", cp, err, 1)
	ok, err = rdb.Move(ctx, "a2", 1).Result()
	check(t, "MOVE", ok, err, true)
	keys, err := rdb.Keys(ctx, "[ab]*").Result()
	if err != nil || len(keys) != 2 {
		t.Errorf("KEYS = %v, %v", keys, err)
	}
	var scanned []string
	var cursor uint64
	for {
		var page []string
		page, cursor, err = rdb.Scan(ctx, cursor, "*", 1).Result()
		if err != nil {
			t.Fatalf("SCAN: %v", err)
		}
		scanned = append(scanned, page...)
		if cursor == 0 {
			break
		}
	}
	if len(scanned) != 4 {
		t.Errorf("SCAN found %v", scanned)
	}
	page, _, err := rdb.ScanType(ctx, 0, "*", 100, "string").Result()
	if err != nil || len(page) != 4 {
		t.Errorf("SCAN TYPE string = %v, %v", page, err)
	}
	k, err := rdb.RandomKey(ctx).Result()
	if err != nil || k == "" {
		t.Errorf("RANDOMKEY = %q, %v", k, err)
	}
	n, err = rdb.Touch(ctx, "a", "nope").Result()
	check(t, "TOUCH", n, err, 1)
	enc, err := rdb.ObjectEncoding(ctx, "a").Result()
	check(t, "OBJECT ENCODING", enc, err, "int")
	idle, err := rdb.ObjectIdleTime(ctx, "a").Result()
	check(t, "OBJECT IDLETIME", idle, err, 0)
	n, err = rdb.Del(ctx, "a", "nope").Result()
	check(t, "DEL", n, err, 1)
	n, err = rdb.Unlink(ctx, "b").Result()
	check(t, "UNLINK", n, err, 1)
	n, err = rdb.DBSize(ctx).Result()
	check(t, "DBSIZE", n, err, 2)
	if !strings.HasPrefix(rdb.FlushAll(ctx).Val(), "OK") {
		t.Errorf("FLUSHALL failed")
	}
}
