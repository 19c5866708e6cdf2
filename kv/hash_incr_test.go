package kv

import (
	"strings"
	"testing"
)

func TestHashIncrBy(t *testing.T) {
	x := newTester(t)
	x.wantEffects("HINCRBY h n 5", "(int) 5", "HINCRBY h n 5")
	x.wantEffects("HINCRBY h n -7", "(int) -2", "HINCRBY h n -7")
	x.want("HSET h s abc sp \" 1\" big 9223372036854775807 small -9223372036854775808", "(int) 4")
	x.wantUnchanged([]cmdReply{
		{"HINCRBY h s 1", "ERR hash value is not an integer"},
		{"HINCRBY h sp 1", "ERR hash value is not an integer"},
		{"HINCRBY h big 1", "ERR increment or decrement would overflow"},
		{"HINCRBY h small -1", "ERR increment or decrement would overflow"},
		{"HINCRBY h n 1.5", "ERR value is not an integer or out of range"},
		{"HINCRBY h n 9223372036854775808", "ERR value is not an integer or out of range"},
	})
	x.wantEffects("HINCRBY h big -1", "(int) 9223372036854775806", "HINCRBY h big -1")
	x.want("HGET h n", `"-2"`)
	x.want("HKEYS h", `["n" "s" "sp" "big" "small"]`)
	x.checkReplay()
}

// TestHashIncrByFloat: the result is computed as Redis's long double and
// logged as HSET of the formatted value.
func TestHashIncrByFloat(t *testing.T) {
	x := newTester(t)
	x.wantEffects("HINCRBYFLOAT h f 10.5", `"10.5"`, "HSET h f 10.5")
	x.wantEffects("HINCRBYFLOAT h f 0.1", `"10.6"`, "HSET h f 10.6")
	x.wantEffects("HINCRBYFLOAT h g 0.1", `"0.1"`, "HSET h g 0.1")
	x.wantEffects("HINCRBYFLOAT h g 0.2", `"0.3"`, "HSET h g 0.3")
	x.wantEffects("HINCRBYFLOAT h i 1.5e3", `"1500"`, "HSET h i 1500")
	x.wantEffects("HINCRBYFLOAT h i 0x10", `"1516"`, "HSET h i 1516")
	x.wantEffects("HINCRBYFLOAT h i -1516", `"0"`, "HSET h i 0")
	x.wantEffects("HINCRBYFLOAT h j 1000", `"1000"`, "HSET h j 1000")
	x.wantEffects("HINCRBYFLOAT h j 0.1", `"1000.09999999999999998"`, "HSET h j 1000.09999999999999998")
	x.want("HSET h s abc sp \" 1\" inf inf", "(int) 3")
	x.wantUnchanged([]cmdReply{
		{"HINCRBYFLOAT h s 1", "ERR hash value is not a float"},
		{"HINCRBYFLOAT h sp 1", "ERR hash value is not a float"},
		{"HINCRBYFLOAT h inf 1", "ERR increment would produce NaN or Infinity"},
		{"HINCRBYFLOAT h f abc", "ERR value is not a valid float"},
		{"HINCRBYFLOAT h f inf", "ERR value is NaN or Infinity"},
		{"HINCRBYFLOAT h f -inf", "ERR value is NaN or Infinity"},
		{"HINCRBYFLOAT h f nan", "ERR value is not a valid float"},
		{"HINCRBYFLOAT missing f inf", "ERR value is NaN or Infinity"},
	})
	x.want("EXISTS missing", "(int) 0")
	x.want("HSET h big 1e4932", "(int) 1")
	x.wantUnchanged([]cmdReply{{"HINCRBYFLOAT h big 1e4932", "ERR increment would produce NaN or Infinity"}})
	x.checkReplay()
}

// TestHashIncrByFloatLongResult: a result longer than 64 bytes converts
// the hash, as hashTypeSet does; its HSET effect converts the replica too.
func TestHashIncrByFloatLongResult(t *testing.T) {
	x := newTester(t)
	x.want("HSET h a 1e70", "(int) 1")
	x.wantEncoding("h", "listpack")
	got := x.do("HINCRBYFLOAT h a 1")
	if n := len(strings.Trim(got, `"`)); n <= 64 {
		t.Fatalf("HINCRBYFLOAT h a 1 = %s, want a long number", got)
	}
	x.wantEncoding("h", "hashtable")
	x.checkReplay()
}
