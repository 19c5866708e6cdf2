package broker_test

import (
	"strings"
	"testing"

	"github.com/brokerd/brokerd/internal/brokertest"
	"github.com/brokerd/brokerd/wal"
)

// streamRestartScenarios exercise every stream mutation; after each, the
// streams (entries, last ID, max deleted ID, entries-added, first ID and
// block count) must be the same once the server restarts from its log.
// "N*" before a command repeats it N times.
var streamRestartScenarios = map[string][]string{
	"XADD *":                 {"5* XADD s * f v"},
	"XADD ids":               {"XADD s 1-1 f v", "XADD s 1-* f v", "XADD s 5-* a 1 b 2", "XADD s 9-9 a 1 b 2"},
	"XADD NOMKSTREAM":        {"XADD s NOMKSTREAM * f v", "XADD s 1-1 f v", "XADD s NOMKSTREAM * f v"},
	"XADD MAXLEN":            {"30* XADD s MAXLEN 10 * f v"},
	"XADD MAXLEN ~":          {"350* XADD s MAXLEN ~ 120 * f v"},
	"XADD MAXLEN ~ LIMIT":    {"350* XADD s MAXLEN ~ 0 LIMIT 100 * f v"},
	"XADD MINID":             {"20* XADD s * f v", "XADD s MINID 99999999999999 * f v"},
	"XADD MINID ~":           {"250* XADD s * f v", "XADD s MINID ~ 99999999999999 * f v"},
	"XDEL":                   {"5* XADD s * f v", "XDEL s 0-1", "XADD u 1-1 f v", "XADD u 1-2 f v", "XADD u 1-3 f v", "XDEL u 1-1 1-3"},
	"XDEL all, last ID kept": {"XADD s 1-1 f v", "XADD s 2-2 f v", "XDEL s 2-2 1-1", "XADD s 3-* f v"},
	"XDEL compaction":        {"100* XADD s * f v", "60* XADD t * f v"},
	"XTRIM":                  {"250* XADD s * f v", "XTRIM s MAXLEN ~ 120", "XTRIM s MAXLEN 100", "XTRIM s MINID 0", "XTRIM s MAXLEN ~ 0 LIMIT 100"},
	"XTRIM MINID":            {"20* XADD s * f v", "XTRIM s MINID 99999999999999"},
	"XSETID":                 {"XADD s 1-1 f v", "XSETID s 5-0", "XSETID s 6-0 ENTRIESADDED 9 MAXDELETEDID 2-0", "XADD s 6-* f v"},
	"XSETID on empty":        {"XADD s 1-1 f v", "XTRIM s MAXLEN 0", "XSETID s 0-5", "XADD s 0-* f v"},
	"keys":                   {"XADD s 1-1 f v", "COPY s c", "XADD c 2-0 f w", "RENAME c r", "EXPIRE r 1000", "XADD d 1-1 f v", "DEL d", "MOVE s 3"},
	"binary":                 {"XADD s 1-1 \"\\x00\\xff\" \"\\r\\n\" 123 -45 007 \"\""},
}

func TestStreamRestartPreservesEveryWrite(t *testing.T) {
	checkRestarts(t, []wal.Policy{wal.Always, wal.No}, streamRestartScenarios, dumpKeyspace, func(name string, r *brokertest.Raw) {
		if name != "XDEL compaction" {
			return
		}
		// Delete most of a block, and a whole one, through XRANGE's IDs.
		for _, key := range []string{"s", "t"} {
			ids := strings.Fields(strings.NewReplacer("[", " ", "]", " ", "\"f\"", "", "\"v\"", "").Replace(r.Do("XRANGE " + key + " - +")))
			for i, id := range ids {
				if i%5 != 4 || key == "t" {
					r.Do("XDEL " + key + " " + id)
				}
			}
		}
	})
}
