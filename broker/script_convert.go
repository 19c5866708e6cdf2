package broker

import (
	"bytes"
	"math"
	"strconv"
	"strings"

	"github.com/brokerd/brokerd/command"
	lua "github.com/yuin/gopher-lua"
)

// Conversions between replies and Lua values, as the redis.io "Lua API
// reference" gives them (Redis's redisProtocolToLuaType and
// luaReplyToRedisReply).

// respToLua converts the reply at the start of b to a Lua value and
// returns it with the rest of b. The reply was written by a command
// handler, so it is well formed.
//
//	RESP2/3 integer → number         bulk string → string
//	null bulk/array → false          array → table (nils leave holes)
//	status → {ok=s}                  error → {err=s}
//	RESP3 null → nil                 boolean → boolean
//	map → {map={k=v}}                set → {set={k=true}}
//	double → {double=n}              big number → {big_number=s}
//	verbatim → {verbatim_string={format=f, string=s}}; attributes are skipped
func respToLua(L *lua.LState, b []byte) (lua.LValue, []byte) {
	i := bytes.Index(b, []byte("\r\n"))
	if len(b) == 0 || i < 0 {
		return lua.LNil, nil
	}
	kind, head, rest := b[0], b[1:i], b[i+2:]
	switch kind {
	case ':':
		n, _ := strconv.ParseInt(string(head), 10, 64)
		return lua.LNumber(n), rest
	case '$', '=':
		n, _ := strconv.Atoi(string(head))
		if n < 0 {
			return lua.LFalse, rest
		}
		s := rest[:n]
		rest = rest[n+2:]
		if kind == '$' {
			return lua.LString(s), rest
		}
		v := L.CreateTable(0, 2)
		format, text := "txt", s
		if len(s) >= 4 {
			format, text = string(s[:3]), s[4:]
		}
		v.RawSetString("string", lua.LString(text))
		v.RawSetString("format", lua.LString(format))
		return field(L, "verbatim_string", v), rest
	case '+':
		return field(L, "ok", lua.LString(head)), rest
	case '-':
		return errorTable(L, "-"+string(head)), rest
	case '*', '>':
		n, _ := strconv.Atoi(string(head))
		if n < 0 {
			return lua.LFalse, rest
		}
		t := L.CreateTable(n, 0)
		for j := 1; j <= n; j++ {
			var v lua.LValue
			v, rest = respToLua(L, rest)
			t.RawSetInt(j, v)
		}
		return t, rest
	case '%', '~':
		n, _ := strconv.Atoi(string(head))
		t := L.CreateTable(0, n)
		for range n {
			var k, v lua.LValue
			k, rest = respToLua(L, rest)
			v = lua.LTrue
			if kind == '%' {
				v, rest = respToLua(L, rest)
			}
			if k != lua.LNil {
				t.RawSet(k, v)
			}
		}
		if kind == '%' {
			return field(L, "map", t), rest
		}
		return field(L, "set", t), rest
	case '|':
		n, _ := strconv.Atoi(string(head))
		for range 2 * n {
			_, rest = respToLua(L, rest)
		}
		return respToLua(L, rest)
	case '_':
		return lua.LNil, rest
	case '#':
		return lua.LBool(len(head) > 0 && head[0] == 't'), rest
	case ',':
		f, _ := strconv.ParseFloat(string(head), 64)
		return field(L, "double", lua.LNumber(f)), rest
	case '(':
		return field(L, "big_number", lua.LString(head)), rest
	}
	return lua.LNil, nil
}

// field returns the one-field table {name=v}.
func field(L *lua.LState, name string, v lua.LValue) *lua.LTable {
	t := L.CreateTable(0, 1)
	t.RawSetString(name, v)
	return t
}

// maxLuaReplyDepth bounds the nesting of a script's reply, so a table
// that contains itself ends in an error instead of a stack overflow
// (Redis fails on its Lua stack limit there).
const maxLuaReplyDepth = 500

// writeLuaReply writes a script's return value as Redis does: a string
// as a bulk string, a number as an integer (truncated), true as 1 and
// false as a null (RESP3 booleans after redis.setresp(3)), nil as a null,
// and a table as an error ({err=}), a status ({ok=}), a RESP3 type
// ({double=}, {big_number=}, {verbatim_string=}, {map=}, {set=}), or else
// an array of its elements up to the first nil.
func writeLuaReply(out *command.Reply, v lua.LValue, resp, depth int) {
	if depth > maxLuaReplyDepth {
		out.Error("ERR reached lua stack limit")
		return
	}
	switch v := v.(type) {
	case lua.LString:
		out.BulkString(string(v))
	case lua.LBool:
		switch {
		case resp == 3:
			out.Bool(bool(v))
		case bool(v):
			out.Int(1)
		default:
			out.Null()
		}
	case lua.LNumber:
		out.Int(luaInt(v))
	case *lua.LTable:
		writeLuaTable(out, v, resp, depth)
	default:
		out.Null()
	}
}

// luaInt is C's (long long) cast of a Lua number.
func luaInt(n lua.LNumber) int64 {
	f := float64(n)
	if math.IsNaN(f) || f >= math.MaxInt64 || f < math.MinInt64 {
		return math.MinInt64
	}
	return int64(f)
}

func writeLuaTable(out *command.Reply, t *lua.LTable, resp, depth int) {
	if s, ok := t.RawGetString("err").(lua.LString); ok {
		out.Error(string(s))
		return
	}
	if s, ok := t.RawGetString("ok").(lua.LString); ok {
		out.Simple(noNewlines(string(s)))
		return
	}
	if n, ok := t.RawGetString("double").(lua.LNumber); ok {
		out.Double(float64(n))
		return
	}
	if s, ok := t.RawGetString("big_number").(lua.LString); ok {
		if out.Proto() == 3 {
			out.Raw([]byte("(" + noNewlines(string(s)) + "\r\n"))
		} else {
			out.BulkString(noNewlines(string(s)))
		}
		return
	}
	if vt, ok := t.RawGetString("verbatim_string").(*lua.LTable); ok {
		format, fok := vt.RawGetString("format").(lua.LString)
		text, tok := vt.RawGetString("string").(lua.LString)
		if fok && tok {
			if out.Proto() == 3 {
				f := (string(format) + "   ")[:3]
				out.Raw([]byte("=" + strconv.Itoa(len(text)+4) + "\r\n" + f + ":" + string(text) + "\r\n"))
			} else {
				out.BulkString(string(text))
			}
			return
		}
	}
	if m, ok := t.RawGetString("map").(*lua.LTable); ok {
		var kv []lua.LValue
		m.ForEach(func(k, v lua.LValue) { kv = append(kv, k, v) })
		out.Map(len(kv) / 2)
		for _, x := range kv {
			writeLuaReply(out, x, resp, depth+1)
		}
		return
	}
	if s, ok := t.RawGetString("set").(*lua.LTable); ok {
		var keys []lua.LValue
		s.ForEach(func(k, _ lua.LValue) { keys = append(keys, k) })
		out.Set(len(keys))
		for _, k := range keys {
			writeLuaReply(out, k, resp, depth+1)
		}
		return
	}
	n := 0
	for t.RawGetInt(n+1) != lua.LNil {
		n++
	}
	out.Array(n)
	for i := 1; i <= n; i++ {
		writeLuaReply(out, t.RawGetInt(i), resp, depth+1)
	}
}

func noNewlines(s string) string {
	return strings.NewReplacer("\r", " ", "\n", " ").Replace(s)
}
