package lualib

import (
	"errors"
	"strings"
	"testing"

	lua "github.com/yuin/gopher-lua"
	"github.com/yuin/gopher-lua/parse"
)

// runCompat runs script as the script engine does: Lua 5.1's number
// conversions installed and ".." rewritten into calls.
func runCompat(t *testing.T, script string) string {
	t.Helper()
	L := lua.NewState()
	defer L.Close()
	Open(L)
	OpenCompat(L)
	chunk, err := parse.Parse(strings.NewReader(script), "user_script")
	if err != nil {
		t.Fatalf("%s: %v", script, err)
	}
	RewriteConcat(chunk)
	proto, err := lua.Compile(chunk, "user_script")
	if err != nil {
		t.Fatalf("%s: %v", script, err)
	}
	L.Push(L.NewFunctionFromProto(proto))
	if err := L.PCall(0, 1, nil); err != nil {
		var apiErr *lua.ApiError
		if !errors.As(err, &apiErr) {
			t.Fatalf("%s: %v", script, err)
		}
		return "ERR " + luaPosition.ReplaceAllString(apiErr.Object.String(), "")
	}
	return L.Get(-1).String()
}

// TestLua51NumberConversions: every want is what redis-server 7.0.15
// returned for the same script (its Lua 5.1 is 7.2's), via the
// differential harness in /tmp/lua-review.
func TestLua51NumberConversions(t *testing.T) {
	cases := []struct{ script, want string }{
		{"return tostring(1/3)", "0.33333333333333"},
		{"return tostring(1e15)", "1e+15"},
		{"return tostring(1e14)", "1e+14"},
		{"return tostring(99999999999999)", "99999999999999"},
		{"return tostring(2^53)", "9.007199254741e+15"},
		{"return tostring(-2^63)", "-9.2233720368548e+18"},
		{"return tostring(-0)", "-0"},
		{"return tostring(1/0)", "inf"},
		{"return tostring(-1/0)", "-inf"},
		{"return tostring(math.huge)", "inf"},
		{"return tostring(0.1)", "0.1"},
		{"return tostring(1e-5)", "1e-05"},
		{"return tostring(123456789012345678)", "1.2345678901235e+17"},
		{"return (1/3) .. ''", "0.33333333333333"},
		{"return 'k:' .. (2^53) .. ':' .. 7", "k:9.007199254741e+15:7"},
		{"return 1 .. 2", "12"},
		{"local t = setmetatable({}, {__concat=function(a,b) return 'cat' end}) return t .. 'a'", "cat"},
		{"local t = setmetatable({}, {__concat=function(a,b) return 'cat' end}) return 'x' .. 'y' .. t", "xcat"},
		{"local function f() return 'a', 'b' end return f() .. f()", "aa"},
		{`return loadstring('return 1/3 .. ""')()`, "0.33333333333333"},
		{"local s = {'return 1/3', ' .. 2^53'} local i = 0 return load(function() i = i + 1 return s[i] end)()", "0.333333333333339.007199254741e+15"},
		{"return load(function() return {} end)", "nil"},
		{"return nil .. 'a'", "ERR attempt to concatenate a nil value"},
		{"return 'a' .. {}", "ERR attempt to concatenate a table value"},
		{"return string.format('%s', 1/3)", "0.33333333333333"},
		{"return table.concat({1/3, 'x', 2^53}, ',')", "0.33333333333333,x,9.007199254741e+15"},
		{"return table.concat({1,{},3}, ',')", "ERR invalid value (table) at index 2 in table for 'concat'"},
		{"return string.format('%d', 3.7)", "3"},
		{"return string.format('%d', -3.7)", "-3"},
		{"return string.format('%x', -3.7)", "fffffffffffffffd"},
		{"return string.format('%x', 1e20)", "0"},
		{"return string.format('%u', 0/0)", "9223372036854775808"},
		{"return string.format('%o', 0/0)", "1000000000000000000000"},
		{"return string.format('%c', 65)", "A"},
		{"return #string.format('%c', 1e20)", "0"},
		{"return string.format('%5.2f', 1/0)", "  inf"},
		{"return string.format('%g', 2^53)", "9.0072e+15"},
		{"return string.format('%g', 100000)", "100000"},
		{"return string.format('%g', 1000000)", "1e+06"},
		{"return string.format('%.3s', 2^53)", "9.0"},
		{"return string.format('%5s|%-5s|', 'a', 'b')", "    a|b    |"},
		{"return string.format('%q', 'a\\nb\\0c')", "\"a\\\nb\\000c\""},
		{"return string.format('%d', 'abc')", "ERR bad argument #2 to 'format' (number expected, got string)"},
		{"return string.format('%d')", "ERR bad argument #2 to 'format' (no value)"},
		{"return string.format('%z', 1)", "ERR invalid option '%z' to 'format'"},
		{"return string.format('%5%')", "ERR bad argument #2 to 'format' (no value)"},
		{"return string.format('%5%', 1)", "ERR invalid option '%%' to 'format'"},
		{"return tostring(tonumber('1e1'))", "10"},
		{"return tostring(tonumber('0x10'))", "16"},
		{"return tostring(tonumber('  12  '))", "12"},
		{"return tostring(tonumber('12a'))", "nil"},
		{"return #string.rep('x', 2^40)", "0"},
		{"return #string.rep('ab', 2^32+3)", "6"},
		{"return #string.rep('ab', 2^31)", "0"},
		{"return #string.rep('ab', 0/0)", "0"},
		{"return string.rep('ab', 2.9)", "abab"},
		{"return string.rep(1/3, 2)", "0.333333333333330.33333333333333"},
		{"return string.rep('ab')", "ERR bad argument #2 to 'rep' (number expected, got no value)"},
		{"return #string.rep('x', 2^30)", "ERR not enough memory"},
		{"return tostring(tonumber('1e'))", "nil"},
		{"return tostring(tonumber('1E+'))", "nil"},
		{"return tostring(tonumber('1.5e+2'))", "150"},
		{"return tostring(tonumber('.5e-1'))", "0.05"},
		{"return tostring(tonumber('0x1p4'))", "16"},
		{"return tostring(tonumber('0x1P-2'))", "0.25"},
		{"return tostring(tonumber('0x1p'))", "nil"},
		{"return tostring(tonumber('0x.8'))", "0.5"},
		{"return tostring(tonumber('inf'))", "inf"},
		{"return tostring(tonumber('ff', 16))", "255"},
		{"return tostring(tonumber('zz', 36))", "1295"},
		{"return tostring(tonumber(''))", "nil"},
		{"math.randomseed(1) return tostring(math.random())", "0.041630344484761"},
		{"return tostring(math.random())", "0.39646477363839"},
		{"return math.random(0)", "ERR bad argument #1 to 'random' (interval is empty)"},
		{"return math.random(3, 1)", "ERR bad argument #2 to 'random' (interval is empty)"},
		{"return math.random(1, 2, 3)", "ERR wrong number of arguments"},
	}
	for _, c := range cases {
		if got := runCompat(t, c.script); got != c.want {
			t.Errorf("%s\n got %q\nwant %q", c.script, got, c.want)
		}
	}
}
