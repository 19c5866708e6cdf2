package consumergroups

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// setup is the fixture most tests start from: three entries and group g
// at 0.
var setup = []string{
	"XADD s 1-1 f a", `"1-1"`, "XADD s 2-1 f b", `"2-1"`, "XADD s 3-1 f c", `"3-1"`,
	"XGROUP CREATE s g 0", "OK",
}

func TestXReadGroup(t *testing.T) {
	tests := []struct {
		name  string
		lines []string
	}{
		{"new entries, then nothing", []string{
			"XREADGROUP GROUP g alice COUNT 2 STREAMS s >", `[["s" [["1-1" ["f" "a"]] ["2-1" ["f" "b"]]]]]`,
			"XREADGROUP GROUP g bob STREAMS s >", `[["s" [["3-1" ["f" "c"]]]]]`,
			"XREADGROUP GROUP g bob STREAMS s >", "(nil array)",
			"XINFO GROUPS s", `[["name" "g" "consumers" (int) 2 "pending" (int) 3 "last-delivered-id" "3-1" "entries-read" (int) 3 "lag" (int) 0]]`,
			"XPENDING s g", `[(int) 3 "1-1" "3-1" [["alice" "2"] ["bob" "1"]]]`,
		}},
		{"history", []string{
			"XREADGROUP GROUP g alice STREAMS s >", `[["s" [["1-1" ["f" "a"]] ["2-1" ["f" "b"]] ["3-1" ["f" "c"]]]]]`,
			"XACK s g 2-1", "(int) 1",
			"XDEL s 3-1", "(int) 1",
			"XREADGROUP GROUP g alice STREAMS s 0", `[["s" [["1-1" ["f" "a"]] ["3-1" (nil array)]]]]`,
			"XREADGROUP GROUP g alice COUNT 1 STREAMS s 1-1", `[["s" [["3-1" (nil array)]]]]`,
			"XREADGROUP GROUP g bob STREAMS s 0", `[["s" []]]`,
			"XPENDING s g - + 10", `[["1-1" "alice" (int) 0 (int) 2] ["3-1" "alice" (int) 0 (int) 1]]`,
		}},
		{"NOACK", []string{
			"XREADGROUP GROUP g alice NOACK STREAMS s >", `[["s" [["1-1" ["f" "a"]] ["2-1" ["f" "b"]] ["3-1" ["f" "c"]]]]]`,
			"XPENDING s g", "[(int) 0 (nil) (nil) (nil array)]",
			"XINFO CONSUMERS s g", `[["name" "alice" "pending" (int) 0 "idle" (int) 0 "inactive" (int) -1]]`,
			"XINFO GROUPS s", `[["name" "g" "consumers" (int) 1 "pending" (int) 0 "last-delivered-id" "3-1" "entries-read" (int) 3 "lag" (int) 0]]`,
		}},
		{"SETID back redelivers to the new reader", []string{
			"XREADGROUP GROUP g alice STREAMS s >", `[["s" [["1-1" ["f" "a"]] ["2-1" ["f" "b"]] ["3-1" ["f" "c"]]]]]`,
			"XGROUP SETID s g 1-1", "OK",
			"XREADGROUP GROUP g bob COUNT 1 STREAMS s >", `[["s" [["2-1" ["f" "b"]]]]]`,
			"XPENDING s g - + 10", `[["1-1" "alice" (int) 0 (int) 1] ["2-1" "bob" (int) 0 (int) 1] ["3-1" "alice" (int) 0 (int) 1]]`,
			"XINFO GROUPS s", `[["name" "g" "consumers" (int) 2 "pending" (int) 3 "last-delivered-id" "2-1" "entries-read" (nil) "lag" (nil)]]`,
		}},
		{"several streams", []string{
			"XADD t 5-0 x y", `"5-0"`, "XGROUP CREATE t g $", "OK",
			"XREADGROUP GROUP g alice STREAMS s t > >", `[["s" [["1-1" ["f" "a"]] ["2-1" ["f" "b"]] ["3-1" ["f" "c"]]]]]`,
			"XREADGROUP GROUP g alice STREAMS s t 0 >", `[["s" [["1-1" ["f" "a"]] ["2-1" ["f" "b"]] ["3-1" ["f" "c"]]]]]`,
			"XINFO CONSUMERS t g", `[["name" "alice" "pending" (int) 0 "idle" (int) 0 "inactive" (int) -1]]`,
		}},
		{"errors", []string{
			"SET str x", "OK",
			"XREADGROUP GROUP g alice STREAMS str >", "WRONGTYPE Operation against a key holding the wrong kind of value",
			"XREADGROUP GROUP nope alice STREAMS s >", "NOGROUP No such key 's' or consumer group 'nope' in XREADGROUP with GROUP option",
			"XREADGROUP GROUP g alice STREAMS none >", "NOGROUP No such key 'none' or consumer group 'g' in XREADGROUP with GROUP option",
			"XREADGROUP GROUP g alice STREAMS s $", "ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the history of this consumer by specifying a proper ID, or use the > ID to get new messages. The $ ID would just return an empty result set.",
			"XREADGROUP GROUP g alice STREAMS s +", "ERR The + ID is meaningless in the context of XREADGROUP: you want to read the history of this consumer by specifying a proper ID, or use the > ID to get new messages. The + ID would just return an empty result set.",
			"XREADGROUP GROUP g alice STREAMS s x", "ERR Invalid stream ID specified as stream command argument",
			"XREADGROUP GROUP g alice STREAMS s s >", "ERR Unbalanced 'xreadgroup' list of streams: for each stream key an ID or '>' must be specified.",
			"XREADGROUP COUNT 1 BLOCK 0 STREAMS s >", "ERR Missing GROUP option for XREADGROUP",
			"XREADGROUP GROUP g alice COUNT x STREAMS s >", "ERR value is not an integer or out of range",
			"XREADGROUP GROUP g alice BLOCK -1 STREAMS s >", "ERR timeout is negative",
			"XREADGROUP GROUP g alice FOO STREAMS s >", "ERR syntax error",
			"XREADGROUP GROUP g alice COUNT 1 NOACK s >", "ERR syntax error",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x := newTester(t)
			x.wants(setup...)
			x.wants(tt.lines...)
			x.checkReplay()
		})
	}
}

func TestXReadGroupRESP3(t *testing.T) {
	x := newTester(t)
	x.wants(setup...)
	x.proto = 3
	x.wants(
		"XREADGROUP GROUP g alice COUNT 1 STREAMS s >", `{"s":[["1-1" ["f" "a"]]]}`,
		"XREADGROUP GROUP g alice STREAMS s 0", `{"s":[["1-1" ["f" "a"]]]}`,
		"XREADGROUP GROUP g alice BLOCK 10 STREAMS s 9-9", `{"s":[]}`,
		"XINFO CONSUMERS s g", `[{"name":"alice" "pending":(int) 1 "idle":(int) 0 "inactive":(int) 0}]`,
	)
}

// TestXReadGroupBlocking checks the blocking decisions: park only when
// no ">" stream has anything new, never in MULTI or replay, and the
// errors of a retry whose key or group is gone.
func TestXReadGroupBlocking(t *testing.T) {
	x := newTester(t)
	x.wants(setup...)
	x.blockable = true
	x.want("XREADGROUP GROUP g alice BLOCK 100 STREAMS s >", `[["s" [["1-1" ["f" "a"]] ["2-1" ["f" "b"]] ["3-1" ["f" "c"]]]]]`)
	x.want("XREADGROUP GROUP g bob BLOCK 100 STREAMS s >", "")
	if x.lastBlock == nil || x.lastBlock.Timeout != 100*time.Millisecond || len(x.lastBlock.Keys) != 1 || string(x.lastBlock.Keys[0]) != "s" {
		t.Fatalf("XREADGROUP BLOCK with nothing new: block request %+v", x.lastBlock)
	}
	x.want("XINFO CONSUMERS s g", `[["name" "alice" "pending" (int) 3 "idle" (int) 0 "inactive" (int) 0] ["name" "bob" "pending" (int) 0 "idle" (int) 0 "inactive" (int) -1]]`)

	// A retry that finds nothing blocks again and changes nothing.
	x.retrying = true
	x.advance(50)
	n := len(x.effects)
	x.want("XREADGROUP GROUP g bob BLOCK 100 STREAMS s >", "")
	if x.lastBlock == nil || len(x.effects) != n {
		t.Errorf("empty retry: block %v, effects %d -> %d", x.lastBlock, n, len(x.effects))
	}
	x.want("XADD s 4-1 f d", `"4-1"`)
	x.want("XREADGROUP GROUP g bob BLOCK 100 STREAMS s >", `[["s" [["4-1" ["f" "d"]]]]]`)
	x.want("XGROUP DESTROY s g", "(int) 1")
	x.want("XREADGROUP GROUP g bob BLOCK 100 STREAMS s >", "NOGROUP No such key 's' or consumer group 'g' in XREADGROUP with GROUP option")
	x.want("DEL s", "(int) 1")
	x.want("XREADGROUP GROUP g bob BLOCK 100 STREAMS s >", "UNBLOCKED the stream key no longer exists")
	x.want("SET s x", "OK")
	x.want("XREADGROUP GROUP g bob BLOCK 100 STREAMS s >", "UNBLOCKED the stream key no longer exists")
	x.retrying = false
	x.want("XREADGROUP GROUP g bob BLOCK 100 STREAMS s >", "WRONGTYPE Operation against a key holding the wrong kind of value")

	// Where blocking is not allowed (MULTI, scripts) it answers null.
	y := newTester(t)
	y.wants(setup...)
	y.want("XREADGROUP GROUP g alice STREAMS s >", `[["s" [["1-1" ["f" "a"]] ["2-1" ["f" "b"]] ["3-1" ["f" "c"]]]]]`)
	y.want("XREADGROUP GROUP g alice BLOCK 0 STREAMS s >", "(nil array)")
	if y.lastBlock != nil {
		t.Errorf("blocked where blocking is not allowed")
	}
	y.checkReplay()
}

// TestXReadGroupEffects pins what a delivery logs, argument by argument:
// the effects are built in buffers the group reuses (effectArgs), so each
// must come out whole and unchanged by the next one.
func TestXReadGroupEffects(t *testing.T) {
	x := newTester(t)
	x.wants(setup...)
	x.wants("XGROUP CREATE s a-first 0", "OK", "XGROUP CREATE s z-last 0", "OK")
	mark := len(x.effects)
	x.want("XREADGROUP GROUP g alice COUNT 2 STREAMS s >", `[["s" [["1-1" ["f" "a"]] ["2-1" ["f" "b"]]]]]`)
	now := fmt.Sprint(x.now)
	want := []string{
		"XCLAIM s g alice 0 1-1 TIME " + now + " RETRYCOUNT 1 FORCE JUSTID LASTID 1-1",
		"XCLAIM s g alice 0 2-1 TIME " + now + " RETRYCOUNT 1 FORCE JUSTID LASTID 2-1",
		"XGROUP SETID s g 2-1 ENTRIESREAD 2",
		"XCLAIM s g alice 0 JUSTID SEENTIME " + now + " ACTIVETIME " + now,
	}
	var got []string
	for _, e := range x.effects[mark:] {
		got = append(got, string(bytes.Join(e, []byte(" "))))
	}
	if !slices.Equal(got, want) {
		t.Errorf("effects\n got: %q\nwant: %q", got, want)
	}
	x.checkReplay()
}

// TestXReadGroupManyEntries delivers more entries in one reply than the
// single pass keeps on the stack.
func TestXReadGroupManyEntries(t *testing.T) {
	x := newTester(t)
	x.want("XGROUP CREATE s g $ MKSTREAM", "OK")
	var ids []string
	for i := 1; i <= 40; i++ {
		id := fmt.Sprintf("%d-1", i)
		x.want("XADD s "+id+" f v", `"`+id+`"`)
		ids = append(ids, `["`+id+`" ["f" "v"]]`)
	}
	x.want("XREADGROUP GROUP g alice COUNT 30 STREAMS s >", `[["s" [`+strings.Join(ids[:30], " ")+`]]]`)
	x.want("XREADGROUP GROUP g bob STREAMS s >", `[["s" [`+strings.Join(ids[30:], " ")+`]]]`)
	x.want("XPENDING s g", `[(int) 40 "1-1" "40-1" [["alice" "30"] ["bob" "10"]]]`)
	x.checkReplay()
}
