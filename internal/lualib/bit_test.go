package lualib

import "testing"

var bitCases = []luaCase{
	{"tobit of -1", `return show(bit.tobit(-1))`, "-1"},
	{"tobit wraps 2^32", `return show(bit.tobit(2^32 + 5))`, "5"},
	{"tobit of 2^31 is negative", `return show(bit.tobit(2^31))`, "-2147483648"},
	{"tobit rounds half to even", `return showAll(bit.tobit(0.5), bit.tobit(1.5), bit.tobit(2.5), bit.tobit(-0.5))`, "0 2 2 0"},
	{"tobit of 0xffffffff", `return show(bit.tobit(0xffffffff))`, "-1"},
	{"tobit of a large number", `return show(bit.tobit(1e15))`, "-1530494976"},
	{"tobit of a numeric string", `return show(bit.tobit('12'))`, "12"},
	{"tobit of a hex string", `return show(bit.tobit('0x10'))`, "16"},
	{"tobit of a string", `return show(bit.tobit('x'))`, "ERR bad argument #1 to 'tobit' (number expected, got string)"},
	{"tobit of nothing", `return show(bit.tobit())`, "ERR bad argument #1 to 'tobit' (number expected, got no value)"},
	{"tobit of nil", `return show(bit.tobit(nil))`, "ERR bad argument #1 to 'tobit' (number expected, got nil)"},
	{"tohex of -1", `return bit.tohex(-1)`, "ffffffff"},
	{"tohex of 255", `return bit.tohex(255)`, "000000ff"},
	{"tohex with 2 digits", `return bit.tohex(0x1234, 2)`, "34"},
	{"tohex upper case", `return bit.tohex(0xabcd, -4)`, "ABCD"},
	{"tohex with more than 8 digits", `return bit.tohex(1, 20)`, "00000001"},
	{"tohex with 0 digits", `return bit.tohex(1, 0)`, ""},
	{"tohex with nil digits", `return bit.tohex(1, nil)`, "ERR bad argument #2 to 'tohex' (number expected, got nil)"},
	{"bnot", `return showAll(bit.bnot(0), bit.bnot(-1), bit.bnot(0x0f))`, "-1 0 -16"},
	{"band", `return showAll(bit.band(0xff, 0x0f), bit.band(-1, 0x12345678), bit.band(7))`, "15 305419896 7"},
	{"band of many", `return show(bit.band(0xff, 0xf0, 0x30))`, "48"},
	{"bor", `return showAll(bit.bor(1, 2, 4), bit.bor(0x80000000, 0))`, "7 -2147483648"},
	{"bxor", `return showAll(bit.bxor(0xff, 0x0f), bit.bxor(1, 1, 1))`, "240 1"},
	{"band names the last bad argument first", `return show(bit.band(1, 'a', 'b'))`, "ERR bad argument #3 to 'band' (number expected, got string)"},
	{"band with no arguments", `return show(bit.band())`, "ERR bad argument #1 to 'band' (number expected, got no value)"},
	{"lshift", `return showAll(bit.lshift(1, 0), bit.lshift(1, 31), bit.lshift(1, 32), bit.lshift(1, 33), bit.lshift(0xff, 28))`, "1 -2147483648 1 2 -268435456"},
	{"rshift is logical", `return showAll(bit.rshift(-1, 28), bit.rshift(256, 4), bit.rshift(1, -1))`, "15 16 0"},
	{"arshift keeps the sign", `return showAll(bit.arshift(-256, 4), bit.arshift(256, 4), bit.arshift(-1, 31))`, "-16 16 -1"},
	{"rol", `return showAll(bit.rol(0x12345678, 12), bit.rol(1, 32), bit.rol(0x80000000, 1))`, "1164411171 1 1"},
	{"ror", `return showAll(bit.ror(0x12345678, 12), bit.ror(1, 1), bit.ror(5, 0))`, "1736516421 -2147483648 5"},
	{"tohex of a fraction", `return bit.tohex(2.5) .. " " .. bit.tohex(-2^31)`, "00000002 80000000"},
	{"tobit of nan and inf", `return showAll(bit.tobit(0/0), bit.tobit(1/0))`, "0 0"},
	{"bswap", `return showAll(bit.bswap(0x12345678), bit.bswap(0xff))`, "2018915346 -16777216"},
	{"tohex of bswap", `return bit.tohex(bit.bswap(0x01020304))`, "04030201"},
	{"shift of a string", `return show(bit.lshift(1, 'x'))`, "ERR bad argument #2 to 'lshift' (number expected, got string)"},
}

func TestBit(t *testing.T) { checkCases(t, bitCases) }
