package lualib

import (
	"encoding/binary"
	"fmt"
	"math"
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// lua-struct's limits on x86-64, where Redis is built: integral types are
// C longs (8 bytes), an int is 4 bytes, and the default maximum alignment
// ("!" without a number) is a double's, 8.
const (
	structMaxIntSize = 32
	structMaxAlign   = 8
	structIntSize    = 4
	structLongSize   = 8
)

// newStruct builds the struct table of lua-struct: pack, unpack and size
// over its format language (see the format comment in lua_struct.c).
func newStruct(L *lua.LState) *lua.LTable {
	tb := L.NewTable()
	setFuncs(L, tb, map[string]lua.LGFunction{
		"pack":   structPack,
		"unpack": structUnpack,
		"size":   structSize,
	})
	return tb
}

// structFormat walks a format string. The C code reads it as a C string, so
// it ends at the first NUL byte.
type structFormat struct {
	L      *lua.LState
	fname  string
	fmt    string
	i      int
	little bool // the default is the native order, little endian on x86-64
	align  int
}

func newStructFormat(L *lua.LState, fname string) *structFormat {
	f := checkString(L, 1, fname)
	if i := strings.IndexByte(f, 0); i >= 0 {
		f = f[:i]
	}
	return &structFormat{L: L, fname: fname, fmt: f, little: true, align: 1}
}

func (f *structFormat) more() bool { return f.i < len(f.fmt) }

func (f *structFormat) next() byte {
	c := f.fmt[f.i]
	f.i++
	return c
}

// getnum reads the decimal number that may follow an option, or returns df.
func (f *structFormat) getnum(df int) int {
	if !f.more() || !isDigit(f.fmt[f.i]) {
		return df
	}
	a := 0
	for f.more() && isDigit(f.fmt[f.i]) {
		d := int(f.fmt[f.i] - '0')
		if a > math.MaxInt32/10 || a*10 > math.MaxInt32-d {
			raise(f.L, "integral size overflow")
		}
		a = a*10 + d
		f.i++
	}
	return a
}

// optsize is the size in bytes of option opt, reading its number if any;
// 0 for options that take no room.
func (f *structFormat) optsize(opt byte) int {
	switch opt {
	case 'B', 'b', 'x':
		return 1
	case 'H', 'h':
		return 2
	case 'L', 'l', 'T', 'd':
		return structLongSize
	case 'f':
		return 4
	case 'c':
		return f.getnum(1)
	case 'i', 'I':
		sz := f.getnum(structIntSize)
		if sz > structMaxIntSize {
			raise(f.L, fmt.Sprintf("integral size %d is larger than limit of %d", sz, structMaxIntSize))
		}
		return sz
	}
	return 0
}

// toalign is the padding needed before an item of size at offset n. Like the
// C code it assumes power-of-two sizes; others give its odd results.
func (f *structFormat) toalign(n uint64, opt byte, size int) uint64 {
	if size == 0 || opt == 'c' {
		return 0
	}
	if size > f.align {
		size = f.align
	}
	s := uint64(size)
	return (s - (n & (s - 1))) & (s - 1)
}

// control handles the options that change endianness or alignment.
func (f *structFormat) control(opt byte) {
	switch opt {
	case ' ':
	case '>':
		f.little = false
	case '<':
		f.little = true
	case '!':
		a := f.getnum(structMaxAlign)
		if a <= 0 || a&(a-1) != 0 {
			raise(f.L, fmt.Sprintf("alignment %d is not a power of 2", a))
		}
		f.align = a
	default:
		argError(f.L, 1, f.fname, fmt.Sprintf("invalid format option '%c'", opt))
	}
}

func isIntOption(opt byte) bool {
	return strings.IndexByte("bBhHlLTiI", opt) >= 0
}

// structPack is struct.pack(fmt, v1, v2, ...).
func structPack(L *lua.LState) int {
	f := newStructFormat(L, "pack")
	// Like the C code, push a nil after the arguments (it marks where its
	// string buffer starts), so the first missing argument is a nil.
	L.Push(lua.LNil)
	arg := 2
	var out []byte
	total := uint64(0)
	for f.more() {
		opt := f.next()
		size := f.optsize(opt)
		pad := f.toalign(total, opt, size)
		total += pad
		for ; pad > 0; pad-- {
			out = append(out, 0)
		}
		switch {
		case isIntOption(opt):
			out = putInteger(out, toUint64(checkNumber(L, arg, "pack")), f.little, size)
			arg++
		case opt == 'x':
			out = append(out, 0)
		case opt == 'f':
			out = putInteger(out, uint64(math.Float32bits(float32(checkNumber(L, arg, "pack")))), f.little, 4)
			arg++
		case opt == 'd':
			out = putInteger(out, math.Float64bits(checkNumber(L, arg, "pack")), f.little, 8)
			arg++
		case opt == 'c' || opt == 's':
			s := checkString(L, arg, "pack")
			arg++
			if size == 0 {
				size = len(s)
			}
			if len(s) < size {
				// NB: the C code has already advanced arg, so the error
				// names the argument after the short string.
				argError(L, arg, "pack", "string too short")
			}
			out = append(out, s[:size]...)
			if opt == 's' {
				out = append(out, 0)
				size++
			}
		default:
			f.control(opt)
		}
		total += uint64(size)
	}
	L.Push(lua.LString(out))
	return 1
}

// putInteger appends the size low-order bytes of v; bytes beyond the eighth
// are zero, even for negative numbers, as in the C code.
func putInteger(out []byte, v uint64, little bool, size int) []byte {
	buf := make([]byte, size)
	for i := 0; i < size; i++ {
		j := size - 1 - i
		if little {
			j = i
		}
		buf[j] = byte(v)
		v >>= 8
	}
	return append(out, buf...)
}

// toUint64 converts n as lua-struct's putinteger does: negative numbers
// through a signed cast, others through an unsigned one (x86-64 semantics).
func toUint64(n float64) uint64 {
	if n < 0 {
		return uint64(toInteger(n))
	}
	if n < 1<<63 {
		return uint64(toInteger(n))
	}
	return uint64(toInteger(n-(1<<63))) ^ (1 << 63)
}

// getInteger reads a size-byte integer. Only the last eight bytes read
// survive the shifts, and the sign mask's shift count is taken modulo 64,
// as x86-64 does for the C code's oversized shift.
func getInteger(b []byte, little, signed bool) float64 {
	size := len(b)
	var l uint64
	for i := 0; i < size; i++ {
		j := i
		if little {
			j = size - 1 - i
		}
		l = l<<8 | uint64(b[j])
	}
	if !signed {
		return float64(l)
	}
	mask := ^uint64(0) << (uint(size*8-1) & 63)
	if l&mask != 0 {
		l |= mask
	}
	return float64(int64(l))
}

// structUnpack is struct.unpack(fmt, data [, pos]): the values, then the
// position after the last byte read.
func structUnpack(L *lua.LState) int {
	f := newStructFormat(L, "unpack")
	data := checkString(L, 2, "unpack")
	ld := uint64(len(data))
	// pos is a size_t in C, so a negative offset passes this check and then
	// wraps around.
	pos := uint64(optInteger(L, 3, "unpack", 1))
	if pos == 0 {
		argError(L, 3, "unpack", "offset must be 1 or greater")
	}
	pos--
	var results []lua.LValue
	for f.more() {
		opt := f.next()
		size := uint64(f.optsize(opt))
		pos += f.toalign(pos, opt, int(size))
		if pos+size > ld || pos+size < pos {
			argError(L, 2, "unpack", "data string too short")
		}
		switch {
		case isIntOption(opt):
			results = append(results, lua.LNumber(getInteger([]byte(data[pos:pos+size]), f.little, opt >= 'a')))
		case opt == 'x':
		case opt == 'f':
			b := []byte(data[pos : pos+4])
			results = append(results, lua.LNumber(math.Float32frombits(uint32(readBits(b, f.little)))))
		case opt == 'd':
			b := []byte(data[pos : pos+8])
			results = append(results, lua.LNumber(math.Float64frombits(readBits(b, f.little))))
		case opt == 'c':
			if size == 0 {
				// The length is the value read just before, which the C
				// code pops off the stack (so it is not returned); with
				// nothing read yet, that is the data argument itself.
				prev := lua.LValue(lua.LString(data))
				if len(results) > 0 {
					prev = results[len(results)-1]
				}
				n, ok := toNumber(prev)
				if !ok {
					raise(L, "format 'c0' needs a previous size")
				}
				size = toUint64(n)
				if len(results) > 0 {
					results = results[:len(results)-1]
				}
				if pos+size > ld || pos+size < pos {
					argError(L, 2, "unpack", "data string too short")
				}
			}
			results = append(results, lua.LString(data[pos:pos+size]))
		case opt == 's':
			e := strings.IndexByte(data[pos:], 0)
			if e < 0 {
				raise(L, "unfinished string in data")
			}
			size = uint64(e) + 1
			results = append(results, lua.LString(data[pos:pos+uint64(e)]))
		default:
			f.control(opt)
		}
		pos += size
	}
	for _, v := range results {
		L.Push(v)
	}
	L.Push(lua.LNumber(float64(int64(pos + 1))))
	return len(results) + 1
}

// readBits reads b as an unsigned integer in the given byte order.
func readBits(b []byte, little bool) uint64 {
	if len(b) == 4 {
		if little {
			return uint64(binary.LittleEndian.Uint32(b))
		}
		return uint64(binary.BigEndian.Uint32(b))
	}
	if little {
		return binary.LittleEndian.Uint64(b)
	}
	return binary.BigEndian.Uint64(b)
}

// structSize is struct.size(fmt): the bytes pack would produce, which
// needs every item to have a fixed size.
func structSize(L *lua.LState) int {
	f := newStructFormat(L, "size")
	pos := uint64(0)
	for f.more() {
		opt := f.next()
		size := f.optsize(opt)
		pos += f.toalign(pos, opt, size)
		if opt == 's' {
			argError(L, 1, "size", "option 's' has no fixed size")
		} else if opt == 'c' && size == 0 {
			argError(L, 1, "size", "option 'c0' has no fixed size")
		}
		if !isAlnum(opt) {
			f.control(opt)
		}
		pos += uint64(size)
	}
	L.Push(lua.LNumber(float64(pos)))
	return 1
}
