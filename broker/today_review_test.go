package broker_test

// Tests from a review of 9a95106 (BlockRequest.ReadyClass), 49df8e4
// (client.hungUp) and e1d2274 (the loop's LIFO flush).

import (
	"errors"
	"net"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/brokerd/brokerd/broker"
	"github.com/brokerd/brokerd/internal/brokertest"
	"github.com/brokerd/brokerd/wal"
)

// Consumers of one group wait on a stream; a transaction destroys the
// group, creates one of the same name (a new *Group, so a new
// ReadyClass) and adds an entry. As in Redis 7.2, every waiter is run
// again: the first gets the entry, the others wait on in the new group,
// in their order, and the next entry goes to the second. A scan that
// took the old group's class for the new one would leave them unserved.
func TestTodayReviewGroupRecreatedUnderWaiters(t *testing.T) {
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

// loopWaitsForSync reports whether the event loop's goroutine is inside
// flush, waiting for a WAL record to be durable.
func loopWaitsForSync() bool {
	buf := make([]byte, 8<<20)
	buf = buf[:runtime.Stack(buf, true)]
	for _, g := range strings.Split(string(buf), "\n\n") {
		if strings.Contains(g, "(*eventLoop).flush") && strings.Contains(g, "wal.(*Pending).wait") {
			return true
		}
	}
	return false
}

// received reports whether bytes wait in r's socket, without waiting.
func received(t *testing.T, r *brokertest.Raw) bool {
	t.Helper()
	rc, err := r.Conn.(*net.TCPConn).SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	var b [1]byte
	if err := rc.Read(func(fd uintptr) bool {
		n, _, _ = syscall.Recvfrom(int(fd), b[:], syscall.MSG_PEEK|syscall.MSG_DONTWAIT)
		return true
	}); err != nil {
		t.Fatal(err)
	}
	return n > 0
}

// Under appendfsync always Redis writes the AOF and fsyncs it in
// beforeSleep, before it sends any reply of the iteration, so no client
// reads an entry that a crash could still take back. Before e1d2274 the
// loop sent a pass's replies in the order marked, the pusher first: its
// send waited for the fsync of the XADD, and an XREAD it served (whose
// retry logs nothing, so its reply waits for no record) went out after.
// Sent last-marked first, the XREAD reply goes out while the XADD's fsync
// is still held. (The goroutine model already does so: handOff writes the
// waiter's reply before the pusher's awaitDurable.)
func TestTodayReviewXReadServedBeforePushIsDurable(t *testing.T) {
	gate := newSyncGate()
	s := brokertest.Start(t, brokertest.WithFsync(wal.Always), brokertest.WithConfig(func(c *broker.Config) {
		c.WALFaults = &wal.Faults{Sync: gate.sync}
		c.ConnGoroutines = false
	}))
	t.Cleanup(gate.open) // before the server closes (cleanups run last first)
	if got := s.Dial().Do("XADD s 1-0 f v"); got != `"1-0"` {
		t.Fatalf("XADD: %s", got)
	}
	w, p := s.Dial(), s.Dial()
	w.Send(brokertest.Encode([]byte("XREAD"), []byte("BLOCK"), []byte("0"), []byte("STREAMS"), []byte("s"), []byte("$")))
	waitBlocked(t, s, 1)

	gate.armed.Store(true)
	p.Send(brokertest.Encode([]byte("XADD"), []byte("s"), []byte("2-0"), []byte("f"), []byte("v")))
	// The pass that ran the XADD and served w now waits for the held
	// fsync: whatever it sent before waiting is out.
	brokertest.Eventually(t, 10*time.Second, func() error {
		if !loopWaitsForSync() {
			return errors.New("the loop does not wait for the XADD's fsync yet")
		}
		return nil
	})
	if received(t, w) {
		t.Errorf("the XREAD waiter was sent entry 2-0 while the XADD's fsync was held")
	}
}
