package broker_test

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/brokerd/brokerd/broker"
	"github.com/brokerd/brokerd/internal/brokertest"
	"github.com/brokerd/brokerd/wal"
)

// diskFault fails the log's writes while it is on, as a full disk does.
type diskFault struct {
	mu  sync.Mutex
	err error
}

func (f *diskFault) set(err error) {
	f.mu.Lock()
	f.err = err
	f.mu.Unlock()
}

func (f *diskFault) check() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.err
}

// TestFullDiskRefusesWritesUntilItRecovers: while the log cannot be
// written, the write that hit the failure gets no reply, later writes get
// MISCONF, reads work; once the disk works again, writes come back by
// themselves, and nothing acknowledged before is lost across a restart.
func TestFullDiskRefusesWritesUntilItRecovers(t *testing.T) {
	for _, which := range []string{"write", "fsync"} {
		t.Run(which, func(t *testing.T) {
			var f diskFault
			faults := &wal.Faults{Write: f.check}
			if which == "fsync" {
				faults = &wal.Faults{Sync: f.check}
			}
			s := brokertest.Start(t, brokertest.WithConfig(func(c *broker.Config) { c.WALFaults = faults }))
			r := s.Dial()
			for i := 0; i < 20; i++ {
				if got := r.Do(fmt.Sprintf("SET k%d v%d", i, i)); got != "OK" {
					t.Fatalf("SET = %s", got)
				}
			}

			f.set(errors.New("no space left on device"))
			victim := s.Dial()
			victim.Send(brokertest.Encode([]byte("SET"), []byte("lost"), []byte("1")))
			brokertest.Eventually(t, 10*time.Second, func() error {
				if !victim.Closed() {
					return errors.New("the client whose write failed is still connected")
				}
				return nil
			})
			if got := r.Do("SET k0 changed"); !strings.HasPrefix(got, "MISCONF") {
				t.Fatalf("SET during the fault = %s, want MISCONF", got)
			}
			if got := r.Do("GET k1"); got != `"v1"` {
				t.Fatalf("GET during the fault = %s", got)
			}
			if got := infoField(t, r, "aof_last_write_status"); got != "err" {
				t.Errorf("aof_last_write_status during the fault = %s", got)
			}

			f.set(nil)
			brokertest.Eventually(t, 10*time.Second, func() error {
				if got := r.Do("SET after 1"); got != "OK" {
					return fmt.Errorf("SET after the fault = %s", got)
				}
				return nil
			})
			if got := infoField(t, r, "aof_last_write_status"); got != "ok" {
				t.Errorf("aof_last_write_status after recovery = %s", got)
			}
			before := dumpKeyspace(t, s.Dial())
			s.Restart()
			after := dumpKeyspace(t, s.Dial())
			for i := 0; i < 20; i++ {
				if k := fmt.Sprintf("0/k%d", i); after[k] != before[k] || !strings.Contains(after[k], fmt.Sprintf(`"v%d"`, i)) {
					t.Errorf("%s after restart = %q, want v%d", k, after[k], i)
				}
			}
			// The unacknowledged write was applied in memory, so the log
			// holds it too: live and restarted keyspaces agree.
			if after["0/lost"] != before["0/lost"] || after["0/after"] == "" {
				t.Errorf("restart differs from live: lost %q/%q, after %q", before["0/lost"], after["0/lost"], after["0/after"])
			}
		})
	}
}
