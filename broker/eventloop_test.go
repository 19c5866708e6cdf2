package broker_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/brokerd/brokerd/broker"
	"github.com/brokerd/brokerd/internal/brokertest"
)

// eachConnModel runs fn against a server whose connections start in the
// event loop and against one that gives each its own goroutine, both
// started with opts.
func eachConnModel(t *testing.T, fn func(t *testing.T, s *brokertest.Server), opts ...brokertest.Option) {
	models := []struct {
		name string
		set  func(*broker.Config)
	}{
		{"eventloop", func(*broker.Config) {}},
		{"eventloop-syscalls", func(c *broker.Config) { c.LoopIOURing = false }},
		{"goroutines", func(c *broker.Config) { c.ConnGoroutines = true }},
	}
	for _, m := range models {
		t.Run(m.name, func(t *testing.T) {
			fn(t, brokertest.Start(t, append(opts, brokertest.WithConfig(m.set))...))
		})
	}
}

func TestEventLoopPipelineThroughBlockingCommand(t *testing.T) {
	eachConnModel(t, func(t *testing.T, s *brokertest.Server) {
		r := s.Dial()
		// One write: the loop runs SET, hands the connection over at
		// BLPOP (which waits), and the rest runs after it, in order.
		r.Send("*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\n1\r\n" +
			"*3\r\n$5\r\nBLPOP\r\n$1\r\nl\r\n$4\r\n0.05\r\n" +
			"*2\r\n$3\r\nGET\r\n$1\r\na\r\n" +
			"PING\r\n")
		for _, want := range []string{"OK", "(nil array)", `"1"`, "PONG"} {
			if got := r.Read(); got != want {
				t.Fatalf("got %s, want %s", got, want)
			}
		}
		// A blocked client is served by a push from a client still in
		// the loop.
		r.Send(brokertest.Encode([]byte("BLPOP"), []byte("q"), []byte("0")))
		if got := s.Dial().Do("RPUSH q job"); got != "(int) 1" {
			t.Fatalf("RPUSH: %s", got)
		}
		if got := r.Read(); got != `["q" "job"]` {
			t.Fatalf("BLPOP: %s", got)
		}
	})
}

func TestEventLoopInlineAfterMultibulk(t *testing.T) {
	s := brokertest.Start(t)
	r := s.Dial()
	r.Send("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$2\r\nv1\r\nGET k\r\n")
	for _, want := range []string{"OK", `"v1"`} {
		if got := r.Read(); got != want {
			t.Fatalf("got %s, want %s", got, want)
		}
	}
}

func TestEventLoopProtocolErrorAfterGoodRequests(t *testing.T) {
	s := brokertest.Start(t)
	r := s.Dial()
	r.Send("*1\r\n$4\r\nPING\r\n*2\r\n$4\r\nECHO\r\n$1\r\nx\r\n*1\r\nX\r\n")
	for _, want := range []string{"PONG", `"x"`, "ERR Protocol error: expected '$', got 'X'"} {
		if got := r.Read(); got != want {
			t.Fatalf("got %s, want %s", got, want)
		}
	}
	if !r.Closed() {
		t.Fatal("connection still open after a protocol error")
	}
}

// A client that does not read its replies stops being read itself, and
// holds up no one else; once it reads, it gets every reply whole.
func TestEventLoopSlowReader(t *testing.T) {
	s := brokertest.Start(t)
	big := strings.Repeat("x", 4<<20)
	other := s.Dial()
	if got := other.Do("SET big " + big); got != "OK" {
		t.Fatalf("SET: %s", got)
	}
	slow := s.Dial()
	const n = 5
	slow.Send(strings.Repeat("*2\r\n$3\r\nGET\r\n$3\r\nbig\r\n", n) + "*1\r\n$4\r\nPING\r\n")
	for i := 0; i < 20; i++ {
		if got := other.Do("INCR c"); got != fmt.Sprintf("(int) %d", i+1) {
			t.Fatalf("INCR while a client does not read: %s", got)
		}
	}
	for i := 0; i < n; i++ {
		if got := slow.Read(); got != `"`+big+`"` {
			t.Fatalf("reply %d: %d bytes", i, len(got))
		}
	}
	if got := slow.Read(); got != "PONG" {
		t.Fatalf("after the big replies: %s", got)
	}
}

func TestEventLoopClientKill(t *testing.T) {
	eachConnModel(t, func(t *testing.T, s *brokertest.Server) {
		victim, killer := s.Dial(), s.Dial()
		id := strings.TrimPrefix(victim.Do("CLIENT ID"), "(int) ")
		if got := killer.Do("CLIENT KILL ID " + id); got != "(int) 1" {
			t.Fatalf("CLIENT KILL: %s", got)
		}
		if !victim.Closed() {
			t.Fatal("killed client still connected")
		}
		brokertest.Eventually(t, 5*time.Second, func() error {
			if list := killer.Do("CLIENT LIST"); strings.Contains(list, "id="+id+" ") {
				return fmt.Errorf("killed client still listed: %s", list)
			}
			return nil
		})
	})
}

// A command that finds the keyspace lock held by a script waits for it
// off the loop, so the loop still reads the other clients: one of them
// kills the script.
func TestEventLoopWaitsForLockOffLoop(t *testing.T) {
	s := brokertest.Start(t)
	s.SetScriptBusyThreshold(time.Second)
	runner, waiter, other := s.Dial(), s.Dial(), s.Dial()
	if got := waiter.Do("SET k v"); got != "OK" {
		t.Fatalf("SET: %s", got)
	}
	runner.Send(brokertest.Encode([]byte("EVAL"), []byte("while true do end"), []byte("0")))
	brokertest.Eventually(t, 5*time.Second, func() error {
		if !s.ScriptRunning() {
			return fmt.Errorf("no script running yet")
		}
		return nil
	})
	waiter.Send(brokertest.Encode([]byte("GET"), []byte("k")))
	waitBusy(t, s, other)
	if got := other.Do("SCRIPT KILL"); got != "OK" {
		t.Fatalf("SCRIPT KILL: %s", got)
	}
	if got := runner.Read(); !strings.HasPrefix(got, "ERR Script killed by user with SCRIPT KILL") {
		t.Fatalf("EVAL: %s", got)
	}
	if got := waiter.Read(); got != `"v"` && !strings.HasPrefix(got, "BUSY") {
		t.Fatalf("GET that waited for the script: %s", got)
	}
	if got := waiter.Do("GET k"); got != `"v"` {
		t.Fatalf("GET after the script: %s", got)
	}
}

// A client blocked in the loop keeps sending: what it sent runs once its
// wait ends, in order, whether a push or the deadline ends it.
func TestEventLoopRequestsAfterBlockingCommand(t *testing.T) {
	eachConnModel(t, func(t *testing.T, s *brokertest.Server) {
		r, pusher := s.Dial(), s.Dial()
		r.Send(brokertest.Encode([]byte("BLPOP"), []byte("q"), []byte("0")) +
			brokertest.Encode([]byte("INCR"), []byte("n")) +
			brokertest.Encode([]byte("BLPOP"), []byte("q"), []byte("0.01")) +
			brokertest.Encode([]byte("INCR"), []byte("n")))
		brokertest.Eventually(t, 5*time.Second, func() error {
			if info := pusher.Do("INFO clients"); !strings.Contains(info, "blocked_clients:1") {
				return fmt.Errorf("not blocked yet: %s", info)
			}
			return nil
		})
		if got := pusher.Do("RPUSH q job"); got != "(int) 1" {
			t.Fatalf("RPUSH: %s", got)
		}
		for _, want := range []string{`["q" "job"]`, "(int) 1", "(nil array)", "(int) 2"} {
			if got := r.Read(); got != want {
				t.Fatalf("got %s, want %s", got, want)
			}
		}
		// Many short waits of one client, each ended by its deadline or a
		// push, never end a later wait early or twice.
		for i := 0; i < 50; i++ {
			if i%2 == 0 {
				if got := r.Do("BLPOP q 0.001"); got != "(nil array)" {
					t.Fatalf("wait %d: %s", i, got)
				}
				continue
			}
			pusher.Do("RPUSH q j")
			if got := r.Do("BLPOP q 1"); got != `["q" "j"]` {
				t.Fatalf("wait %d: %s", i, got)
			}
		}
	})
}

// CONFIG SET timeout applies at once to the connections in the loop; a
// client waiting in a blocking command is not idle.
func TestEventLoopIdleTimeout(t *testing.T) {
	s := brokertest.Start(t)
	waiter, idle, admin := s.Dial(), s.Dial(), s.Dial()
	if got := idle.Do("PING"); got != "PONG" {
		t.Fatalf("PING: %s", got)
	}
	waiter.Send(brokertest.Encode([]byte("BLPOP"), []byte("q"), []byte("0")))
	waitBlocked(t, s, 1)
	if got := admin.Do("CONFIG SET timeout 1"); got != "OK" {
		t.Fatalf("CONFIG SET: %s", got)
	}
	if !idle.Closed() { // Closed waits up to 10s for the server to hang up
		t.Fatal("idle connection opened before CONFIG SET timeout not closed")
	}
	if got := s.Dial().Do("RPUSH q x"); got != "(int) 1" {
		t.Fatalf("RPUSH: %s", got)
	}
	if got := waiter.Read(); got != `["q" "x"]` {
		t.Fatalf("the blocked client: %s", got)
	}
}
