package broker_test

import (
	"reflect"
	"testing"

	"github.com/brokerd/brokerd/internal/brokertest"
)

// TestListsSurviveSnapshots: a snapshot with lists (a reliable queue's
// pending and processing lists among them) restores them exactly, with
// nothing from the log after it.
func TestListsSurviveSnapshots(t *testing.T) {
	for _, cmd := range []string{"SAVE", "BGSAVE", "BGREWRITEAOF"} {
		t.Run(cmd, func(t *testing.T) {
			s := brokertest.Start(t)
			r := s.Dial()
			doLines(t, r, []string{
				"300* RPUSH jobs job-payload-0123456789",
				"LPUSH jobs first",
				"5* LMOVE jobs processing RIGHT LEFT",
				"LREM processing 1 job-payload-0123456789",
				"RPUSH small a b c",
				"LSET small 1 B",
				"RPUSH ttl x",
				"PEXPIRE ttl 100000",
				`RPUSH bin "\x00\xff" "" "\r\n"`,
			})
			before := dumpKeyspace(t, r)
			snapshotThenRestart(t, s, r, cmd)
			if after := dumpKeyspace(t, s.Dial()); !reflect.DeepEqual(before, after) {
				t.Fatalf("lists changed across %s and restart\nbefore: %v\n after: %v", cmd, before, after)
			}
		})
	}
}
