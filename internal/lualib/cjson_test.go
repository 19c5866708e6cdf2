package lualib

import (
	"testing"

	lua "github.com/yuin/gopher-lua"
)

var cjsonCases = []luaCase{
	{"encode array and object", `return cjson.encode({1, 2, {a = 1}})`, `[1,2,{"a":1}]`},
	{"encode empty table is an object", `return cjson.encode({})`, `{}`},
	{"encode nested empty", `return cjson.encode({{}, {{}}})`, `[{},[{}]]`},
	{"encode integers", `return cjson.encode({0, -1, 100, 2^53, -2^31})`, `[0,-1,100,9.007199254741e+15,-2147483648]`},
	{"encode precision 14", `return cjson.encode({0.1, 1/3, 123.456, 1e20, 1e-7, 3.14159265358979})`, `[0.1,0.33333333333333,123.456,1e+20,1e-07,3.1415926535898]`},
	{"encode large integer", `return cjson.encode(12345678901234567)`, `1.2345678901235e+16`},
	{"encode negative zero", `return cjson.encode(-0)`, `-0`},
	{"encode string escapes", `return cjson.encode("a/b\"c\\d\n\r\t\b\f\1\31\127")`, `"a\/b\"c\\d\n\r\t\b\f\u0001\u001f\u007f"`},
	{"encode utf-8 passes through", `return cjson.encode("é€")`, `"é€"`},
	{"encode high bytes pass through", `return hex(cjson.encode("\255\128"))`, "22ff8022"},
	{"encode NUL", `return cjson.encode("a\0b")`, `"a\u0000b"`},
	{"encode booleans and nil", `return cjson.encode({true, false})`, `[true,false]`},
	{"encode nil", `return cjson.encode(nil)`, `null`},
	{"encode null", `return cjson.encode({cjson.null, 1})`, `[null,1]`},
	{"encode hole is null", `return cjson.encode({1, nil, 3})`, `[1,null,3]`},
	{"encode sparse within safe limit", `return cjson.encode({[1] = 1, [10] = 10})`, `[1,null,null,null,null,null,null,null,null,10]`},
	{"encode excessively sparse", `return cjson.encode({[1] = 1, [11] = 11})`, "ERR Cannot serialise table: excessively sparse array"},
	{"encode sparse by ratio", `return cjson.encode({[1] = 1, [2] = 2, [3] = 3, [4] = 4, [5] = 5, [6] = 6, [12] = 12})`, `[1,2,3,4,5,6,null,null,null,null,null,12]`},
	{"encode single string key", `return cjson.encode({key = "value"})`, `{"key":"value"}`},
	{"encode number key in object", `return cjson.encode({[1.5] = true})`, `{"1.5":true}`},
	{"encode zero key is object", `return cjson.encode({[0] = 'a'})`, `{"0":"a"}`},
	{"encode negative key is object", `return cjson.encode({[-1] = 'a'})`, `{"-1":"a"}`},
	{"encode escaped key", `return cjson.encode({["a/b"] = 1})`, `{"a\/b":1}`},
	{"encode function", `return cjson.encode(function() end)`, "ERR Cannot serialise function: type not supported"},
	{"encode function in table", `return cjson.encode({function() end})`, "ERR Cannot serialise function: type not supported"},
	{"encode boolean key", `return cjson.encode({[true] = 1})`, "ERR Cannot serialise boolean: table key must be a number or string"},
	{"encode table key", `return cjson.encode({[{}] = 1})`, "ERR Cannot serialise table: table key must be a number or string"},
	{"encode inf", `return cjson.encode(1/0)`, "ERR Cannot serialise number: must not be NaN or Inf"},
	{"encode nan", `return cjson.encode(0/0)`, "ERR Cannot serialise number: must not be NaN or Inf"},
	{"encode no argument", `return cjson.encode()`, "ERR bad argument #1 to 'encode' (expected 1 argument)"},
	{"encode two arguments", `return cjson.encode(1, 2)`, "ERR bad argument #1 to 'encode' (expected 1 argument)"},
	{"encode cycle", `local t = {} t[1] = t return cjson.encode(t)`, "ERR Cannot serialise, excessive nesting (1001)"},
	{"encode depth 1000 is fine", `local t = {} for i = 1, 999 do t = {t} end return tostring(#cjson.encode(t))`, "2000"},
	{"defaults", `return showAll(cjson.encode_max_depth(), cjson.decode_max_depth(), cjson.encode_invalid_numbers(), cjson.decode_invalid_numbers(), cjson.encode_number_precision(), cjson.encode_keep_buffer(), cjson.encode_sparse_array())`, "1000 1000 false true 14 true false 2 10"},
	{"set precision", `cjson.encode_number_precision(3) return cjson.encode({1/3, 1234.5, 100})`, `[0.333,1.23e+03,100]`},
	{"set precision too high", `return cjson.encode_number_precision(15)`, "ERR bad argument #1 to 'encode_number_precision' (expected integer between 1 and 14)"},
	{"set precision to a string", `return cjson.encode_number_precision('x')`, "ERR bad argument #1 to 'encode_number_precision' (number expected, got string)"},
	{"config too many arguments", `return cjson.encode_max_depth(1, 2)`, "ERR bad argument #2 to 'encode_max_depth' (found too many arguments)"},
	{"set encode max depth", `cjson.encode_max_depth(2) return cjson.encode({{1}})`, `[[1]]`},
	{"exceed encode max depth", `cjson.encode_max_depth(2) return cjson.encode({{{1}}})`, "ERR Cannot serialise, excessive nesting (3)"},
	{"encode max depth zero", `return cjson.encode_max_depth(0)`, "ERR bad argument #1 to 'encode_max_depth' (expected integer between 1 and 2147483647)"},
	{"invalid numbers on", `return showAll(cjson.encode_invalid_numbers(true), cjson.encode({1/0, -1/0, 0/0}))`, `true "[inf,-inf,nan]"`},
	{"invalid numbers null", `return showAll(cjson.encode_invalid_numbers('null'), cjson.encode({1/0, 1}))`, `"null" "[null,1]"`},
	{"invalid numbers bad option", `return cjson.encode_invalid_numbers('maybe')`, "ERR bad argument #1 to 'encode_invalid_numbers' (invalid option 'maybe')"},
	{"invalid numbers on key", `cjson.encode_invalid_numbers('on') return cjson.encode({[1/0] = 1})`, `{"inf":1}`},
	{"keep buffer", `return showAll(cjson.encode_keep_buffer(false), cjson.encode_keep_buffer('on'))`, "false true"},
	{"sparse convert", `return showAll(cjson.encode_sparse_array(true), cjson.encode({[1] = 1, [20] = 2}))`, `true "{"1":1,"20":2}"`},
	{"sparse ratio 0 allows any", `cjson.encode_sparse_array(false, 0) return cjson.encode({[3] = 1})`, `[null,null,1]`},
	{"sparse safe", `cjson.encode_sparse_array(false, 2, 2) return cjson.encode({[3] = 1})`, "ERR Cannot serialise table: excessively sparse array"},
	{"sparse ratio negative", `return cjson.encode_sparse_array(false, -1)`, "ERR bad argument #1 to 'encode_sparse_array' (expected integer between 0 and 2147483647)"},
	{"new has its own config", `cjson.encode_number_precision(2) local c = cjson.new() return showAll(c.encode(1/3), cjson.encode(1/3), c.null == cjson.null)`, `"0.33333333333333" "0.33" true`},
	{"encode huge key wraps to an object", `return cjson.encode({[2^40] = 1})`, `{"1099511627776":1}`},
	{"encode number precision applies to keys", `cjson.encode_number_precision(2) return cjson.encode({[1.234] = 1})`, `{"1.2":1}`},
	{"version", `return cjson._NAME .. ' ' .. cjson._VERSION`, "cjson 2.1.0"},
	{"null type", `return type(cjson.null)`, "userdata"},
}

var cjsonDecodeCases = []luaCase{
	{"decode array", `return show(cjson.decode('[1,"a",null,true,false]'))`, `{1=1,2="a",3=null,4=true,5=false}`},
	{"decode object", `return show(cjson.decode('{"a":{"b":[1,2]},"c":"d"}'))`, `{"a"={"b"={1=1,2=2}},"c"="d"}`},
	{"decode empty", `return showAll(cjson.decode('{}'), cjson.decode('[]'))`, "{} {}"},
	{"decode scalars", `return showAll(cjson.decode('1'), cjson.decode('"x"'), cjson.decode('true'), cjson.decode('null'))`, `1 "x" true null`},
	{"decode null is cjson.null", `return tostring(cjson.decode('null') == cjson.null)`, "true"},
	{"decode numbers", `return showAll(cjson.decode('[-0.5, 1e3, 1E-2, 12345678901234567890]')[1], cjson.decode('1e3'), cjson.decode('1E-2'), cjson.decode('12345678901234567890'))`, "-0.5 1000 0.01 1.2345678901234567e+19"},
	{"decode whitespace", `return show(cjson.decode(' \t\r\n[ 1 , 2 ] \n'))`, "{1=1,2=2}"},
	{"decode string escapes", `return cjson.decode('"a\\/b\\"c\\\\d\\n\\t\\r\\b\\f"')`, "a/b\"c\\d\n\t\r\b\f"},
	{"decode unicode escape", `return hex(cjson.decode('"\\u00e9\\u20ac\\u0041"'))`, "c3a9e282ac41"},
	{"decode surrogate pair", `return hex(cjson.decode('"\\ud83d\\ude00"'))`, "f09f9880"},
	{"decode NUL escape", `return hex(cjson.decode('"\\u0000"'))`, "00"},
	{"decode lone low surrogate", `return cjson.decode('"\\udc00"')`, "ERR Expected value but found invalid unicode escape code at character 2"},
	{"decode lone high surrogate", `return cjson.decode('"x\\ud800"')`, "ERR Expected value but found invalid unicode escape code at character 3"},
	{"decode bad unicode", `return cjson.decode('"\\u12g4"')`, "ERR Expected value but found invalid unicode escape code at character 2"},
	{"decode bad escape", `return cjson.decode('"a\\x"')`, "ERR Expected value but found invalid escape code at character 3"},
	{"decode unterminated string", `return cjson.decode('"abc')`, "ERR Expected value but found unexpected end of string at character 5"},
	{"decode invalid token", `return cjson.decode('x')`, "ERR Expected value but found invalid token at character 1"},
	{"decode empty string", `return cjson.decode('')`, "ERR Expected value but found T_END at character 1"},
	{"decode trailing garbage", `return cjson.decode('[1] x')`, "ERR Expected the end but found invalid token at character 5"},
	{"decode two values", `return cjson.decode('1,2')`, "ERR Expected the end but found T_COMMA at character 2"},
	{"decode trailing comma", `return cjson.decode('[1,]')`, "ERR Expected value but found T_ARR_END at character 4"},
	{"decode missing comma", `return cjson.decode('[1 2]')`, "ERR Expected comma or array end but found T_NUMBER at character 4"},
	{"decode number key", `return cjson.decode('{1:2}')`, "ERR Expected object key string but found T_NUMBER at character 2"},
	{"decode missing colon", `return cjson.decode('{"a" 1}')`, "ERR Expected colon but found T_NUMBER at character 6"},
	{"decode missing object comma", `return cjson.decode('{"a":1 "b":2}')`, "ERR Expected comma or object end but found T_STRING at character 8"},
	{"decode unclosed array", `return cjson.decode('[1')`, "ERR Expected comma or array end but found T_END at character 3"},
	{"decode bare minus", `return cjson.decode('-')`, "ERR Expected value but found invalid number at character 1"},
	{"decode partial exponent", `return cjson.decode('1.5e')`, "ERR Expected the end but found invalid token at character 4"},
	{"decode leading dot", `return cjson.decode('.5')`, "ERR Expected value but found invalid token at character 1"},
	{"decode minus dot", `return show(cjson.decode('-.5'))`, "-0.5"},
	{"decode hex", `return showAll(cjson.decode('0x1F'), cjson.decode('-0x10'))`, "31 -16"},
	{"decode leading zero", `return show(cjson.decode('007'))`, "7"},
	{"decode plus", `return show(cjson.decode('+1'))`, "1"},
	{"decode inf and nan", `return showAll(cjson.decode('inf'), cjson.decode('-Infinity'), cjson.decode('nan'), cjson.decode('NaN'))`, "inf -inf nan nan"},
	{"decode huge", `return showAll(cjson.decode('1e400'), cjson.decode('-1e400'), cjson.decode('1e-400'))`, "inf -inf 0"},
	{"decode invalid numbers off", `cjson.decode_invalid_numbers(false) return cjson.decode('0x10')`, "ERR Expected value but found invalid number at character 1"},
	{"decode invalid numbers off inf", `cjson.decode_invalid_numbers(false) return cjson.decode('inf')`, "ERR Expected value but found invalid token at character 1"},
	{"decode invalid numbers off ok", `cjson.decode_invalid_numbers(false) return show(cjson.decode('[0, -1.5e2]'))`, "{1=0,2=-150}"},
	{"decode info", `return cjson.decode('info')`, "ERR Expected the end but found invalid token at character 4"},
	{"decode nil word", `return cjson.decode('nil')`, "ERR Expected value but found invalid token at character 1"},
	{"decode TRUE", `return cjson.decode('TRUE')`, "ERR Expected value but found invalid token at character 1"},
	{"decode utf-16", `return cjson.decode('"\0a\0"')`, "ERR JSON parser does not support UTF-16 or UTF-32"},
	{"decode stops at NUL", `return show(cjson.decode('12\0garbage'))`, "12"},
	{"decode number argument", `return show(cjson.decode(42))`, "42"},
	{"decode no argument", `return cjson.decode()`, "ERR bad argument #1 to 'decode' (expected 1 argument)"},
	{"decode table argument", `return cjson.decode({})`, "ERR bad argument #1 to 'decode' (string expected, got table)"},
	{"decode duplicate key", `return show(cjson.decode('{"a":1,"a":2}'))`, `{"a"=2}`},
	{"decode object keys stay strings", `return show(cjson.decode('{"1":"x"}'))`, `{"1"="x"}`},
	{"decode depth", `cjson.decode_max_depth(2) return cjson.decode('[[[1]]]')`, "ERR Found too many nested data structures (3) at character 3"},
	{"decode depth 1000", `return show(#cjson.decode(string.rep('[', 1000) .. string.rep(']', 1000)))`, "1"},
	{"decode depth 1001", `return cjson.decode(string.rep('[', 1001) .. string.rep(']', 1001))`, "ERR Found too many nested data structures (1001) at character 1001"},
	{"round trip", `return cjson.encode(cjson.decode('[1,"two",[3,{"four":4}],null,true,1.5,"\\/"]'))`, `[1,"two",[3,{"four":4}],null,true,1.5,"\/"]`},
}

func TestCJSONEncode(t *testing.T) { checkCases(t, cjsonCases) }
func TestCJSONDecode(t *testing.T) { checkCases(t, cjsonDecodeCases) }

// TestCJSONRoundTrip encodes random values and checks that decode gives
// them back, and that encoding the decoded value gives the same text.
func TestCJSONRoundTrip(t *testing.T) {
	L := newState(t)
	g := newValueGen(L, 2, true)
	for i := 0; i < 300; i++ {
		v := g.value(4)
		enc, err := callLib(L, "cjson", "encode", v)
		if err != nil {
			t.Fatalf("encode: %v", err)
		}
		dec, err := callLib(L, "cjson", "decode", enc[0])
		if err != nil {
			t.Fatalf("value %d: decode: %v\n%.200q", i, err, enc[0].String())
		}
		if err := luaEqual(v, dec[0]); err != nil {
			t.Fatalf("value %d: %v", i, err)
		}
		if _, isTable := v.(*lua.LTable); isTable {
			continue // object keys come out in another order
		}
		again, err := callLib(L, "cjson", "encode", dec[0])
		if err != nil || again[0] != enc[0] {
			t.Fatalf("value %d: re-encoding gave %v (%v)", i, again, err)
		}
	}
}
