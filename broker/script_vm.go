package broker

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/brokerd/brokerd/command"
	"github.com/brokerd/brokerd/internal/lualib"
	lua "github.com/yuin/gopher-lua"
	"github.com/yuin/gopher-lua/parse"
)

// scriptVM is the pooled Lua state every script of a server runs in, with
// each script compiled once (by SHA1) into a function of it. Redis 7's
// sandbox is rebuilt on gopher-lua, which has no read-only tables: the
// globals scripts see are an empty proxy whose __index is the real globals
// table (missing names raise Redis's "nonexistent global variable" error)
// and whose __newindex refuses, so scripts can neither create globals nor
// replace the libraries; the library tables are proxied the same way.
// Guarded by the keyspace write lock.
type scriptVM struct {
	L       *lua.LState
	globals *lua.LTable // the real globals; KEYS and ARGV are set here
	proxies map[*lua.LTable]bool
	funcs   map[string]*lua.LFunction // compiled scripts by SHA1
	onError *lua.LFunction            // records where an error was raised
	errLine int                       // set by onError: the script's line, 0 if none
	kill    *killCtx
	run     *scriptRun     // the script running now, nil between scripts
	reply   *command.Reply // redis.call's scratch reply, reused
}

// errScriptKilled is what a killed script's VM raises.
var errScriptKilled = errors.New("script killed")

// killCtx is the context gopher-lua polls between instructions
// (LState.SetContext): SCRIPT KILL closes done. It is one channel per VM
// until a kill, far cheaper per instruction than a context.WithCancel.
type killCtx struct{ done chan struct{} }

func (k *killCtx) Deadline() (time.Time, bool) { return time.Time{}, false }
func (k *killCtx) Done() <-chan struct{}       { return k.done }
func (k *killCtx) Value(any) any               { return nil }
func (k *killCtx) Err() error {
	select {
	case <-k.done:
		return errScriptKilled
	default:
		return nil
	}
}

var _ context.Context = (*killCtx)(nil)

// luaVersionNum is REDIS_VERSION_NUM for RedisVersion: 0x00MMmmpp.
func luaVersionNum() int {
	n := 0
	for _, p := range strings.SplitN(RedisVersion, ".", 3) {
		v, _ := strconv.Atoi(p)
		n = n<<8 | v
	}
	return n
}

// compileScript compiles a script's code (its shebang line blanked) with
// Redis's chunk name, so errors read "user_script:LINE: ...".
func compileScript(code string) (*lua.FunctionProto, error) {
	chunk, err := parse.Parse(strings.NewReader(code), scriptChunkName)
	if err == nil {
		// ".." formats numbers as Lua 5.1 does ("%.14g") through a call
		// (lualib.RewriteConcat); gopher-lua's own operator cannot.
		lualib.RewriteConcat(chunk)
		var proto *lua.FunctionProto
		if proto, err = lua.Compile(chunk, scriptChunkName); err == nil {
			// Redis compiles the body as the body of a function without
			// parameters: not a vararg chunk, which in gopher-lua also
			// builds Lua 5.0's "arg" table on every call (2.5 KB).
			proto.IsVarArg = 0
			return proto, nil
		}
	}
	msg := strings.TrimSpace(err.Error())
	var perr *parse.Error
	if errors.As(err, &perr) {
		if perr.Pos.Line == parse.EOF {
			msg = fmt.Sprintf("%s:%d: %s near '<eof>'", scriptChunkName, strings.Count(code, "\n")+1, perr.Message)
		} else {
			msg = fmt.Sprintf("%s:%d: %s near '%s'", scriptChunkName, perr.Pos.Line, perr.Message, perr.Token)
		}
	}
	return nil, command.Error("ERR Error compiling script (new function): " + msg)
}

// newScriptVM builds the sandbox: the base, table, string, math and
// coroutine libraries (no io, os, debug, package, loadfile, dofile,
// print), the redis table, and the lualib extensions when they exist.
func (e *scriptEngine) newScriptVM() *scriptVM {
	L := lua.NewState(lua.Options{
		SkipOpenLibs:     true,
		RegistrySize:     1024,
		RegistryMaxSize:  1 << 20,
		CallStackSize:    256,
		RegistryGrowStep: 1024,
	})
	vm := &scriptVM{L: L, globals: L.G.Global, proxies: map[*lua.LTable]bool{}, funcs: map[string]*lua.LFunction{}}
	for _, lib := range []struct {
		name string
		open lua.LGFunction
	}{
		{"", lua.OpenBase}, {lua.TabLibName, lua.OpenTable}, {lua.StringLibName, lua.OpenString},
		{lua.MathLibName, lua.OpenMath}, {lua.CoroutineLibName, lua.OpenCoroutine},
	} {
		L.Push(L.NewFunction(lib.open))
		L.Push(lua.LString(lib.name))
		L.Call(1, 0)
	}
	openExtraLibs(L)
	g := vm.globals
	// getfenv and setfenv are not in Redis 7's globals allow list: with them
	// a script could reach or replace the environment of a function.
	for _, name := range []string{"dofile", "loadfile", "print", "_printregs", "module", "require", "package", "channel", "getfenv", "setfenv", "newproxy"} {
		g.RawSetString(name, lua.LNil)
	}
	g.RawSetString("_VERSION", lua.LString("Lua 5.1"))
	g.RawSetString("pcall", L.NewFunction(luaPcall))
	g.RawSetString("rawset", L.NewFunction(vm.rawset))
	g.RawSetString("setmetatable", L.NewFunction(vm.setmetatable))
	g.RawSetString("redis", e.redisAPI(vm))
	vm.onError = L.NewFunction(vm.recordError)

	// Library tables become read-only proxies; then the globals.
	g.ForEach(func(k, v lua.LValue) {
		if t, ok := v.(*lua.LTable); ok && t != g {
			g.RawSet(k, vm.protect(t))
		}
	})
	if smt, ok := L.GetMetatable(lua.LString("")).(*lua.LTable); ok {
		// Strings find their methods through the proxy too, and
		// getmetatable("") gives a read-only view.
		smt.RawSetString("__index", g.RawGetString(lua.StringLibName))
		smt.RawSetString("__metatable", vm.protect(smt))
	}
	meta := L.NewTable()
	meta.RawSetString("__index", L.NewFunction(func(L *lua.LState) int {
		L.RaiseError("Script attempted to access nonexistent global variable '%s'", L.Get(2).String())
		return 0
	}))
	L.SetMetatable(g, meta)
	proxy := vm.protect(g)
	g.RawSetString("_G", proxy)
	L.Env = proxy
	vm.kill = &killCtx{done: make(chan struct{})}
	L.SetContext(vm.kill)
	return vm
}

// protect returns a read-only proxy of t.
func (vm *scriptVM) protect(t *lua.LTable) *lua.LTable {
	L := vm.L
	proxy := L.NewTable()
	meta := L.NewTable()
	meta.RawSetString("__index", t)
	meta.RawSetString("__newindex", L.NewFunction(func(L *lua.LState) int {
		L.RaiseError("Attempt to modify a readonly table")
		return 0
	}))
	meta.RawSetString("__metatable", lua.LFalse)
	L.SetMetatable(proxy, meta)
	vm.proxies[proxy] = true
	vm.proxies[t] = true
	return proxy
}

// rawset and setmetatable refuse the protected tables, as Redis 7's
// read-only tables do.
func (vm *scriptVM) rawset(L *lua.LState) int {
	t := L.CheckTable(1)
	if vm.proxies[t] {
		L.Error(lua.LString("Attempt to modify a readonly table"), 0)
	}
	t.RawSet(L.CheckAny(2), L.CheckAny(3))
	L.Push(t)
	return 1
}

// setmetatable refuses them too, and is otherwise Lua 5.1's
// luaB_setmetatable: a table only, and never one whose metatable has
// __metatable. gopher-lua's own accepts a string or a number and then
// replaces the metatable of every string or number in the pooled VM, so
// one script could break (or spy on) string methods for every script
// after it.
func (vm *scriptVM) setmetatable(L *lua.LState) int {
	t, ok := L.Get(1).(*lua.LTable)
	if !ok {
		got := "no value"
		if L.GetTop() >= 1 {
			got = L.Get(1).Type().String()
		}
		L.RaiseError("bad argument #1 to 'setmetatable' (table expected, got %s)", got)
	}
	mt := L.Get(2)
	if mt.Type() != lua.LTNil && mt.Type() != lua.LTTable {
		L.RaiseError("bad argument #2 to 'setmetatable' (nil or table expected)")
	}
	if vm.proxies[t] {
		L.Error(lua.LString("Attempt to modify a readonly table"), 0)
	}
	if L.GetMetaField(t, "__metatable") != lua.LNil {
		L.RaiseError("cannot change a protected metatable")
	}
	L.SetMetatable(t, mt)
	L.SetTop(1)
	return 1
}

// luaPcall is Redis 7's pcall: an error that is a {err=...} table (what
// redis.call raises) is caught as its message string.
func luaPcall(L *lua.LState) int {
	L.CheckAny(1)
	if err := L.PCall(L.GetTop()-1, lua.MultRet, nil); err != nil {
		L.Push(lua.LFalse)
		var obj lua.LValue = lua.LString(err.Error())
		if aerr, ok := err.(*lua.ApiError); ok {
			obj = aerr.Object
		}
		if t, ok := obj.(*lua.LTable); ok {
			if msg, ok := t.RawGetString("err").(lua.LString); ok {
				obj = msg
			}
		}
		L.Push(obj)
		return 2
	}
	L.Insert(lua.LTrue, 1)
	return L.GetTop()
}

// recordError is the error handler of a script's call: it notes the line
// of the script where the error was raised (the innermost frame of the
// script's own code, as Redis's __redis__err__handler does) and passes the
// error on.
func (vm *scriptVM) recordError(L *lua.LState) int {
	vm.errLine = 0
	for level := 0; ; level++ {
		dbg, ok := L.GetStack(level)
		if !ok {
			break
		}
		if _, err := L.GetInfo("Sl", dbg, lua.LNil); err != nil {
			continue
		}
		if dbg.Source == scriptChunkName && dbg.CurrentLine > 0 {
			vm.errLine = dbg.CurrentLine
			break
		}
	}
	L.Push(L.Get(1))
	return 1
}

// function returns sc as a function of the VM, compiling it once.
func (vm *scriptVM) function(sc *script) *lua.LFunction {
	fn := vm.funcs[sc.sha]
	if fn == nil {
		fn = vm.L.NewFunctionFromProto(sc.proto)
		fn.Env = vm.L.Env
		vm.funcs[sc.sha] = fn
	}
	return fn
}

// setArgs sets KEYS and ARGV for the next script.
func (vm *scriptVM) setArgs(keys, argv [][]byte) {
	vm.globals.RawSetString("KEYS", vm.array(keys))
	vm.globals.RawSetString("ARGV", vm.array(argv))
}

func (vm *scriptVM) array(items [][]byte) *lua.LTable {
	t := vm.L.CreateTable(len(items), 0)
	for i, it := range items {
		t.RawSetInt(i+1, lua.LString(it))
	}
	return t
}

// rearm replaces a kill context that was used, so the next script runs.
func (vm *scriptVM) rearm() {
	if vm.kill.Err() != nil {
		vm.kill = &killCtx{done: make(chan struct{})}
		vm.L.SetContext(vm.kill)
	}
}

func (vm *scriptVM) close() { vm.L.Close() }
