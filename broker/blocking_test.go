package broker_test

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/brokerd/brokerd/broker"
	"github.com/brokerd/brokerd/command"
	"github.com/brokerd/brokerd/internal/brokertest"
)

// btake is a test-only blocking command, "BTAKE key [key ...] timeout":
// it removes the first existing key in argument order and replies its
// name, or waits for one (timeout in seconds, 0 = forever). It exercises
// the dispatcher's parking, FIFO serving and logging without depending on
// a real blocking family.
var btake = command.Spec{
	Name: "BTAKE", Arity: -3, Flags: command.Write | command.Blocking,
	Keys: command.Keys{First: 1, Last: -2, Step: 1},
	Run: func(c *command.Ctx) error {
		keys := c.Args[1 : len(c.Args)-1]
		for _, k := range keys {
			if c.DB.LookupWrite(k) != nil {
				c.DB.Delete(k)
				c.Emit([]byte("DEL"), k)
				c.Out.Bulk(k)
				return nil
			}
		}
		if !c.CanBlock() {
			c.Out.NullArray()
			return nil
		}
		secs, err := strconv.ParseFloat(string(c.Args[len(c.Args)-1]), 64)
		if err != nil {
			return command.Error("ERR timeout is not a float or out of range")
		}
		c.Block(command.BlockRequest{Keys: keys, Timeout: time.Duration(secs * float64(time.Second))})
		return nil
	},
}

func startWithBtake(t *testing.T, opts ...brokertest.Option) *brokertest.Server {
	broker.SetTestCommands([]command.Spec{btake})
	t.Cleanup(func() { broker.SetTestCommands(nil) })
	return brokertest.Start(t, opts...)
}

// waitBlocked waits until n clients are parked, so the order in which the
// test's clients blocked is known.
func waitBlocked(t *testing.T, s *brokertest.Server, n int) {
	t.Helper()
	rdb := s.Client()
	brokertest.Eventually(t, 5*time.Second, func() error {
		info, err := rdb.Info(brokertest.Ctx(), "clients").Result()
		if err != nil {
			return err
		}
		if want := fmt.Sprintf("blocked_clients:%d\r", n); !strings.Contains(info, want) {
			return fmt.Errorf("want %q in %q", want, info)
		}
		return nil
	})
}

func TestBlockedClientsAreServedInArrivalOrder(t *testing.T) {
	s := startWithBtake(t)
	var waiters []*brokertest.Raw
	for i := range 3 {
		r := s.Dial()
		r.Send(brokertest.Encode([]byte("BTAKE"), []byte("k"), []byte("0")))
		waitBlocked(t, s, i+1)
		waiters = append(waiters, r)
	}
	w := s.Dial()
	for i := range 3 {
		if got := w.Do("SET k v"); got != "OK" {
			t.Fatal(got)
		}
		if got := waiters[i].Read(); got != `"k"` {
			t.Fatalf("waiter %d got %s", i, got)
		}
		waitBlocked(t, s, 2-i)
	}
	if got := w.Do("EXISTS k"); got != "(int) 0" {
		t.Fatalf("each SET went to one waiter, but k exists: %s", got)
	}
}

func TestBlockedClientWaitsOnSeveralKeys(t *testing.T) {
	s := startWithBtake(t)
	r := s.Dial()
	r.Send(brokertest.Encode([]byte("BTAKE"), []byte("a"), []byte("b"), []byte("0")))
	waitBlocked(t, s, 1)
	w := s.Dial()
	w.Do("SET b 1")
	expectFrames(t, r, `"b"`)
	// With data at once, the first non-empty key in argument order wins.
	w.Do("MSET a 1 b 1")
	if got := r.Do("BTAKE b a 0"); got != `"b"` {
		t.Fatalf("got %s", got)
	}
}

func TestBlockedClientTimesOut(t *testing.T) {
	s := startWithBtake(t)
	r := s.Dial()
	if got := r.Do("BTAKE k 0.05"); got != "(nil array)" {
		t.Fatalf("got %s", got)
	}
	waitBlocked(t, s, 0)
	// The connection stays usable and nothing is left waiting.
	if got := r.Do("SET k v"); got != "OK" {
		t.Fatal(got)
	}
	if got := r.Do("GET k"); got != `"v"` {
		t.Fatalf("a timed-out waiter took the value: %s", got)
	}
}

func TestPipelineAroundABlockedCommand(t *testing.T) {
	s := startWithBtake(t)
	r := s.Dial()
	r.Send(brokertest.Encode([]byte("SET"), []byte("a"), []byte("1")) +
		brokertest.Encode([]byte("BTAKE"), []byte("k"), []byte("0")) +
		brokertest.Encode([]byte("GET"), []byte("a")))
	// The reply owed before the blocking command goes out while it waits.
	expectFrames(t, r, "OK")
	waitBlocked(t, s, 1)
	s.Dial().Do("SET k v")
	expectFrames(t, r, `"k"`)
	if got := r.Read(); got != `"1"` {
		t.Fatalf("the command pipelined after the blocked one: %s", got)
	}
}

func TestDisconnectedWaiterIsRemovedAndTakesNothing(t *testing.T) {
	s := startWithBtake(t)
	r := s.Dial()
	r.Send(brokertest.Encode([]byte("BTAKE"), []byte("k"), []byte("0")))
	waitBlocked(t, s, 1)
	r.Conn.Close()
	waitBlocked(t, s, 0)
	w := s.Dial()
	w.Do("SET k v")
	if got := w.Do("GET k"); got != `"v"` {
		t.Fatalf("a closed waiter swallowed the value: %s", got)
	}
}

func TestKilledWaiterIsRemoved(t *testing.T) {
	s := startWithBtake(t)
	r := s.Dial()
	if got := r.Do("CLIENT ID"); got == "" {
		t.Fatal("no id")
	}
	id := strings.TrimPrefix(r.Do("CLIENT ID"), "(int) ")
	r.Send(brokertest.Encode([]byte("BTAKE"), []byte("k"), []byte("0")))
	waitBlocked(t, s, 1)
	if got := s.Dial().Do("CLIENT KILL ID " + id); got != "(int) 1" {
		t.Fatalf("CLIENT KILL: %s", got)
	}
	waitBlocked(t, s, 0)
	if !r.Closed() {
		t.Fatal("killed client still connected")
	}
}

func TestServedWaiterIsLoggedAsItsEffect(t *testing.T) {
	s := startWithBtake(t)
	r := s.Dial()
	r.Send(brokertest.Encode([]byte("BTAKE"), []byte("k"), []byte("0")))
	waitBlocked(t, s, 1)
	s.Dial().Do("SET k v")
	expectFrames(t, r, `"k"`)
	s.Restart()
	if got := s.Dial().Do("EXISTS k"); got != "(int) 0" {
		t.Fatalf("after restart the handed-over key is back: %s", got)
	}
}

func TestShutdownReleasesBlockedClients(t *testing.T) {
	s := startWithBtake(t)
	r := s.Dial()
	r.Send(brokertest.Encode([]byte("BTAKE"), []byte("k"), []byte("0")))
	waitBlocked(t, s, 1)
	s.Close()
	if !r.Closed() {
		t.Fatal("blocked client still connected after shutdown")
	}
}

func TestFlushWakesWaitersToRetry(t *testing.T) {
	s := startWithBtake(t)
	r := s.Dial()
	r.Send(brokertest.Encode([]byte("BTAKE"), []byte("k"), []byte("0")))
	waitBlocked(t, s, 1)
	w := s.Dial()
	w.Do("FLUSHALL")
	// The retry finds nothing and the client keeps waiting.
	waitBlocked(t, s, 1)
	w.Do("SET k v")
	expectFrames(t, r, `"k"`)
}

func TestCommandsSentWhileBlockedWaitTheirTurn(t *testing.T) {
	s := startWithBtake(t)
	r := s.Dial()
	r.Send(brokertest.Encode([]byte("BTAKE"), []byte("k"), []byte("0")))
	waitBlocked(t, s, 1)
	// Read ahead while the client waits, run only once it is served.
	r.Send(brokertest.Encode([]byte("SET"), []byte("a"), []byte("1")) +
		brokertest.Encode([]byte("GET"), []byte("a")))
	w := s.Dial()
	if got := w.Do("GET a"); got != "(nil)" {
		t.Fatalf("a command sent after the blocked one ran first: a=%s", got)
	}
	waitBlocked(t, s, 1)
	w.Do("SET k v")
	for _, want := range []string{`"k"`, "OK", `"1"`} {
		if got := r.Read(); got != want {
			t.Fatalf("got %s, want %s", got, want)
		}
	}
	waitBlocked(t, s, 0)
}

func TestBlockedClientTimesOutWithCommandsBuffered(t *testing.T) {
	s := startWithBtake(t)
	r := s.Dial()
	r.Send(brokertest.Encode([]byte("BTAKE"), []byte("k"), []byte("0.05")))
	r.Send(brokertest.Encode([]byte("PING")))
	expectFrames(t, r, "(nil array)")
	expectFrames(t, r, "PONG")
	// Served after a timeout, the connection reads on as before.
	r.Send(brokertest.Encode([]byte("BTAKE"), []byte("k"), []byte("0")))
	waitBlocked(t, s, 1)
	s.Dial().Do("SET k v")
	expectFrames(t, r, `"k"`)
	if got := r.Do("PING"); got != "PONG" {
		t.Fatalf("got %s", got)
	}
}

// The tests below cover the serve that writes a waiter's reply itself
// (handOff) and the cases that must wake the waiter instead.

func TestServedWaiterWithAPartialCommandBuffered(t *testing.T) {
	s := startWithBtake(t)
	w := s.Dial()
	w.Do("SET a 1")
	r := s.Dial()
	get := brokertest.Encode([]byte("GET"), []byte("a"))
	r.Send(brokertest.Encode([]byte("BTAKE"), []byte("k"), []byte("0")) + get[:7])
	waitBlocked(t, s, 1)
	w.Do("SET k v")
	expectFrames(t, r, `"k"`)
	r.Send(get[7:])
	if got := r.Read(); got != `"1"` {
		t.Fatalf("the command completed after the serve: %s", got)
	}
}

func TestServedWaiterAfterInlineRequests(t *testing.T) {
	s := startWithBtake(t)
	r := s.Dial()
	r.Send("SET a 1\r\nPING\r\n")
	expectFrames(t, r, "OK")
	expectFrames(t, r, "PONG")
	for range 2 {
		r.Send(brokertest.Encode([]byte("BTAKE"), []byte("k"), []byte("0")))
		waitBlocked(t, s, 1)
		s.Dial().Do("SET k v")
		expectFrames(t, r, `"k"`)
		r.Send("GET a\r\n")
		expectFrames(t, r, `"1"`)
	}
}

func TestLargeServedReplyToAClientNotReading(t *testing.T) {
	s := startWithBtake(t)
	w := s.Dial()
	w.Do("XGROUP CREATE s g $ MKSTREAM")
	r := s.Dial()
	r.Send(brokertest.Encode([]byte("XREADGROUP"), []byte("GROUP"), []byte("g"), []byte("c"),
		[]byte("BLOCK"), []byte("0"), []byte("STREAMS"), []byte("s"), []byte(">")))
	waitBlocked(t, s, 1)
	// More than the socket takes at once: the rest goes back to the
	// waiter's goroutine, and the producer is answered meanwhile.
	big := strings.Repeat("x", 8<<20)
	if got := w.Do("XADD s 1-1 f " + big); got != `"1-1"` {
		t.Fatalf("XADD: %.40s", got)
	}
	got := r.Read()
	if want := `[["s" [["1-1" ["f" "` + big + `"]]]]]`; got != want {
		t.Fatalf("got %d bytes: %.60s...", len(got), got)
	}
	if got := r.Do("XPENDING s g"); got != `[(int) 1 "1-1" "1-1" [["c" "1"]]]` {
		t.Fatalf("got %s", got)
	}
}

// waitServerRead waits until the server has read n more bytes from its
// clients than base (a total_net_input_bytes reading), not counting the
// INFO commands it takes to find out.
func waitServerRead(t *testing.T, info *brokertest.Raw, base, n int64) {
	t.Helper()
	cmd := brokertest.Encode([]byte("INFO"), []byte("stats"))
	calls := int64(0)
	brokertest.Eventually(t, 5*time.Second, func() error {
		calls++
		got := netInput(t, info)
		if read := got - base - calls*int64(len(cmd)); read < n {
			return fmt.Errorf("server read %d of %d bytes", read, n)
		}
		return nil
	})
}

// netInput is the server's total_net_input_bytes, counting the INFO
// command that reads it.
func netInput(t *testing.T, info *brokertest.Raw) int64 {
	t.Helper()
	reply := info.Do("INFO stats")
	_, rest, ok := strings.Cut(reply, "total_net_input_bytes:")
	if !ok {
		t.Fatalf("no total_net_input_bytes in %q", reply)
	}
	end := strings.IndexAny(rest, "\r\\")
	n, err := strconv.ParseInt(rest[:end], 10, 64)
	if err != nil {
		t.Fatalf("total_net_input_bytes: %v in %q", err, reply)
	}
	return n
}

// TestCommandsSentWhileBlockedInSeveralReads: a parked client's goroutine
// reads on while it waits; commands arriving in separate reads must all
// run, in order, once it is served (the second read once overwrote the
// first's bytes, still unread in the read buffer).
func TestCommandsSentWhileBlockedInSeveralReads(t *testing.T) {
	s := startWithBtake(t)
	r := s.Dial()
	r.Send(brokertest.Encode([]byte("BTAKE"), []byte("k"), []byte("0")))
	waitBlocked(t, s, 1)
	info := s.Dial()
	base := netInput(t, info)
	sent := int64(0)
	for _, kv := range [][2]string{{"a", "1"}, {"bb", "22"}, {"c", "333"}} {
		cmd := brokertest.Encode([]byte("SET"), []byte(kv[0]), []byte(kv[1]))
		r.Send(cmd)
		sent += int64(len(cmd))
		waitServerRead(t, info, base, sent) // each command is a read of its own
	}
	w := s.Dial()
	if got := w.Do("SET k v"); got != "OK" {
		t.Fatal(got)
	}
	expectFrames(t, r, `"k"`, "OK", "OK", "OK")
	for key, want := range map[string]string{"a": `"1"`, "bb": `"22"`, "c": `"333"`} {
		if got := w.Do("GET " + key); got != want {
			t.Errorf("GET %s = %s, want %s", key, got, want)
		}
	}
}

// TestKilledWaiterIsNotServed: as in Redis, CLIENT KILL unblocks the
// client at once, so an element pushed right after the kill stays in the
// list instead of going to the dead connection.
func TestKilledWaiterIsNotServed(t *testing.T) {
	s := brokertest.Start(t)
	a := s.Dial()
	id := strings.TrimPrefix(a.Do("CLIENT ID"), "(int) ")
	a.Send(brokertest.Encode([]byte("BLPOP"), []byte("q"), []byte("0")))
	waitBlocked(t, s, 1)
	b := s.Dial()
	for _, line := range []string{"MULTI", "CLIENT KILL ID " + id, "RPUSH q x"} {
		b.Do(line)
	}
	if got := b.Do("EXEC"); got != "[(int) 1 (int) 1]" {
		t.Fatalf("EXEC = %s", got)
	}
	if got := b.Do("LLEN q"); got != "(int) 1" {
		t.Fatalf("LLEN q = %s, want 1: the element went to the killed client", got)
	}
	if !a.Closed() {
		t.Error("the killed client is still connected")
	}
}

// TestIdleTimeoutClosesServedWaiter: once its BLPOP is served, a client
// is idle like any other and the idle timeout closes it.
func TestIdleTimeoutClosesServedWaiter(t *testing.T) {
	s := brokertest.Start(t, brokertest.WithConfig(func(c *broker.Config) { c.Timeout = time.Second }))
	a := s.Dial()
	a.Send(brokertest.Encode([]byte("BLPOP"), []byte("q"), []byte("0")))
	waitBlocked(t, s, 1)
	s.Dial().Do("RPUSH q x")
	if got := a.Read(); got != `["q" "x"]` {
		t.Fatalf("BLPOP = %s", got)
	}
	if !a.Closed() {
		t.Error("the served client was not closed after the idle timeout")
	}
}
