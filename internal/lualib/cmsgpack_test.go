package lualib

import (
	"testing"

	lua "github.com/yuin/gopher-lua"
)

var cmsgpackCases = []luaCase{
	{"unpack 3999 nested arrays", `return tostring(pcall(cmsgpack.unpack, string.rep('\145', 3999) .. '\1'))`, "true"},
	{"unpack 4000 nested arrays", `return cmsgpack.unpack(string.rep('\145', 4000) .. '\1')`, "ERR stack overflow (in function mp_decode_to_lua_array)"},
	{"unpack a nesting bomb", `return cmsgpack.unpack(string.rep('\145', 50000000))`, "ERR stack overflow (in function mp_decode_to_lua_array)"},
	{"pack variadic", `return hex(cmsgpack.pack(1, 'a', {1, 2}))`, "01a161920102"},
	{"pack positive ints", `return hex(cmsgpack.pack(0, 127, 128, 255, 256, 65535, 65536, 4294967295, 4294967296))`, "007fcc80ccffcd0100cdffffce00010000ceffffffffcf0000000100000000"},
	{"pack negative ints", `return hex(cmsgpack.pack(-1, -32, -33, -128, -129, -32768, -32769, -2147483648, -2147483649))`, "ffe0d0dfd080d1ff7fd18000d2ffff7fffd280000000d3ffffffff7fffffff"},
	{"pack 2^53", `return hex(cmsgpack.pack(2^53))`, "cf0020000000000000"},
	{"pack -2^63", `return hex(cmsgpack.pack(-2^63))`, "d38000000000000000"},
	{"pack 2^63 is a float", `return hex(cmsgpack.pack(2^63))`, "ca5f000000"},
	{"pack float32 when exact", `return hex(cmsgpack.pack(1.5, 0.25, -2.5))`, "ca3fc00000ca3e800000cac0200000"},
	{"pack float64", `return hex(cmsgpack.pack(0.1, 1/3))`, "cb3fb999999999999acb3fd5555555555555"},
	{"pack inf and nan", `return hex(cmsgpack.pack(1/0, -1/0))`, "ca7f800000caff800000"},
	{"pack nan", `return hex(cmsgpack.pack(0/0))`, "cbfff8000000000000"},
	{"pack -0 is an integer", `return hex(cmsgpack.pack(-0))`, "00"},
	{"pack array 32", `local t = {} for i = 1, 65536 do t[i] = 0 end return hex(cmsgpack.pack(t):sub(1, 6))`, "dd0001000000"},
	{"pack key 2^31 makes a map", `return hex(cmsgpack.pack({[2^31] = 1}))`, "81ce8000000001"},
	{"pack nil and booleans", `return hex(cmsgpack.pack(nil, true, false))`, "c0c3c2"},
	{"pack function and null are nil", `return hex(cmsgpack.pack(function() end, cjson.null))`, "c0c0"},
	{"pack empty string", `return hex(cmsgpack.pack(''))`, "a0"},
	{"pack str8", `return hex(cmsgpack.pack(string.rep('x', 32)):sub(1, 3))`, "d92078"},
	{"pack str16", `return hex(cmsgpack.pack(string.rep('x', 256)):sub(1, 4))`, "da010078"},
	{"pack str32", `return hex(cmsgpack.pack(string.rep('x', 65536)):sub(1, 6))`, "db0001000078"},
	{"pack binary string is str", `return hex(cmsgpack.pack('\0\255'))`, "a200ff"},
	{"pack empty table is an array", `return hex(cmsgpack.pack({}))`, "90"},
	{"pack array 16", `local t = {} for i = 1, 16 do t[i] = i end return hex(cmsgpack.pack(t)):sub(1, 8)`, "dc001001"},
	{"pack array with hole is a map", `return hex(cmsgpack.pack({[1] = 1, [3] = 3}))`, "8201010303"},
	{"pack map", `return hex(cmsgpack.pack({a = 1}))`, "81a16101"},
	{"pack map with number key", `return hex(cmsgpack.pack({[1.5] = 1}))`, "81ca3fc0000001"},
	{"pack map with zero key", `return hex(cmsgpack.pack({[0] = 'z'}))`, "8100a17a"},
	{"pack map 16", `local t = {} for i = 1, 16 do t['k' .. i] = i end return hex(cmsgpack.pack(t)):sub(1, 6)`, "de0010"},
	{"pack nesting limit", `local t = {} t[1] = t return hex(cmsgpack.pack(t))`, "91919191919191919191919191919191c0"},
	{"pack no arguments", `return cmsgpack.pack()`, "ERR bad argument #0 to 'pack' (MessagePack pack needs input.)"},
	{"unpack all", `return showAll(cmsgpack.unpack(cmsgpack.pack(1, 'a', {1, 2}, nil, true)))`, `1 "a" {1=1,2=2} nil true`},
	{"unpack empty", `return tostring(select('#', cmsgpack.unpack('')))`, "0"},
	{"unpack map", `return show(cmsgpack.unpack(cmsgpack.pack({a = {b = 'c'}, [5] = false})))`, `{"a"={"b"="c"},5=false}`},
	{"unpack ints", `return showAll(cmsgpack.unpack(cmsgpack.pack(-1, -33, -129, -32769, -2147483649, 255, 65535, 4294967295, 4294967296)))`, "-1 -33 -129 -32769 -2147483649 255 65535 4294967295 4294967296"},
	{"unpack uint64 past 2^63 wraps", `return show(cmsgpack.unpack('\207\255\255\255\255\255\255\255\255'))`, "-1"},
	{"unpack floats", `return showAll(cmsgpack.unpack(cmsgpack.pack(0.1, 1.5)))`, "0.10000000000000001 1.5"},
	{"unpack float32", `return show(cmsgpack.unpack('\202\61\204\204\205'))`, "0.10000000149011612"},
	{"unpack str8", `return cmsgpack.unpack('\217\3abc')`, "abc"},
	{"unpack missing bytes", `return cmsgpack.unpack('\205\1')`, "ERR Missing bytes in input."},
	{"unpack short string", `return cmsgpack.unpack('\163ab')`, "ERR Missing bytes in input."},
	{"unpack short array", `return cmsgpack.unpack('\146\1')`, "ERR Missing bytes in input."},
	{"unpack bin is bad format", `return cmsgpack.unpack('\196\1a')`, "ERR Bad data format in input."},
	{"unpack 0xc1 is bad format", `return cmsgpack.unpack('\193')`, "ERR Bad data format in input."},
	{"unpack ext is bad format", `return cmsgpack.unpack('\212\1\1')`, "ERR Bad data format in input."},
	{"unpack not a string", `return cmsgpack.unpack({})`, "ERR bad argument #1 to 'unpack' (string expected, got table)"},
	{"unpack nil map key", `return cmsgpack.unpack('\129\192\1')`, "ERR table index is nil"},
	{"unpack fixmap and fixarray", `return show(cmsgpack.unpack("\130\161a\145\1\161b\192"))`, `{"a"={1=1}}`},
	{"unpack int16 and int32", `return showAll(cmsgpack.unpack("\209\128\0\210\255\255\255\254"))`, "-32768 -2"},
	{"unpack_one", `local s = cmsgpack.pack(1, 2, 3) return showAll(cmsgpack.unpack_one(s))`, "1 1"},
	{"unpack_one with offset", `local s = cmsgpack.pack(1, 2, 3) return showAll(cmsgpack.unpack_one(s, 2))`, "-1 3"},
	{"unpack_one walks", `local s = cmsgpack.pack('a', {1}, 3) local out, off, v = {}, 0 repeat off, v = cmsgpack.unpack_one(s, off) out[#out+1] = show(v) .. '@' .. off until off == -1 return table.concat(out, ' ')`, `"a"@2 {1=1}@4 3@-1`},
	{"unpack_one empty", `return showAll(cmsgpack.unpack_one(''))`, "-1"},
	{"unpack_one offset past end", `return showAll(cmsgpack.unpack_one('\1', 2))`, "ERR Start offset 2 greater than input length 1."},
	{"unpack_one negative offset", `return showAll(cmsgpack.unpack_one('\1\2\3', -1))`, "ERR Invalid request to unpack with offset of -1 and limit of 3."},
	{"unpack_limit", `local s = cmsgpack.pack(1, 2, 3) return showAll(cmsgpack.unpack_limit(s, 2))`, "2 1 2"},
	{"unpack_limit with offset", `local s = cmsgpack.pack(1, 2, 3) return showAll(cmsgpack.unpack_limit(s, 5, 1))`, "-1 2 3"},
	{"unpack_limit zero is all", `local s = cmsgpack.pack(1, 2, 3) return showAll(cmsgpack.unpack_limit(s, 0))`, "1 2 3"},
	{"unpack_limit needs a limit", `return cmsgpack.unpack_limit('\1')`, "ERR bad argument #2 to 'unpack_limit' (number expected, got no value)"},
	{"round trip", `local v = {1, 'two', {three = 3, four = {4.5, -5}}, true} return show(cmsgpack.unpack(cmsgpack.pack(v)))`, `{1=1,2="two",3={"four"={1=4.5,2=-5},"three"=3},4=true}`},
	{"metadata", `return cmsgpack._NAME .. '|' .. cmsgpack._VERSION .. '|' .. cmsgpack._COPYRIGHT .. '|' .. cmsgpack._DESCRIPTION`, "cmsgpack|lua-cmsgpack 0.4.0|Copyright (C) 2012, Salvatore Sanfilippo|MessagePack C implementation for Lua"},
}

func TestCMsgpack(t *testing.T) { checkCases(t, cmsgpackCases) }

// TestCMsgpackRoundTrip packs random values (one at a time and all at
// once) and checks that unpack gives them back.
func TestCMsgpackRoundTrip(t *testing.T) {
	L := newState(t)
	g := newValueGen(L, 1, false)
	var all []lua.LValue
	for i := 0; i < 300; i++ {
		v := g.value(4)
		all = append(all, v)
		packed, err := callLib(L, "cmsgpack", "pack", v)
		if err != nil {
			t.Fatalf("pack: %v", err)
		}
		got, err := callLib(L, "cmsgpack", "unpack", packed[0])
		if err != nil {
			t.Fatalf("unpack: %v", err)
		}
		if len(got) != 1 {
			t.Fatalf("value %d: unpack returned %d values", i, len(got))
		}
		if err := luaEqual(v, got[0]); err != nil {
			t.Fatalf("value %d: %v", i, err)
		}
	}
	packed, err := callLib(L, "cmsgpack", "pack", all...)
	if err != nil {
		t.Fatalf("pack: %v", err)
	}
	got, err := callLib(L, "cmsgpack", "unpack", packed[0])
	if err != nil {
		t.Fatalf("unpack: %v", err)
	}
	if len(got) != len(all) {
		t.Fatalf("unpack returned %d values, want %d", len(got), len(all))
	}
	for i := range all {
		if err := luaEqual(all[i], got[i]); err != nil {
			t.Fatalf("value %d of the stream: %v", i, err)
		}
	}
}
