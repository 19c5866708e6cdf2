package broker_test

import (
	"reflect"
	"strconv"
	"testing"

	"github.com/brokerd/brokerd/internal/brokertest"
)

// dumpSetValues describes every set of database 0: expiry, encoding and
// sorted members.
func dumpSetValues(t *testing.T, r *brokertest.Raw) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, key := range scanKeys(t, r) {
		q := strconv.Quote(key)
		if r.Do("TYPE "+q) == "set" {
			out[key] = describeSet(t, r, q)
		}
	}
	return out
}

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
			before := dumpSetValues(t, r)
			if got := r.Do(cmd); got != "OK" && got != "Background saving started" && got != "Background append only file rewriting started" {
				t.Fatalf("%s = %s", cmd, got)
			}
			if cmd != "SAVE" {
				waitSnapshot(t, r, map[string]string{"BGSAVE": "rdb_last_bgsave_status", "BGREWRITEAOF": "aof_last_bgrewrite_status"}[cmd])
			}
			s.Restart()
			if after := dumpSetValues(t, s.Dial()); !reflect.DeepEqual(before, after) {
				t.Fatalf("sets changed across %s and restart\nbefore: %.3000v\n after: %.3000v", cmd, before, after)
			}
		})
	}
}
