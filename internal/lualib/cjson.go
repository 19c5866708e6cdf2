package lualib

import (
	"fmt"
	"math"
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// cjsonShared is what every cjson table made by one Open shares: cjson.null,
// which stands for lua-cjson's NULL lightuserdata.
type cjsonShared struct {
	null *lua.LUserData
}

// cjsonConfig is one cjson table's settings, lua-cjson's json_config_t.
// cjson.new() makes a table with its own. Defaults are lua-cjson 2.1.0's as
// Redis builds it.
type cjsonConfig struct {
	*cjsonShared
	sparseConvert        int // 0 or 1
	sparseRatio          int
	sparseSafe           int
	encodeMaxDepth       int
	decodeMaxDepth       int
	encodeInvalidNumbers int // 0 off, 1 on, 2 "null"
	decodeInvalidNumbers int // 0 or 1
	encodeKeepBuffer     int // 0 or 1; kept only to be reported back
	precision            int
}

func newCJSON(L *lua.LState, shared *cjsonShared) *lua.LTable {
	cfg := &cjsonConfig{
		cjsonShared:          shared,
		sparseRatio:          2,
		sparseSafe:           10,
		encodeMaxDepth:       1000,
		decodeMaxDepth:       1000,
		decodeInvalidNumbers: 1,
		encodeKeepBuffer:     1,
		precision:            14,
	}
	tb := L.NewTable()
	setFuncs(L, tb, map[string]lua.LGFunction{
		"encode":                  cfg.encode,
		"decode":                  cfg.decode,
		"encode_sparse_array":     cfg.cfgEncodeSparseArray,
		"encode_max_depth":        cfg.integerOption("encode_max_depth", &cfg.encodeMaxDepth, 1, math.MaxInt32),
		"decode_max_depth":        cfg.integerOption("decode_max_depth", &cfg.decodeMaxDepth, 1, math.MaxInt32),
		"encode_number_precision": cfg.integerOption("encode_number_precision", &cfg.precision, 1, 14),
		"encode_keep_buffer":      cfg.enumOption("encode_keep_buffer", &cfg.encodeKeepBuffer, nil),
		"encode_invalid_numbers":  cfg.enumOption("encode_invalid_numbers", &cfg.encodeInvalidNumbers, []string{"off", "on", "null"}),
		"decode_invalid_numbers":  cfg.enumOption("decode_invalid_numbers", &cfg.decodeInvalidNumbers, nil),
		"new": func(L *lua.LState) int {
			L.Push(newCJSON(L, shared))
			return 1
		},
	})
	tb.RawSetString("null", shared.null)
	tb.RawSetString("_NAME", lua.LString("cjson"))
	tb.RawSetString("_VERSION", lua.LString("2.1.0"))
	return tb
}

// ===== Configuration =====

// argInit is json_arg_init: at most max arguments.
func argInit(L *lua.LState, fname string, max int) {
	if L.GetTop() > max {
		argError(L, max+1, fname, "found too many arguments")
	}
}

// integerOption is json_integer_option: set when given, return the value.
// NB: lua-cjson reports a range error against argument #1 whichever
// argument it was.
func (c *cjsonConfig) integerOption(fname string, setting *int, min, max int) lua.LGFunction {
	return func(L *lua.LState) int {
		argInit(L, fname, 1)
		c.setInteger(L, fname, 1, setting, min, max)
		L.Push(lua.LNumber(*setting))
		return 1
	}
}

func (c *cjsonConfig) setInteger(L *lua.LState, fname string, n int, setting *int, min, max int) {
	if L.Get(n) == lua.LNil {
		return
	}
	v := checkInteger(L, n, fname)
	if v < int64(min) || v > int64(max) {
		argError(L, 1, fname, fmt.Sprintf("expected integer between %d and %d", min, max))
	}
	*setting = int(v)
}

// enumOption is json_enum_option over options ("off", "on" when nil); a
// boolean argument sets 0 or 1. It returns a boolean for 0 and 1, else the
// option's name.
func (c *cjsonConfig) enumOption(fname string, setting *int, options []string) lua.LGFunction {
	return func(L *lua.LState) int {
		argInit(L, fname, 1)
		c.setEnum(L, fname, 1, setting, options)
		pushEnum(L, *setting, options)
		return 1
	}
}

func (c *cjsonConfig) setEnum(L *lua.LState, fname string, n int, setting *int, options []string) {
	if options == nil {
		options = []string{"off", "on"}
	}
	v := L.Get(n)
	if v == lua.LNil {
		return
	}
	if b, ok := v.(lua.LBool); ok {
		*setting = 0
		if b {
			*setting = 1
		}
		return
	}
	s := checkString(L, n, fname)
	for i, o := range options {
		if s == o {
			*setting = i
			return
		}
	}
	argError(L, n, fname, fmt.Sprintf("invalid option '%s'", s))
}

func pushEnum(L *lua.LState, setting int, options []string) {
	if setting == 0 || setting == 1 {
		L.Push(lua.LBool(setting == 1))
		return
	}
	L.Push(lua.LString(options[setting]))
}

// cfgEncodeSparseArray is cjson.encode_sparse_array([convert [, ratio [, safe]]]).
func (c *cjsonConfig) cfgEncodeSparseArray(L *lua.LState) int {
	const fname = "encode_sparse_array"
	argInit(L, fname, 3)
	c.setEnum(L, fname, 1, &c.sparseConvert, nil)
	c.setInteger(L, fname, 2, &c.sparseRatio, 0, math.MaxInt32)
	c.setInteger(L, fname, 3, &c.sparseSafe, 0, math.MaxInt32)
	pushEnum(L, c.sparseConvert, nil)
	L.Push(lua.LNumber(c.sparseRatio))
	L.Push(lua.LNumber(c.sparseSafe))
	return 3
}

// ===== Encoding =====

// cjsonEscapes is lua-cjson's char2escape: control characters, '"', '\\',
// '/' and DEL are escaped; every other byte, UTF-8 or not, passes through.
var cjsonEscapes = func() [256]string {
	var t [256]string
	for i := 0; i < 32; i++ {
		t[i] = fmt.Sprintf("\\u%04x", i)
	}
	t['\b'], t['\t'], t['\n'], t['\f'], t['\r'] = `\b`, `\t`, `\n`, `\f`, `\r`
	t['"'], t['\\'], t['/'], t[0x7f] = `\"`, `\\`, `\/`, `\u007f`
	return t
}()

func (c *cjsonConfig) encode(L *lua.LState) int {
	if L.GetTop() != 1 {
		argError(L, 1, "encode", "expected 1 argument")
	}
	var b strings.Builder
	c.appendValue(L, &b, L.Get(1), 0)
	L.Push(lua.LString(b.String()))
	return 1
}

func (c *cjsonConfig) encodeError(L *lua.LState, v lua.LValue, reason string) {
	raise(L, fmt.Sprintf("Cannot serialise %s: %s", v.Type().String(), reason))
}

func (c *cjsonConfig) appendValue(L *lua.LState, b *strings.Builder, v lua.LValue, depth int) {
	switch v := v.(type) {
	case lua.LString:
		appendJSONString(b, string(v))
	case lua.LNumber:
		c.appendNumber(L, b, v)
	case lua.LBool:
		if v {
			b.WriteString("true")
		} else {
			b.WriteString("false")
		}
	case *lua.LTable:
		depth++
		if depth > c.encodeMaxDepth {
			raise(L, fmt.Sprintf("Cannot serialise, excessive nesting (%d)", depth))
		}
		if n := c.arrayLength(L, v); n > 0 {
			c.appendArray(L, b, v, n, depth)
		} else {
			c.appendObject(L, b, v, depth)
		}
	case *lua.LNilType:
		b.WriteString("null")
	default:
		if v == c.null {
			b.WriteString("null")
			return
		}
		c.encodeError(L, v, "type not supported")
	}
}

func appendJSONString(b *strings.Builder, s string) {
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		if esc := cjsonEscapes[s[i]]; esc != "" {
			b.WriteString(esc)
		} else {
			b.WriteByte(s[i])
		}
	}
	b.WriteByte('"')
}

func (c *cjsonConfig) appendNumber(L *lua.LState, b *strings.Builder, v lua.LNumber) {
	f := float64(v)
	bad := math.IsInf(f, 0) || math.IsNaN(f)
	switch {
	case bad && c.encodeInvalidNumbers == 0:
		c.encodeError(L, v, "must not be NaN or Inf")
	case math.IsNaN(f) && c.encodeInvalidNumbers == 1:
		b.WriteString("nan") // lua-cjson avoids the platform's "-nan"
	case bad && c.encodeInvalidNumbers == 2:
		b.WriteString("null")
	default:
		b.WriteString(formatG(f, c.precision))
	}
}

// arrayLength is lua_array_length: the largest key when every key is a
// positive integer and the array is not excessively sparse, else -1 (an
// object), or an error when sparse arrays may not be converted.
func (c *cjsonConfig) arrayLength(L *lua.LState, t *lua.LTable) int {
	max := int32(0)
	items := int32(0)
	isArray := true
	t.ForEach(func(k, _ lua.LValue) {
		if !isArray {
			return
		}
		n, ok := k.(lua.LNumber)
		f := float64(n)
		if !ok || f == 0 || math.Floor(f) != f || f < 1 {
			isArray = false
			return
		}
		if f > float64(max) {
			max = toInt32(f) // NB: a key past 2^31 wraps as the C int does
		}
		items++
	})
	if !isArray {
		return -1
	}
	if c.sparseRatio > 0 && max > items*int32(c.sparseRatio) && int(max) > c.sparseSafe {
		if c.sparseConvert == 0 {
			c.encodeError(L, t, "excessively sparse array")
		}
		return -1
	}
	return int(max)
}

func (c *cjsonConfig) appendArray(L *lua.LState, b *strings.Builder, t *lua.LTable, n, depth int) {
	b.WriteByte('[')
	for i := 1; i <= n; i++ {
		if i > 1 {
			b.WriteByte(',')
		}
		c.appendValue(L, b, t.RawGetInt(i), depth)
	}
	b.WriteByte(']')
}

// appendObject writes t's pairs in iteration order, which Lua leaves
// unspecified (and gopher-lua's differs from PUC Lua's).
func (c *cjsonConfig) appendObject(L *lua.LState, b *strings.Builder, t *lua.LTable, depth int) {
	b.WriteByte('{')
	first := true
	for k, v := t.Next(lua.LNil); k != lua.LNil; k, v = t.Next(k) {
		if !first {
			b.WriteByte(',')
		}
		first = false
		switch k := k.(type) {
		case lua.LNumber:
			b.WriteByte('"')
			c.appendNumber(L, b, k)
			b.WriteString(`":`)
		case lua.LString:
			appendJSONString(b, string(k))
			b.WriteByte(':')
		default:
			c.encodeError(L, k, "table key must be a number or string")
		}
		c.appendValue(L, b, v, depth)
	}
	b.WriteByte('}')
}
