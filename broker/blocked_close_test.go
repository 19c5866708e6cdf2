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
