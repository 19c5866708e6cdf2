package broker_test

// Tests from a second review of the event loop (eventloop*.go after
// 4c289fa): what the epoll set watches while a client's replies are
// half written (lc.writing), and what leaves the loop in that state.

import (
	"errors"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/brokerd/brokerd/broker"
	"github.com/brokerd/brokerd/internal/brokertest"
	"github.com/brokerd/brokerd/wal"
)

// syncGate holds the log's next fsync once armed, until released, and
// then fails it, so that the records it covers are never durable.
type syncGate struct {
	armed   atomic.Bool
	entered chan struct{}
	release chan struct{}
	once    sync.Once
}

func newSyncGate() *syncGate {
	return &syncGate{entered: make(chan struct{}), release: make(chan struct{})}
}

func (g *syncGate) sync() error {
	if !g.armed.CompareAndSwap(true, false) {
		return nil
	}
	close(g.entered)
	<-g.release
	return errors.New("injected fsync failure")
}

func (g *syncGate) open() { g.once.Do(func() { close(g.release) }) }

// bigValue is more than the socket buffers take, with the client's
// receive buffer made small (smallWindow): the loop writes part of a GET
// of it and waits for EPOLLOUT (lc.writing).
var bigValue = strings.Repeat("x", 8<<20)

func smallWindow(t *testing.T, r *brokertest.Raw) {
	t.Helper()
	if err := r.Conn.(*net.TCPConn).SetReadBuffer(64 << 10); err != nil {
		t.Fatal(err)
	}
}

// Under appendfsync always a reply goes out only once the log holds the
// write it acknowledges. When the loop left the wait for a sync to a
// goroutine, a client whose earlier replies were half written stayed
// watched for EPOLLOUT meanwhile, and run() called send for it on that
// event, which wrote the whole output buffer, the reply that waited for
// its sync too. (The loop now waits for the sync itself.)
// Here a client is half way through GET big and waits in BLPOP; a push
// serves it, the pop's fsync is held and then fails. The pop's reply
// must never reach the client (Server.durable drops the connection
// instead); it did, as soon as the client read on.
func TestEventLoopReview2SendWhileSyncing(t *testing.T) {
	gate := newSyncGate()
	s := brokertest.Start(t, brokertest.WithFsync(wal.Always),
		brokertest.WithConfig(func(c *broker.Config) { c.WALFaults = &wal.Faults{Sync: gate.sync} }))
	t.Cleanup(gate.open) // before the server closes (cleanups run last first)
	if got := s.Dial().Do("SET big " + bigValue); got != "OK" {
		t.Fatalf("SET: %s", got)
	}
	w, p := s.Dial(), s.Dial()
	smallWindow(t, w)
	w.Send(brokertest.Encode([]byte("GET"), []byte("big")) +
		brokertest.Encode([]byte("BLPOP"), []byte("q"), []byte("0")))
	waitBlocked(t, s, 1)

	gate.armed.Store(true)
	p.Send(brokertest.Encode([]byte("RPUSH"), []byte("q"), []byte("x")))
	<-gate.entered // RPUSH ran, and served w, in one pass of the loop
	gate.open()    // the fsync fails: neither the push nor the pop is durable
	// w reads to the end of its connection, which is dropped without the
	// pop's reply.
	w.Conn.SetReadDeadline(time.Now().Add(30 * time.Second))
	if b, _ := io.ReadAll(w.Conn); strings.Contains(string(b), "*2\r\n$1\r\nq\r\n$1\r\nx\r\n") {
		t.Fatalf("the BLPOP reply was sent though its fsync failed")
	}
}

// A client that leaves the loop (SUBSCRIBE, admin commands, scripts,
// inline requests) while its replies are half written: leaveEventLoop
// wrote the output buffer from the start, so the bytes the loop had
// already written went out twice; now leave drops them first. The
// client is in
// that state when a request it sent while waiting in BLPOP runs from
// endWait (or from a bounced command's return, takeHandedIn).
func TestEventLoopReview2LeaveWhileWriting(t *testing.T) {
	s := brokertest.Start(t)
	if got := s.Dial().Do("SET big " + bigValue); got != "OK" {
		t.Fatalf("SET: %s", got)
	}
	w, p := s.Dial(), s.Dial()
	smallWindow(t, w)
	w.Send(brokertest.Encode([]byte("GET"), []byte("big")) +
		brokertest.Encode([]byte("BLPOP"), []byte("q"), []byte("0")) +
		brokertest.Encode([]byte("SUBSCRIBE"), []byte("ch")))
	waitBlocked(t, s, 1)
	if got := p.Do("RPUSH q x"); got != "(int) 1" {
		t.Fatalf("RPUSH: %s", got)
	}
	if got := w.Read(); got != `"`+bigValue+`"` {
		i := strings.IndexFunc(got[1:], func(r rune) bool { return r != 'x' })
		t.Fatalf("GET big: %d bytes, not x from byte %d: %.40q", len(got), i+1, got[max(i, 0):])
	}
	if got := w.Read(); got != `["q" "x"]` {
		t.Fatalf("BLPOP: %.80s", got)
	}
	if got := w.Read(); got != `["subscribe" "ch" (int) 1]` {
		t.Fatalf("SUBSCRIBE: %.80s", got)
	}
}

// At Close the loop closed every connection it held (shutdown), a
// bounced one too, while its command still ran on its goroutine: close
// and forget read cl.watching while a bounced WATCH appended to it (a
// data race under -race), and the command then registered watches for a
// client already forgotten. Now drain lets bounced commands finish first. contend keeps the keyspace lock
// taken so that WATCHes are bounced and still in flight at Close.
func TestEventLoopReview2CloseWhileBounced(t *testing.T) {
	s := brokertest.Start(t)
	contend(t, s, 4)
	var rs []*brokertest.Raw
	for i := 0; i < 100; i++ {
		r := s.Dial()
		r.Send(strings.Repeat(brokertest.Encode([]byte("WATCH"), []byte("k")), 5))
		rs = append(rs, r)
	}
	s.Close()
	for _, r := range rs {
		r.Read() // a reply or closed, either way
	}
}

// A blocked client whose connection closes while the keyspace lock is
// held (here by a script) cannot leave its queues until the lock is free.
// A push made under that same lock must pass it over, as Redis frees a
// client the moment it reads the close: served, the element would go to
// a dead socket and be lost.
func TestEventLoopReview2HungUpWaiterIsNotServed(t *testing.T) {
	eachConnModel(t, func(t *testing.T, s *brokertest.Server) {
		entered, release := make(chan struct{}, 1), make(chan struct{})
		s.AddScriptHold(entered, release)
		defer func() {
			select {
			case <-release:
			default:
				close(release)
			}
		}()
		waiter, runner, check := s.Dial(), s.Dial(), s.Dial()
		id, err := strconv.ParseInt(strings.TrimPrefix(waiter.Do("CLIENT ID"), "(int) "), 10, 64)
		if err != nil {
			t.Fatal(err)
		}
		waiter.Send(brokertest.Encode([]byte("BRPOP"), []byte("q"), []byte("0")))
		waitBlocked(t, s, 1)
		runner.Send(brokertest.Encode([]byte("EVAL"), []byte("hold() return redis.call('LPUSH', 'q', 'job')"), []byte("0")))
		<-entered
		waiter.Conn.Close()
		brokertest.Eventually(t, 5*time.Second, func() error {
			if !s.ClientHungUp(id) {
				return errors.New("the close is not seen yet")
			}
			return nil
		})
		close(release)
		if got := runner.Read(); got != "(int) 1" {
			t.Fatalf("EVAL: %s", got)
		}
		if got := check.Do("LLEN q"); got != "(int) 1" {
			t.Errorf("LLEN q after a push to a hung-up waiter = %s, want the job still queued", got)
		}
		waitBlocked(t, s, 0)
	})
}
