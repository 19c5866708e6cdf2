package broker_test

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/brokerd/brokerd/internal/brokertest"
	"github.com/redis/go-redis/v9"
)

// TestStreamsWithGoRedis drives every stream command through go-redis v9
// once per protocol version; XREAD and XINFO reply differently in RESP3
// (maps), which go-redis must parse to the same results.
func TestStreamsWithGoRedis(t *testing.T) {
	brokertest.EachProtocol(t, func(t *testing.T, s *brokertest.Server, rdb *redis.Client) {
		testStreamWritesWithGoRedis(t, rdb)
		testStreamReadsWithGoRedis(t, rdb)
		testStreamInfoWithGoRedis(t, rdb)
		testStreamKeysWithGoRedis(t, rdb)
	})
}

func xmsg(id string, kv ...any) redis.XMessage {
	m := map[string]any{}
	for i := 0; i < len(kv); i += 2 {
		m[kv[i].(string)] = kv[i+1]
	}
	return redis.XMessage{ID: id, Values: m}
}

func checkMsgs(t *testing.T, what string, got []redis.XMessage, err error, want ...redis.XMessage) {
	t.Helper()
	if err != nil {
		t.Errorf("%s: %v", what, err)
		return
	}
	if len(got) == 0 && len(want) == 0 {
		return
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s = %v, want %v", what, got, want)
	}
}

func testStreamWritesWithGoRedis(t *testing.T, rdb *redis.Client) {
	ctx := context.Background()
	id, err := rdb.XAdd(ctx, &redis.XAddArgs{Stream: "s", ID: "1-1", Values: []any{"f", "v1"}}).Result()
	check(t, "XADD", id, err, "1-1")
	id, err = rdb.XAdd(ctx, &redis.XAddArgs{Stream: "s", ID: "1-*", Values: map[string]any{"f": "v2"}}).Result()
	check(t, "XADD ms-*", id, err, "1-2")
	if id, err = rdb.XAdd(ctx, &redis.XAddArgs{Stream: "s", Values: []any{"f", "v3"}}).Result(); err != nil || id <= "1-2" {
		t.Errorf("XADD *: %q %v", id, err)
	}
	_, err = rdb.XAdd(ctx, &redis.XAddArgs{Stream: "s", ID: "1-1", Values: []any{"f", "v"}}).Result()
	checkErr(t, "XADD old ID", err, "ERR The ID specified in XADD is equal or smaller than the target stream top item")
	_, err = rdb.XAdd(ctx, &redis.XAddArgs{Stream: "none", NoMkStream: true, Values: []any{"f", "v"}}).Result()
	if !errors.Is(err, redis.Nil) {
		t.Errorf("XADD NOMKSTREAM on a missing key: %v", err)
	}
	for i := 0; i < 300; i++ {
		if err := rdb.XAdd(ctx, &redis.XAddArgs{Stream: "t", MaxLen: 250, Approx: true, Values: []any{"i", i}}).Err(); err != nil {
			t.Fatal(err)
		}
	}
	n, err := rdb.XLen(ctx, "t").Result()
	check(t, "XLEN after XADD MAXLEN ~ 250", n, err, 300) // no whole block to drop yet
	n, err = rdb.XTrimMaxLenApprox(ctx, "t", 150, 0).Result()
	check(t, "XTRIM MAXLEN ~ 150", n, err, 100)
	n, err = rdb.XTrimMaxLen(ctx, "t", 120).Result()
	check(t, "XTRIM MAXLEN 120", n, err, 80)
	if err := rdb.XAdd(ctx, &redis.XAddArgs{Stream: "t", MaxLen: 10, Values: []any{"i", "x"}}).Err(); err != nil {
		t.Error(err)
	}
	n, err = rdb.XLen(ctx, "t").Result()
	check(t, "XLEN after XADD MAXLEN 10", n, err, 10)
	n, err = rdb.XTrimMinID(ctx, "t", "99999999999999").Result()
	check(t, "XTRIM MINID", n, err, 10)
	n, err = rdb.XDel(ctx, "s", "1-2", "9-9").Result()
	check(t, "XDEL", n, err, 1)
	r, err := rdb.Do(ctx, "XSETID", "s", "9999999999999-0", "ENTRIESADDED", 10, "MAXDELETEDID", "1-2").Text()
	check(t, "XSETID", r, err, "OK")
	err = rdb.Do(ctx, "XSETID", "s", "1-1").Err()
	checkErr(t, "XSETID below the top", err, "ERR The ID specified in XSETID is smaller than current max_deleted_entry_id")
}

func testStreamReadsWithGoRedis(t *testing.T, rdb *redis.Client) {
	ctx := context.Background()
	rdb.Del(ctx, "r", "q")
	for _, id := range []string{"1-1", "1-2", "2-1"} {
		rdb.XAdd(ctx, &redis.XAddArgs{Stream: "r", ID: id, Values: []any{"k", id}})
	}
	got, err := rdb.XRange(ctx, "r", "-", "+").Result()
	checkMsgs(t, "XRANGE", got, err, xmsg("1-1", "k", "1-1"), xmsg("1-2", "k", "1-2"), xmsg("2-1", "k", "2-1"))
	got, err = rdb.XRangeN(ctx, "r", "(1-1", "+", 1).Result()
	checkMsgs(t, "XRANGE exclusive COUNT", got, err, xmsg("1-2", "k", "1-2"))
	got, err = rdb.XRevRangeN(ctx, "r", "+", "1", 2).Result()
	checkMsgs(t, "XREVRANGE", got, err, xmsg("2-1", "k", "2-1"), xmsg("1-2", "k", "1-2"))
	got, err = rdb.XRange(ctx, "missing", "-", "+").Result()
	checkMsgs(t, "XRANGE missing", got, err)

	rdb.XAdd(ctx, &redis.XAddArgs{Stream: "q", ID: "5-0", Values: []any{"a", "b"}})
	streams, err := rdb.XRead(ctx, &redis.XReadArgs{Streams: []string{"r", "q", "1-1", "0"}, Count: 1, Block: -1}).Result()
	want := []redis.XStream{
		{Stream: "r", Messages: []redis.XMessage{xmsg("1-2", "k", "1-2")}},
		{Stream: "q", Messages: []redis.XMessage{xmsg("5-0", "a", "b")}},
	}
	if err != nil || !reflect.DeepEqual(streams, want) {
		t.Errorf("XREAD = %v %v, want %v", streams, err, want)
	}
	streams, err = rdb.XRead(ctx, &redis.XReadArgs{Streams: []string{"r", "+"}, Block: -1}).Result()
	if err != nil || len(streams) != 1 || streams[0].Messages[0].ID != "2-1" {
		t.Errorf("XREAD + = %v %v", streams, err)
	}
	if _, err := rdb.XRead(ctx, &redis.XReadArgs{Streams: []string{"r", "$"}, Block: -1}).Result(); !errors.Is(err, redis.Nil) {
		t.Errorf("XREAD $ without BLOCK: %v", err)
	}
	if _, err := rdb.XRead(ctx, &redis.XReadArgs{Streams: []string{"r", "$"}, Block: 10 * time.Millisecond}).Result(); !errors.Is(err, redis.Nil) {
		t.Errorf("XREAD BLOCK 10 $ timing out: %v", err)
	}
}

func testStreamInfoWithGoRedis(t *testing.T, rdb *redis.Client) {
	ctx := context.Background()
	rdb.Del(ctx, "i")
	rdb.XAdd(ctx, &redis.XAddArgs{Stream: "i", ID: "1-1", Values: []any{"f", "1"}})
	rdb.XAdd(ctx, &redis.XAddArgs{Stream: "i", ID: "1-2", Values: []any{"f", "2"}})
	rdb.XAdd(ctx, &redis.XAddArgs{Stream: "i", ID: "1-3", Values: []any{"f", "3"}})
	rdb.XDel(ctx, "i", "1-3")
	info, err := rdb.XInfoStream(ctx, "i").Result()
	want := &redis.XInfoStream{Length: 2, RadixTreeKeys: 1, RadixTreeNodes: 2, Groups: 0,
		LastGeneratedID: "1-3", MaxDeletedEntryID: "1-3", EntriesAdded: 3,
		FirstEntry: xmsg("1-1", "f", "1"), LastEntry: xmsg("1-2", "f", "2"), RecordedFirstEntryID: "1-1"}
	if err != nil || !reflect.DeepEqual(info, want) {
		t.Errorf("XINFO STREAM = %+v %v\nwant %+v", info, err, want)
	}
	full, err := rdb.XInfoStreamFull(ctx, "i", 1).Result()
	wantFull := &redis.XInfoStreamFull{Length: 2, RadixTreeKeys: 1, RadixTreeNodes: 2,
		LastGeneratedID: "1-3", MaxDeletedEntryID: "1-3", EntriesAdded: 3,
		Entries: []redis.XMessage{xmsg("1-1", "f", "1")}, Groups: []redis.XInfoStreamGroup{}, RecordedFirstEntryID: "1-1"}
	if err != nil || !reflect.DeepEqual(full, wantFull) {
		t.Errorf("XINFO STREAM FULL = %+v %v\nwant %+v", full, err, wantFull)
	}
	_, err = rdb.XInfoStream(ctx, "nosuch").Result()
	checkErr(t, "XINFO STREAM missing", err, "ERR no such key")
}

// testStreamKeysWithGoRedis checks the generic key commands on streams.
func testStreamKeysWithGoRedis(t *testing.T, rdb *redis.Client) {
	ctx := context.Background()
	rdb.FlushDB(ctx)
	rdb.XAdd(ctx, &redis.XAddArgs{Stream: "k", ID: "1-1", Values: []any{"f", "v"}})
	rdb.Set(ctx, "str", "x", 0)
	typ, err := rdb.Type(ctx, "k").Result()
	check(t, "TYPE", typ, err, "stream")
	enc, err := rdb.ObjectEncoding(ctx, "k").Result()
	check(t, "OBJECT ENCODING", enc, err, "stream")
	keys, _, err := rdb.ScanType(ctx, 0, "*", 100, "stream").Result()
	if err != nil || !reflect.DeepEqual(keys, []string{"k"}) {
		t.Errorf("SCAN TYPE stream = %v %v", keys, err)
	}
	ok, err := rdb.Copy(ctx, "k", "k2", 0, false).Result()
	check(t, "COPY", ok, err, 1)
	rdb.XAdd(ctx, &redis.XAddArgs{Stream: "k2", ID: "2-0", Values: []any{"f", "w"}})
	n, err := rdb.XLen(ctx, "k").Result()
	check(t, "XLEN of the COPY source", n, err, 1)
	r, err := rdb.Rename(ctx, "k2", "k3").Result()
	check(t, "RENAME", r, err, "OK")
	n, err = rdb.XLen(ctx, "k3").Result()
	check(t, "XLEN after RENAME", n, err, 2)
	b, err := rdb.Expire(ctx, "k3", time.Hour).Result()
	check(t, "EXPIRE", b, err, true)
	n, err = rdb.Del(ctx, "k3").Result()
	check(t, "DEL", n, err, 1)
	n, err = rdb.Unlink(ctx, "k").Result()
	check(t, "UNLINK", n, err, 1)
	_, err = rdb.XAdd(ctx, &redis.XAddArgs{Stream: "str", Values: []any{"f", "v"}}).Result()
	checkErr(t, "XADD on a string", err, "WRONGTYPE Operation against a key holding the wrong kind of value")
	_, err = rdb.XRead(ctx, &redis.XReadArgs{Streams: []string{"str", "0"}, Block: -1}).Result()
	checkErr(t, "XREAD on a string", err, "WRONGTYPE Operation against a key holding the wrong kind of value")
}

// TestStreamXReadBlocks serves blocked XREADs end to end: "$" waits for
// newer entries, several streams, a deleted key keeps the reader waiting.
func TestStreamXReadBlocks(t *testing.T) {
	s := brokertest.Start(t)
	ctx := context.Background()
	writer := s.Client()
	writer.XAdd(ctx, &redis.XAddArgs{Stream: "a", ID: "1-1", Values: []any{"f", "old"}})

	type result struct {
		streams []redis.XStream
		err     error
	}
	read := func(args *redis.XReadArgs) chan result {
		ch := make(chan result, 1)
		go func() {
			r, err := s.Client().XRead(ctx, args).Result()
			ch <- result{r, err}
		}()
		return ch
	}

	ch := read(&redis.XReadArgs{Streams: []string{"a", "b", "$", "$"}, Block: 0})
	waitBlocked(t, s, 1)
	writer.Del(ctx, "a") // deleted while waiting: keep waiting
	writer.XAdd(ctx, &redis.XAddArgs{Stream: "b", ID: "7-0", Values: []any{"g", "new"}})
	got := <-ch
	want := []redis.XStream{{Stream: "b", Messages: []redis.XMessage{xmsg("7-0", "g", "new")}}}
	if got.err != nil || !reflect.DeepEqual(got.streams, want) {
		t.Errorf("blocked XREAD = %v %v, want %v", got.streams, got.err, want)
	}

	ch = read(&redis.XReadArgs{Streams: []string{"b", "$"}, Count: 1, Block: 0})
	waitBlocked(t, s, 1)
	writer.Set(ctx, "b2", "x", 0)
	writer.XAdd(ctx, &redis.XAddArgs{Stream: "b", ID: "8-0", Values: []any{"g", "newer"}})
	got = <-ch
	want = []redis.XStream{{Stream: "b", Messages: []redis.XMessage{xmsg("8-0", "g", "newer")}}}
	if got.err != nil || !reflect.DeepEqual(got.streams, want) {
		t.Errorf("blocked XREAD $ = %v %v, want %v", got.streams, got.err, want)
	}

	// Inside MULTI, XREAD BLOCK answers at once.
	pipe := writer.TxPipeline()
	xr := pipe.XRead(ctx, &redis.XReadArgs{Streams: []string{"b", "$"}, Block: 0})
	pipe.Exec(ctx)
	if _, err := xr.Result(); !errors.Is(err, redis.Nil) {
		t.Errorf("XREAD BLOCK in MULTI: %v", err)
	}
}
