package consumergroups

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/brokerd/brokerd/command"
	"github.com/brokerd/brokerd/internal/resptest"
	"github.com/brokerd/brokerd/kv"
	"github.com/brokerd/brokerd/streams"
)

// rewrite captures every key of database 0 as the snapshotter does (a
// Clone each, kv.DB.AppendEntries), runs Rewrite on the copies, checks
// that it left them alone, and replays the commands with c.Loading onto
// an empty keyspace whose clock is far away. It fails unless every
// stream reads the same there: XINFO STREAM FULL (entries, counters,
// groups, PELs with owners, delivery times and counts, consumers with
// seen and active times), and, with the clock back, XINFO GROUPS,
// XINFO CONSUMERS, XPENDING, TYPE and OBJECT ENCODING. The block count
// is compared only with sameBlocks (see streams' rewrite test). It
// returns the commands, one per line.
func (x *tester) rewrite(sameBlocks bool) string {
	x.t.Helper()
	clock := int64(4_000_000_000_000)
	replica := x.newStore(func() int64 { return clock })
	copies := x.newStore(func() int64 { return x.now })
	var lines []string
	for _, e := range x.store.Database(0).AppendEntries(nil) {
		copies.DB(0).Put([]byte(e.Key), e.Value)
		before := x.dump(copies)
		mark := len(x.effects) // Emit copies, as the snapshotter's emit does
		e.Value.(command.Rewriter).Rewrite([]byte(e.Key), func(args ...[]byte) { x.Emit(0, args) })
		cmds := slices.Clone(x.effects[mark:])
		x.effects = x.effects[:mark]
		if after := x.dump(copies); after != before {
			x.t.Errorf("Rewrite changed %s\nbefore: %s\n after: %s", e.Key, before, after)
		}
		for _, args := range cmds {
			lines = append(lines, fmt.Sprintf("%q", args))
			if raw := x.exec(replica, args, true); len(raw) > 0 && raw[0] == '-' {
				x.t.Errorf("replaying %q: %s", args, raw)
			}
		}
	}
	got, want := x.dump(replica), x.dump(x.store)
	if !sameBlocks {
		got, want = radixCounts.ReplaceAllString(got, "$1 ?"), radixCounts.ReplaceAllString(want, "$1 ?")
	}
	if got != want {
		x.t.Errorf("rewritten keyspace differs\n replayed: %s\n     live: %s", got, want)
	}
	clock = x.now
	if got, want := x.describe(replica), x.describe(x.store); got != want {
		x.t.Errorf("rewritten keyspace differs\n replayed: %s\n     live: %s", got, want)
	}
	return strings.Join(lines, "\n")
}

var radixCounts = regexp.MustCompile(`("radix-tree-(?:keys|nodes)") \(int\) \d+`)

// describe reads every stream's groups, consumers and pending entries the
// way clients see them, idle times included, with the group names of the
// live keyspace.
func (x *tester) describe(store *kv.Store) string {
	var b strings.Builder
	run := func(format string, args ...any) {
		line := fmt.Sprintf(format, args...)
		fmt.Fprintf(&b, "%s => %s\n", line, resptest.Format(x.exec(store, resptest.Split(line), true)))
	}
	ents := x.store.Database(0).AppendEntries(nil)
	slices.SortFunc(ents, func(a, b kv.Entry) int { return strings.Compare(a.Key, b.Key) })
	for _, e := range ents {
		k := fmt.Sprintf("%q", e.Key)
		run("TYPE %s", k)
		run("OBJECT ENCODING %s", k)
		run("XINFO STREAM %s", k)
		run("XINFO GROUPS %s", k)
		if set := of(e.Value.(*streams.Stream)); set != nil {
			for _, g := range set.groups {
				n := fmt.Sprintf("%q", g.name)
				run("XINFO CONSUMERS %s %s", k, n)
				run("XPENDING %s %s", k, n)
				run("XPENDING %s %s - + 100000", k, n)
			}
		}
	}
	return b.String()
}

// run runs setup lines, failing on an error reply; "+ms" advances the
// clock and "N* line" repeats a line N times.
func (x *tester) run(lines ...string) {
	x.t.Helper()
	for _, line := range lines {
		if ms, ok := strings.CutPrefix(line, "+"); ok {
			n, _ := strconv.ParseInt(ms, 10, 64)
			x.advance(n)
			continue
		}
		n := 1
		if head, rest, ok := strings.Cut(line, "* "); ok {
			if k, err := strconv.Atoi(head); err == nil {
				n, line = k, rest
			}
		}
		for i := 0; i < n; i++ {
			if got := x.do(line); strings.HasPrefix(got, "ERR") || strings.HasPrefix(got, "NOGROUP") {
				x.t.Fatalf("%s: %s", line, got)
			}
		}
	}
}

func TestRewriteRebuildsGroups(t *testing.T) {
	for _, tt := range []struct {
		name  string
		setup []string
		want  string // the commands, when given
	}{
		{"pending over several consumers", []string{
			"10* XADD s * f v",
			"XGROUP CREATE s g 0",
			"XREADGROUP GROUP g alice COUNT 3 STREAMS s >", "+1000",
			"XREADGROUP GROUP g bob COUNT 4 STREAMS s >", "+500",
			"XREADGROUP GROUP g carol COUNT 2 STREAMS s >", "+250",
			"XACK s g 1700000000000-1 1700000001500-0",
			"XCLAIM s g dave 0 1700000000000-2 RETRYCOUNT 5", "+10",
			"XCLAIM s g alice 0 1700000001500-1 IDLE 100000 JUSTID", "+10",
			"XREADGROUP GROUP g bob STREAMS s 0", "+20",
			"XGROUP CREATECONSUMER s g eve", "+30",
			"XPENDING s g IDLE 0 - + 10 carol",
		}, ""},
		{"consumers with nothing pending", []string{
			"XADD s 1-1 f v", "XADD s 2-1 f v",
			"XGROUP CREATE s g 0",
			"XREADGROUP GROUP g alice STREAMS s >", "+100",
			"XACK s g 1-1 2-1", "+100",
			"XREADGROUP GROUP g bob STREAMS s >", "+100",
			"XGROUP CREATECONSUMER s g carol",
		}, `["XADD" "s" "1-1" "f" "v"]
["XADD" "s" "2-1" "f" "v"]
["XGROUP" "CREATE" "s" "g" "2-1" "ENTRIESREAD" "2"]
["XCLAIM" "s" "g" "alice" "0" "JUSTID" "SEENTIME" "1700000000000" "ACTIVETIME" "1700000000000"]
["XCLAIM" "s" "g" "bob" "0" "JUSTID" "SEENTIME" "1700000000200" "ACTIVETIME" "-1"]
["XCLAIM" "s" "g" "carol" "0" "JUSTID" "SEENTIME" "1700000000300" "ACTIVETIME" "-1"]
["XSETID" "s" "2-1" "ENTRIESADDED" "2" "MAXDELETEDID" "0-0"]`},
		{"NOACK and several groups", []string{
			"5* XADD s * f v",
			"XGROUP CREATE s \"b g\" 0", "XGROUP CREATE s a $", "XGROUP CREATE s c 0-0 ENTRIESREAD 0",
			"XREADGROUP GROUP \"b g\" alice NOACK STREAMS s >", "+5",
			"XREADGROUP GROUP c alice COUNT 2 NOACK STREAMS s >", "+5",
			"XREADGROUP GROUP c bob COUNT 1 STREAMS s >",
		}, ""},
		{"group positions", []string{
			"5* XADD s * f v",
			"XGROUP CREATE s mid 1700000000000-2",
			"XGROUP CREATE s ahead 99999999999999-0",
			"XGROUP CREATE s set 0", "XGROUP SETID s set 1700000000000-3 ENTRIESREAD 3",
			"XDEL s 1700000000000-1",
			"XGROUP CREATE s frag 1700000000000-0",
		}, ""},
		{"deleted and trimmed entries pending", []string{
			"8* XADD s * f v",
			"XGROUP CREATE s g 0",
			"XREADGROUP GROUP g alice COUNT 4 STREAMS s >", "+7",
			"XREADGROUP GROUP g bob STREAMS s >", "+7",
			"XGROUP CREATE s h 0",
			"XREADGROUP GROUP h carol COUNT 6 STREAMS s >",
			"XDEL s 1700000000000-5 1700000000007-1",
			"XTRIM s MAXLEN 4",
		}, ""},
		{"empty with history", []string{
			"3* XADD s * f v",
			"XGROUP CREATE s g 0",
			"XREADGROUP GROUP g alice STREAMS s >", "+3",
			"XDEL s 1700000000000-1",
			"XTRIM s MAXLEN 0",
			"XADD e 5-5 f v", "XDEL e 5-5", "XGROUP CREATE e g $",
		}, ""},
		{"empty, never written", []string{
			"XGROUP CREATE s g $ MKSTREAM", "+9",
			"XGROUP CREATECONSUMER s g alice",
		}, `["XADD" "s" "MAXLEN" "0" "0-1" "x" "y"]
["XGROUP" "CREATE" "s" "g" "0-0" "ENTRIESREAD" "-1"]
["XCLAIM" "s" "g" "alice" "0" "JUSTID" "SEENTIME" "1700000000009" "ACTIVETIME" "-1"]
["XSETID" "s" "0-0" "ENTRIESADDED" "0" "MAXDELETEDID" "0-0"]`},
		{"redelivered and claimed back and forth", []string{
			"XADD s 1-1 f v", "XADD s 2-1 f v",
			"XGROUP CREATE s g 0",
			"XREADGROUP GROUP g alice STREAMS s >", "+100",
			"XGROUP SETID s g 0",
			"XREADGROUP GROUP g bob COUNT 1 STREAMS s >", "+100",
			"XCLAIM s g alice 0 1-1 TIME 1600000000000", "+100",
			"XAUTOCLAIM s g carol 0 0 COUNT 1",
			"XGROUP DELCONSUMER s g bob",
		}, ""},
		{"groups on a stream of many blocks", []string{
			"450* XADD s * f v",
			"XGROUP CREATE s g 0",
			"XREADGROUP GROUP g alice COUNT 200 STREAMS s >", "+1",
			"XREADGROUP GROUP g bob COUNT 100 STREAMS s >",
			"XTRIM s MAXLEN 300",
		}, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			x := newTester(t)
			x.run(tt.setup...)
			if got := x.rewrite(tt.name != "groups on a stream of many blocks"); tt.want != "" && got != tt.want {
				t.Errorf("commands\n got: %s\nwant: %s", got, tt.want)
			}
		})
	}
}

// TestRewriteClaimRuns: entries delivered together are claimed by one
// XCLAIM, up to claimBatch IDs.
func TestRewriteClaimRuns(t *testing.T) {
	x := newTester(t)
	x.run("300* XADD s * f v",
		"XGROUP CREATE s g 0",
		"XREADGROUP GROUP g alice COUNT 280 STREAMS s >", "+1",
		"XREADGROUP GROUP g bob COUNT 10 STREAMS s >", "+1",
		"XREADGROUP GROUP g alice COUNT 10 STREAMS s >")
	var claims []int
	for _, line := range strings.Split(x.rewrite(false), "\n") {
		if strings.HasPrefix(line, `["XCLAIM"`) && !strings.Contains(line, "SEENTIME") {
			claims = append(claims, strings.Count(line, `-`))
		}
	}
	if want := []int{claimBatch, claimBatch, 280 - 2*claimBatch, 10, 10}; !slices.Equal(claims, want) {
		t.Errorf("XCLAIM sizes %v, want %v", claims, want)
	}
}
