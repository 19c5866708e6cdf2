package broker

import (
	"context"
	"log/slog"
	"strconv"
	"strings"

	"github.com/brokerd/brokerd/command"
	lua "github.com/yuin/gopher-lua"
)

// run runs sc with KEYS and ARGV and writes its reply to c.Out. Caller
// holds the keyspace write lock.
func (e *scriptEngine) run(c *command.Ctx, sc *script, keys, argv [][]byte, readOnly bool) error {
	if e.vm == nil {
		e.vm = e.newScriptVM()
	}
	vm := e.vm
	cl := clientOf(c)
	db := cl.db
	r := e.begin(c, cl, sc, readOnly)
	vm.run = r
	vm.setArgs(keys, argv)
	L := vm.L
	L.Push(vm.function(sc))
	err := L.PCall(0, 1, vm.onError)
	killed := e.busy.end(r)
	vm.run = nil
	// Always: a SCRIPT KILL that came after the script's last instruction
	// check closed the kill context without stopping the script.
	vm.rearm()
	if cl.db != db {
		cl.selectDB(db) // SELECT in a script lasts until it returns, as in Redis 7
	}
	if err != nil {
		L.SetTop(0)
		return scriptError(err, sc, vm.errLine, killed)
	}
	ret := L.Get(-1)
	L.Pop(1)
	writeLuaReply(c.Out, ret, r.resp, 0)
	return nil
}

// scriptError is Redis 7's reply for a script that raised err: the
// message of an {err=...} table as it is, any other error prefixed with
// ERR, then where the script raised it.
func scriptError(err error, sc *script, line int, killed bool) error {
	var msg string
	var obj lua.LValue = lua.LString(err.Error())
	if aerr, ok := err.(*lua.ApiError); ok {
		obj = aerr.Object
	}
	switch {
	case killed:
		msg = "ERR Script killed by user with SCRIPT KILL..."
	default:
		if t, ok := obj.(*lua.LTable); ok {
			if s, ok := t.RawGetString("err").(lua.LString); ok {
				msg = string(s)
				break
			}
		}
		msg = "ERR " + lua.LVAsString(obj)
		if msg == "ERR " {
			msg = "ERR " + obj.String()
		}
	}
	if line > 0 {
		msg += " script: " + sc.sha + ", on " + scriptSourceName + ":" + strconv.Itoa(line) + "."
	}
	return command.Error(msg)
}

// errorTable is Redis's luaPushErrorBuff: "-CODE msg" becomes {err="CODE
// msg"}, anything else {err="ERR msg"}.
func errorTable(L *lua.LState, s string) *lua.LTable {
	code, msg := "ERR", s
	if strings.HasPrefix(s, "-") {
		if c, m, ok := strings.Cut(s[1:], " "); ok {
			code, msg = c, m
		} else {
			msg = s[1:]
		}
	}
	t := L.CreateTable(0, 1)
	t.RawSetString("err", lua.LString(code+" "+strings.TrimRight(msg, "\r\n")))
	return t
}

// raise raises Redis's error table for msg.
func raise(L *lua.LState, msg string) int {
	L.Error(errorTable(L, msg), 0)
	return 0
}

// redisAPI builds the redis table scripts see.
func (e *scriptEngine) redisAPI(vm *scriptVM) *lua.LTable {
	L := vm.L
	t := L.NewTable()
	fns := map[string]lua.LGFunction{
		"call":               func(L *lua.LState) int { return e.call(L, true) },
		"pcall":              func(L *lua.LState) int { return e.call(L, false) },
		"sha1hex":            luaSHA1Hex,
		"error_reply":        luaErrorReply,
		"status_reply":       luaStatusReply,
		"log":                e.luaLog,
		"setresp":            e.luaSetResp,
		"set_repl":           luaSetRepl,
		"replicate_commands": func(L *lua.LState) int { L.Push(lua.LTrue); return 1 },
		"breakpoint":         func(L *lua.LState) int { L.Push(lua.LFalse); return 1 },
		"debug":              func(L *lua.LState) int { return 0 },
		"acl_check_cmd":      e.luaACLCheck,
	}
	for name, fn := range fns {
		t.RawSetString(name, L.NewFunction(fn))
	}
	for name, n := range map[string]int{
		"LOG_DEBUG": 0, "LOG_VERBOSE": 1, "LOG_NOTICE": 2, "LOG_WARNING": 3,
		"REPL_NONE": 0, "REPL_AOF": 1, "REPL_SLAVE": 2, "REPL_REPLICA": 2, "REPL_ALL": 3,
		"REDIS_VERSION_NUM": luaVersionNum(),
	} {
		t.RawSetString(name, lua.LNumber(n))
	}
	t.RawSetString("REDIS_VERSION", lua.LString(RedisVersion))
	return t
}

// commandArgs reads redis.call's arguments: strings, and numbers as
// "%.17g" (Redis's luaArgsToRedisArgv). Each call gets its own copies:
// the effect buffer keeps a write's arguments until the script's record
// is committed (effectBuffer.EmitKept).
func commandArgs(L *lua.LState) ([][]byte, string) {
	n := L.GetTop()
	if n == 0 {
		return nil, "Please specify at least one argument for this redis lib call"
	}
	strs := make([]string, n)
	size := 0
	for i := range n {
		switch v := L.Get(i + 1).(type) {
		case lua.LString:
			strs[i] = string(v)
		case lua.LNumber:
			strs[i] = strconv.FormatFloat(float64(v), 'g', 17, 64)
		default:
			return nil, "Lua redis lib command arguments must be strings or integers"
		}
		size += len(strs[i])
	}
	arena := make([]byte, 0, size)
	args := make([][]byte, n)
	for i, s := range strs {
		arena = append(arena, s...)
		args[i] = arena[len(arena)-len(s) : len(arena) : len(arena)]
	}
	return args, ""
}

// resolveForScript finds a script's command as Redis's scriptCall does:
// an unknown command or subcommand, a wrong arity and a NoScript command
// each have their own error.
func (e *scriptEngine) resolveForScript(args [][]byte) (*command.Spec, string) {
	spec := e.s.table.Lookup(args[0])
	if spec == nil {
		return nil, "Unknown Redis command called from script"
	}
	if len(spec.Subcommands) > 0 && len(args) >= 2 {
		if spec = spec.Subcommand(args[1]); spec == nil {
			return nil, "Unknown Redis command called from script"
		}
	}
	if (spec.Arity >= 0 && len(args) != spec.Arity) || len(args) < -spec.Arity || spec.Run == nil {
		return nil, "Wrong number of args calling Redis command from script"
	}
	if !spec.ArityOK(len(args)) {
		// Within Redis's arity but past what the command takes (PING a
		// b): Redis's command answers with its own arity error.
		return nil, "-" + string(command.ErrWrongArgs(spec.Name))
	}
	if spec.Has(command.NoScript) {
		return nil, "This Redis command is not allowed from script"
	}
	if (spec.Name == "XREAD" || spec.Name == "XREADGROUP") && xreadBlocks(args) {
		// Redis's xreadCommand refuses BLOCK from scripts outright, while
		// BLPOP and the like act as their non-blocking forms.
		return nil, "-ERR " + string(args[0]) + " command is not allowed with BLOCK option from scripts"
	}
	return spec, ""
}

// xreadBlocks reports whether an XREAD or XREADGROUP names BLOCK among
// its options, as xreadCommand's option loop finds it.
func xreadBlocks(args [][]byte) bool {
	for i := 1; i < len(args); i++ {
		more := len(args) - i - 1
		switch {
		case command.Is(args[i], "block") && more > 0:
			return true
		case command.Is(args[i], "count") && more > 0:
			i++
		case command.Is(args[i], "group") && more >= 2:
			i += 2
		case command.Is(args[i], "noack"):
		default:
			return false // STREAMS, or an error the command reports
		}
	}
	return false
}

// call is redis.call (raise) and redis.pcall: it runs a command as EXEC
// runs a queued one, against a scratch reply in the script's protocol, and
// returns the reply as a Lua value. Caller holds the keyspace write lock
// (the script's).
func (e *scriptEngine) call(L *lua.LState, raiseErr bool) int {
	r := e.vm.run
	if r == nil {
		return raise(L, "redis.call/pcall can only be called inside a script invocation")
	}
	args, msg := commandArgs(L)
	var spec *command.Spec
	if msg == "" {
		spec, msg = e.resolveForScript(args)
	}
	if msg == "" && spec.Has(command.Write) {
		switch err := e.s.log.Err(); {
		case r.readOnly:
			msg = "Write commands are not allowed from read-only scripts."
		case err != nil:
			msg = "-" + string(misconf(err))
		case !r.markWrite():
			msg = "Script killed by user with SCRIPT KILL..."
		}
	}
	if msg != "" {
		if raiseErr {
			return raise(L, msg)
		}
		L.Push(errorTable(L, msg))
		return 1
	}
	c, cl := r.c, r.cl
	args0, out0 := c.Args, c.Out
	r.reply.Reset()
	r.reply.SetProto(r.resp)
	c.Args, c.Out = args, r.reply
	c.DB = e.s.store.DB(cl.db)
	c.SetBlockable(false)                     // blocking commands act as their non-blocking forms
	e.s.runCounted(cl, spec, c, sentByScript) // counted, but only the script is slow-logged
	c.TakeBlock()
	c.Args, c.Out = args0, out0
	reply := r.reply.Bytes()
	v, _ := respToLua(L, reply)
	if raiseErr && len(reply) > 0 && reply[0] == '-' {
		L.Error(v, 0)
	}
	L.Push(v)
	return 1
}

func luaSHA1Hex(L *lua.LState) int {
	if L.GetTop() != 1 {
		return raise(L, "wrong number of arguments")
	}
	L.Push(lua.LString(sha1hex(lua.LVAsString(L.Get(1)))))
	return 1
}

func luaErrorReply(L *lua.LState) int {
	s, ok := L.Get(1).(lua.LString)
	if L.GetTop() != 1 || !ok {
		L.Push(errorTable(L, "wrong number or type of arguments"))
		return 1
	}
	msg := string(s)
	if !strings.HasPrefix(msg, "-") {
		msg = "-" + msg
	}
	L.Push(errorTable(L, msg))
	return 1
}

func luaStatusReply(L *lua.LState) int {
	s, ok := L.Get(1).(lua.LString)
	if L.GetTop() != 1 || !ok {
		L.Push(errorTable(L, "wrong number or type of arguments"))
		return 1
	}
	t := L.CreateTable(0, 1)
	t.RawSetString("ok", s)
	L.Push(t)
	return 1
}

// luaLog is redis.log: Redis's levels go to the server's logger (debug
// and verbose as Debug, notice as Info, warning as Warn).
func (e *scriptEngine) luaLog(L *lua.LState) int {
	n := L.GetTop()
	if n < 2 {
		return raise(L, "redis.log() requires two arguments or more.")
	}
	lv, ok := L.Get(1).(lua.LNumber)
	if !ok {
		if s, isStr := L.Get(1).(lua.LString); isStr {
			f, err := strconv.ParseFloat(strings.TrimSpace(string(s)), 64)
			lv, ok = lua.LNumber(f), err == nil
		}
	}
	if !ok {
		return raise(L, "First argument must be a number (log level).")
	}
	level := int(lv)
	if level < 0 || level > 3 {
		return raise(L, "Invalid debug level.")
	}
	parts := make([]string, 0, n-1)
	for i := 2; i <= n; i++ {
		switch v := L.Get(i).(type) {
		case lua.LString, lua.LNumber:
			parts = append(parts, v.String())
		}
	}
	slogLevel := [...]slog.Level{slog.LevelDebug, slog.LevelDebug, slog.LevelInfo, slog.LevelWarn}[level]
	e.s.logger.Log(context.Background(), slogLevel, strings.Join(parts, " "), "source", "script")
	return 0
}

func (e *scriptEngine) luaSetResp(L *lua.LState) int {
	r := e.vm.run
	if r == nil {
		return raise(L, "redis.setresp can only be called inside a script invocation")
	}
	if L.GetTop() != 1 {
		return raise(L, "redis.setresp() requires one argument.")
	}
	n := int(L.ToNumber(1))
	if n != 2 && n != 3 {
		return raise(L, "RESP version must be 2 or 3.")
	}
	r.resp = n
	return 0
}

// luaSetRepl is redis.set_repl: checked and ignored, since a script's
// effects always go to the log whole, as Redis 7 replicates them.
func luaSetRepl(L *lua.LState) int {
	if L.GetTop() != 1 {
		return raise(L, "redis.set_repl() requires two arguments.")
	}
	if flags := int(L.ToNumber(1)); flags&^3 != 0 {
		return raise(L, "Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE.")
	}
	return 0
}

// luaACLCheck is redis.acl_check_cmd: the only user may run every command.
func (e *scriptEngine) luaACLCheck(L *lua.LState) int {
	args, msg := commandArgs(L)
	if msg != "" {
		return raise(L, msg)
	}
	spec := e.s.table.Lookup(args[0])
	if spec != nil && len(spec.Subcommands) > 0 && len(args) >= 2 {
		spec = spec.Subcommand(args[1])
	}
	if spec == nil {
		return raise(L, "Invalid command passed to redis.acl_check_cmd()")
	}
	L.Push(lua.LTrue)
	return 1
}
