package kv

import (
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/brokerd/brokerd/command"
)

func TestKeysPattern(t *testing.T) {
	x := newKeyTester(t)
	x.seedKeys("key_x", "key_y", "key_z", "foo_a", "foo_b", "foo_c", "")
	tests := []struct {
		pattern string
		want    []string
	}{
		{"foo*", []string{"foo_a", "foo_b", "foo_c"}},
		{"*", []string{"", "foo_a", "foo_b", "foo_c", "key_x", "key_y", "key_z"}},
		{"**", []string{"foo_a", "foo_b", "foo_c", "key_x", "key_y", "key_z"}}, // the matcher never matches ""
		{"key_[xy]", []string{"key_x", "key_y"}},
		{"key_[^xy]", []string{"key_z"}},
		{"*_?", []string{"foo_a", "foo_b", "foo_c", "key_x", "key_y", "key_z"}},
		{"FOO*", []string{}}, // case-sensitive
		{"nomatch", []string{}},
		{`""`, []string{""}},
	}
	for _, tt := range tests {
		got := x.sortedReply("KEYS " + tt.pattern)
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("KEYS %s = %q, want %q", tt.pattern, got, tt.want)
		}
	}
	x.checkReplay()
}

// The regressions in Redis's keyspace.tcl: pathological patterns return
// promptly and match nothing.
func TestKeysPathologicalPatterns(t *testing.T) {
	x := newKeyTester(t)
	x.seedKeys(strings.Repeat("a", 140))
	x.want("KEYS "+strings.Repeat("a*", 32)+"b", "[]")
	x.want("FLUSHDB", "OK")
	x.seedKeys(strings.Repeat("a", 50000))
	x.want("KEYS "+strings.Repeat("*?", 50000), "[]")
	x.checkReplay()
}

func TestKeysSkipsExpiredAndOtherDatabases(t *testing.T) {
	x := newKeyTester(t)
	x.seedKeys("a", "b")
	x.want("PEXPIRE b 10", "(int) 1")
	x.db = 1
	x.seedKeys("c")
	x.db = 0
	x.advance(10)
	if got := x.sortedReply("KEYS *"); !reflect.DeepEqual(got, []string{"a"}) {
		t.Errorf("KEYS * = %q", got)
	}
	x.checkReplay()
}

func TestParseScanCursor(t *testing.T) {
	tests := []struct {
		in   string
		want uint64
		ok   bool
	}{
		{"0", 0, true},
		{"42", 42, true},
		{"007", 7, true},
		{"+5", 5, true},
		{"", 0, true}, // strtoul's empty string is 0 (Redis 7.2 accepts it)
		{"18446744073709551615", math.MaxUint64, true},
		{"18446744073709551616", 0, false},
		{"99999999999999999999", 0, false},
		{"-1", math.MaxUint64, true}, // strtoul negates modulo 2^64
		{"-18446744073709551615", 1, true},
		{"-18446744073709551616", 0, false},
		{" 1", 0, false},
		{"\t1", 0, false},
		{"1 ", 0, false},
		{"1x", 0, false},
		{"x", 0, false},
		{"+", 0, false},
		{"-", 0, false},
		{"0x10", 0, false},
		{"1.0", 0, false},
		{"5\x00junk", 5, true}, // C stops at the NUL
	}
	for _, tt := range tests {
		got, ok := parseScanCursor([]byte(tt.in))
		if got != tt.want || ok != tt.ok {
			t.Errorf("parseScanCursor(%q) = %d, %v; want %d, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestParseScanArgs(t *testing.T) {
	tests := []struct {
		line string
		want scanArgs
		err  error
	}{
		{line: "SCAN 0", want: scanArgs{count: 10}},
		{line: "SCAN 7 COUNT 100", want: scanArgs{cursor: 7, count: 100}},
		{line: "SCAN 0 match a* count 1 type STRING", want: scanArgs{count: 1, usePattern: true, pattern: "a*", useType: true, typ: "STRING"}},
		{line: "SCAN 0 MATCH *", want: scanArgs{count: 10, pattern: "*"}},
		{line: "SCAN 0 MATCH a* MATCH *", want: scanArgs{count: 10, pattern: "*"}},
		{line: "SCAN 0 MATCH \"\"", want: scanArgs{count: 10, usePattern: true}},
		{line: "SCAN 0 COUNT 5 COUNT 6", want: scanArgs{count: 6}},
		{line: "SCAN x", err: errInvalidCursor},
		{line: "SCAN -", err: errInvalidCursor},
		{line: "SCAN x COUNT 0", err: errInvalidCursor}, // the cursor is checked first
		{line: "SCAN 0 COUNT 0", err: command.ErrSyntax},
		{line: "SCAN 0 COUNT -1", err: command.ErrSyntax},
		{line: "SCAN 0 COUNT x", err: command.ErrNotInteger},
		{line: "SCAN 0 COUNT", err: command.ErrSyntax},
		{line: "SCAN 0 MATCH", err: command.ErrSyntax},
		{line: "SCAN 0 TYPE", err: command.ErrSyntax},
		{line: "SCAN 0 FOO bar", err: command.ErrSyntax},
		{line: "SCAN 0 COUNT 0 FOO", err: command.ErrSyntax},
		{line: "SCAN 0 COUNT x FOO", err: command.ErrNotInteger},
	}
	for _, tt := range tests {
		got, err := parseScanArgs(keyArgs(tt.line))
		if err != tt.err {
			t.Errorf("%s: err %v, want %v", tt.line, err, tt.err)
			continue
		}
		if err == nil && got != tt.want {
			t.Errorf("%s: got %+v, want %+v", tt.line, got, tt.want)
		}
	}
}

// scanAll runs a full SCAN with the given options and returns every key
// it returned (sorted, with repeats) and the number of calls.
func (x *tester) scanAll(opts string) ([]string, int) {
	x.t.Helper()
	var all []string
	cursor, calls := "0", 0
	for {
		next, keys := x.scanPage("SCAN " + cursor + " " + opts)
		all = append(all, keys...)
		calls++
		if next == "0" {
			return sortedBulks(anySlice(all)), calls
		}
		cursor = next
	}
}

func anySlice(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

func TestScanReturnsEveryKeyOnce(t *testing.T) {
	x := newKeyTester(t)
	var want []string
	for i := 0; i < 200; i++ {
		k := fmt.Sprintf("key:%03d", i)
		want = append(want, k)
		x.seedKeys(k)
	}
	for count := 1; count <= 10; count++ {
		got, calls := x.scanAll(fmt.Sprintf("COUNT %d", count))
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("COUNT %d: got %d keys, want %d", count, len(got), len(want))
		}
		if calls < 200/count {
			t.Errorf("COUNT %d: %d calls, COUNT should bound each page", count, calls)
		}
	}
	got, calls := x.scanAll("COUNT 1000")
	if len(got) != 200 || calls != 1 {
		t.Errorf("COUNT 1000: %d keys in %d calls", len(got), calls)
	}
	x.checkReplay()
}

func TestScanMatchAndType(t *testing.T) {
	x := newKeyTester(t)
	x.seedKeys("user:1", "user:2", "order:1")
	x.want("SEED user:list list x", "OK")
	x.want("SEED order:list list x", "OK")
	tests := []struct {
		opts string
		want []string
	}{
		{"MATCH user:*", []string{"user:1", "user:2", "user:list"}},
		{"MATCH *", []string{"order:1", "order:list", "user:1", "user:2", "user:list"}},
		{"TYPE list", []string{"order:list", "user:list"}},
		{"TYPE LIST", []string{"order:list", "user:list"}},
		{"TYPE string MATCH user:*", []string{"user:1", "user:2"}},
		{"TYPE zset", []string{}},
		{"TYPE nosuchtype", []string{}},
		{"MATCH nomatch COUNT 1", []string{}},
	}
	for _, tt := range tests {
		got, _ := x.scanAll(tt.opts)
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("SCAN %s = %q, want %q", tt.opts, got, tt.want)
		}
	}
	x.checkReplay()
}

func TestScanErrors(t *testing.T) {
	x := newKeyTester(t)
	tests := []struct{ line, want string }{
		{"SCAN", "ERR wrong number of arguments for 'scan' command"},
		{"SCAN abc", "ERR invalid cursor"},
		{"SCAN 0 COUNT 0", "ERR syntax error"},
		{"SCAN 0 COUNT abc", "ERR value is not an integer or out of range"},
		{"SCAN 0 MATCH", "ERR syntax error"},
		{"SCAN 0 NOVALUES", "ERR syntax error"},
		{"SCAN 0", `["0" []]`},
		{"SCAN 18446744073709551615", `["0" []]`},
	}
	for _, tt := range tests {
		x.want(tt.line, tt.want)
	}
}

// The SCAN guarantee: a key present from the start of a full iteration to
// its end is returned, whatever is added and removed between the calls.
func TestScanGuaranteeUnderConcurrentChanges(t *testing.T) {
	for count := 1; count <= 10; count++ {
		t.Run(fmt.Sprintf("COUNT %d", count), func(t *testing.T) {
			x := newKeyTester(t)
			stable := map[string]bool{}
			for i := 0; i < 500; i++ {
				k := fmt.Sprintf("stable:%d", i)
				stable[k] = true
				x.seedKeys(k)
			}
			for i := 0; i < 300; i++ {
				x.seedKeys(fmt.Sprintf("churn:%d", i))
			}
			seen := map[string]bool{}
			cursor, added, removed := "0", 0, 0
			for round := 0; ; round++ {
				next, keys := x.scanPage(fmt.Sprintf("SCAN %s COUNT %d", cursor, count))
				for _, k := range keys {
					seen[k] = true
				}
				if next == "0" {
					break
				}
				cursor = next
				// Between calls: grow the database and shrink it.
				for j := 0; j < 3; j++ {
					x.seedKeys(fmt.Sprintf("new:%d", added))
					added++
				}
				if removed < 300 {
					x.want(fmt.Sprintf("DEL churn:%d", removed), "(int) 1")
					removed++
				}
				if round > 100_000 {
					t.Fatal("scan does not terminate")
				}
			}
			for k := range stable {
				if !seen[k] {
					t.Errorf("always-present key %s was not returned", k)
				}
			}
		})
	}
}

func TestScanSkipsExpiredKeys(t *testing.T) {
	x := newKeyTester(t)
	x.seedKeys("a", "b", "c")
	x.want("PEXPIRE b 10", "(int) 1")
	x.advance(10)
	got, _ := x.scanAll("COUNT 1")
	if !reflect.DeepEqual(got, []string{"a", "c"}) {
		t.Errorf("SCAN returned %q", got)
	}
	x.checkReplay()
}

func TestRandomKey(t *testing.T) {
	x := newKeyTester(t)
	x.want("RANDOMKEY", "(nil)")
	x.want("RANDOMKEY x", "ERR wrong number of arguments for 'randomkey' command")
	x.seedKeys("only")
	x.want("RANDOMKEY", `"only"`)
	x.seedKeys("other")
	for i := 0; i < 20; i++ {
		if got := x.do("RANDOMKEY"); got != `"only"` && got != `"other"` {
			t.Fatalf("RANDOMKEY = %s", got)
		}
	}
	x.want("PEXPIRE only 10", "(int) 1")
	x.want("PEXPIRE other 10", "(int) 1")
	x.advance(10)
	x.want("RANDOMKEY", "(nil)") // only expired keys left
	x.db = 1
	x.want("RANDOMKEY", "(nil)")
	x.checkReplay()
}
