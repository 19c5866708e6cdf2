package kv

import "testing"

func TestListReads(t *testing.T) {
	x := newStringTester(t)
	x.want("SET s v", "OK")
	x.want("RPUSH l a b c d", "(int) 4")
	x.wantUnchanged([]cmdReply{
		{"LLEN l", "(int) 4"},
		{"LLEN missing", "(int) 0"},
		{"LLEN s", wrongType},

		{"LINDEX l 0", `"a"`},
		{"LINDEX l 3", `"d"`},
		{"LINDEX l -1", `"d"`},
		{"LINDEX l -4", `"a"`},
		{"LINDEX l 4", "(nil)"},
		{"LINDEX l -5", "(nil)"},
		{"LINDEX missing 0", "(nil)"},
		{"LINDEX missing x", "(nil)"}, // the key is looked at first
		{"LINDEX l x", "ERR value is not an integer or out of range"},
		{"LINDEX s 0", wrongType},

		{"LRANGE l 0 -1", `["a" "b" "c" "d"]`},
		{"LRANGE l 1 2", `["b" "c"]`},
		{"LRANGE l -2 -1", `["c" "d"]`},
		{"LRANGE l -100 1", `["a" "b"]`},
		{"LRANGE l 2 100", `["c" "d"]`},
		{"LRANGE l 3 1", "[]"},
		{"LRANGE l 4 10", "[]"},
		{"LRANGE l 0 -5", "[]"},
		{"LRANGE missing 0 -1", "[]"},
		{"LRANGE l x 1", "ERR value is not an integer or out of range"},
		{"LRANGE missing 0 x", "ERR value is not an integer or out of range"},
		{"LRANGE s 0 -1", wrongType},
		{"LRANGE s x 0", "ERR value is not an integer or out of range"}, // indexes first
	})
}

// TestListReadsAcrossNodes reads a list of many nodes from both ends.
func TestListReadsAcrossNodes(t *testing.T) {
	x := newTester(t)
	l := &List{}
	var want []string
	for i := 0; i < 3000; i++ {
		e := []byte(fmtElem(i))
		l.grow(len(e))
		l.PushBack(e)
		want = append(want, string(e))
	}
	x.store.Database(0).Put([]byte("l"), l)
	if l.chunks.n < 10 {
		t.Fatalf("only %d nodes", l.chunks.n)
	}
	for _, i := range []int{0, 1, 1499, 1500, 2998, 2999} {
		x.want("LINDEX l "+itoa(i), `"`+want[i]+`"`)
		x.want("LINDEX l "+itoa(i-3000), `"`+want[i]+`"`)
	}
	x.want("LRANGE l 1498 1501", `["`+want[1498]+`" "`+want[1499]+`" "`+want[1500]+`" "`+want[1501]+`"]`)
}
