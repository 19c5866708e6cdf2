package broker_test

// Tests from a review of the event loop (eventloop*.go, listener.go):
// each names the behaviour it checks, and runs against both connection
// models where they must agree.

import (
	"bufio"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/brokerd/brokerd/internal/brokertest"
	"github.com/brokerd/brokerd/wal"
)

// A client that sends a write and then shuts down its side of the
// connection (printf ... | nc -N) still gets the reply: Redis and the
// goroutine model answer before they read the end of the stream. When
// the loop waited for appendfsync always's sync on a goroutine, it kept
// reading the socket meanwhile, read the end, closed the connection and
// dropped the reply of a durable write.
func TestEventLoopReviewHalfClosedClientGetsReply(t *testing.T) {
	eachConnModel(t, func(t *testing.T, s *brokertest.Server) {
		for i := 0; i < 20; i++ {
			r := s.Dial()
			r.Send(brokertest.Encode([]byte("INCR"), []byte("n")))
			if err := r.Conn.(*net.TCPConn).CloseWrite(); err != nil {
				t.Fatal(err)
			}
			if got, want := r.Read(), fmt.Sprintf("(int) %d", i+1); got != want {
				t.Fatalf("round %d: got %s, want %s", i, got, want)
			}
		}
	}, brokertest.WithFsync(wal.Always))
}

// A wait whose deadline passes in the same pass as its serve: expireWaits
// hands the waiter to a goroutine (Server.leave) while the loop, taking
// the serve's notice right after, ends the wait and pools the waiter
// (releaseWaiter). The client's next blocking command, already read,
// parked in that same pooled waiter, and the late leave took the new wait
// off its queues: the client waited forever and a push found no one. Now
// a waiter whose deadline a goroutine settles is not pooled again. The
// slow LRANGE before the push makes the deadline pass in the pass that
// serves; under -race the leave's read of w.done raced with
// releaseWaiter.
func TestEventLoopReviewDeadlineAndServeInOnePass(t *testing.T) {
	eachConnModel(t, testDeadlineAndServeInOnePass)
}

func testDeadlineAndServeInOnePass(t *testing.T, s *brokertest.Server) {
	setup := s.Dial()
	// A list whose LRANGE takes the loop a few milliseconds.
	var push strings.Builder
	for i := 0; i < 20; i++ {
		args := [][]byte{[]byte("RPUSH"), []byte("big")}
		for j := 0; j < 5000; j++ {
			args = append(args, []byte("element-"+fmt.Sprint(j)))
		}
		push.WriteString(brokertest.Encode(args...))
	}
	setup.Send(push.String())
	for i := 0; i < 20; i++ {
		setup.Read()
	}
	w, p := s.Dial(), s.Dial()
	rounds := 40
	for i := 0; i < rounds; i++ {
		w.Send(brokertest.Encode([]byte("BLPOP"), []byte("q"), []byte("0.001")) +
			brokertest.Encode([]byte("BLPOP"), []byte("q"), []byte("0")))
		p.Send(brokertest.Encode([]byte("LRANGE"), []byte("big"), []byte("0"), []byte("-1")) +
			brokertest.Encode([]byte("RPUSH"), []byte("q"), []byte("x")))
		p.Read()
		if got := p.Read(); got != "(int) 1" && got != "(int) 0" {
			t.Fatalf("round %d: RPUSH: %s", i, got)
		}
		first := w.Read()
		switch first {
		case `["q" "x"]`:
			// Served: the second BLPOP waits, and takes the next push.
			if got := p.Do("RPUSH q y"); got != "(int) 1" && got != "(int) 0" {
				t.Fatalf("round %d: RPUSH y: %s", i, got)
			}
			brokertest.Eventually(t, 3*time.Second, func() error {
				if n := setup.Do("LLEN q"); n != "(int) 0" {
					return fmt.Errorf("round %d: the client's second BLPOP q 0 never took the push (LLEN q %s, blocked %s): its wait was lost", i, n, blockedClients(setup))
				}
				return nil
			})
			if got := w.Read(); got != `["q" "y"]` {
				t.Fatalf("round %d: second BLPOP: %s", i, got)
			}
		case "(nil array)":
			// Timed out first: the second BLPOP takes x.
			if got := w.Read(); got != `["q" "x"]` {
				t.Fatalf("round %d: second BLPOP after a timeout: %s", i, got)
			}
		default:
			t.Fatalf("round %d: first BLPOP: %s", i, first)
		}
	}
}

func blockedClients(r *brokertest.Raw) string {
	info := r.Do("INFO clients")
	if i := strings.Index(info, "blocked_clients:"); i >= 0 {
		info = info[i:]
		if j := strings.IndexAny(info, "\\\r\n"); j >= 0 {
			info = info[:j]
		}
	}
	return info
}

// CLIENT LIST from a client redcon serves reads other clients' lanes
// (clientFD), which admit set after the client was listed (listener.go):
// a data race that -race reported while connections arrive. CLIENT KILL
// in the same window found neither a lane nor a net.Conn (guard.Conn is
// nil once detachFD ran) and called Close on a nil interface.
func TestEventLoopReviewClientListWhileAdmitting(t *testing.T) {
	s := brokertest.Start(t)
	lister := s.Dial()
	lister.Do("CLIENT LIST") // an admin command: the lister leaves the loop
	const n = 200
	dialed := make(chan net.Conn, n)
	go func() {
		defer close(dialed)
		for i := 0; i < n; i++ {
			c, err := net.Dial("tcp", s.Addr)
			if err != nil {
				return
			}
			dialed <- c
		}
	}()
	for i := 0; i < n; i++ {
		if got := lister.Do("CLIENT LIST"); !strings.Contains(got, "cmd=client|list") {
			t.Fatalf("CLIENT LIST: %s", got)
		}
	}
	got := 0
	for c := range dialed {
		c.Close()
		got++
	}
	if got != n {
		t.Fatalf("dialed %d of %d", got, n)
	}
}

// contend keeps the keyspace write lock held nearly all the time: clients
// (which leave the loop, as scripts do) run one short script after
// another, each holding the lock for about a millisecond of the server's
// clock, so that the commands the loop runs find the lock taken and are
// bounced. It stops when the test ends.
func contend(t *testing.T, s *brokertest.Server, clients int) {
	t.Helper()
	body := "local t = redis.call('time') local s = t[1]*1e6+t[2] local n " +
		"repeat n = redis.call('time') until n[1]*1e6+n[2]-s > 1000 return 1"
	req := []byte(brokertest.Encode([]byte("EVAL"), []byte(body), []byte("0")))
	stop := make(chan struct{})
	done := make(chan struct{}, clients)
	for i := 0; i < clients; i++ {
		r := s.Dial()
		go func() {
			defer func() { done <- struct{}{} }()
			rd := bufio.NewReader(r.Conn)
			for {
				select {
				case <-stop:
					return
				default:
				}
				if _, err := r.Conn.Write(req); err != nil {
					return
				}
				r.Conn.SetReadDeadline(time.Now().Add(10 * time.Second))
				if _, err := rd.ReadString('\n'); err != nil {
					return
				}
			}
		}()
	}
	t.Cleanup(func() {
		close(stop)
		for i := 0; i < clients; i++ {
			<-done
		}
	})
}

// A client whose earlier replies are still being written (the socket took
// part of a large reply) waits in BLPOP with more requests read ahead.
// When a push serves it, the loop runs those requests (endWait); one that
// finds the keyspace lock taken is bounced. On its return the socket
// was watched again for EPOLLIN only while lc.writing was still set: the
// rest of the replies waited for an EPOLLOUT the loop no longer asked
// for, and the client never got them (eventLoop.arm now derives what is
// watched from the state).
func TestEventLoopReviewBounceWhileWriting(t *testing.T) {
	eachConnModel(t, testBounceWhileWriting)
}

func testBounceWhileWriting(t *testing.T, s *brokertest.Server) {
	big := strings.Repeat("x", 8<<20) // more than the socket buffers take
	if got := s.Dial().Do("SET big " + big); got != "OK" {
		t.Fatalf("SET: %s", got)
	}
	contend(t, s, 4)
	w, p := s.Dial(), s.Dial()
	// A small receive window, so the socket takes only part of GET big.
	if err := w.Conn.(*net.TCPConn).SetReadBuffer(64 << 10); err != nil {
		t.Fatal(err)
	}
	const incrs = 20
	for round := 0; round < 10; round++ {
		w.Send(brokertest.Encode([]byte("GET"), []byte("big")) +
			brokertest.Encode([]byte("BLPOP"), []byte("q"), []byte("0")) +
			strings.Repeat(brokertest.Encode([]byte("INCR"), []byte("n")), incrs))
		waitBlocked(t, s, 1)
		if got := p.Do("RPUSH q x"); got != "(int) 1" {
			t.Fatalf("round %d: RPUSH: %s", round, got)
		}
		if got := w.Read(); got != `"`+big+`"` {
			t.Fatalf("round %d: GET big: %d bytes", round, len(got))
		}
		if got := w.Read(); got != `["q" "x"]` {
			t.Fatalf("round %d: BLPOP: %s", round, got)
		}
		for i := 0; i < incrs; i++ {
			if got, want := w.Read(), fmt.Sprintf("(int) %d", round*incrs+i+1); got != want {
				t.Fatalf("round %d: INCR %d: got %s, want %s", round, i, got, want)
			}
		}
	}
}
