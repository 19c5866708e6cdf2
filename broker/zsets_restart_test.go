package broker_test

import (
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/brokerd/brokerd/internal/brokertest"
	"github.com/brokerd/brokerd/wal"
)

// manyPairs is "0 m0 1 m1 ..." for n members.
func manyScoredMembers(n int) string {
	var b strings.Builder
	for i := range n {
		b.WriteString(strconv.Itoa(i) + " m" + strconv.Itoa(i) + " ")
	}
	return b.String()
}

// zsetRestartScenarios exercise every sorted-set write; after each, the
// sets must be the same once the server restarts from its log.
var zsetRestartScenarios = map[string][]string{
	"ZADD":       {"ZADD z 1 a 2 b", "ZADD z NX 5 a 3 c", "ZADD z XX CH 4 b 9 x", "ZADD z GT 0 a 7 c", "ZADD z LT 0 c", "ZADD z -inf lo +inf hi"},
	"INCR":       {"ZADD z INCR 0.1 a", "ZINCRBY z 0.2 a", "ZINCRBY z 1e300 b", "ZADD z INCR -inf a", "ZINCRBY z -1 a"},
	"ZREM":       {"ZADD z 1 a 2 b 3 c", "ZREM z a x", "ZADD y 1 a", "ZREM y a"},
	"remrange":   {"ZADD z 1 a 2 b 3 c 4 d 5 e 0 l 0 m 0 n", "ZREMRANGEBYRANK z 0 0", "ZREMRANGEBYSCORE z (3 4", "ZREMRANGEBYLEX z [m [n"},
	"pops":       {"ZADD z 1 a 2 b 3 c 4 d 5 e 6 f", "ZPOPMIN z", "ZPOPMAX z 2", "ZMPOP 2 x z MIN COUNT 2", "ZADD y 1 a", "ZPOPMAX y 9"},
	"blocking":   {"ZADD q 1 a 2 b 3 c 4 d", "BZPOPMIN x q 0", "BZPOPMAX q 0", "BZMPOP 0 1 q MAX COUNT 5"},
	"skiplist":   {"ZADD big " + manyScoredMembers(300), "ZREM big m5", "ZINCRBY big 0.5 m7", "ZPOPMIN big 3", "ZREMRANGEBYRANK big 0 250"},
	"long value": {"ZADD z 1 " + strings.Repeat("v", 65), "ZADD w 1 a", "ZADD w 2 " + strings.Repeat("w", 70)},
	"expiry":     {"ZADD z 1 a", "PEXPIRE z 100000000", "ZADD z 2 b", "ZPOPMIN z"},
	"binary":     {`ZADD "k\x00" 1 "\x00\xff" 2 "" 3 "\r\n"`, `ZREM "k\x00" ""`},
	"other keys": {"ZADD z 1 a", "RENAME z z2", "COPY z2 z3", "MOVE z3 2", "SET s v"},
}

func TestZsetRestartPreservesEveryWrite(t *testing.T) {
	checkRestarts(t, []wal.Policy{wal.Always, wal.EverySec, wal.No}, zsetRestartScenarios, dumpKeyspace, nil)
}

// TestZsetRestartAfterServingWaiters: pops handed to parked clients are
// logged as the ZPOPMIN/ZPOPMAX they are.
func TestZsetRestartAfterServingWaiters(t *testing.T) {
	s := brokertest.Start(t)
	pmin := startBlocking(t, s, 0, "BZPOPMIN", "q", "0")
	pmax := startBlocking(t, s, 1, "BZPOPMAX", "q", "0")
	mpop := startBlocking(t, s, 2, "BZMPOP", "0", "1", "q", "MIN", "COUNT", "2")
	w := s.Dial()
	w.Do("ZADD q 1 a 2 b 3 c 4 d 5 e 6 f")
	for _, tt := range []struct {
		r    *brokertest.Raw
		want string
	}{{pmin, `["q" "a" "1"]`}, {pmax, `["q" "f" "6"]`}, {mpop, `["q" [["b" "2"] ["c" "3"]]]`}} {
		if got := tt.r.Read(); got != tt.want {
			t.Errorf("got %s, want %s", got, tt.want)
		}
	}
	before := dumpKeyspace(t, w)
	if !strings.Contains(before["0/q"], `["d" "4" "e" "5"]`) {
		t.Fatalf("unexpected keyspace %v", before)
	}
	s.Restart()
	if after := dumpKeyspace(t, s.Dial()); !reflect.DeepEqual(before, after) {
		t.Fatalf("sorted sets changed across restart\nbefore: %v\n after: %v", before, after)
	}
}

// zsetAlgebraRestartScenarios exercise the STORE commands, which log
// themselves: replaying them must rebuild the same results, encodings
// and deletions.
var zsetAlgebraRestartScenarios = map[string][]string{
	"union":       {"ZADD a 1 x 2 y", "ZADD b 0.1 y 3 z", "SADD s x q", "ZUNIONSTORE d 3 a b s WEIGHTS 0.3 0.7 2", "ZUNIONSTORE a 2 a b AGGREGATE MAX"},
	"inter":       {"ZADD a 1 x 2 y", "ZADD b 0.1 y 3 x", "ZINTERSTORE d 2 a b WEIGHTS 0.1 0.2", "ZINTERSTORE e 2 a b AGGREGATE MIN"},
	"diff":        {"ZADD a 1 x 2 y 3 z", "SADD s y", "ZDIFFSTORE d 2 a s", "ZDIFFSTORE a 2 a a"},
	"empty":       {"ZADD a 1 x", "SET d v", "ZINTERSTORE d 2 a missing", "ZADD r 1 x", "ZRANGESTORE r a 5 6"},
	"rangestore":  {"ZADD a 1 x 2 y 3 z 0 l 0 m", "ZRANGESTORE d a 0 1 REV", "ZRANGESTORE e a (1 +inf BYSCORE LIMIT 1 1", "ZRANGESTORE f a [m + BYLEX", "ZRANGESTORE a a 1 2"},
	"replace ttl": {"ZADD a 1 x", "SET d v PX 100000000", "ZUNIONSTORE d 1 a", "ZADD e 1 x", "PEXPIRE e 100000000", "ZRANGESTORE e a 0 0"},
	"infinities":  {"ZADD hi +inf x", "ZADD lo -inf x", "ZUNIONSTORE d 2 hi lo", "ZINTERSTORE e 2 hi hi WEIGHTS 1 0 AGGREGATE MAX"},
	"skiplist":    {"ZADD big " + manyScoredMembers(300), "ZUNIONSTORE d 1 big WEIGHTS 0.1", "ZRANGESTORE e big 0 127", "ZRANGESTORE f big 0 128", "ZDIFFSTORE g 2 big e"},
}

func TestZsetAlgebraRestartPreservesEveryWrite(t *testing.T) {
	checkRestarts(t, []wal.Policy{wal.Always, wal.EverySec, wal.No}, zsetAlgebraRestartScenarios, dumpKeyspace, nil)
}
