package broker_test

import (
	"strings"
	"testing"
	"time"

	"github.com/brokerd/brokerd/broker"
	"github.com/brokerd/brokerd/internal/brokertest"
)

// oneSecondTimeout starts the server with an idle timeout of 1 s.
var oneSecondTimeout = brokertest.WithConfig(func(c *broker.Config) { c.Timeout = time.Second })

// subscriberAndMonitor dials a client subscribed to ch and a MONITOR.
func subscriberAndMonitor(t *testing.T, s *brokertest.Server) (sub, mon *brokertest.Raw) {
	t.Helper()
	sub, mon = s.Dial(), s.Dial()
	if got := sub.Do("SUBSCRIBE ch"); !strings.Contains(got, "subscribe") {
		t.Fatalf("SUBSCRIBE: %s", got)
	}
	adminExpect(t, mon, []adminCase{{"MONITOR", "OK"}})
	return sub, mon
}

// The idle timeout spares the clients Redis spares: a subscriber and a
// MONITOR stay open however long they are idle. redcon closed them too.
func TestIdleTimeoutSparesSubscribersAndMonitors(t *testing.T) {
	eachConnModel(t, func(t *testing.T, s *brokertest.Server) {
		sub, mon := subscriberAndMonitor(t, s)
		idle := s.Dial()
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
	}, oneSecondTimeout)
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

// The idle timeout spares a subscriber and a MONITOR only while they are
// one: after RESET, as after Redis's clearClientConnectionState,
// the connection is an ordinary client again and is closed when idle.
func TestIdleTimeoutAppliesAgainAfterReset(t *testing.T) {
	eachConnModel(t, func(t *testing.T, s *brokertest.Server) {
		sub, mon := subscriberAndMonitor(t, s)
		for _, r := range []*brokertest.Raw{mon, sub} { // the monitor first: it would see the other RESET
			adminExpect(t, r, []adminCase{{"RESET", "RESET"}})
		}
		if !sub.Closed() {
			t.Error("a former subscriber was not closed when idle")
		}
		if !mon.Closed() {
			t.Error("a former monitor was not closed when idle")
		}
	}, oneSecondTimeout)
}
