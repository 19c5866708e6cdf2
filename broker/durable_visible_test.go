package broker_test

import (
	"errors"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/brokerd/brokerd/internal/brokertest"
)

// Under appendfsync always Redis sends no reply before the fsync of the
// writes that came before it, so no client reads a value that a crash can
// still take back. Here a script (which leaves the event loop) SETs a key
// and its fsync is held; a GET of the key from another client must not be
// answered meanwhile, whichever goroutine serves it.
func TestReadWaitsForTheWritesItShows(t *testing.T) {
	var gate *syncGate // the running subtest's
	eachConnModel(t, func(t *testing.T, s *brokertest.Server) {
		gate := gate
		t.Cleanup(gate.open) // before the server closes (cleanups run last first)
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
			if waitingForLog() >= 2 || received(t, reader) {
				return nil
			}
			return errors.New("the GET has not run yet")
		})
		if received(t, reader) {
			t.Errorf("GET was answered while the fsync of the SET it reads was held")
		}
	}, withGate(&gate))
}

// waitingForLog counts the goroutines waiting for a WAL record.
func waitingForLog() int {
	buf := make([]byte, 8<<20)
	buf = buf[:runtime.Stack(buf, true)]
	n := 0
	for _, g := range strings.Split(string(buf), "\n\n") {
		if strings.Contains(g, "wal.(*Pending).wait") {
			n++
		}
	}
	return n
}
