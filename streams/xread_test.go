package streams

import (
	"strings"
	"testing"
	"time"
)

func TestXRead(t *testing.T) {
	x := newTester(t)
	x.fill("a", 3)
	x.do("XADD b 5-0 g w")
	x.wants(
		"XREAD STREAMS a 0", `[["a" [["1-1" ["f" "v1"]] ["1-2" ["f" "v2"]] ["1-3" ["f" "v3"]]]]]`,
		"XREAD COUNT 1 STREAMS a b 1-1 0", `[["a" [["1-2" ["f" "v2"]]]] ["b" [["5-0" ["g" "w"]]]]]`,
		"XREAD STREAMS a b $ $", "(nil array)",
		"XREAD STREAMS a b + +", `[["a" [["1-3" ["f" "v3"]]]] ["b" [["5-0" ["g" "w"]]]]]`,
		"XREAD STREAMS a nosuch 1-2 0", `[["a" [["1-3" ["f" "v3"]]]]]`,
		"XREAD STREAMS nosuch +", "(nil array)",
		"XREAD COUNT -1 STREAMS a 1-2", `[["a" [["1-3" ["f" "v3"]]]]]`,
		"XREAD BLOCK 100 COUNT 1 STREAMS a 1-3", "(nil array)",
		"XREAD COUNT 1 STREAMS a 1", `[["a" [["1-1" ["f" "v1"]]]]]`,
		"XREAD STREAMS a", "ERR wrong number of arguments for 'xread' command",
		"XREAD STREAMS a b 0", "ERR Unbalanced 'xread' list of streams: for each stream key an ID or '$' must be specified.",
		"XREAD COUNT 1 a 0", "ERR syntax error",
		"XREAD COUNT x STREAMS a 0", "ERR value is not an integer or out of range",
		"XREAD BLOCK x STREAMS a 0", "ERR timeout is not an integer or out of range",
		"XREAD BLOCK -1 STREAMS a 0", "ERR timeout is negative",
		"XREAD BLOCK 9223372036854775807 STREAMS a 0", "ERR timeout is out of range",
		"XREAD GROUP g c STREAMS a 0", "ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead.",
		"XREAD NOACK STREAMS a 0", "ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead.",
		"XREAD STREAMS a >", "ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> <consumer> option.",
		"XREAD STREAMS a -", "ERR Invalid stream ID specified as stream command argument",
		"XREAD STREAMS a x", "ERR Invalid stream ID specified as stream command argument",
		"SET str v", "OK",
		"XREAD STREAMS a str 0 0", "WRONGTYPE Operation against a key holding the wrong kind of value",
	)
	x.proto = 3
	x.wants(
		"XREAD COUNT 1 STREAMS a b 0 0", `{"a":[["1-1" ["f" "v1"]]] "b":[["5-0" ["g" "w"]]]}`,
		"XREAD STREAMS a $", "(nil)",
	)
}

// TestXReadBlocks checks the decisions a blocking XREAD hands the broker.
func TestXReadBlocks(t *testing.T) {
	x := newTester(t)
	x.blockable = true
	x.fill("a", 2)
	x.want("XREAD BLOCK 1500 STREAMS a nosuch $ $", "")
	req := x.lastBlock
	if req == nil {
		t.Fatal("XREAD BLOCK with nothing to serve did not block")
	}
	if got := string(req.Keys[0]) + " " + string(req.Keys[1]); got != "a nosuch" {
		t.Errorf("keys %q", got)
	}
	if req.Timeout != 1500*time.Millisecond || req.OnTimeout != nil {
		t.Errorf("timeout %v, OnTimeout set %v", req.Timeout, req.OnTimeout != nil)
	}
	if got := string(bytesJoin(req.Args)); got != "XREAD BLOCK 1500 STREAMS a nosuch 1-2 0-0" {
		t.Errorf("retry args %q", got)
	}

	// A retry after a write serves only what is newer than the call.
	x.do("XADD a 1-3 f v3")
	got := x.exec(x.store, 0, req.Args, false, true)
	if want := `[["a" [["1-3" ["f" "v3"]]]]]`; fmtReply(got) != want {
		t.Errorf("retry got %s, want %s", fmtReply(got), want)
	}

	// A key that was deleted or changed type keeps the client waiting.
	x.do("DEL a")
	x.do("SET nosuch v")
	x.exec(x.store, 0, req.Args, false, true)
	if x.lastBlock == nil {
		t.Error("retry on a deleted key and a wrong type did not block again")
	}

	// BLOCK 0 waits forever; without BLOCK, or where blocking is not
	// allowed (MULTI, scripts), the reply is the null array.
	x.want("XREAD BLOCK 0 STREAMS a $", "")
	if x.lastBlock == nil || x.lastBlock.Timeout != 0 {
		t.Errorf("BLOCK 0: %+v", x.lastBlock)
	}
	x.blockable = false
	x.want("XREAD BLOCK 0 STREAMS a $", "(nil array)")
	x.want("XREAD STREAMS a $", "(nil array)")
}

func bytesJoin(args [][]byte) []byte {
	var parts []string
	for _, a := range args {
		parts = append(parts, string(a))
	}
	return []byte(strings.Join(parts, " "))
}
