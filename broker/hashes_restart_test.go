package broker_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/brokerd/brokerd/internal/brokertest"
	"github.com/brokerd/brokerd/wal"
)

// manyPairs is "f0 v f1 v ..." for n fields.
func manyPairs(n int) string {
	var b strings.Builder
	for i := range n {
		b.WriteString(" f" + strconv.Itoa(i) + " v")
	}
	return b.String()[1:]
}

// hashRestartScenarios exercise every hash write; after each, the hashes
// (pairs, order, encoding, expiry) must be the same once the server
// restarts from its log.
var hashRestartScenarios = map[string][]string{
	"HSET/HMSET":   {"HSET h a 1 b 2", "HMSET h c 3 a 4", "HSET h b 5"},
	"HSETNX":       {"HSETNX h a 1", "HSETNX h a 2", "HSETNX h b 2"},
	"HDEL":         {"HSET h a 1 b 2 c 3", "HDEL h b x", "HSET g a 1", "HDEL g a", "HDEL missing a"},
	"HINCRBY":      {"HINCRBY h n 5", "HINCRBY h n -8", "HSET h s x", "HINCRBY h s2 1"},
	"HINCRBYFLOAT": {"HINCRBYFLOAT h f 0.1", "HINCRBYFLOAT h f 0.2", "HINCRBYFLOAT h g 1000", "HINCRBYFLOAT h g 0.1", "HSET h x 1e70", "HINCRBYFLOAT h x 1"},
	"hashtable":    {"HSET h " + manyPairs(600), "HDEL h f0 f1 f2", "HSET h f5 changed", "HSET g a " + strings.Repeat("x", 65), "HDEL g a", "HSET g b 1"},
	"reads":        {"HSET h a 1 b 2", "HRANDFIELD h -5 WITHVALUES", "HSCAN h 0", "HGETALL h"},
	"expiry":       {"HSET h a 1", "PEXPIRE h 100000000", "HSET h b 2", "HDEL h a"},
	"binary":       {`HSET "k\x00" "\x00\xff" "\r\n" "" ""`, `HINCRBY "k\x00" n 1`},
	"other types":  {"SET s v", "HSET h a 1", "RENAME h h2", "COPY h2 h3", "MOVE h3 2"},
}

func TestHashRestartPreservesEveryWrite(t *testing.T) {
	checkRestarts(t, []wal.Policy{wal.Always, wal.EverySec, wal.No}, hashRestartScenarios, dumpKeyspace, nil)
}

// TestHashRestartTaskRecords: a task broker's records (state, owner,
// retry counters) are exactly as they were after a restart.
func TestHashRestartTaskRecords(t *testing.T) {
	s := brokertest.Start(t)
	r := s.Dial()
	for i := range 50 {
		id := "task:" + strconv.Itoa(i)
		r.Do("HSET " + id + " state queued tries 0 payload job-" + strconv.Itoa(i))
		if i%2 == 0 {
			r.Do("HSET " + id + " state running owner w" + strconv.Itoa(i%3))
			r.Do("HINCRBY " + id + " tries 1")
		}
		if i%5 == 0 {
			r.Do("HDEL " + id + " owner")
			r.Do("HINCRBYFLOAT " + id + " backoff 1.5")
		}
	}
	before := dumpKeyspace(t, r)
	s.Restart()
	r = s.Dial()
	after := dumpKeyspace(t, r)
	if len(before) != 50 || !mapsEqual(before, after) {
		t.Fatalf("hashes changed across restart\nbefore: %.1000v\n after: %.1000v", before, after)
	}
	if got := r.Do("HMGET task:10 state tries owner backoff"); got != `["running" "1" (nil) "1.5"]` {
		t.Errorf("task:10 = %s", got)
	}
}

func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}
