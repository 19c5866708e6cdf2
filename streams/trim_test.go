package streams

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"testing"
)

// fill adds n entries with IDs 1-1 .. 1-n to key.
func (x *tester) fill(key string, n int) {
	for i := 1; i <= n; i++ {
		x.do(fmt.Sprintf("XADD %s 1-%d f v%d", key, i, i))
	}
}

func TestXTrim(t *testing.T) {
	for _, tt := range []struct {
		name    string
		entries int
		cmds    []string // command, reply, ...
		len     string
	}{
		{"exact maxlen", 250, []string{"XTRIM s MAXLEN 120", "(int) 130"}, "(int) 120"},
		{"exact maxlen with =", 250, []string{"XTRIM s MAXLEN = 120", "(int) 130"}, "(int) 120"},
		{"approx maxlen removes whole blocks", 250, []string{"XTRIM s MAXLEN ~ 120", "(int) 100"}, "(int) 150"},
		{"approx maxlen keeps a block that would overshoot", 250, []string{"XTRIM s MAXLEN ~ 200", "(int) 0"}, "(int) 250"},
		{"approx limit", 350, []string{"XTRIM s MAXLEN ~ 0 LIMIT 150", "(int) 100"}, "(int) 250"},
		{"approx limit zero is no limit", 350, []string{"XTRIM s MAXLEN ~ 0 LIMIT 0", "(int) 350"}, "(int) 0"},
		{"maxlen zero", 30, []string{"XTRIM s MAXLEN 0", "(int) 30"}, "(int) 0"},
		{"maxlen above length", 30, []string{"XTRIM s MAXLEN 31", "(int) 0"}, "(int) 30"},
		{"exact minid", 250, []string{"XTRIM s MINID 1-150", "(int) 149"}, "(int) 101"},
		{"incomplete minid", 30, []string{"XTRIM s MINID 1", "(int) 0"}, "(int) 30"},
		{"approx minid", 250, []string{"XTRIM s MINID ~ 1-150", "(int) 100"}, "(int) 150"},
		{"minid past the end", 30, []string{"XTRIM s MINID 2", "(int) 30"}, "(int) 0"},
		{"lower case", 30, []string{"xtrim s maxlen ~ 0 limit 100", "(int) 30"}, "(int) 0"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			x := newTester(t)
			x.fill("s", tt.entries)
			x.wants(tt.cmds...)
			x.want("XLEN s", tt.len)
			x.checkReplay()
		})
	}
}

func TestXTrimErrors(t *testing.T) {
	x := newTester(t)
	x.fill("s", 3)
	x.wants(
		"XTRIM s MAXLEN 10 LIMIT 5", "ERR syntax error, LIMIT cannot be used without the special ~ option",
		"XTRIM s LIMIT 5 FOO", "ERR syntax error",
		"XTRIM s LIMIT 5 MAXLEN", "ERR syntax error",
		"XTRIM s FOO 1", "ERR syntax error",
		"XTRIM s MAXLEN -1", "ERR The MAXLEN argument must be >= 0.",
		"XTRIM s MAXLEN x", "ERR value is not an integer or out of range",
		"XTRIM s MAXLEN ~", "ERR value is not an integer or out of range",
		"XTRIM s MAXLEN 1 MINID 1", "ERR syntax error, MAXLEN and MINID options at the same time are not compatible",
		"XTRIM s MINID x", "ERR Invalid stream ID specified as stream command argument",
		"XTRIM s MINID +", "ERR Invalid stream ID specified as stream command argument",
		"XTRIM s MAXLEN ~ 1 LIMIT -1", "ERR The LIMIT argument must be >= 0.",
		"XTRIM s", "ERR wrong number of arguments for 'xtrim' command",
		"XTRIM nosuch MAXLEN 0", "(int) 0",
		"SET str v", "OK",
		"XTRIM str MAXLEN 0", "WRONGTYPE Operation against a key holding the wrong kind of value",
		"XLEN s", "(int) 3",
	)
}

func TestXAddTrims(t *testing.T) {
	x := newTester(t)
	x.fill("s", 250)
	x.wants(
		"XADD s MAXLEN 200 * f v", `"1700000000000-0"`,
		"XLEN s", "(int) 200",
		"XADD s MAXLEN ~ 50 * f v", `"1700000000000-1"`,
		"XLEN s", "(int) 52", // blocks of 49 (after the exact trim) and 100 went
		"XADD s MINID 1700000000000 * f v", `"1700000000000-2"`,
		"XLEN s", "(int) 3",
		"XADD s MAXLEN 0 * f v", `"1700000000000-3"`,
		"XLEN s", "(int) 0",
		"XADD s MAXLEN ~ 10 LIMIT 5 NOMKSTREAM * f v", `"1700000000000-4"`,
		"XADD s LIMIT 5 * f v", "ERR syntax error, LIMIT cannot be used without specifying a trimming strategy",
		"XADD s MAXLEN 5 LIMIT 5 * f v", "ERR syntax error, LIMIT cannot be used without the special ~ option",
		"XADD s MAXLEN 5 MINID 1 * f v", "ERR syntax error, MAXLEN and MINID options at the same time are not compatible",
		"XADD s MAXLEN -5 * f v", "ERR The MAXLEN argument must be >= 0.",
		"XADD s MAXLEN * f v", "ERR value is not an integer or out of range",
		"XADD s MAXLEN", "ERR wrong number of arguments for 'xadd' command",
		"XINFO STREAM s", `["length" (int) 1 "radix-tree-keys" (int) 1 "radix-tree-nodes" (int) 2 "last-generated-id" "1700000000000-4" "max-deleted-entry-id" "0-0" "entries-added" (int) 255 "recorded-first-entry-id" "1700000000000-4" "groups" (int) 0 "first-entry" ["1700000000000-4" ["f" "v"]] "last-entry" ["1700000000000-4" ["f" "v"]]]`,
	)
	x.checkReplay()
}

// TestDefaultApproxLimit: "~" without LIMIT removes at most
// 100*stream-node-max-entries, kept between 10000 and 1000000 as Redis
// keeps it, so stream-node-max-entries 0 or a huge value still caps the
// work (redis-server 7.0.15: 30000 entries, entries limit 0 or
// 9223372036854775807, XTRIM s MAXLEN ~ 0 removed 9938 and 9942).
func TestDefaultApproxLimit(t *testing.T) {
	t.Cleanup(func() { SetNodeMaxEntries(nodeMaxEntries) })
	for _, tt := range []struct{ entries, want int64 }{
		{100, 10000},
		{0, 10000},
		{50, 5000},
		{101, 10100},
		{10000, 1000000},
		{10001, 1000000},
		{math.MaxInt64, 10000}, // 100 * MaxInt64 wraps to -100
		{math.MaxInt64 / 100, 1000000},
	} {
		SetNodeMaxEntries(tt.entries)
		if got := defaultApproxLimit(); got != tt.want {
			t.Errorf("stream-node-max-entries %d: limit %d, want %d", tt.entries, got, tt.want)
		}
	}

	SetNodeMaxEntries(0)
	x := newTester(t)
	x.fill("s", 12000)
	removed, err := strconv.Atoi(strings.TrimPrefix(x.do("XTRIM s MAXLEN ~ 0"), "(int) "))
	if err != nil || removed <= 0 || removed > 10000 {
		t.Errorf("12000 entries, no entry limit: XTRIM s MAXLEN ~ 0 removed %d (%v), want 1..10000", removed, err)
	}
}
