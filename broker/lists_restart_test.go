package broker_test

import (
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/brokerd/brokerd/internal/brokertest"
	"github.com/brokerd/brokerd/wal"
)

// bigElem is an element of n bytes, for lists that grow past one node.
func bigElem(n int) string { return strings.Repeat("x", n) }

// listRestartScenarios exercise every list write; after each, the lists
// (elements, encoding, expiry) must be the same once the server restarts
// from its log.
var listRestartScenarios = map[string][]string{
	"LPUSH/RPUSH":   {"RPUSH l a b c", "LPUSH l z y", "RPUSH m 1 2 3"},
	"PUSHX":         {"LPUSHX l a", "RPUSH l a", "LPUSHX l b", "RPUSHX l c"},
	"LPOP/RPOP":     {"RPUSH l a b c d e f", "LPOP l", "RPOP l", "LPOP l 2", "RPOP l 0", "RPUSH m x", "RPOP m 5"},
	"LMPOP":         {"RPUSH a 1 2 3", "RPUSH b 4", "LMPOP 2 x a LEFT COUNT 2", "LMPOP 2 b a RIGHT COUNT 10"},
	"LSET":          {"RPUSH l a b c", "LSET l 1 B", "LSET l -1 " + bigElem(9000)},
	"LINSERT":       {"RPUSH l a b c", "LINSERT l BEFORE b x", "LINSERT l AFTER c y", "LINSERT l AFTER zz q"},
	"LREM":          {"RPUSH l a b a c a", "LREM l 1 a", "LREM l -1 a", "RPUSH m a a", "LREM m 0 a"},
	"LTRIM":         {"RPUSH l a b c d e", "LTRIM l 1 -2", "RPUSH m a", "LTRIM m 5 6"},
	"LMOVE":         {"RPUSH s a b c", "LMOVE s d LEFT RIGHT", "LMOVE s s RIGHT LEFT", "RPOPLPUSH s d", "RPOPLPUSH s d", "RPOPLPUSH s d"},
	"blocking":      {"RPUSH q a b c d e f g", "BLPOP x q 0", "BRPOP q 0", "BLMPOP 0 1 q RIGHT COUNT 2", "BLMOVE q p LEFT RIGHT 0", "BRPOPLPUSH q p 0"},
	"quicklist":     {"RPUSH l " + strings.Repeat(bigElem(100)+" ", 200), "LINSERT l AFTER " + bigElem(100) + " y", "RPOP l 150", "LPUSH l " + bigElem(5000), "LTRIM l 1 -1"},
	"expiry":        {"RPUSH l a b", "PEXPIRE l 100000000", "RPUSH l c", "LPOP l"},
	"binary":        {"RPUSH \"k\\x00\" \"\\x00\\xff\" \"\\r\\n\" \"\"", "LSET \"k\\x00\" 0 \"-1\""},
	"other types":   {"SET s v", "RPUSH l a", "RENAME l l2", "COPY l2 l3", "MOVE l3 2"},
	"deleted lists": {"RPUSH l a", "LPOP l", "RPUSH m a", "DEL m"},
}

func TestListRestartPreservesEveryWrite(t *testing.T) {
	checkRestarts(t, []wal.Policy{wal.Always, wal.EverySec, wal.No}, listRestartScenarios, dumpKeyspace, nil)
}

// TestListRestartAfterServingWaiters: pops handed to parked clients are
// logged as the pops they are.
func TestListRestartAfterServingWaiters(t *testing.T) {
	s := brokertest.Start(t)
	pop := startBlocking(t, s, 0, "BLPOP", "q", "0")
	mv := startBlocking(t, s, 1, "BLMOVE", "q", "work", "LEFT", "RIGHT", "0")
	mpop := startBlocking(t, s, 2, "BLMPOP", "0", "1", "q", "RIGHT", "COUNT", "2")
	w := s.Dial()
	w.Do("RPUSH q j1 j2 j3 j4 j5 j6")
	for _, tt := range []struct {
		r    *brokertest.Raw
		want string
	}{{pop, `["q" "j1"]`}, {mv, `"j2"`}, {mpop, `["q" ["j6" "j5"]]`}} {
		if got := tt.r.Read(); got != tt.want {
			t.Errorf("got %s, want %s", got, tt.want)
		}
	}
	before := dumpKeyspace(t, w)
	if before["0/q"] == "" || before["0/work"] == "" {
		t.Fatalf("unexpected keyspace %v", before)
	}
	s.Restart()
	if after := dumpKeyspace(t, s.Dial()); !reflect.DeepEqual(before, after) {
		t.Fatalf("lists changed across restart\nbefore: %v\n after: %v", before, after)
	}
}

// TestListReliableQueueSurvivesRestart: workers take jobs with BLMOVE into
// a processing list and LREM them when done; after a restart every job
// not acknowledged is still in the queue or in processing, exactly once.
func TestListReliableQueueSurvivesRestart(t *testing.T) {
	s := brokertest.Start(t)
	r := s.Dial()
	const jobs = 50
	for i := range jobs {
		r.Do("RPUSH queue job-" + strconv.Itoa(i))
	}
	var done, inFlight []string
	for i := range 30 {
		job, err := strconv.Unquote(r.Do("BLMOVE queue processing LEFT RIGHT 1"))
		if err != nil {
			t.Fatal(err)
		}
		if i%3 == 0 {
			inFlight = append(inFlight, job) // the worker died before it acked
			continue
		}
		if got := r.Do("LREM processing 1 " + job); got != "(int) 1" {
			t.Fatalf("LREM %s: %s", job, got)
		}
		done = append(done, job)
	}
	s.Restart()
	r = s.Dial()
	seen := map[string]int{}
	for _, list := range []string{"queue", "processing"} {
		for _, q := range splitQuoted(strings.Trim(r.Do("LRANGE "+list+" 0 -1"), "[]")) {
			job, _ := strconv.Unquote(q)
			seen[job]++
		}
	}
	for _, job := range done {
		if seen[job] != 0 {
			t.Errorf("acknowledged %s came back", job)
		}
	}
	for _, job := range inFlight {
		if seen[job] != 1 {
			t.Errorf("in-flight %s seen %d times", job, seen[job])
		}
	}
	if got := len(seen); got != jobs-len(done) {
		t.Errorf("%d jobs left, want %d", got, jobs-len(done))
	}
	if got := r.Do("LRANGE processing 0 -1"); got != "["+quoteAll(inFlight)+"]" {
		t.Errorf("processing = %s, want the unacknowledged jobs in order", got)
	}
}

func quoteAll(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = strconv.Quote(s)
	}
	return strings.Join(q, " ")
}
