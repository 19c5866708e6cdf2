package broker_test

import (
	"testing"

	"github.com/brokerd/brokerd/wal"
)

// groupRestartScenarios exercise every consumer-group mutation; after
// each, XINFO STREAM FULL (groups, PELs with delivery times and counts,
// consumers with seen and active times) must read the same once the
// server restarts from its log.
var groupRestartScenarios = map[string][]string{
	"XGROUP CREATE":         {"XADD s 1-1 f v", "XGROUP CREATE s a $", "XGROUP CREATE s b 0 ENTRIESREAD 0", "XGROUP CREATE t c $ MKSTREAM"},
	"XGROUP SETID":          {"XADD s 1-1 f v", "XADD s 2-1 f v", "XGROUP CREATE s g 0", "XGROUP SETID s g $", "XGROUP SETID s g 1-1 ENTRIESREAD 1"},
	"XGROUP DESTROY":        {"XGROUP CREATE s g $ MKSTREAM", "XGROUP CREATE s h $", "XGROUP DESTROY s g"},
	"XGROUP CREATECONSUMER": {"XGROUP CREATE s g $ MKSTREAM", "XGROUP CREATECONSUMER s g alice"},
	"XGROUP DELCONSUMER":    {"XADD s 1-1 f v", "XGROUP CREATE s g 0", "XREADGROUP GROUP g alice STREAMS s >", "XGROUP CREATECONSUMER s g bob", "XGROUP DELCONSUMER s g alice"},
	"XREADGROUP":            {"XADD s 1-1 f v", "XADD s 2-1 f v", "XGROUP CREATE s g 0", "XREADGROUP GROUP g alice COUNT 1 STREAMS s >", "XREADGROUP GROUP g bob STREAMS s >", "XREADGROUP GROUP g bob STREAMS s >"},
	"XREADGROUP NOACK":      {"XADD s 1-1 f v", "XGROUP CREATE s g 0", "XREADGROUP GROUP g alice NOACK STREAMS s >"},
	"XREADGROUP history":    {"XADD s 1-1 f v", "XGROUP CREATE s g 0", "XREADGROUP GROUP g alice STREAMS s >", "XREADGROUP GROUP g alice STREAMS s 0", "XDEL s 1-1", "XREADGROUP GROUP g alice STREAMS s 0"},
	"XREADGROUP redelivery": {"XADD s 1-1 f v", "XGROUP CREATE s g 0", "XREADGROUP GROUP g alice STREAMS s >", "XGROUP SETID s g 0", "XREADGROUP GROUP g bob STREAMS s >"},
	"XACK":                  {"XADD s 1-1 f v", "XADD s 2-1 f v", "XGROUP CREATE s g 0", "XREADGROUP GROUP g alice STREAMS s >", "XACK s g 1-1 9-9"},
	"XCLAIM":                {"XADD s 1-1 f v", "XADD s 2-1 f v", "XADD s 3-1 f v", "XGROUP CREATE s g 0", "XREADGROUP GROUP g alice STREAMS s >", "XCLAIM s g bob 0 1-1", "XCLAIM s g bob 0 2-1 IDLE 5000 RETRYCOUNT 9 JUSTID", "XCLAIM s g carol 0 3-1 TIME 1000 LASTID 7-7", "XDEL s 1-1", "XCLAIM s g carol 0 1-1", "XADD s 8-0 f v", "XCLAIM s g dave 0 8-0 FORCE"},
	"XAUTOCLAIM":            {"XADD s 1-1 f v", "XADD s 2-1 f v", "XADD s 3-1 f v", "XGROUP CREATE s g 0", "XREADGROUP GROUP g alice STREAMS s >", "XDEL s 2-1", "XAUTOCLAIM s g bob 0 0 COUNT 2", "XAUTOCLAIM s g carol 0 0 JUSTID"},
	"keys":                  {"XADD s 1-1 f v", "XGROUP CREATE s g 0", "XREADGROUP GROUP g alice STREAMS s >", "COPY s c", "XACK c g 1-1", "RENAME c r", "DEL s"},
}

func TestGroupRestartPreservesEveryWrite(t *testing.T) {
	checkRestarts(t, []wal.Policy{wal.Always, wal.No}, groupRestartScenarios, dumpKeyspace, nil)
}
