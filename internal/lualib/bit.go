package lualib

import (
	"math"
	"math/bits"

	lua "github.com/yuin/gopher-lua"
)

// newBit builds the bit table of LuaBitOp 1.0: operations on 32-bit
// integers whose results are signed 32-bit numbers.
func newBit(L *lua.LState) *lua.LTable {
	tb := L.NewTable()
	setFuncs(L, tb, map[string]lua.LGFunction{
		"tobit":   bitUnary("tobit", func(b uint32) uint32 { return b }),
		"bnot":    bitUnary("bnot", func(b uint32) uint32 { return ^b }),
		"bswap":   bitUnary("bswap", bits.ReverseBytes32),
		"band":    bitFold("band", func(a, b uint32) uint32 { return a & b }),
		"bor":     bitFold("bor", func(a, b uint32) uint32 { return a | b }),
		"bxor":    bitFold("bxor", func(a, b uint32) uint32 { return a ^ b }),
		"lshift":  bitShift("lshift", func(b uint32, n uint) uint32 { return b << n }),
		"rshift":  bitShift("rshift", func(b uint32, n uint) uint32 { return b >> n }),
		"arshift": bitShift("arshift", func(b uint32, n uint) uint32 { return uint32(int32(b) >> n) }),
		"rol":     bitShift("rol", func(b uint32, n uint) uint32 { return bits.RotateLeft32(b, int(n)) }),
		"ror":     bitShift("ror", func(b uint32, n uint) uint32 { return bits.RotateLeft32(b, -int(n)) }),
		"tohex":   bitTohex,
	})
	return tb
}

// bitArg is LuaBitOp's barg: the number's low 32 bits after adding 2^52+2^51,
// which rounds a fraction to the nearest integer (ties to even) and wraps a
// large number modulo 2^32, exactly as the C union trick does.
func bitArg(L *lua.LState, n int, fname string) uint32 {
	f, ok := toNumber(L.Get(n))
	if !ok {
		typeError(L, n, fname, "number")
	}
	return uint32(math.Float64bits(f + 6755399441055744.0))
}

// pushBits returns b to Lua as a signed 32-bit number.
func pushBits(L *lua.LState, b uint32) int {
	L.Push(lua.LNumber(int32(b)))
	return 1
}

func bitUnary(fname string, op func(uint32) uint32) lua.LGFunction {
	return func(L *lua.LState) int {
		return pushBits(L, op(bitArg(L, 1, fname)))
	}
}

// bitFold folds op over all arguments. LuaBitOp reads the first argument,
// then the others from the last one down, which decides which bad argument
// an error names.
func bitFold(fname string, op func(a, b uint32) uint32) lua.LGFunction {
	return func(L *lua.LState) int {
		b := bitArg(L, 1, fname)
		for i := L.GetTop(); i > 1; i-- {
			b = op(b, bitArg(L, i, fname))
		}
		return pushBits(L, b)
	}
}

// bitShift applies op with the shift count taken modulo 32.
func bitShift(fname string, op func(b uint32, n uint) uint32) lua.LGFunction {
	return func(L *lua.LState) int {
		b := bitArg(L, 1, fname)
		n := bitArg(L, 2, fname) & 31
		return pushBits(L, op(b, uint(n)))
	}
}

// bitTohex is bit.tohex(x [,n]): the n lowest hex digits of x, 8 by default,
// upper case when n is negative, at most 8.
func bitTohex(L *lua.LState) int {
	b := bitArg(L, 1, "tohex")
	n := int32(8)
	if L.GetTop() >= 2 {
		n = int32(bitArg(L, 2, "tohex"))
	}
	digits := "0123456789abcdef"
	if n < 0 {
		n = -n
		digits = "0123456789ABCDEF"
	}
	if n > 8 || n < 0 { // n < 0: -MinInt32, where C would fail
		n = 8
	}
	buf := make([]byte, n)
	for i := int(n) - 1; i >= 0; i-- {
		buf[i] = digits[b&15]
		b >>= 4
	}
	L.Push(lua.LString(buf))
	return 1
}
