package consumergroups

import "testing"

// delivered is setup with 1-1 and 2-1 delivered to alice at t0 and 3-1
// to bob 100 ms later.
var delivered = append(append([]string{}, setup...),
	"XREADGROUP GROUP g alice COUNT 2 STREAMS s >", `[["s" [["1-1" ["f" "a"]] ["2-1" ["f" "b"]]]]]`,
)

func runPending(t *testing.T, tests []struct {
	name  string
	lines []string
}) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x := newTester(t)
			x.wants(delivered...)
			x.advance(100)
			x.want("XREADGROUP GROUP g bob STREAMS s >", `[["s" [["3-1" ["f" "c"]]]]]`)
			x.advance(1000)
			for i := 0; i+1 < len(tt.lines); i += 2 {
				if tt.lines[i] == "ADVANCE" {
					x.advance(500)
					continue
				}
				x.want(tt.lines[i], tt.lines[i+1])
			}
			x.checkReplay()
		})
	}
}

func TestXAck(t *testing.T) {
	runPending(t, []struct {
		name  string
		lines []string
	}{
		{"acks", []string{
			"XACK s g 1-1 3-1 9-9", "(int) 2",
			"XACK s g 1-1", "(int) 0",
			"XPENDING s g", `[(int) 1 "2-1" "2-1" [["alice" "1"]]]`,
			"XINFO CONSUMERS s g", `[["name" "alice" "pending" (int) 1 "idle" (int) 1100 "inactive" (int) 1100] ["name" "bob" "pending" (int) 0 "idle" (int) 1000 "inactive" (int) 1000]]`,
		}},
		{"missing key or group, bad ID", []string{
			"XACK none g 1-1", "(int) 0",
			"XACK s nope x", "(int) 0",
			"XACK s g 2-1 x", "ERR Invalid stream ID specified as stream command argument",
			"XPENDING s g", `[(int) 3 "1-1" "3-1" [["alice" "2"] ["bob" "1"]]]`,
			"SET str x", "OK",
			"XACK str g 1-1", "WRONGTYPE Operation against a key holding the wrong kind of value",
		}},
	})
}

func TestXPending(t *testing.T) {
	runPending(t, []struct {
		name  string
		lines []string
	}{
		{"extended", []string{
			"XPENDING s g - + 10", `[["1-1" "alice" (int) 1100 (int) 1] ["2-1" "alice" (int) 1100 (int) 1] ["3-1" "bob" (int) 1000 (int) 1]]`,
			"XPENDING s g - + 1", `[["1-1" "alice" (int) 1100 (int) 1]]`,
			"XPENDING s g (1-1 + 10", `[["2-1" "alice" (int) 1100 (int) 1] ["3-1" "bob" (int) 1000 (int) 1]]`,
			"XPENDING s g - (3-1 10", `[["1-1" "alice" (int) 1100 (int) 1] ["2-1" "alice" (int) 1100 (int) 1]]`,
			"XPENDING s g 2 3 10", `[["2-1" "alice" (int) 1100 (int) 1] ["3-1" "bob" (int) 1000 (int) 1]]`,
			"XPENDING s g - + 10 bob", `[["3-1" "bob" (int) 1000 (int) 1]]`,
			"XPENDING s g - + 10 carol", `[]`,
			"XPENDING s g - + 0", `[]`,
			"XPENDING s g - + -5", `[]`,
			"XPENDING s g IDLE 1050 - + 10", `[["1-1" "alice" (int) 1100 (int) 1] ["2-1" "alice" (int) 1100 (int) 1]]`,
			"XPENDING s g IDLE 1050 - + 10 bob", `[]`,
			"XPENDING s g - + 10 bob extra", `[["3-1" "bob" (int) 1000 (int) 1]]`,
		}},
		{"errors", []string{
			"XPENDING s g - +", "ERR syntax error",
			"XPENDING s g IDLE 10 - +", "ERR syntax error",
			"XPENDING s g IDLE x - + 10", "ERR value is not an integer or out of range",
			"XPENDING s g - + x", "ERR value is not an integer or out of range",
			"XPENDING s g x + 10", "ERR Invalid stream ID specified as stream command argument",
			"XPENDING s g (18446744073709551615-18446744073709551615 + 10", "ERR invalid start ID for the interval",
			"XPENDING s g - (0-0 10", "ERR invalid end ID for the interval",
			"XPENDING s nope", "NOGROUP No such key 's' or consumer group 'nope'",
			"XPENDING none g - + 10", "NOGROUP No such key 'none' or consumer group 'g'",
			"SET str x", "OK",
			"XPENDING str g", "WRONGTYPE Operation against a key holding the wrong kind of value",
		}},
	})
}

func TestXClaim(t *testing.T) {
	runPending(t, []struct {
		name  string
		lines []string
	}{
		{"min idle", []string{
			"XCLAIM s g carol 1050 1-1 3-1", `[["1-1" ["f" "a"]]]`,
			"XPENDING s g - + 10", `[["1-1" "carol" (int) 0 (int) 2] ["2-1" "alice" (int) 1100 (int) 1] ["3-1" "bob" (int) 1000 (int) 1]]`,
			"XINFO CONSUMERS s g", `[["name" "alice" "pending" (int) 1 "idle" (int) 1100 "inactive" (int) 1100] ["name" "bob" "pending" (int) 1 "idle" (int) 1000 "inactive" (int) 1000] ["name" "carol" "pending" (int) 1 "idle" (int) 0 "inactive" (int) 0]]`,
		}},
		{"options", []string{
			"XCLAIM s g carol 0 1-1 JUSTID", `["1-1"]`,
			"XCLAIM s g carol 0 2-1 IDLE 300 RETRYCOUNT 7", `[["2-1" ["f" "b"]]]`,
			"XCLAIM s g carol 0 3-1 TIME 1700000000000 JUSTID", `["3-1"]`,
			"XPENDING s g - + 10", `[["1-1" "carol" (int) 0 (int) 1] ["2-1" "carol" (int) 300 (int) 7] ["3-1" "carol" (int) 1100 (int) 1]]`,
			"XCLAIM s g carol 0 3-1 TIME 9999999999999 IDLE -5 JUSTID", `["3-1"]`,
			"XPENDING s g - + 10 carol", `[["1-1" "carol" (int) 0 (int) 1] ["2-1" "carol" (int) 300 (int) 7] ["3-1" "carol" (int) 0 (int) 1]]`,
		}},
		{"FORCE, deleted entries and LASTID", []string{
			"XADD s 4-1 f d", `"4-1"`,
			"XCLAIM s g carol 0 4-1", `[]`,
			"XCLAIM s g carol 0 4-1 9-9 FORCE", `[["4-1" ["f" "d"]]]`,
			"XDEL s 1-1", "(int) 1",
			"XCLAIM s g carol 0 1-1 JUSTID", `[]`,
			"XCLAIM s g carol 0 7-7 JUSTID LASTID 8-0", `[]`,
			"XPENDING s g - + 10", `[["2-1" "alice" (int) 1100 (int) 1] ["3-1" "bob" (int) 1000 (int) 1] ["4-1" "carol" (int) 0 (int) 2]]`,
			"XINFO GROUPS s", `[["name" "g" "consumers" (int) 3 "pending" (int) 3 "last-delivered-id" "8-0" "entries-read" (int) 3 "lag" (int) 1]]`,
		}},
		{"errors", []string{
			"XCLAIM s g carol x 1-1", "ERR Invalid min-idle-time argument for XCLAIM",
			"XCLAIM s g carol 0 1-1 IDLE x", "ERR Invalid IDLE option argument for XCLAIM",
			"XCLAIM s g carol 0 1-1 TIME x", "ERR Invalid TIME option argument for XCLAIM",
			"XCLAIM s g carol 0 1-1 RETRYCOUNT x", "ERR Invalid RETRYCOUNT option argument for XCLAIM",
			"XCLAIM s g carol 0 1-1 LASTID x", "ERR Invalid stream ID specified as stream command argument",
			"XCLAIM s g carol 0 1-1 IDLE", "ERR Unrecognized XCLAIM option 'IDLE'",
			"XCLAIM s g carol 0 1-1 SEENTIME 5", "ERR Unrecognized XCLAIM option 'SEENTIME'",
			"XCLAIM s nope carol 0 1-1", "NOGROUP No such key 's' or consumer group 'nope'",
			"SET str x", "OK",
			"XCLAIM str g carol 0 1-1", "WRONGTYPE Operation against a key holding the wrong kind of value",
		}},
	})
}

func TestXAutoClaim(t *testing.T) {
	runPending(t, []struct {
		name  string
		lines []string
	}{
		{"claims idle entries with a cursor", []string{
			"XAUTOCLAIM s g carol 1050 0 COUNT 1", `["2-1" [["1-1" ["f" "a"]]] []]`,
			"XAUTOCLAIM s g carol 1050 2-1 COUNT 1 JUSTID", `["3-1" ["2-1"] []]`,
			"XAUTOCLAIM s g carol 1050 3-1", `["0-0" [] []]`,
			"XPENDING s g - + 10", `[["1-1" "carol" (int) 0 (int) 2] ["2-1" "carol" (int) 0 (int) 1] ["3-1" "bob" (int) 1000 (int) 1]]`,
			"ADVANCE", "",
			"XAUTOCLAIM s g dave 0 (1-1", `["0-0" [["2-1" ["f" "b"]] ["3-1" ["f" "c"]]] []]`,
		}},
		{"drops deleted entries", []string{
			"XDEL s 1-1 2-1", "(int) 2",
			"XAUTOCLAIM s g carol 0 - COUNT 2", `["3-1" [] ["1-1" "2-1"]]`,
			"XAUTOCLAIM s g carol 0 -", `["0-0" [["3-1" ["f" "c"]]] []]`,
			"XPENDING s g", `[(int) 1 "3-1" "3-1" [["carol" "1"]]]`,
		}},
		{"errors", []string{
			"XAUTOCLAIM s g carol x 0", "ERR Invalid min-idle-time argument for XAUTOCLAIM",
			"XAUTOCLAIM s g carol 0 x", "ERR Invalid stream ID specified as stream command argument",
			"XAUTOCLAIM s g carol 0 0 COUNT 0", "ERR COUNT must be > 0",
			"XAUTOCLAIM s g carol 0 0 COUNT x", "ERR COUNT must be > 0",
			"XAUTOCLAIM s g carol 0 0 COUNT", "ERR syntax error",
			"XAUTOCLAIM s g carol 0 0 FOO", "ERR syntax error",
			"XAUTOCLAIM s nope carol 0 0", "NOGROUP No such key 's' or consumer group 'nope'",
		}},
	})
}

func TestXInfoFull(t *testing.T) {
	runPending(t, []struct {
		name  string
		lines []string
	}{
		{"groups part", []string{
			"XINFO STREAM s FULL COUNT 1", `["length" (int) 3 "radix-tree-keys" (int) 1 "radix-tree-nodes" (int) 2 "last-generated-id" "3-1" "max-deleted-entry-id" "0-0" "entries-added" (int) 3 "recorded-first-entry-id" "1-1" "entries" [["1-1" ["f" "a"]]] "groups" [["name" "g" "last-delivered-id" "3-1" "entries-read" (int) 3 "lag" (int) 0 "pel-count" (int) 3 "pending" [["1-1" "alice" (int) 1700000000000 (int) 1]] "consumers" [["name" "alice" "seen-time" (int) 1700000000000 "active-time" (int) 1700000000000 "pel-count" (int) 2 "pending" [["1-1" (int) 1700000000000 (int) 1]]] ["name" "bob" "seen-time" (int) 1700000000100 "active-time" (int) 1700000000100 "pel-count" (int) 1 "pending" [["3-1" (int) 1700000000100 (int) 1]]]]]]]`,
			"XINFO CONSUMERS none g", "ERR no such key",
			"XINFO CONSUMERS s nope", "NOGROUP No such consumer group 'nope' for key name 's'",
			"XINFO GROUPS none", "ERR no such key",
		}},
	})
}
