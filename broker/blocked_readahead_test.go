package broker_test

import (
	"strings"
	"testing"

	"github.com/brokerd/brokerd/internal/brokertest"
)

// A blocked client that sends more before it closes is still watched, as
// Redis reads a blocked client's query buffer: its close takes it off the
// queue at once, and a later push keeps its element. Reading stopped once
// 64 MB had been read ahead, and after a protocol error with a goroutine
// per connection; the close then went unnoticed and the push handed the
// job to the dead connection.
func TestBlockedClientCloseNoticedWhateverItSent(t *testing.T) {
	cases := []struct {
		name, sent string
	}{
		{"65 MB read ahead", brokertest.Encode([]byte("SET"), []byte("k"), []byte(strings.Repeat("x", 65<<20)))},
		{"a protocol error", "*1\r\n$x\r\n"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			eachConnModel(t, func(t *testing.T, s *brokertest.Server) {
				waiter, check := s.Dial(), s.Dial()
				waiter.Send(brokertest.Encode([]byte("BRPOP"), []byte("q"), []byte("0")))
				waitBlocked(t, s, 1)
				go func() {
					waiter.Conn.Write([]byte(tc.sent))
					waiter.Conn.Close()
				}()
				waitBlocked(t, s, 0)
				if got := check.Do("LPUSH q job"); got != "(int) 1" {
					t.Fatalf("LPUSH: %s", got)
				}
				if got := check.Do("LLEN q"); got != "(int) 1" {
					t.Errorf("LLEN q after a push with no live waiter = %s, want the job queued", got)
				}
			})
		})
	}
}

// blpopQ is "BLPOP q 0" as a request: wait for q for ever.
var blpopQ = brokertest.Encode([]byte("BLPOP"), []byte("q"), []byte("0"))

// A client that sends a protocol error behind a blocking command gets,
// as in Redis, the command's reply once it is served, then the error, and
// is closed. When a goroutine serves the client and nothing else is owed,
// the wait may be "direct" (a serve writes the reply itself and leaves
// the goroutine in its read). After a protocol error that read is
// discardOnce, which nothing wakes, so nothingOwed must count the error
// as owed: without that the error was never sent and the
// connection stayed open until the client sent more or hung up. The
// event loop's own waiters are not affected, so the case is also run
// with both clients moved out of the loop (a script makes a connection
// leave it).
func TestBlockedProtocolErrorRepliedAfterServe(t *testing.T) {
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
				waiter.Send(blpopQ + "*x\r\n")
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
// after the error runs. The bytes after the error are read
// (and dropped) rather than left in the socket.
func TestBlockedProtocolErrorMidReadAhead(t *testing.T) {
	eachConnModel(t, func(t *testing.T, s *brokertest.Server) {
		waiter, pusher := s.Dial(), s.Dial()
		waiter.Send(blpopQ)
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
