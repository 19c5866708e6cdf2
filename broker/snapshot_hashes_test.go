package broker_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/brokerd/brokerd/internal/brokertest"
)

// TestHashesSurviveSnapshots: a snapshot with hashes, packed and
// hashtable, restores them exactly, with nothing from the log after it.
// A hashtable comes back a hashtable here because each has more than 512
// fields or a long value; a small one would come back packed, as from
// Redis's RDB.
func TestHashesSurviveSnapshots(t *testing.T) {
	for _, cmd := range []string{"SAVE", "BGSAVE", "BGREWRITEAOF"} {
		t.Run(cmd, func(t *testing.T) {
			s := brokertest.Start(t)
			r := s.Dial()
			doLines(t, r, []string{
				"HSET small b 2 a 1 c 3",
				"HDEL small a",
				"HINCRBY small n 7",
				"HINCRBYFLOAT small f 0.1",
				"HSET big " + manyPairs(1500),
				"HDEL big f7",
				"HSET long a " + strings.Repeat("x", 65) + " b 1",
				"HSET ttl x 1",
				"PEXPIRE ttl 100000",
				`HSET bin "\x00\xff" "" "" "\r\n"`,
			})
			before := dumpKeyspace(t, r)
			snapshotThenRestart(t, s, r, cmd)
			if after := dumpKeyspace(t, s.Dial()); !reflect.DeepEqual(before, after) {
				t.Fatalf("hashes changed across %s and restart\nbefore: %.2000v\n after: %.2000v", cmd, before, after)
			}
		})
	}
}
