package broker_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand"
	"net"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/brokerd/brokerd/internal/brokertest"
	"github.com/brokerd/brokerd/wal"
	"github.com/redis/go-redis/v9"
)

// TestGoRedisLists drives every list command through go-redis v9, once per
// protocol version.
func TestGoRedisLists(t *testing.T) {
	brokertest.EachProtocol(t, func(t *testing.T, s *brokertest.Server, rdb *redis.Client) {
		testListWritesWithGoRedis(t, rdb)
		testListReadsWithGoRedis(t, rdb)
		testListMovesWithGoRedis(t, rdb)
		testListBlockingWithGoRedis(t, rdb)
	})
}

func checkStrings(t *testing.T, what string, got []string, err error, want ...string) {
	t.Helper()
	if err != nil {
		t.Errorf("%s: %v", what, err)
		return
	}
	if len(got) == 0 && len(want) == 0 {
		return
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s = %q, want %q", what, got, want)
	}
}

func testListWritesWithGoRedis(t *testing.T, rdb *redis.Client) {
	ctx := context.Background()
	n, err := rdb.RPush(ctx, "l", "a", "b", "c").Result()
	check(t, "RPUSH", n, err, 3)
	n, err = rdb.LPush(ctx, "l", "z").Result()
	check(t, "LPUSH", n, err, 4)
	n, err = rdb.LPushX(ctx, "nol", "x").Result()
	check(t, "LPUSHX missing", n, err, 0)
	n, err = rdb.RPushX(ctx, "l", "d").Result()
	check(t, "RPUSHX", n, err, 5)
	typ, err := rdb.Type(ctx, "l").Result()
	check(t, "TYPE", typ, err, "list")
	enc, err := rdb.ObjectEncoding(ctx, "l").Result()
	check(t, "OBJECT ENCODING", enc, err, "listpack")

	v, err := rdb.LPop(ctx, "l").Result()
	check(t, "LPOP", v, err, "z")
	v, err = rdb.RPop(ctx, "l").Result()
	check(t, "RPOP", v, err, "d")
	vs, err := rdb.LPopCount(ctx, "l", 2).Result()
	checkStrings(t, "LPOP count", vs, err, "a", "b")
	vs, err = rdb.RPopCount(ctx, "l", 5).Result()
	checkStrings(t, "RPOP count", vs, err, "c")
	if _, err := rdb.LPop(ctx, "l").Result(); !errors.Is(err, redis.Nil) {
		t.Errorf("LPOP of a deleted list: %v", err)
	}
	if _, err := rdb.LPopCount(ctx, "l", 2).Result(); !errors.Is(err, redis.Nil) {
		t.Errorf("LPOP count of a missing list: %v", err)
	}
	ex, err := rdb.Exists(ctx, "l").Result()
	check(t, "EXISTS after the last pop", ex, err, 0)

	rdb.RPush(ctx, "m", "a", "b", "c", "b", "a")
	r, err := rdb.LSet(ctx, "m", 0, "A").Result()
	check(t, "LSET", r, err, "OK")
	checkErr(t, "LSET out of range", rdb.LSet(ctx, "m", 9, "x").Err(), "ERR index out of range")
	checkErr(t, "LSET missing", rdb.LSet(ctx, "nokey", 0, "x").Err(), "ERR no such key")
	n, err = rdb.LInsertBefore(ctx, "m", "c", "x").Result()
	check(t, "LINSERT BEFORE", n, err, 6)
	n, err = rdb.LInsertAfter(ctx, "m", "nope", "x").Result()
	check(t, "LINSERT missing pivot", n, err, -1)
	n, err = rdb.LRem(ctx, "m", -1, "b").Result()
	check(t, "LREM", n, err, 1)
	r, err = rdb.LTrim(ctx, "m", 1, -2).Result()
	check(t, "LTRIM", r, err, "OK")
	vs, err = rdb.LRange(ctx, "m", 0, -1).Result()
	checkStrings(t, "LRANGE after edits", vs, err, "b", "x", "c")

	key, vals, err := rdb.LMPop(ctx, "right", 10, "nokey", "m").Result()
	if err != nil || key != "m" || !reflect.DeepEqual(vals, []string{"c", "x", "b"}) {
		t.Errorf("LMPOP = %q %q %v", key, vals, err)
	}
	if _, _, err := rdb.LMPop(ctx, "left", 1, "m").Result(); !errors.Is(err, redis.Nil) {
		t.Errorf("LMPOP of nothing: %v", err)
	}
	rdb.Set(ctx, "str", "v", 0)
	checkErr(t, "RPUSH on a string", rdb.RPush(ctx, "str", "x").Err(),
		"WRONGTYPE Operation against a key holding the wrong kind of value")
}

func testListReadsWithGoRedis(t *testing.T, rdb *redis.Client) {
	ctx := context.Background()
	rdb.RPush(ctx, "r", "a", "b", "c", "b")
	n, err := rdb.LLen(ctx, "r").Result()
	check(t, "LLEN", n, err, 4)
	v, err := rdb.LIndex(ctx, "r", -1).Result()
	check(t, "LINDEX", v, err, "b")
	if _, err := rdb.LIndex(ctx, "r", 10).Result(); !errors.Is(err, redis.Nil) {
		t.Errorf("LINDEX out of range: %v", err)
	}
	vs, err := rdb.LRange(ctx, "r", 1, 2).Result()
	checkStrings(t, "LRANGE", vs, err, "b", "c")
	pos, err := rdb.LPos(ctx, "r", "b", redis.LPosArgs{Rank: -1}).Result()
	check(t, "LPOS RANK -1", pos, err, 3)
	all, err := rdb.LPosCount(ctx, "r", "b", 0, redis.LPosArgs{}).Result()
	if err != nil || !reflect.DeepEqual(all, []int64{1, 3}) {
		t.Errorf("LPOS COUNT 0 = %v, %v", all, err)
	}
	if _, err := rdb.LPos(ctx, "r", "zz", redis.LPosArgs{}).Result(); !errors.Is(err, redis.Nil) {
		t.Errorf("LPOS no match: %v", err)
	}
	checkErr(t, "LPOS RANK 0", rdb.Do(ctx, "LPOS", "r", "b", "RANK", 0).Err(),
		"ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list")
}

func testListMovesWithGoRedis(t *testing.T, rdb *redis.Client) {
	ctx := context.Background()
	rdb.RPush(ctx, "src", "1", "2", "3")
	v, err := rdb.LMove(ctx, "src", "dst", "LEFT", "RIGHT").Result()
	check(t, "LMOVE", v, err, "1")
	v, err = rdb.RPopLPush(ctx, "src", "dst").Result()
	check(t, "RPOPLPUSH", v, err, "3")
	v, err = rdb.LMove(ctx, "dst", "dst", "LEFT", "RIGHT").Result()
	check(t, "LMOVE rotation", v, err, "3")
	vs, err := rdb.LRange(ctx, "dst", 0, -1).Result()
	checkStrings(t, "after moves", vs, err, "1", "3")
	if _, err := rdb.LMove(ctx, "nokey", "dst", "LEFT", "LEFT").Result(); !errors.Is(err, redis.Nil) {
		t.Errorf("LMOVE from nothing: %v", err)
	}
}

// testListBlockingWithGoRedis covers the blocking commands when data is
// there or the timeout passes; waiting for data is in the tests below.
func testListBlockingWithGoRedis(t *testing.T, rdb *redis.Client) {
	ctx := context.Background()
	rdb.RPush(ctx, "b2", "x", "y")
	kv, err := rdb.BLPop(ctx, time.Second, "b1", "b2").Result()
	checkStrings(t, "BLPOP", kv, err, "b2", "x")
	kv, err = rdb.BRPop(ctx, time.Second, "b1", "b2").Result()
	checkStrings(t, "BRPOP", kv, err, "b2", "y")
	// go-redis rounds timeouts under a second up to 1s; Do sends 0.1.
	for _, cmd := range [][]any{
		{"BLPOP", "b1", "0.1"},
		{"BLMOVE", "b1", "b3", "LEFT", "LEFT", "0.1"},
		{"BRPOPLPUSH", "b1", "b3", "0.1"},
	} {
		if err := rdb.Do(ctx, cmd...).Err(); !errors.Is(err, redis.Nil) {
			t.Errorf("%v: %v, want a null reply", cmd, err)
		}
	}
	rdb.RPush(ctx, "b1", "j1", "j2", "j3")
	key, vals, err := rdb.BLMPop(ctx, time.Second, "left", 2, "b0", "b1").Result()
	if err != nil || key != "b1" || !reflect.DeepEqual(vals, []string{"j1", "j2"}) {
		t.Errorf("BLMPOP = %q %q %v", key, vals, err)
	}
	v, err := rdb.BLMove(ctx, "b1", "b3", "RIGHT", "LEFT", time.Second).Result()
	check(t, "BLMOVE", v, err, "j3")
	v, err = rdb.BRPopLPush(ctx, "b3", "b3", time.Second).Result()
	check(t, "BRPOPLPUSH rotation", v, err, "j3")
	checkErr(t, "BLPOP negative timeout", rdb.Do(ctx, "BLPOP", "b1", "-1").Err(), "ERR timeout is negative")
	checkErr(t, "BLPOP bad timeout", rdb.Do(ctx, "BLPOP", "b1", "soon").Err(), "ERR timeout is not a float or out of range")
}

// startBlocking sends a blocking command on its own connection and waits
// until the server has parked it (blocked counts the clients parked
// before), so the order of waiters is known.
func startBlocking(t *testing.T, s *brokertest.Server, blocked int, args ...string) *brokertest.Raw {
	t.Helper()
	r := s.Dial()
	var bs [][]byte
	for _, a := range args {
		bs = append(bs, []byte(a))
	}
	r.Send(brokertest.Encode(bs...))
	waitBlocked(t, s, blocked+1)
	return r
}

func TestListBlockingServesWaitersInOrder(t *testing.T) {
	s := brokertest.Start(t)
	var waiters []*brokertest.Raw
	for i := range 3 {
		waiters = append(waiters, startBlocking(t, s, i, "BLPOP", "q", "0"))
	}
	w := s.Dial()
	if got := w.Do("RPUSH q j1 j2 j3"); got != "(int) 3" {
		t.Fatal(got)
	}
	for i, r := range waiters {
		if got, want := r.Read(), `["q" "j`+string(rune('1'+i))+`"]`; got != want {
			t.Errorf("waiter %d got %s, want %s", i, got, want)
		}
	}
	if got := w.Do("EXISTS q"); got != "(int) 0" {
		t.Errorf("q after three pops: %s", got)
	}
}

func TestListBlockingFirstNonEmptyKey(t *testing.T) {
	s := brokertest.Start(t)
	r := startBlocking(t, s, 0, "BRPOP", "a", "b", "c", "0")
	w := s.Dial()
	w.Do("MULTI")
	w.Do("RPUSH c c1")
	w.Do("RPUSH b b1")
	if got := w.Do("EXEC"); got != "[(int) 1 (int) 1]" {
		t.Fatal(got)
	}
	// Both were written before the waiter ran again: it takes from b,
	// the first non-empty key in its argument order.
	if got := r.Read(); got != `["b" "b1"]` {
		t.Errorf("got %s", got)
	}
	if got := w.Do("LRANGE c 0 -1"); got != `["c1"]` {
		t.Errorf("c = %s", got)
	}
}

func TestListBlockingTimesOut(t *testing.T) {
	s := brokertest.Start(t)
	r := s.Dial()
	if got := r.Do("BLPOP q 0.1"); got != "(nil array)" {
		t.Errorf("BLPOP timeout reply %s", got)
	}
	// As in Redis, a timed-out BLMOVE gets the null array (only the
	// non-blocking path, in MULTI, replies a null bulk string).
	if got := r.Do("BLMOVE q d LEFT LEFT 0.1"); got != "(nil array)" {
		t.Errorf("BLMOVE timeout reply %s", got)
	}
	if got := r.Do("BRPOPLPUSH q d 0.1"); got != "(nil array)" {
		t.Errorf("BRPOPLPUSH timeout reply %s", got)
	}
	if got := r.Do("BLMPOP 0.1 1 q LEFT"); got != "(nil array)" {
		t.Errorf("BLMPOP timeout reply %s", got)
	}
	waitBlocked(t, s, 0)
	r.Do("RPUSH q x")
	if got := r.Do("LRANGE q 0 -1"); got != `["x"]` {
		t.Errorf("a timed-out waiter took data: %s", got)
	}
}

func TestListBlockingInMultiDoesNotBlock(t *testing.T) {
	s := brokertest.Start(t)
	r := s.Dial()
	r.Do("MULTI")
	r.Do("BLPOP q 0")
	r.Do("BRPOPLPUSH q d 0")
	if got := r.Do("EXEC"); got != "[(nil array) (nil)]" {
		t.Errorf("EXEC = %s", got)
	}
}

// TestListBlockingWakesAfterExec: a push inside MULTI serves the waiter
// once EXEC has run, so it sees the transaction's final state.
func TestListBlockingWakesAfterExec(t *testing.T) {
	s := brokertest.Start(t)
	r := startBlocking(t, s, 0, "BLPOP", "q", "0")
	w := s.Dial()
	w.Do("MULTI")
	w.Do("RPUSH q first")
	w.Do("LPUSH q zeroth")
	w.Do("RPUSH q last")
	if got := w.Do("EXEC"); got != "[(int) 1 (int) 2 (int) 3]" {
		t.Fatal(got)
	}
	if got := r.Read(); got != `["q" "zeroth"]` {
		t.Errorf("got %s", got)
	}
	if got := w.Do("LRANGE q 0 -1"); got != `["first" "last"]` {
		t.Errorf("q = %s", got)
	}
}

// TestListBlockingMoveRotates: BLMOVE from a list to itself waits for data
// and then rotates the list.
func TestListBlockingMoveRotates(t *testing.T) {
	s := brokertest.Start(t)
	r := startBlocking(t, s, 0, "BLMOVE", "ring", "ring", "LEFT", "RIGHT", "0")
	w := s.Dial()
	w.Do("RPUSH ring a b c")
	if got := r.Read(); got != `"a"` {
		t.Errorf("BLMOVE got %s", got)
	}
	if got := w.Do("LRANGE ring 0 -1"); got != `["b" "c" "a"]` {
		t.Errorf("ring = %s", got)
	}
	if got := r.Do("BLMOVE ring ring RIGHT LEFT 0"); got != `"a"` {
		t.Errorf("BLMOVE with data got %s", got)
	}
	if got := w.Do("LRANGE ring 0 -1"); got != `["a" "b" "c"]` {
		t.Errorf("ring = %s", got)
	}
}

// TestListBlockingWrongTypeKeepsWaiting: a waited-on key that becomes a
// string does not wake the waiter with an error; a later push does.
func TestListBlockingWrongTypeKeepsWaiting(t *testing.T) {
	s := brokertest.Start(t)
	r := startBlocking(t, s, 0, "BLPOP", "a", "b", "0")
	w := s.Dial()
	w.Do("SET a str")
	waitBlocked(t, s, 1)
	w.Do("RPUSH b x")
	// Like Redis's re-run, the string before b is now WRONGTYPE.
	if got := r.Read(); !strings.HasPrefix(got, "WRONGTYPE") {
		t.Errorf("got %s", got)
	}
	if got := w.Do("LLEN b"); got != "(int) 1" {
		t.Errorf("b = %s", got)
	}
}

// TestListBlockingRace: 50 producers push 100,000 unique jobs while 50
// consumers BRPOP them with random short timeouts, and some consumers
// give up mid-wait by half-closing their connection (they still read
// until EOF, counting any reply that arrives, so the check is exact).
// Every job must be received exactly once or still be in the list.
func TestListBlockingRace(t *testing.T) {
	const producers, consumers, jobs, batch = 50, 50, 100_000, 10
	s := brokertest.Start(t, brokertest.WithFsync(wal.No))
	var (
		mu       sync.Mutex
		received = make(map[string]int, jobs)
		failures []string
	)
	fail := func(format string, args ...any) {
		mu.Lock()
		failures = append(failures, fmt.Sprintf(format, args...))
		mu.Unlock()
	}
	var producing sync.WaitGroup
	var done atomic.Bool
	var abandoned atomic.Int64
	for p := range producers {
		producing.Add(1)
		go func() {
			defer producing.Done()
			conn, err := net.Dial("tcp", s.Addr)
			if err != nil {
				fail("producer %d: %v", p, err)
				return
			}
			defer conn.Close()
			rd := bufio.NewReader(conn)
			for i := p; i < jobs; i += producers * batch {
				args := [][]byte{[]byte("LPUSH"), []byte("q")}
				for j := i; j < min(i+producers*batch, jobs); j += producers {
					args = append(args, []byte("job-"+strconv.Itoa(j)))
				}
				if _, err := conn.Write([]byte(brokertest.Encode(args...))); err != nil {
					fail("producer %d: %v", p, err)
					return
				}
				if reply, err := readRaceReply(rd); err != nil || !strings.HasPrefix(reply[0], ":") {
					fail("producer %d: LPUSH replied %q, %v", p, reply, err)
					return
				}
			}
		}()
	}
	var consuming sync.WaitGroup
	for c := range consumers {
		consuming.Add(1)
		go func() {
			defer consuming.Done()
			rnd := rand.New(rand.NewSource(int64(c)))
			var mine []string
			defer func() {
				mu.Lock()
				for _, job := range mine {
					received[job]++
				}
				mu.Unlock()
			}()
			for {
				jobs, timedOut, err := consumeOnce(s.Addr, rnd, c%5 == 0, &abandoned)
				if err != nil {
					fail("consumer %d: %v", c, err)
					return
				}
				mine = append(mine, jobs...)
				if timedOut && done.Load() {
					return
				}
			}
		}()
	}
	producing.Wait()
	done.Store(true)
	consuming.Wait()
	for _, f := range failures {
		t.Error(f)
	}
	r := s.Dial()
	left := r.Do("LRANGE q 0 -1")
	if left != "[]" {
		for _, q := range splitQuoted(strings.Trim(left, "[]")) {
			job, _ := strconv.Unquote(q)
			received[job]++
		}
	}
	for i := range jobs {
		if job := "job-" + strconv.Itoa(i); received[job] != 1 {
			t.Errorf("%s received or left %d times", job, received[job])
		}
	}
	if len(received) != jobs {
		t.Errorf("%d distinct jobs, want %d", len(received), jobs)
	}
	if abandoned.Load() == 0 {
		t.Error("no consumer gave up mid-wait")
	}
	waitBlocked(t, s, 0)
}

// consumeOnce opens a connection and runs BRPOPs on it with random short
// timeouts until one times out; with abandon set, it may instead give up
// mid-wait: half-close its side and read whatever the server still sends
// until EOF. It returns the jobs received and whether a wait timed out.
func consumeOnce(addr string, rnd *rand.Rand, abandon bool, abandoned *atomic.Int64) (jobs []string, timedOut bool, err error) {
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		return nil, false, err
	}
	defer conn.Close()
	rd := bufio.NewReader(conn)
	for range 200 {
		timeout := []string{"0.01", "0.02", "0.05", "0.1"}[rnd.Intn(4)]
		if _, err := conn.Write([]byte(brokertest.Encode([]byte("BRPOP"), []byte("q"), []byte(timeout)))); err != nil {
			return jobs, false, err
		}
		if abandon && rnd.Intn(10) == 0 {
			abandoned.Add(1)
			if err := conn.(*net.TCPConn).CloseWrite(); err != nil {
				return jobs, false, err
			}
			for {
				reply, err := readRaceReply(rd)
				if errors.Is(err, io.EOF) || isConnReset(err) {
					return jobs, false, nil
				}
				if err != nil {
					return jobs, false, err
				}
				if len(reply) == 2 {
					jobs = append(jobs, reply[1])
				}
			}
		}
		reply, err := readRaceReply(rd)
		if err != nil {
			return jobs, false, err
		}
		if len(reply) != 2 {
			return jobs, true, nil
		}
		jobs = append(jobs, reply[1])
	}
	return jobs, false, nil
}

func isConnReset(err error) bool {
	return err != nil && strings.Contains(err.Error(), "connection reset")
}

// readRaceReply reads one reply of LPUSH or BRPOP in RESP2: [":n"], nil
// for a null array, or the two bulk strings of [key, element].
func readRaceReply(rd *bufio.Reader) ([]string, error) {
	line, err := rd.ReadString('\n')
	if err != nil {
		return nil, err
	}
	line = strings.TrimSuffix(line, "\r\n")
	switch {
	case strings.HasPrefix(line, ":"):
		return []string{line}, nil
	case line == "*-1":
		return nil, nil
	case line == "*2":
		var out []string
		for range 2 {
			hdr, err := rd.ReadString('\n')
			if err != nil {
				return nil, err
			}
			n, err := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(hdr, "$"), "\r\n"))
			if err != nil {
				return nil, fmt.Errorf("bad bulk header %q", hdr)
			}
			buf := make([]byte, n+2)
			if _, err := io.ReadFull(rd, buf); err != nil {
				return nil, err
			}
			out = append(out, string(buf[:n]))
		}
		return out, nil
	}
	return nil, fmt.Errorf("unexpected reply %q", line)
}
