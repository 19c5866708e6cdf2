package broker_test

import (
	"reflect"
	"strconv"
	"testing"

	"github.com/brokerd/brokerd/internal/brokertest"
)

// dumpListValues describes every list of database 0: elements and expiry.
func dumpListValues(t *testing.T, r *brokertest.Raw) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, key := range scanKeys(t, r) {
		q := strconv.Quote(key)
		if r.Do("TYPE "+q) == "list" {
			out[key] = r.Do("LRANGE "+q+" 0 -1") + " " + r.Do("PEXPIRETIME "+q) + " " + r.Do("OBJECT ENCODING "+q)
		}
	}
	return out
}

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
			before := dumpListValues(t, r)
			if got := r.Do(cmd); got != "OK" && got != "Background saving started" && got != "Background append only file rewriting started" {
				t.Fatalf("%s = %s", cmd, got)
			}
			if cmd != "SAVE" {
				waitSnapshot(t, r, map[string]string{"BGSAVE": "rdb_last_bgsave_status", "BGREWRITEAOF": "aof_last_bgrewrite_status"}[cmd])
			}
			s.Restart()
			if after := dumpListValues(t, s.Dial()); !reflect.DeepEqual(before, after) {
				t.Fatalf("lists changed across %s and restart\nbefore: %v\n after: %v", cmd, before, after)
			}
		})
	}
}
