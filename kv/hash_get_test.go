package kv

import "testing"

func TestHashGet(t *testing.T) {
	x := newTester(t)
	x.want("HSET h a 1 b \"\" c 12345", "(int) 3")
	x.wantUnchanged([]cmdReply{
		{"HGET h a", `"1"`},
		{"HGET h b", `""`},
		{"HGET h x", "(nil)"},
		{"HGET missing a", "(nil)"},
		{"HMGET h a x c", `["1" (nil) "12345"]`},
		{"HMGET missing a b", `[(nil) (nil)]`},
		{"HEXISTS h a", "(int) 1"},
		{"HEXISTS h x", "(int) 0"},
		{"HEXISTS missing a", "(int) 0"},
		{"HSTRLEN h c", "(int) 5"},
		{"HSTRLEN h b", "(int) 0"},
		{"HSTRLEN h x", "(int) 0"},
		{"HSTRLEN missing a", "(int) 0"},
		{"HLEN h", "(int) 3"},
		{"HLEN missing", "(int) 0"},
		{"HKEYS h", `["a" "b" "c"]`},
		{"HVALS h", `["1" "" "12345"]`},
		{"HGETALL h", `["a" "1" "b" "" "c" "12345"]`},
		{"HKEYS missing", "[]"},
		{"HVALS missing", "[]"},
		{"HGETALL missing", "[]"},
	})
}

// TestHashGetRESP3: HGETALL is a map in RESP3, HKEYS and HVALS arrays,
// HEXISTS an integer, as in Redis.
func TestHashGetRESP3(t *testing.T) {
	x := newTester(t)
	x.proto = 3
	x.want("HSET h a 1 b 2", "(int) 2")
	x.want("HGETALL h", `{"a":"1" "b":"2"}`)
	x.want("HGETALL missing", "{}")
	x.want("HKEYS h", `["a" "b"]`)
	x.want("HVALS missing", "[]")
	x.want("HEXISTS h a", "(int) 1")
	x.want("HGET h x", "(nil)")
	x.want("HMGET h a x", `["1" (nil)]`)
}

func TestHashGetHashtable(t *testing.T) {
	x := newTester(t)
	x.want("HSET h a 1 b 2", "(int) 2")
	x.want("HSET h long "+fmtElem(1), "(int) 1")
	x.wantEncoding("h", "hashtable")
	x.want("HGET h long", `"`+fmtElem(1)+`"`)
	x.want("HMGET h a x b", `["1" (nil) "2"]`)
	x.want("HLEN h", "(int) 3")
	x.want("HSTRLEN h long", "(int) 100")
	x.want("HEXISTS h b", "(int) 1")
	x.want("HSET h a 3", "(int) 0")
	x.want("HDEL h b", "(int) 1")
	got := x.do("HGETALL h")
	if got != `["a" "3" "long" "`+fmtElem(1)+`"]` && got != `["long" "`+fmtElem(1)+`" "a" "3"]` {
		t.Errorf("HGETALL h = %s", got)
	}
	x.checkReplay()
}
