package broker_test

import (
	"strings"
	"testing"
	"time"

	"github.com/brokerd/brokerd/broker"
	"github.com/brokerd/brokerd/internal/brokertest"
)

// Review of d2c9b45, d22bc66 and b65e424 (helper s7-review).

// s7Blpop is "BLPOP q 0" as a request.
var s7Blpop = brokertest.Encode([]byte("BLPOP"), []byte("q"), []byte("0"))

// A client that sends a protocol error behind a blocking command gets,
// as in Redis, the command's reply once it is served, then the error, and
// is closed. When a goroutine serves the client and nothing else is owed,
// the wait may be "direct" (a serve writes the reply itself and leaves
// the goroutine in its read). After a protocol error that read is
// discardOnce, which nothing wakes, so nothingOwed must count the error
// as owed: without that (d22bc66) the error was never sent and the
// connection stayed open until the client sent more or hung up. The
// event loop's own waiters are not affected, so the case is also run
// with both clients moved out of the loop (a script makes a connection
// leave it).
func TestS7BlockedProtocolErrorRepliedAfterServe(t *testing.T) {
	for _, leave := range []bool{false, true} {
		name := "as accepted"
		if leave {
			name = "after a script"
		}
		t.Run(name, func(t *testing.T) {
			eachConnModel(t, func(t *testing.T, s *brokertest.Server) {
				waiter, pusher := s.Dial(), s.Dial()
				if leave {
					for _, r := range []*brokertest.Raw{waiter, pusher} {
						r.Send(brokertest.Encode([]byte("EVAL"), []byte("return 1"), []byte("0")))
						if got := r.Read(); got != "(int) 1" {
							t.Fatalf("EVAL: %s", got)
						}
					}
				}
				// One write: the error arrives with the command, so the
				// guard has flagged it before the wait begins.
				waiter.Send(s7Blpop + "*x\r\n")
				waitBlocked(t, s, 1)
				if got := pusher.Do("LPUSH q job"); got != "(int) 1" {
					t.Fatalf("LPUSH: %s", got)
				}
				if got := waiter.Read(); !strings.Contains(got, `"job"`) {
					t.Fatalf("BLPOP: %s", got)
				}
				if got := waiter.Read(); got != "ERR Protocol error: invalid multibulk length" {
					t.Fatalf("after BLPOP's reply: %s, want the protocol error", got)
				}
				if !waiter.Closed() {
					t.Fatal("the connection stayed open after a protocol error")
				}
			})
		})
	}
}

// What a parked client sends before a protocol error runs after its wait,
// in order, then the error is replied and the connection closes; nothing
// after the error runs. Since d22bc66 the bytes after the error are read
// (and dropped) rather than left in the socket.
func TestS7BlockedProtocolErrorMidReadAhead(t *testing.T) {
	eachConnModel(t, func(t *testing.T, s *brokertest.Server) {
		waiter, pusher := s.Dial(), s.Dial()
		waiter.Send(s7Blpop)
		waitBlocked(t, s, 1)
		waiter.Send(brokertest.Encode([]byte("PING")) + "*x\r\n" +
			brokertest.Encode([]byte("LPUSH"), []byte("after"), []byte("1")))
		if got := pusher.Do("LPUSH q job"); got != "(int) 1" {
			t.Fatalf("LPUSH: %s", got)
		}
		for _, want := range []string{`"job"`, "PONG", "ERR Protocol error: invalid multibulk length"} {
			if got := waiter.Read(); !strings.Contains(got, want) {
				t.Fatalf("got %s, want %s", got, want)
			}
		}
		if !waiter.Closed() {
			t.Fatal("the connection stayed open after a protocol error")
		}
		if got := pusher.Do("EXISTS after"); got != "(int) 0" {
			t.Errorf("EXISTS after = %s: a command after the protocol error ran", got)
		}
	})
}

// The idle timeout spares a subscriber and a MONITOR only while they are
// one (b65e424): after RESET, as after Redis's clearClientConnectionState,
// the connection is an ordinary client again and is closed when idle.
func TestS7IdleTimeoutAppliesAgainAfterReset(t *testing.T) {
	timeout := brokertest.WithConfig(func(c *broker.Config) { c.Timeout = time.Second })
	eachConnModel(t, func(t *testing.T, s *brokertest.Server) {
		sub, mon := s.Dial(), s.Dial()
		if got := sub.Do("SUBSCRIBE ch"); !strings.Contains(got, "subscribe") {
			t.Fatalf("SUBSCRIBE: %s", got)
		}
		if got := mon.Do("MONITOR"); got != "OK" {
			t.Fatalf("MONITOR: %s", got)
		}
		for _, r := range []*brokertest.Raw{mon, sub} { // the monitor first: it would see the other RESET
			if got := r.Do("RESET"); got != "RESET" {
				t.Fatalf("RESET: %s", got)
			}
		}
		if !sub.Closed() {
			t.Error("a former subscriber was not closed when idle")
		}
		if !mon.Closed() {
			t.Error("a former monitor was not closed when idle")
		}
	}, timeout)
}
