package broker_test

// Under appendfsync always Redis sends no reply, and no pub/sub message,
// before the fsync of the writes that came before it (beforeSleep), so no
// client reads what a crash could still take back. These tests hold an
// fsync (syncGate) and check what goes out meanwhile.

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

// withGate runs the server under appendfsync always with a syncGate of
// its own, which *gate points to while it runs.
func withGate(gate **syncGate) brokertest.Option {
	return brokertest.WithConfig(func(c *broker.Config) {
		g := newSyncGate()
		*gate, c.WALFaults, c.AppendFsync = g, &wal.Faults{Sync: g.sync}, wal.Always
	})
}

// eachConnModelGated is eachConnModel under withGate: fn gets the
// subtest's gate, opened when the subtest ends.
func eachConnModelGated(t *testing.T, fn func(t *testing.T, s *brokertest.Server, gate *syncGate)) {
	var gate *syncGate // the running subtest's
	eachConnModel(t, func(t *testing.T, s *brokertest.Server) {
		g := gate
		t.Cleanup(g.open) // before the server closes (cleanups run last first)
		fn(t, s, g)
	}, withGate(&gate))
}

// goroutinesWaitingForLog counts the goroutines waiting for a WAL record
// whose stack also holds in.
func goroutinesWaitingForLog(in string) int {
	buf := make([]byte, 8<<20)
	buf = buf[:runtime.Stack(buf, true)]
	n := 0
	for _, g := range strings.Split(string(buf), "\n\n") {
		if strings.Contains(g, "wal.(*Pending).wait") && strings.Contains(g, in) {
			n++
		}
	}
	return n
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

// Under appendfsync always Redis sends no reply before the fsync of the
// writes that came before it, so no client reads a value that a crash can
// still take back. Here a script (which leaves the event loop) SETs a key
// and its fsync is held; a GET of the key from another client must not be
// answered meanwhile, whichever goroutine serves it.
func TestReadWaitsForTheWritesItShows(t *testing.T) {
	eachConnModelGated(t, func(t *testing.T, s *brokertest.Server, gate *syncGate) {
		writer, reader := s.Dial(), s.Dial()
		if got := reader.Do("PING"); got != "PONG" {
			t.Fatalf("PING: %s", got)
		}
		gate.armed.Store(true)
		writer.Send(brokertest.Encode([]byte("EVAL"), []byte("return redis.call('SET', 'k', 'v')"), []byte("0")))
		<-gate.entered
		reader.Send(brokertest.Encode([]byte("GET"), []byte("k")))
		// The GET has run once two goroutines wait for the log (the
		// script's client, and the reader's or the loop), or else its
		// reply is out.
		brokertest.Eventually(t, 10*time.Second, func() error {
			if goroutinesWaitingForLog("") >= 2 || received(t, reader) {
				return nil
			}
			return errors.New("the GET has not run yet")
		})
		if received(t, reader) {
			t.Errorf("GET was answered while the fsync of the SET it reads was held")
		}
	})
}

// Under appendfsync always Redis writes every reply, and every pub/sub
// message, in handleClientsWithPendingWrites, after beforeSleep fsynced
// the AOF: a subscriber to keyspace events learns of a SET only once the
// SET is durable. Here the notification goes to the subscriber's outbox,
// whose goroutine writes it at once, while the SET's fsync is held (no
// path of Outbox.Deliver goes through Server.durable).
func TestKeyspaceEventWaitsForTheWriteItTells(t *testing.T) {
	eachConnModelGated(t, func(t *testing.T, s *brokertest.Server, gate *syncGate) {
		if got := s.Dial().Do("CONFIG SET notify-keyspace-events KA"); got != "OK" {
			t.Fatalf("CONFIG SET: %s", got)
		}
		sub, writer := s.Dial(), s.Dial()
		if got := sub.Do("SUBSCRIBE __keyspace@0__:k"); got != `["subscribe" "__keyspace@0__:k" (int) 1]` {
			t.Fatalf("SUBSCRIBE: %s", got)
		}
		gate.armed.Store(true)
		writer.Send(brokertest.Encode([]byte("SET"), []byte("k"), []byte("v")))
		<-gate.entered // the SET ran (and published its event); its fsync is held
		// A notification that waited for the log would have a second
		// goroutine waiting for it (besides the SET's client or the loop).
		brokertest.Eventually(t, 10*time.Second, func() error {
			if goroutinesWaitingForLog("") >= 2 || received(t, sub) {
				return nil
			}
			return errors.New("the notification is neither out nor waiting for the log")
		})
		if received(t, sub) {
			t.Errorf("the subscriber got the keyspace event of a SET whose fsync is held: %s", sub.Read())
		}
	})
}

// A served waiter whose retry logged nothing (XREAD) waits for the log's
// tail, as a read does, and ignores its failure: the failure of the XADD
// that fed it is the XADD's to report. A GET or an XRANGE of the same
// entry is answered, since the entry stays in the keyspace (the log
// writes it again once it recovers), and under MISCONF reads must keep
// working. When the waiter took the tail as its own record, its
// connection was dropped without a reply.
func TestServedXReadAnsweredWhenItsPushFails(t *testing.T) {
	eachConnModelGated(t, func(t *testing.T, s *brokertest.Server, gate *syncGate) {
		reader, writer, other := s.Dial(), s.Dial(), s.Dial()
		reader.Send(brokertest.Encode([]byte("XREAD"), []byte("BLOCK"), []byte("0"), []byte("STREAMS"), []byte("s"), []byte("$")))
		waitBlocked(t, s, 1)
		gate.armed.Store(true)
		writer.Send(brokertest.Encode([]byte("XADD"), []byte("s"), []byte("1-0"), []byte("f"), []byte("v")))
		<-gate.entered
		gate.open() // the XADD's fsync fails: the log fails (MISCONF)
		if got := writer.Read(); got != "<closed>" {
			t.Fatalf("XADD whose fsync failed: %s, want the connection closed", got)
		}
		if got := other.Do("XRANGE s - +"); got != `[["1-0" ["f" "v"]]]` {
			t.Fatalf("XRANGE after the failed fsync: %s", got)
		}
		if got := reader.Read(); got != `[["s" [["1-0" ["f" "v"]]]]]` {
			t.Errorf("XREAD served by the XADD whose fsync failed: %s, want the entry (XRANGE shows it)", got)
		}
	})
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
func TestXReadServedByAPushWaitsForItsSync(t *testing.T) {
	var gate *syncGate
	s := brokertest.Start(t, withGate(&gate), brokertest.WithConfig(func(c *broker.Config) { c.ConnGoroutines = false }))
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
		if goroutinesWaitingForLog("(*eventLoop).flush") == 0 {
			return errors.New("the loop does not wait for the XADD's fsync yet")
		}
		return nil
	})
	if received(t, w) {
		t.Errorf("the XREAD waiter was sent entry 2-0 while the XADD's fsync was held")
	}
}
