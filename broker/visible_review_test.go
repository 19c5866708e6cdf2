package broker_test

// Tests from a review of 18200f1 (the loop waits for a pass's writes
// before any reply), 94f15ec (hungUp cleared when the serve won) and
// 9efc96d (wal.Log.Tail and client.visible).

import (
	"errors"
	"testing"
	"time"

	"github.com/brokerd/brokerd/broker"
	"github.com/brokerd/brokerd/internal/brokertest"
	"github.com/brokerd/brokerd/wal"
)

// withGate runs each subtest of eachConnModel under appendfsync always
// with its own syncGate, which *gate points to while it runs.
func withGate(gate **syncGate) brokertest.Option {
	return brokertest.WithConfig(func(c *broker.Config) {
		g := newSyncGate()
		*gate, c.WALFaults, c.AppendFsync = g, &wal.Faults{Sync: g.sync}, wal.Always
	})
}

// Under appendfsync always Redis writes every reply, and every pub/sub
// message, in handleClientsWithPendingWrites, after beforeSleep fsynced
// the AOF: a subscriber to keyspace events learns of a SET only once the
// SET is durable. Here the notification goes to the subscriber's outbox,
// whose goroutine writes it at once, while the SET's fsync is held (no
// path of Outbox.Deliver goes through Server.durable).
func TestVisibleReviewKeyspaceEventBeforeWriteIsDurable(t *testing.T) {
	var gate *syncGate
	eachConnModel(t, func(t *testing.T, s *brokertest.Server) {
		gate := gate
		t.Cleanup(gate.open) // before the server closes (cleanups run last first)
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
			if waitingForLog() >= 2 || received(t, sub) {
				return nil
			}
			return errors.New("the notification is neither out nor waiting for the log")
		})
		if received(t, sub) {
			t.Errorf("the subscriber got the keyspace event of a SET whose fsync is held: %s", sub.Read())
		}
	}, withGate(&gate))
}

// 9efc96d makes a served waiter whose retry logged nothing (XREAD) take
// the log's Tail as its own pending record, so Server.durable treats the
// failure of the XADD that fed it as the reader's own: the reader's
// connection is dropped without a reply. Yet the commit says "a failure
// is its writer's to report: reads go on", and durable ignores the error
// of cl.visible: a GET or an XRANGE of the same entry is answered. The
// entry stays in the keyspace (the log writes it again once it recovers),
// so dropping the blocked reader hides nothing: it reconnects and reads it
// with XREAD or XRANGE. Under MISCONF reads must keep working.
func TestVisibleReviewServedXReadDroppedWhenPushFails(t *testing.T) {
	var gate *syncGate
	eachConnModel(t, func(t *testing.T, s *brokertest.Server) {
		gate := gate
		t.Cleanup(gate.open)
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
	}, withGate(&gate))
}
