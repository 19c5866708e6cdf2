package broker_test

import (
	"reflect"
	"testing"

	"github.com/brokerd/brokerd/internal/brokertest"
)

// TestSetsSurviveSnapshots: a snapshot restores every set, with its
// encoding (intsets, listpacks and large hashtables), members and TTL,
// and nothing from the log after it.
func TestSetsSurviveSnapshots(t *testing.T) {
	for _, cmd := range []string{"SAVE", "BGSAVE", "BGREWRITEAOF"} {
		t.Run(cmd, func(t *testing.T) {
			s := brokertest.Start(t)
			r := s.Dial()
			doLines(t, r, []string{
				"SADD ints 5 3 9 -1",
				"SADD mixed a 1 b 2",
				"SADD big " + setArgs("member-", 2500),
				"SADD bigints " + setArgs("", 700),
				"SPOP big 100",
				"SREM mixed b",
				"SADD ttl x",
				"PEXPIRE ttl 100000",
				`SADD bin "\x00\xff" "" "\r\n"`,
				"SADD a 1 2 3",
				"SADD b 2 3 4",
				"SINTERSTORE inter a b",
			})
			before := dumpKeyspace(t, r)
			snapshotThenRestart(t, s, r, cmd)
			if after := dumpKeyspace(t, s.Dial()); !reflect.DeepEqual(before, after) {
				t.Fatalf("sets changed across %s and restart\nbefore: %.3000v\n after: %.3000v", cmd, before, after)
			}
		})
	}
}
