// Package lualib provides the Lua libraries that Redis's scripting engine
// gives every script: cjson (lua-cjson 2.1.0), bit (LuaBitOp), struct
// (lua-struct) and cmsgpack (lua-cmsgpack 0.4.0), written in Go for
// github.com/yuin/gopher-lua.
//
// Each library follows the C library that Redis 7.2 bundles in deps/lua,
// including its quirks where a script can observe them: number formatting,
// encoding choices and the text of errors. The tests hold a table of cases
// whose expected outputs were taken from a real redis-server.
//
// gopher-lua and PUC Lua 5.1 differ in one way that shows here: errors raised
// by these functions carry gopher-lua's position prefix ("<chunk>:line: "),
// where Redis shows "user_script:line: ". The script engine owns that prefix.
package lualib

import (
	"fmt"

	lua "github.com/yuin/gopher-lua"
)

// Open registers the global tables cjson, bit, struct and cmsgpack in L, as
// Redis does before it runs a script. Each call builds fresh tables and a
// fresh cjson configuration; nothing is shared between states.
func Open(L *lua.LState) {
	L.SetGlobal("cjson", newCJSON(L, &cjsonShared{null: L.NewUserData()}))
	L.SetGlobal("bit", newBit(L))
	L.SetGlobal("struct", newStruct(L))
	L.SetGlobal("cmsgpack", newCMsgpack(L))
}

// setFuncs stores each function of funcs in tb under its name.
func setFuncs(L *lua.LState, tb *lua.LTable, funcs map[string]lua.LGFunction) {
	for name, fn := range funcs {
		tb.RawSetString(name, L.NewFunction(fn))
	}
}

// raise raises msg as a Lua error with the caller's position, as luaL_error
// does. msg is not a format string.
func raise(L *lua.LState, msg string) {
	L.RaiseError("%s", msg)
}

// argError raises luaL_argerror's text. Lua 5.1 names the function as the
// call site spells it; fname is the library's name for it, which is what
// scripts calling lib.fn(...) see.
func argError(L *lua.LState, n int, fname, msg string) {
	raise(L, fmt.Sprintf("bad argument #%d to '%s' (%s)", n, fname, msg))
}

// typeError raises luaL_typerror's text for argument n.
func typeError(L *lua.LState, n int, fname, want string) {
	argError(L, n, fname, want+" expected, got "+argTypeName(L, n))
}

// argTypeName is the type name of argument n, or "no value" past the top.
func argTypeName(L *lua.LState, n int) string {
	if n > L.GetTop() {
		return "no value"
	}
	return L.Get(n).Type().String()
}

// toNumber converts v as lua_tonumber does: numbers, and strings that read
// wholly as a number (strtod syntax, surrounding white space allowed).
func toNumber(v lua.LValue) (float64, bool) {
	switch v := v.(type) {
	case lua.LNumber:
		return float64(v), true
	case lua.LString:
		return stringToNumber(string(v))
	}
	return 0, false
}

// toString converts v as lua_tolstring does: strings, and numbers formatted
// with "%.14g".
func toString(v lua.LValue) (string, bool) {
	switch v := v.(type) {
	case lua.LString:
		return string(v), true
	case lua.LNumber:
		return formatG(float64(v), 14), true
	}
	return "", false
}

// checkNumber is luaL_checknumber.
func checkNumber(L *lua.LState, n int, fname string) float64 {
	f, ok := toNumber(L.Get(n))
	if !ok {
		typeError(L, n, fname, "number")
	}
	return f
}

// checkInteger is luaL_checkinteger: the number truncated toward zero.
func checkInteger(L *lua.LState, n int, fname string) int64 {
	return toInteger(checkNumber(L, n, fname))
}

// optInteger is luaL_optinteger: def when argument n is none or nil.
func optInteger(L *lua.LState, n int, fname string, def int64) int64 {
	if L.Get(n) == lua.LNil {
		return def
	}
	return checkInteger(L, n, fname)
}

// checkString is luaL_checklstring.
func checkString(L *lua.LState, n int, fname string) string {
	s, ok := toString(L.Get(n))
	if !ok {
		typeError(L, n, fname, "string")
	}
	return s
}
