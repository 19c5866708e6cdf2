package streams

import (
	"fmt"
	"strings"
	"testing"
)

func TestXRangeBounds(t *testing.T) {
	x := newTester(t)
	x.wants(
		"XADD s 1-1 a 1", `"1-1"`,
		"XADD s 1-2 b 2", `"1-2"`,
		"XADD s 2-1 a 3", `"2-1"`,
		"XADD s 3-0 a 4 c 5", `"3-0"`,
	)
	for _, tt := range []struct{ cmd, want string }{
		{"XRANGE s - +", `[["1-1" ["a" "1"]] ["1-2" ["b" "2"]] ["2-1" ["a" "3"]] ["3-0" ["a" "4" "c" "5"]]]`},
		{"XRANGE s 1 1", `[["1-1" ["a" "1"]] ["1-2" ["b" "2"]]]`},
		{"XRANGE s (1-1 2", `[["1-2" ["b" "2"]] ["2-1" ["a" "3"]]]`},
		{"XRANGE s - (2-1", `[["1-1" ["a" "1"]] ["1-2" ["b" "2"]]]`},
		{"XRANGE s (1-2 (3-0", `[["2-1" ["a" "3"]]]`},
		{"XRANGE s - + COUNT 2", `[["1-1" ["a" "1"]] ["1-2" ["b" "2"]]]`},
		{"XRANGE s - + count 1 COUNT 3", `[["1-1" ["a" "1"]] ["1-2" ["b" "2"]] ["2-1" ["a" "3"]]]`},
		{"XRANGE s - + COUNT 0", "(nil array)"},
		{"XRANGE s - + COUNT -5", "(nil array)"},
		{"XRANGE s 4 +", "[]"},
		{"XRANGE s 3 1", "[]"},
		{"XRANGE nosuch - +", "[]"},
		{"XRANGE s - + COUNT", "ERR syntax error"},
		{"XRANGE s - + LIMIT 1", "ERR syntax error"},
		{"XRANGE s - + COUNT x", "ERR value is not an integer or out of range"},
		{"XRANGE s x +", "ERR Invalid stream ID specified as stream command argument"},
		{"XRANGE s (- +", "ERR Invalid stream ID specified as stream command argument"},
		{"XRANGE s - (+", "ERR Invalid stream ID specified as stream command argument"},
		{"XRANGE s (18446744073709551615-18446744073709551615 +", "ERR invalid start ID for the interval"},
		{"XRANGE s - (0-0", "ERR invalid end ID for the interval"},
		{"XRANGE s -1 +", "ERR Invalid stream ID specified as stream command argument"},
		{"XRANGE s 1-x +", "ERR Invalid stream ID specified as stream command argument"},
		{"XRANGE s +2-1 +", `[["2-1" ["a" "3"]] ["3-0" ["a" "4" "c" "5"]]]`},
		{"XREVRANGE s + -", `[["3-0" ["a" "4" "c" "5"]] ["2-1" ["a" "3"]] ["1-2" ["b" "2"]] ["1-1" ["a" "1"]]]`},
		{"XREVRANGE s + - COUNT 1", `[["3-0" ["a" "4" "c" "5"]]]`},
		{"XREVRANGE s 2 1", `[["2-1" ["a" "3"]] ["1-2" ["b" "2"]] ["1-1" ["a" "1"]]]`},
		{"XREVRANGE s (3-0 (1-1", `[["2-1" ["a" "3"]] ["1-2" ["b" "2"]]]`},
		{"XREVRANGE s 0 -", "[]"},
		{"XREVRANGE s + - COUNT 0", "(nil array)"},
		{"XLEN s", "(int) 4"},
		{"XLEN nosuch", "(int) 0"},
		{"SET str v", "OK"},
		{"XRANGE str - +", "WRONGTYPE Operation against a key holding the wrong kind of value"},
		{"XLEN str", "WRONGTYPE Operation against a key holding the wrong kind of value"},
	} {
		x.want(tt.cmd, tt.want)
	}
}

// TestXRangeAcrossBlocks reads ranges that start, end and turn inside
// many blocks, forwards and backwards, against a plain model.
func TestXRangeAcrossBlocks(t *testing.T) {
	x := newTester(t)
	const n = 1000
	for i := 1; i <= n; i++ {
		x.do(fmt.Sprintf("XADD s %d-%d f %d", i/3, i, i))
	}
	s := x.store.dbs[0].keys["s"].(*Stream)
	if s.Blocks() < n/nodeMaxEntries {
		t.Fatalf("%d blocks for %d entries", s.Blocks(), n)
	}
	for _, r := range [][2]int{{1, n}, {99, 101}, {150, 350}, {500, 500}, {999, 1000}} {
		var fwd, rev []string
		for i := r[0]; i <= r[1]; i++ {
			fwd = append(fwd, fmt.Sprintf(`["%d-%d" ["f" "%d"]]`, i/3, i, i))
			rev = append([]string{fwd[len(fwd)-1]}, rev...)
		}
		lo, hi := fmt.Sprintf("%d-%d", r[0]/3, r[0]), fmt.Sprintf("%d-%d", r[1]/3, r[1])
		x.want("XRANGE s "+lo+" "+hi, "["+strings.Join(fwd, " ")+"]")
		x.want("XREVRANGE s "+hi+" "+lo, "["+strings.Join(rev, " ")+"]")
	}
}
