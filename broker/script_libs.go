package broker

import (
	"github.com/brokerd/brokerd/internal/lualib"
	lua "github.com/yuin/gopher-lua"
)

// openExtraLibs opens the libraries Redis 7.2 gives scripts besides Lua's
// own: cjson, bit, struct and cmsgpack (internal/lualib), and replaces the
// functions that turn numbers into strings (tostring, tonumber,
// string.format, table.concat) and math.random with Lua 5.1's and Redis's
// (lualib.OpenCompat). newScriptVM then makes their tables read-only like
// the others.
func openExtraLibs(L *lua.LState) {
	lualib.Open(L)
	lualib.OpenCompat(L)
}
