package broker_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/brokerd/brokerd/internal/brokertest"
)

// Regression tests from a review of the dispatcher's concurrency: each
// failed before its fix.

// waitClients waits until the server counts n connections (admin's own
// included). A closed connection is uncounted only after redcon ran every
// command it had parsed for it, so this is when a test may check that
// none of them ran.
func waitClients(t *testing.T, admin *brokertest.Raw, n int) {
	t.Helper()
	brokertest.Eventually(t, 5*time.Second, func() error {
		info := admin.Do("INFO clients")
		if want := fmt.Sprintf("connected_clients:%d\\r", n); !strings.Contains(info, want) {
			return fmt.Errorf("want %q in %q", want, info)
		}
		return nil
	})
}

// A command pipelined after QUIT must not run: Redis stops reading a
// client's query buffer once it is to be closed.
func TestReviewNothingRunsAfterQuit(t *testing.T) {
	s := brokertest.Start(t)
	admin := s.Dial()
	r := s.Dial()
	r.Send("QUIT\r\nSET k v\r\n")
	if got := r.Read(); got != "OK" {
		t.Fatalf("QUIT = %q, want OK", got)
	}
	if !r.Closed() {
		t.Fatal("connection still open after QUIT")
	}
	waitClients(t, admin, 1)
	if got := admin.Do("EXISTS k"); got != "(int) 0" {
		t.Fatalf("EXISTS k = %s: the SET pipelined after QUIT ran", got)
	}
}

// A client that disconnects while parked is gone: the commands it had
// pipelined behind the blocking one must not run.
func TestReviewNothingRunsAfterParkedClientLeaves(t *testing.T) {
	s := brokertest.Start(t)
	admin := s.Dial()
	r := s.Dial()
	r.Send("BLPOP q 0\r\nSET k v\r\n")
	brokertest.Eventually(t, 5*time.Second, func() error {
		if info := admin.Do("INFO clients"); !strings.Contains(info, "blocked_clients:1\\r") {
			return fmt.Errorf("not blocked yet: %q", info)
		}
		return nil
	})
	r.Conn.Close()
	waitClients(t, admin, 1)
	if got := admin.Do("EXISTS k"); got != "(int) 0" {
		t.Fatalf("EXISTS k = %s: the SET pipelined behind BLPOP ran for a closed client", got)
	}
}

// A RESP3 subscriber publishing to its own channel gets the PUBLISH
// reply first, then the message (Redis 7.2's pubsub.tcl "unsubscribe
// inside multi, and publish to self").
func TestReviewPublishToSelfRepliesFirst(t *testing.T) {
	s := brokertest.Start(t)
	r := s.Dial()
	r.Do("HELLO 3")
	if got := r.Do("SUBSCRIBE foo"); got != `push["subscribe" "foo" (int) 1]` {
		t.Fatalf("SUBSCRIBE = %s", got)
	}
	for i := range 20 {
		r.Send("*3\r\n$7\r\nPUBLISH\r\n$3\r\nfoo\r\n$3\r\nbar\r\n")
		if got := r.Read(); got != "(int) 1" {
			t.Fatalf("round %d: PUBLISH reply = %s, want (int) 1 before the message", i, got)
		}
		if got := r.Read(); got != `push["message" "foo" "bar"]` {
			t.Fatalf("round %d: message = %s", i, got)
		}
	}
}

// (Un)subscribing inside MULTI puts the confirmation in EXEC's reply, in
// its place (Redis's pubsub.tcl "unsubscribe inside multi"); messages
// published to oneself inside MULTI come after EXEC's reply ("publish to
// self inside multi").
func TestReviewPubSubInsideMulti(t *testing.T) {
	t.Run("RESP2 subscribe", func(t *testing.T) {
		s := brokertest.Start(t)
		r := s.Dial()
		r.Do("MULTI")
		r.Do("PING a")
		r.Do("SUBSCRIBE foo")
		if got, want := r.Do("EXEC"), `["a" ["subscribe" "foo" (int) 1]]`; got != want {
			t.Fatalf("EXEC = %s, want %s", got, want)
		}
		if got, want := r.Do("PING"), `["pong" ""]`; got != want {
			t.Fatalf("PING after EXEC = %s, want %s", got, want)
		}
	})
	t.Run("RESP3 unsubscribe", func(t *testing.T) {
		s := brokertest.Start(t)
		r := s.Dial()
		r.Do("HELLO 3")
		r.Send("*4\r\n$9\r\nSUBSCRIBE\r\n$3\r\nfoo\r\n$3\r\nbar\r\n$3\r\nbaz\r\n")
		for range 3 {
			r.Read()
		}
		r.Do("MULTI")
		r.Do("PING abc")
		r.Do("UNSUBSCRIBE bar")
		r.Do("UNSUBSCRIBE baz")
		r.Do("PING def")
		want := `["abc" push["unsubscribe" "bar" (int) 2] push["unsubscribe" "baz" (int) 1] "def"]`
		if got := r.Do("EXEC"); got != want {
			t.Fatalf("EXEC = %s, want %s", got, want)
		}
		if got := r.Do("PING x"); got != `"x"` {
			t.Fatalf("PING after EXEC = %s", got)
		}
	})
	t.Run("RESP3 publish to self", func(t *testing.T) {
		s := brokertest.Start(t)
		r := s.Dial()
		r.Do("HELLO 3")
		r.Do("SUBSCRIBE foo")
		r.Do("MULTI")
		r.Do("PING abc")
		r.Do("PUBLISH foo bar")
		r.Do("PUBLISH foo vaz")
		r.Do("PING def")
		if got, want := r.Do("EXEC"), `["abc" (int) 1 (int) 1 "def"]`; got != want {
			t.Fatalf("EXEC = %s, want %s", got, want)
		}
		for _, want := range []string{`push["message" "foo" "bar"]`, `push["message" "foo" "vaz"]`} {
			if got := r.Read(); got != want {
				t.Fatalf("got %s, want %s", got, want)
			}
		}
	})
}

// A subscribed client's QUIT is answered before the connection closes.
func TestReviewSubscriberQuitIsAnswered(t *testing.T) {
	s := brokertest.Start(t)
	for i := range 20 {
		r := s.Dial()
		r.Do("SUBSCRIBE foo")
		if got := r.Do("QUIT"); got != "OK" {
			t.Fatalf("round %d: QUIT = %s, want OK", i, got)
		}
	}
}
