package kv

import (
	"slices"
	"strings"
	"testing"
)

func TestHashRandFieldErrors(t *testing.T) {
	x := newTester(t)
	x.want("HSET h a 1", "(int) 1")
	x.wantUnchanged([]cmdReply{
		{"HRANDFIELD h x", "ERR value is not an integer or out of range"},
		{"HRANDFIELD h -9223372036854775808", "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807"},
		{"HRANDFIELD h 1 WITHVALUE", "ERR syntax error"},
		{"HRANDFIELD h 1 WITHVALUES x", "ERR syntax error"},
		{"HRANDFIELD h 4611686018427387904 WITHVALUES", "ERR value is out of range"},
		{"HRANDFIELD h -4611686018427387904 WITHVALUES", "ERR value is out of range"},
		{"HRANDFIELD missing x", "ERR value is not an integer or out of range"},
		{"HRANDFIELD missing", "(nil)"},
		{"HRANDFIELD missing 3", "[]"},
		{"HRANDFIELD missing -3 WITHVALUES", "[]"},
		{"HRANDFIELD h 0", "[]"},
		{"HRANDFIELD h 0 withvalues", "[]"},
		{"HRANDFIELD h", `"a"`},
		{"HRANDFIELD h 1", `["a"]`},
		{"HRANDFIELD h 9223372036854775807", `["a"]`},
		{"HRANDFIELD h -3", `["a" "a" "a"]`},
		{"HRANDFIELD h -2 WITHVALUES", `["a" "1" "a" "1"]`},
		{"HRANDFIELD h 4611686018427387903 WITHVALUES", `["a" "1"]`},
	})
}

// TestHashRandField checks each case of hrandfieldWithCountCommand on
// both encodings: what comes back is always from the hash, distinct for a
// positive count, and the whole hash in its order once count covers it.
func TestHashRandField(t *testing.T) {
	for _, enc := range []string{"listpack", "hashtable"} {
		t.Run(enc, func(t *testing.T) {
			x := newTester(t)
			x.want("HSET h a 1 b 2 c 3 d 4 e 5", "(int) 5")
			if enc == "hashtable" {
				x.want("HSET h long "+strings.Repeat("v", 65), "(int) 1")
				x.want("HDEL h long", "(int) 1")
			}
			x.wantEncoding("h", enc)
			vals := map[string]string{"a": "1", "b": "2", "c": "3", "d": "4", "e": "5"}
			for range 50 {
				one := strings.Trim(x.do("HRANDFIELD h"), `"`)
				if vals[one] == "" {
					t.Fatalf("HRANDFIELD h = %q", one)
				}
				fields := hashReplyWords(x.do("HRANDFIELD h 3"))
				if len(fields) != 3 || len(uniq(fields)) != 3 {
					t.Fatalf("HRANDFIELD h 3 = %q", fields)
				}
				fv := hashReplyWords(x.do("HRANDFIELD h -8 WITHVALUES"))
				if len(fv) != 16 {
					t.Fatalf("HRANDFIELD h -8 WITHVALUES = %q", fv)
				}
				for i := 0; i < len(fv); i += 2 {
					if vals[fv[i]] != fv[i+1] {
						t.Fatalf("HRANDFIELD h -8 WITHVALUES = %q", fv)
					}
				}
			}
			all := hashReplyWords(x.do("HRANDFIELD h 5"))
			keys := hashReplyWords(x.do("HKEYS h"))
			if enc == "hashtable" { // the map's order differs between walks
				all, keys = uniq(all), uniq(keys)
			}
			if !slices.Equal(all, keys) {
				t.Errorf("HRANDFIELD h 5 = %q, want the whole hash %q", all, keys)
			}
			if enc == "listpack" {
				x.want("HRANDFIELD h 10 WITHVALUES", `["a" "1" "b" "2" "c" "3" "d" "4" "e" "5"]`)
			}
			x.proto = 3
			x.want("HSET one f v", "(int) 1")
			x.want("HRANDFIELD one 2 WITHVALUES", `[["f" "v"]]`)
			x.want("HRANDFIELD one -2 WITHVALUES", `[["f" "v"] ["f" "v"]]`)
			x.want("HRANDFIELD one -2", `["f" "f"]`)
			x.want("HRANDFIELD missing", "(nil)")
		})
	}
}

// TestHashRandFieldSeesEveryField: over many draws, every field of a
// hashtable comes up, with and without a count.
func TestHashRandFieldSeesEveryField(t *testing.T) {
	x := newTester(t)
	for i := range 600 {
		x.do("HSET h f" + itoa(i) + " v")
	}
	x.wantEncoding("h", "hashtable")
	seen := map[string]bool{}
	for range 20000 {
		seen[strings.Trim(x.do("HRANDFIELD h"), `"`)] = true
	}
	for _, f := range hashReplyWords(x.do("HRANDFIELD h -20000")) {
		seen[f] = true
	}
	if len(seen) != 600 {
		t.Errorf("saw %d of 600 fields", len(seen))
	}
}

// hashReplyWords splits a formatted flat array of simple words.
func hashReplyWords(s string) []string {
	s = strings.Trim(s, "[]")
	if s == "" {
		return nil
	}
	words := strings.Fields(s)
	for i, w := range words {
		words[i] = strings.Trim(w, `"`)
	}
	return words
}

func uniq(ss []string) []string {
	out := slices.Clone(ss)
	slices.Sort(out)
	return slices.Compact(out)
}
