package broker_test

import (
	"strings"
	"testing"
	"time"

	"github.com/brokerd/brokerd/broker"
	"github.com/brokerd/brokerd/internal/brokertest"
)

// The idle timeout spares the clients Redis spares: a subscriber and a
// MONITOR stay open however long they are idle. redcon closed them too.
func TestIdleTimeoutSparesSubscribersAndMonitors(t *testing.T) {
	timeout := brokertest.WithConfig(func(c *broker.Config) { c.Timeout = time.Second })
	eachConnModel(t, func(t *testing.T, s *brokertest.Server) {
		sub, mon, idle := s.Dial(), s.Dial(), s.Dial()
		if got := sub.Do("SUBSCRIBE ch"); !strings.Contains(got, "subscribe") {
			t.Fatalf("SUBSCRIBE: %s", got)
		}
		adminExpect(t, mon, []adminCase{{"MONITOR", "OK"}})
		adminExpect(t, idle, []adminCase{{"PING", "PONG"}})
		if !idle.Closed() { // Closed waits up to 10s for the server to hang up
			t.Fatal("an idle connection was not closed")
		}
		// The subscriber and the monitor were idle as long.
		if got := s.Dial().Do("PUBLISH ch m"); got != "(int) 1" {
			t.Fatalf("PUBLISH: %s, want the idle subscriber still there", got)
		}
		if got := sub.Read(); !strings.Contains(got, `"m"`) {
			t.Errorf("the subscriber got %s", got)
		}
		for i := 0; ; i++ {
			line := mon.Read()
			if strings.Contains(line, `"PUBLISH"`) {
				break
			}
			if i == 10 {
				t.Fatalf("MONITOR: no PUBLISH line, last %s", line)
			}
		}
	}, timeout)
}

// CONFIG SET timeout reaches an open connection that a goroutine serves
// (one that ran a script left the event loop) from its next command on;
// redcon applied the timeout of when it took the connection over.
func TestConfigSetTimeoutReachesConnectionsOutsideTheLoop(t *testing.T) {
	eachConnModel(t, func(t *testing.T, s *brokertest.Server) {
		scripted, admin := s.Dial(), s.Dial()
		scripted.Send(brokertest.Encode([]byte("EVAL"), []byte("return 1"), []byte("0")))
		if got := scripted.Read(); got != "(int) 1" {
			t.Fatalf("EVAL: %s", got)
		}
		adminExpect(t, admin, []adminCase{{"CONFIG SET timeout 1", "OK"}})
		adminExpect(t, scripted, []adminCase{{"PING", "PONG"}})
		if !scripted.Closed() {
			t.Fatal("a connection opened before CONFIG SET timeout was not closed when idle")
		}
	})
}
