package lualib

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"

	lua "github.com/yuin/gopher-lua"
)

// cmsgpackMaxNesting is LUACMSGPACK_MAX_NESTING: a table nested this deep is
// packed as nil, which is how lua-cmsgpack survives circular references.
const cmsgpackMaxNesting = 16

// newCMsgpack builds the cmsgpack table of lua-cmsgpack 0.4.0.
func newCMsgpack(L *lua.LState) *lua.LTable {
	tb := L.NewTable()
	setFuncs(L, tb, map[string]lua.LGFunction{
		"pack":         mpPack,
		"unpack":       mpUnpack,
		"unpack_one":   mpUnpackOne,
		"unpack_limit": mpUnpackLimit,
	})
	tb.RawSetString("_NAME", lua.LString("cmsgpack"))
	tb.RawSetString("_VERSION", lua.LString("lua-cmsgpack 0.4.0"))
	tb.RawSetString("_COPYRIGHT", lua.LString("Copyright (C) 2012, Salvatore Sanfilippo"))
	tb.RawSetString("_DESCRIPTION", lua.LString("MessagePack C implementation for Lua"))
	return tb
}

// ===== Encoding =====

// mpPack is cmsgpack.pack(v1, v2, ...): the encodings concatenated.
func mpPack(L *lua.LState) int {
	n := L.GetTop()
	if n == 0 {
		argError(L, 0, "pack", "MessagePack pack needs input.")
	}
	var out []byte
	for i := 1; i <= n; i++ {
		out = mpEncode(out, L.Get(i), 0)
	}
	L.Push(lua.LString(out))
	return 1
}

func mpEncode(out []byte, v lua.LValue, level int) []byte {
	switch v := v.(type) {
	case lua.LString:
		return mpEncodeString(out, string(v))
	case lua.LBool:
		if v {
			return append(out, 0xc3)
		}
		return append(out, 0xc2)
	case lua.LNumber:
		return mpEncodeNumber(out, float64(v))
	case *lua.LTable:
		if level == cmsgpackMaxNesting {
			return append(out, 0xc0)
		}
		if n, ok := mpArrayLength(v); ok {
			out = mpHeader(out, 0x90, 0xdc, n)
			for i := 1; i <= n; i++ {
				out = mpEncode(out, v.RawGetInt(i), level+1)
			}
			return out
		}
		count := 0
		v.ForEach(func(_, _ lua.LValue) { count++ })
		out = mpHeader(out, 0x80, 0xde, count)
		for k, val := v.Next(lua.LNil); k != lua.LNil; k, val = v.Next(k) {
			out = mpEncode(out, k, level+1)
			out = mpEncode(out, val, level+1)
		}
		return out
	}
	return append(out, 0xc0) // nil, and what msgpack cannot say: functions, userdata...
}

// mpEncodeString uses the str family (fixstr, str8, str16, str32), never
// bin, whatever the bytes.
func mpEncodeString(out []byte, s string) []byte {
	switch n := len(s); {
	case n < 32:
		out = append(out, 0xa0|byte(n))
	case n <= 0xff:
		out = append(out, 0xd9, byte(n))
	case n <= 0xffff:
		out = binary.BigEndian.AppendUint16(append(out, 0xda), uint16(n))
	default:
		out = binary.BigEndian.AppendUint32(append(out, 0xdb), uint32(n))
	}
	return append(out, s...)
}

// mpHeader writes an array or map header: fix form up to 15, 16-bit up to
// 65535, else 32-bit.
func mpHeader(out []byte, fix, b16 byte, n int) []byte {
	switch {
	case n <= 15:
		return append(out, fix|byte(n))
	case n <= 0xffff:
		return binary.BigEndian.AppendUint16(append(out, b16), uint16(n))
	}
	return binary.BigEndian.AppendUint32(append(out, b16+1), uint32(n))
}

// mpEncodeNumber packs a number that an int64 holds exactly as the smallest
// integer encoding, and any other as a float32 when that is exact, else as
// a float64.
func mpEncodeNumber(out []byte, f float64) []byte {
	if f >= -(1<<63) && f < 1<<63 && float64(int64(f)) == f { // IS_INT64_EQUIVALENT
		return mpEncodeInt(out, int64(f))
	}
	if f32 := float32(f); float64(f32) == f {
		return binary.BigEndian.AppendUint32(append(out, 0xca), math.Float32bits(f32))
	}
	return binary.BigEndian.AppendUint64(append(out, 0xcb), math.Float64bits(f))
}

func mpEncodeInt(out []byte, n int64) []byte {
	be := binary.BigEndian
	if n >= 0 {
		switch {
		case n <= 127:
			return append(out, byte(n))
		case n <= 0xff:
			return append(out, 0xcc, byte(n))
		case n <= 0xffff:
			return be.AppendUint16(append(out, 0xcd), uint16(n))
		case n <= 0xffffffff:
			return be.AppendUint32(append(out, 0xce), uint32(n))
		}
		return be.AppendUint64(append(out, 0xcf), uint64(n))
	}
	switch {
	case n >= -32:
		return append(out, byte(n))
	case n >= -128:
		return append(out, 0xd0, byte(n))
	case n >= -32768:
		return be.AppendUint16(append(out, 0xd1), uint16(n))
	case n >= -2147483648:
		return be.AppendUint32(append(out, 0xd2), uint32(n))
	}
	return be.AppendUint64(append(out, 0xd3), uint64(n))
}

// mpArrayLength is table_is_an_array: every key a number that a C int holds
// exactly and that is above 0, with the largest key equal to the count (so
// keys 1..n without holes). An empty table is an array.
func mpArrayLength(t *lua.LTable) (int, bool) {
	count, max := 0, 0
	ok := true
	t.ForEach(func(k, _ lua.LValue) {
		if !ok {
			return
		}
		n, isNum := k.(lua.LNumber)
		f := float64(n)
		if !isNum || f <= 0 || float64(toInt32(f)) != f {
			ok = false
			return
		}
		if int(f) > max {
			max = int(f)
		}
		count++
	})
	return max, ok && max == count
}

// ===== Decoding =====

var (
	errMpEOF    = errors.New("Missing bytes in input.")
	errMpBadFmt = errors.New("Bad data format in input.")
)

type mpCursor struct {
	L     *lua.LState
	data  string
	p     int
	depth int // arrays and maps open at the cursor
}

// mpMaxDepth is how deeply unpacked arrays and maps may nest. Redis's
// lua-cmsgpack has no limit of its own but fails on its Lua stack
// ("stack overflow (in function mp_decode_to_lua_array)" at 4000 nested
// arrays in redis-server 7.0.15); decode recurses once per level, so
// without a bound a few megabytes of 0x91 bytes exhaust the goroutine
// stack, which is fatal to the whole process, not an error.
const mpMaxDepth = 3999

var errMpTooDeep = errors.New("stack overflow (in function mp_decode_to_lua_array)")

// open enters one more array or map, or fails past mpMaxDepth.
func (c *mpCursor) open() error {
	if c.depth >= mpMaxDepth {
		return errMpTooDeep
	}
	c.depth++
	return nil
}

func (c *mpCursor) left() int { return len(c.data) - c.p }

func (c *mpCursor) need(n int) error {
	if c.left() < n {
		return errMpEOF
	}
	return nil
}

func (c *mpCursor) uint(at, size int) uint64 {
	var v uint64
	for i := 0; i < size; i++ {
		v = v<<8 | uint64(c.data[c.p+at+i])
	}
	return v
}

// decode is mp_decode_to_lua_type: one value at the cursor.
func (c *mpCursor) decode() (lua.LValue, error) {
	if err := c.need(1); err != nil {
		return nil, err
	}
	b := c.data[c.p]
	fixed := func(size int, v func() lua.LValue) (lua.LValue, error) {
		if err := c.need(1 + size); err != nil {
			return nil, err
		}
		r := v()
		c.p += 1 + size
		return r, nil
	}
	switch {
	case b == 0xcc:
		return fixed(1, func() lua.LValue { return lua.LNumber(c.uint(1, 1)) })
	case b == 0xd0:
		return fixed(1, func() lua.LValue { return lua.LNumber(int8(c.uint(1, 1))) })
	case b == 0xcd:
		return fixed(2, func() lua.LValue { return lua.LNumber(c.uint(1, 2)) })
	case b == 0xd1:
		return fixed(2, func() lua.LValue { return lua.LNumber(int16(c.uint(1, 2))) })
	case b == 0xce:
		return fixed(4, func() lua.LValue { return lua.LNumber(c.uint(1, 4)) })
	case b == 0xd2:
		return fixed(4, func() lua.LValue { return lua.LNumber(int32(c.uint(1, 4))) })
	case b == 0xcf, b == 0xd3:
		// NB: lua-cmsgpack pushes uint64 through a signed lua_Integer,
		// so values past 2^63 come back negative.
		return fixed(8, func() lua.LValue { return lua.LNumber(int64(c.uint(1, 8))) })
	case b == 0xc0:
		c.p++
		return lua.LNil, nil
	case b == 0xc3, b == 0xc2:
		c.p++
		return lua.LBool(b == 0xc3), nil
	case b == 0xca:
		return fixed(4, func() lua.LValue { return lua.LNumber(math.Float32frombits(uint32(c.uint(1, 4)))) })
	case b == 0xcb:
		return fixed(8, func() lua.LValue { return lua.LNumber(math.Float64frombits(c.uint(1, 8))) })
	case b == 0xd9, b == 0xda, b == 0xdb:
		size := 1 << (b - 0xd9) // 1, 2 or 4 length bytes
		if err := c.need(1 + size); err != nil {
			return nil, err
		}
		return c.str(1+size, int(c.uint(1, size)))
	case b == 0xdc, b == 0xdd, b == 0xde, b == 0xdf:
		size := 2
		if b == 0xdd || b == 0xdf {
			size = 4
		}
		if err := c.need(1 + size); err != nil {
			return nil, err
		}
		n := int(c.uint(1, size))
		c.p += 1 + size
		if b == 0xdc || b == 0xdd {
			return c.array(n)
		}
		return c.mapOf(n)
	case b&0x80 == 0:
		c.p++
		return lua.LNumber(b), nil
	case b&0xe0 == 0xe0:
		c.p++
		return lua.LNumber(int8(b)), nil
	case b&0xe0 == 0xa0:
		return c.str(1, int(b&0x1f))
	case b&0xf0 == 0x90:
		c.p++
		return c.array(int(b & 0xf))
	case b&0xf0 == 0x80:
		c.p++
		return c.mapOf(int(b & 0xf))
	}
	return nil, errMpBadFmt // bin, ext and 0xc1: lua-cmsgpack reads none of them
}

func (c *mpCursor) str(hdr, n int) (lua.LValue, error) {
	if err := c.need(hdr + n); err != nil {
		return nil, err
	}
	s := c.data[c.p+hdr : c.p+hdr+n]
	c.p += hdr + n
	return lua.LString(s), nil
}

func (c *mpCursor) array(n int) (lua.LValue, error) {
	if err := c.open(); err != nil {
		return nil, err
	}
	defer func() { c.depth-- }()
	t := c.L.NewTable()
	for i := 1; i <= n; i++ {
		v, err := c.decode()
		if err != nil {
			return nil, err
		}
		t.RawSetInt(i, v)
	}
	return t, nil
}

func (c *mpCursor) mapOf(n int) (lua.LValue, error) {
	if err := c.open(); err != nil {
		return nil, err
	}
	defer func() { c.depth-- }()
	t := c.L.NewTable()
	for ; n > 0; n-- {
		k, err := c.decode()
		if err != nil {
			return nil, err
		}
		v, err := c.decode()
		if err != nil {
			return nil, err
		}
		if k == lua.LNil {
			c.L.RaiseError("table index is nil")
		}
		if f, ok := k.(lua.LNumber); ok && math.IsNaN(float64(f)) {
			c.L.RaiseError("table index is NaN")
		}
		t.RawSet(k, v)
	}
	return t, nil
}

// mpUnpackFull is mp_unpack_full: up to limit values from offset; with
// neither given, every value and no offset. Otherwise the first result is
// the offset after the values read, or -1 at the end of the input.
func mpUnpackFull(L *lua.LState, fname string, limit, offset int64) int {
	s := checkString(L, 1, fname)
	decodeAll := limit == 0 && offset == 0
	if offset < 0 || limit < 0 {
		// NB: lua-cmsgpack prints the input's length as the limit.
		raise(L, fmt.Sprintf("Invalid request to unpack with offset of %d and limit of %d.", int32(offset), int32(len(s))))
	}
	if offset > int64(len(s)) {
		raise(L, fmt.Sprintf("Start offset %d greater than input length %d.", int32(offset), int32(len(s))))
	}
	if decodeAll {
		limit = math.MaxInt32
	}
	c := &mpCursor{L: L, data: s, p: int(offset)}
	var values []lua.LValue
	for cnt := int64(0); c.left() > 0 && cnt < limit; cnt++ {
		v, err := c.decode()
		if err != nil {
			raise(L, err.Error())
		}
		values = append(values, v)
	}
	if !decodeAll {
		next := lua.LNumber(-1)
		if c.left() > 0 {
			next = lua.LNumber(c.p)
		}
		L.Push(next)
	}
	for _, v := range values {
		L.Push(v)
	}
	if decodeAll {
		return len(values)
	}
	return len(values) + 1
}

func mpUnpack(L *lua.LState) int {
	return mpUnpackFull(L, "unpack", 0, 0)
}

func mpUnpackOne(L *lua.LState) int {
	offset := optInteger(L, 2, "unpack_one", 0)
	return mpUnpackFull(L, "unpack_one", 1, offset)
}

func mpUnpackLimit(L *lua.LState) int {
	limit := checkInteger(L, 2, "unpack_limit")
	offset := optInteger(L, 3, "unpack_limit", 0)
	return mpUnpackFull(L, "unpack_limit", limit, offset)
}
