package broker

import lua "github.com/yuin/gopher-lua"

// openExtraLibs opens the libraries Redis 7.2 gives scripts besides Lua's
// own: cjson, bit, struct and cmsgpack. They are being written as package
// internal/lualib (func Open(L *lua.LState)); until it exists, scripts
// see none of them.
//
// TODO(scripting): call lualib.Open(L) here once internal/lualib lands.
func openExtraLibs(L *lua.LState) { _ = L }
