package broker_test

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/brokerd/brokerd/internal/brokertest"
	"github.com/redis/go-redis/v9"
)

// TestGroupsWithGoRedis drives every consumer-group command through
// go-redis v9 over RESP2 and RESP3 (XREADGROUP and XINFO reply maps in
// RESP3, which go-redis must parse to the same results).
func TestGroupsWithGoRedis(t *testing.T) {
	brokertest.EachProtocol(t, func(t *testing.T, s *brokertest.Server, rdb *redis.Client) {
		testGroupAdminWithGoRedis(t, rdb)
		testGroupReadAckWithGoRedis(t, rdb)
		testGroupClaimWithGoRedis(t, rdb)
	})
}

func testGroupAdminWithGoRedis(t *testing.T, rdb *redis.Client) {
	ctx := context.Background()
	checkErr(t, "XGROUP CREATE on a missing key", rdb.XGroupCreate(ctx, "a", "g", "$").Err(),
		"ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.")
	ok, err := rdb.XGroupCreateMkStream(ctx, "a", "g", "$").Result()
	check(t, "XGROUP CREATE MKSTREAM", ok, err, "OK")
	checkErr(t, "XGROUP CREATE twice", rdb.XGroupCreate(ctx, "a", "g", "0").Err(), "BUSYGROUP Consumer Group name already exists")
	n, err := rdb.XGroupCreateConsumer(ctx, "a", "g", "c1").Result()
	check(t, "XGROUP CREATECONSUMER", n, err, 1)
	ok, err = rdb.XGroupSetID(ctx, "a", "g", "0").Result()
	check(t, "XGROUP SETID", ok, err, "OK")
	n, err = rdb.XGroupDelConsumer(ctx, "a", "g", "c1").Result()
	check(t, "XGROUP DELCONSUMER", n, err, 0)
	n, err = rdb.XGroupDestroy(ctx, "a", "g").Result()
	check(t, "XGROUP DESTROY", n, err, 1)
	groups, err := rdb.XInfoGroups(ctx, "a").Result()
	check(t, "XINFO GROUPS after DESTROY", len(groups), err, 0)
}

func testGroupReadAckWithGoRedis(t *testing.T, rdb *redis.Client) {
	ctx := context.Background()
	for _, id := range []string{"1-1", "2-1", "3-1"} {
		rdb.XAdd(ctx, &redis.XAddArgs{Stream: "s", ID: id, Values: []any{"f", id}})
	}
	rdb.XGroupCreate(ctx, "s", "g", "0")
	got, err := rdb.XReadGroup(ctx, &redis.XReadGroupArgs{Group: "g", Consumer: "alice", Streams: []string{"s", ">"}, Count: 2}).Result()
	want := []redis.XStream{{Stream: "s", Messages: []redis.XMessage{xmsg("1-1", "f", "1-1"), xmsg("2-1", "f", "2-1")}}}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("XREADGROUP > = %v %v, want %v", got, err, want)
	}
	got, err = rdb.XReadGroup(ctx, &redis.XReadGroupArgs{Group: "g", Consumer: "bob", Streams: []string{"s", ">"}, NoAck: true}).Result()
	want = []redis.XStream{{Stream: "s", Messages: []redis.XMessage{xmsg("3-1", "f", "3-1")}}}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("XREADGROUP NOACK = %v %v, want %v", got, err, want)
	}
	_, err = rdb.XReadGroup(ctx, &redis.XReadGroupArgs{Group: "g", Consumer: "bob", Streams: []string{"s", ">"}, Block: -1}).Result()
	if !errors.Is(err, redis.Nil) {
		t.Errorf("XREADGROUP with nothing new: %v", err)
	}
	got, err = rdb.XReadGroup(ctx, &redis.XReadGroupArgs{Group: "g", Consumer: "alice", Streams: []string{"s", "0"}}).Result()
	want = []redis.XStream{{Stream: "s", Messages: []redis.XMessage{xmsg("1-1", "f", "1-1"), xmsg("2-1", "f", "2-1")}}}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("XREADGROUP history = %v %v, want %v", got, err, want)
	}
	_, err = rdb.XReadGroup(ctx, &redis.XReadGroupArgs{Group: "nope", Consumer: "x", Streams: []string{"s", ">"}}).Result()
	checkErr(t, "XREADGROUP unknown group", err, "NOGROUP No such key 's' or consumer group 'nope' in XREADGROUP with GROUP option")

	p, err := rdb.XPending(ctx, "s", "g").Result()
	if wantP := (&redis.XPending{Count: 2, Lower: "1-1", Higher: "2-1", Consumers: map[string]int64{"alice": 2}}); err != nil || !reflect.DeepEqual(p, wantP) {
		t.Errorf("XPENDING = %+v %v, want %+v", p, err, wantP)
	}
	ext, err := rdb.XPendingExt(ctx, &redis.XPendingExtArgs{Stream: "s", Group: "g", Start: "-", End: "+", Count: 10, Consumer: "alice"}).Result()
	if err != nil || len(ext) != 2 || ext[0].ID != "1-1" || ext[0].RetryCount != 2 || ext[0].Consumer != "alice" {
		t.Errorf("XPENDING extended = %+v %v", ext, err)
	}
	n, err := rdb.XAck(ctx, "s", "g", "1-1", "9-9").Result()
	check(t, "XACK", n, err, 1)

	groups, err := rdb.XInfoGroups(ctx, "s").Result()
	wantG := []redis.XInfoGroup{{Name: "g", Consumers: 2, Pending: 1, LastDeliveredID: "3-1", EntriesRead: 3, Lag: 0}}
	if err != nil || !reflect.DeepEqual(groups, wantG) {
		t.Errorf("XINFO GROUPS = %+v %v, want %+v", groups, err, wantG)
	}
	consumers, err := rdb.XInfoConsumers(ctx, "s", "g").Result()
	if err != nil || len(consumers) != 2 || consumers[0].Name != "alice" || consumers[0].Pending != 1 || consumers[1].Inactive != -time.Millisecond {
		t.Errorf("XINFO CONSUMERS = %+v %v", consumers, err)
	}
	full, err := rdb.XInfoStreamFull(ctx, "s", 0).Result()
	if err != nil || len(full.Groups) != 1 || full.Groups[0].PelCount != 1 || len(full.Groups[0].Consumers) != 2 ||
		full.Groups[0].Pending[0].ID != "2-1" || full.Groups[0].Pending[0].DeliveryCount != 2 {
		t.Errorf("XINFO STREAM FULL groups = %+v %v", full, err)
	}
}

func testGroupClaimWithGoRedis(t *testing.T, rdb *redis.Client) {
	ctx := context.Background()
	msgs, err := rdb.XClaim(ctx, &redis.XClaimArgs{Stream: "s", Group: "g", Consumer: "carol", Messages: []string{"2-1"}}).Result()
	checkMsgs(t, "XCLAIM", msgs, err, xmsg("2-1", "f", "2-1"))
	ids, err := rdb.XClaimJustID(ctx, &redis.XClaimArgs{Stream: "s", Group: "g", Consumer: "dave", MinIdle: time.Hour, Messages: []string{"2-1"}}).Result()
	if err != nil || len(ids) != 0 {
		t.Errorf("XCLAIM JUSTID with a long min-idle = %v %v", ids, err)
	}
	msgs, start, err := rdb.XAutoClaim(ctx, &redis.XAutoClaimArgs{Stream: "s", Group: "g", Consumer: "dave", Start: "0", Count: 10}).Result()
	if err != nil || start != "0-0" || len(msgs) != 1 || msgs[0].ID != "2-1" {
		t.Errorf("XAUTOCLAIM = %v %q %v", msgs, start, err)
	}
	rdb.XDel(ctx, "s", "2-1")
	ids, start, err = rdb.XAutoClaimJustID(ctx, &redis.XAutoClaimArgs{Stream: "s", Group: "g", Consumer: "dave", Start: "0"}).Result()
	if err != nil || start != "0-0" || len(ids) != 0 {
		t.Errorf("XAUTOCLAIM JUSTID after XDEL = %v %q %v", ids, start, err)
	}
	p, err := rdb.XPending(ctx, "s", "g").Result()
	check(t, "XPENDING count after XAUTOCLAIM dropped the deleted entry", p.Count, err, 0)
}

type readResult struct {
	streams []redis.XStream
	err     error
}

func readGroup(rdb *redis.Client, consumer string) chan readResult {
	return readGroupOf(rdb, "g", consumer)
}

func readGroupOf(rdb *redis.Client, group, consumer string) chan readResult {
	ch := make(chan readResult, 1)
	go func() {
		r, err := rdb.XReadGroup(context.Background(), &redis.XReadGroupArgs{Group: group, Consumer: consumer,
			Streams: []string{"s", ">"}, Block: 0}).Result()
		ch <- readResult{r, err}
	}()
	return ch
}

// TestGroupsBlockingFIFO checks XREADGROUP BLOCK end to end: waiters on one
// group are served in arrival order, each entry to exactly one of them,
// and a waiter that disconnects gets nothing.
func TestGroupsBlockingFIFO(t *testing.T) {
	s := brokertest.Start(t)
	ctx := context.Background()
	w := s.Client()
	w.XGroupCreateMkStream(ctx, "s", "g", "$")

	first := readGroup(s.Client(), "c1")
	waitBlocked(t, s, 1)
	gone := s.Dial()
	gone.Send(brokertest.Encode([]byte("XREADGROUP"), []byte("GROUP"), []byte("g"), []byte("c2"), []byte("BLOCK"), []byte("0"),
		[]byte("STREAMS"), []byte("s"), []byte(">")))
	waitBlocked(t, s, 2)
	third := readGroup(s.Client(), "c3")
	waitBlocked(t, s, 3)
	gone.Conn.Close()
	waitBlocked(t, s, 2)

	w.XAdd(ctx, &redis.XAddArgs{Stream: "s", ID: "1-0", Values: []any{"n", "1"}})
	got := <-first
	if got.err != nil || len(got.streams) != 1 || got.streams[0].Messages[0].ID != "1-0" {
		t.Fatalf("first waiter got %v %v", got.streams, got.err)
	}
	w.XAdd(ctx, &redis.XAddArgs{Stream: "s", ID: "2-0", Values: []any{"n", "2"}})
	got = <-third
	if got.err != nil || len(got.streams) != 1 || len(got.streams[0].Messages) != 1 || got.streams[0].Messages[0].ID != "2-0" {
		t.Fatalf("third waiter got %v %v", got.streams, got.err)
	}
	ext, err := w.XPendingExt(ctx, &redis.XPendingExtArgs{Stream: "s", Group: "g", Start: "-", End: "+", Count: 10}).Result()
	if err != nil || len(ext) != 2 || ext[0].Consumer != "c1" || ext[1].Consumer != "c3" {
		t.Errorf("PEL after two handovers = %+v %v", ext, err)
	}
}

// TestGroupsBlockedReadersOfTwoGroups: consumers of two groups wait on one
// stream in interleaved order; each entry goes to the first waiter of each
// group. A group whose next waiter finds nothing new must not make the
// scan skip the other group's waiters (BlockRequest.ReadyClass).
func TestGroupsBlockedReadersOfTwoGroups(t *testing.T) {
	s := brokertest.Start(t)
	ctx := context.Background()
	w := s.Client()
	w.XGroupCreateMkStream(ctx, "s", "a", "$")
	w.XGroupCreate(ctx, "s", "b", "$")
	order := []struct{ group, consumer string }{{"a", "a1"}, {"a", "a2"}, {"a", "a3"}, {"b", "b1"}, {"a", "a4"}, {"b", "b2"}}
	waiting := map[string]chan readResult{}
	for i, o := range order {
		waiting[o.consumer] = readGroupOf(s.Client(), o.group, o.consumer)
		waitBlocked(t, s, i+1)
	}
	// The serves happen before XADD replies, so the PELs show them (and a
	// waiter wrongly skipped fails here rather than hanging below).
	w.XAdd(ctx, &redis.XAddArgs{Stream: "s", ID: "1-0", Values: []any{"n", "1"}})
	w.XAdd(ctx, &redis.XAddArgs{Stream: "s", ID: "2-0", Values: []any{"n", "2"}})
	want := map[string][]string{"a": {"a1", "a2"}, "b": {"b1", "b2"}}
	for group, consumers := range want {
		ext, err := w.XPendingExt(ctx, &redis.XPendingExtArgs{Stream: "s", Group: group, Start: "-", End: "+", Count: 10}).Result()
		if err != nil || len(ext) != 2 || ext[0].Consumer != consumers[0] || ext[1].Consumer != consumers[1] {
			t.Fatalf("group %s PEL = %+v %v, want 1-0 to %s and 2-0 to %s", group, ext, err, consumers[0], consumers[1])
		}
	}
	for consumer, id := range map[string]string{"a1": "1-0", "b1": "1-0", "a2": "2-0", "b2": "2-0"} {
		got := <-waiting[consumer]
		if got.err != nil || len(got.streams) != 1 || len(got.streams[0].Messages) != 1 || got.streams[0].Messages[0].ID != id {
			t.Fatalf("%s got %v %v, want %s", consumer, got.streams, got.err, id)
		}
	}
	waitBlocked(t, s, 2) // a3 and a4 wait on
}

// TestGroupsBlockedReaderErrors: destroying the group or deleting the key
// wakes blocked readers with Redis 7.2's errors.
func TestGroupsBlockedReaderErrors(t *testing.T) {
	s := brokertest.Start(t)
	ctx := context.Background()
	w := s.Client()
	w.XGroupCreateMkStream(ctx, "s", "g", "$")
	ch := readGroup(s.Client(), "c1")
	waitBlocked(t, s, 1)
	w.XGroupDestroy(ctx, "s", "g")
	checkErr(t, "blocked XREADGROUP after XGROUP DESTROY", (<-ch).err,
		"NOGROUP No such key 's' or consumer group 'g' in XREADGROUP with GROUP option")

	w.XGroupCreate(ctx, "s", "g", "$")
	ch = readGroup(s.Client(), "c1")
	waitBlocked(t, s, 1)
	w.Del(ctx, "s")
	checkErr(t, "blocked XREADGROUP after DEL", (<-ch).err, "UNBLOCKED the stream key no longer exists")

	// Inside MULTI, XREADGROUP BLOCK answers at once.
	w.XGroupCreateMkStream(ctx, "s", "g", "$")
	pipe := w.TxPipeline()
	xr := pipe.XReadGroup(ctx, &redis.XReadGroupArgs{Group: "g", Consumer: "c", Streams: []string{"s", ">"}, Block: 0})
	pipe.Exec(ctx)
	if _, err := xr.Result(); !errors.Is(err, redis.Nil) {
		t.Errorf("XREADGROUP BLOCK in MULTI: %v", err)
	}
}

// TestGroupsBlockedReaderWakesOnAnyChange: a parked XREADGROUP skips the
// retries that could not serve it (BlockRequest.Ready), but never one that
// could: a new entry on its second stream, a group moved back by SETID, a
// key replaced by another type.
func TestGroupsBlockedReaderWakesOnAnyChange(t *testing.T) {
	s := brokertest.Start(t)
	ctx := context.Background()
	w := s.Client()
	for _, k := range []string{"a", "b"} {
		w.XGroupCreateMkStream(ctx, k, "g", "$")
	}
	read := func() chan readResult {
		ch := make(chan readResult, 1)
		rdb := s.Client()
		go func() {
			r, err := rdb.XReadGroup(ctx, &redis.XReadGroupArgs{Group: "g", Consumer: "c",
				Streams: []string{"a", "b", ">", ">"}, Block: 0}).Result()
			ch <- readResult{r, err}
		}()
		waitBlocked(t, s, 1)
		return ch
	}

	ch := read()
	w.XAdd(ctx, &redis.XAddArgs{Stream: "b", ID: "1-0", Values: []any{"n", "1"}})
	if got := <-ch; got.err != nil || len(got.streams) != 1 || got.streams[0].Stream != "b" || got.streams[0].Messages[0].ID != "1-0" {
		t.Fatalf("XADD to the second stream: got %v %v", got.streams, got.err)
	}

	// An XADD the group has already been given (a no-op retry) leaves it
	// parked; moving the group back then serves the entry again.
	ch = read()
	w.XAck(ctx, "b", "g", "1-0")
	if err := w.Do(ctx, "XGROUP", "SETID", "b", "g", "0").Err(); err != nil {
		t.Fatal(err)
	}
	if got := <-ch; got.err != nil || len(got.streams) != 1 || got.streams[0].Messages[0].ID != "1-0" {
		t.Fatalf("after XGROUP SETID 0: got %v %v", got.streams, got.err)
	}

	ch = read()
	pipe := w.TxPipeline()
	pipe.Del(ctx, "a")
	pipe.Set(ctx, "a", "x", 0)
	if _, err := pipe.Exec(ctx); err != nil {
		t.Fatal(err)
	}
	checkErr(t, "blocked XREADGROUP after its key became a string", (<-ch).err, "UNBLOCKED the stream key no longer exists")
}

// Consumers of one group wait on a stream; a transaction destroys the
// group, creates one of the same name (a new *Group, so a new
// ReadyClass) and adds an entry. As in Redis 7.2, every waiter is run
// again: the first gets the entry, the others wait on in the new group,
// in their order, and the next entry goes to the second. A scan that
// took the old group's class for the new one would leave them unserved.
func TestGroupsRecreatedUnderWaiters(t *testing.T) {
	eachConnModel(t, func(t *testing.T, s *brokertest.Server) {
		admin := s.Dial()
		if got := admin.Do("XGROUP CREATE s g $ MKSTREAM"); got != "OK" {
			t.Fatalf("XGROUP CREATE: %s", got)
		}
		var waiters []*brokertest.Raw
		for i, c := range []string{"c1", "c2", "c3"} {
			r := s.Dial()
			r.Send(brokertest.Encode([]byte("XREADGROUP"), []byte("GROUP"), []byte("g"), []byte(c),
				[]byte("BLOCK"), []byte("0"), []byte("STREAMS"), []byte("s"), []byte(">")))
			waitBlocked(t, s, i+1)
			waiters = append(waiters, r)
		}
		admin.Send(brokertest.Encode([]byte("MULTI")) +
			brokertest.Encode([]byte("XGROUP"), []byte("DESTROY"), []byte("s"), []byte("g")) +
			brokertest.Encode([]byte("XGROUP"), []byte("CREATE"), []byte("s"), []byte("g"), []byte("$")) +
			brokertest.Encode([]byte("XADD"), []byte("s"), []byte("1-0"), []byte("f"), []byte("v")) +
			brokertest.Encode([]byte("EXEC")))
		for _, want := range []string{"OK", "QUEUED", "QUEUED", "QUEUED"} {
			if got := admin.Read(); got != want {
				t.Fatalf("MULTI: %s, want %s", got, want)
			}
		}
		if got := admin.Read(); got != `[(int) 1 OK "1-0"]` {
			t.Fatalf("EXEC: %s", got)
		}
		if got := waiters[0].Read(); got != `[["s" [["1-0" ["f" "v"]]]]]` {
			t.Fatalf("c1: %s", got)
		}
		waitBlocked(t, s, 2)
		if got := admin.Do("XADD s 2-0 f v"); got != `"2-0"` {
			t.Fatalf("XADD: %s", got)
		}
		if got := waiters[1].Read(); got != `[["s" [["2-0" ["f" "v"]]]]]` {
			t.Fatalf("c2: %s", got)
		}
		waitBlocked(t, s, 1)
		if got := admin.Do("XPENDING s g - + 10"); !strings.Contains(got, `["1-0" "c1"`) || !strings.Contains(got, `["2-0" "c2"`) {
			t.Fatalf("XPENDING: %s", got)
		}
	})
}
