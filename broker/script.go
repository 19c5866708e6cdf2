package broker

import (
	"crypto/sha1"
	"encoding/hex"
	"strings"
	"sync"

	"github.com/brokerd/brokerd/command"
	lua "github.com/yuin/gopher-lua"
)

// Lua scripting (EVAL, EVALSHA, EVAL_RO, EVALSHA_RO, SCRIPT): a script runs
// as EXEC does, under the keyspace write lock (ExclusiveLock), and every
// effect of the commands it calls goes to the WAL as one record when it
// returns; then the dispatcher serves the clients blocked on what it
// wrote. Scripts are logged by their effects (Redis 7's default), so a
// script may do anything non-deterministic. The Lua VM is one pooled
// gopher-lua state per server (script_vm.go); the commands a script calls
// run through the command table with a scratch reply (script_call.go); a
// script that runs past the busy threshold makes other clients get BUSY
// and can be killed until it writes (script_busy.go).

const (
	errNoScript      command.Error = "NOSCRIPT No matching script. Please use EVAL."
	errNegativeKeys  command.Error = "ERR Number of keys can't be negative"
	errTooManyKeys   command.Error = "ERR Number of keys can't be greater than number of args"
	errWriteFlagRO   command.Error = "ERR Can not execute a script with write flag using *_ro command."
	errFlushMode     command.Error = "ERR SCRIPT FLUSH only support SYNC|ASYNC option"
	errNotBusy       command.Error = "NOTBUSY No scripts in execution right now."
	errUnkillable    command.Error = "UNKILLABLE Sorry the script already executed write commands against the dataset. You can either wait the script termination or kill the server in a hard way using the SHUTDOWN NOSAVE command."
	errBusyScript    command.Error = "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE."
	scriptChunkName                = "user_script"
	scriptSourceName               = "@" + scriptChunkName
)

// scriptFlag is a flag of a "#!lua flags=..." shebang.
type scriptFlag uint8

const (
	flagNoWrites scriptFlag = 1 << iota
	flagAllowOOM
	flagAllowStale
	flagNoCluster
	flagAllowCrossSlot
	// flagEvalCompat marks a script without a shebang: Redis runs such
	// scripts with the permissive flags of Redis 6.
	flagEvalCompat
)

var scriptFlagNames = map[string]scriptFlag{
	"no-writes": flagNoWrites, "allow-oom": flagAllowOOM, "allow-stale": flagAllowStale,
	"no-cluster": flagNoCluster, "allow-cross-slot-keys": flagAllowCrossSlot,
}

// script is one cached script: its body, compiled once, and its flags.
type script struct {
	sha   string
	body  string
	proto *lua.FunctionProto
	flags scriptFlag
}

// scriptEngine is a server's scripting state.
type scriptEngine struct {
	s *Server

	mu    sync.Mutex         // guards cache
	cache map[string]*script // by lower-case SHA1 hex

	// vm is the pooled Lua state; guarded by the keyspace write lock,
	// which every script runs under.
	vm *scriptVM

	busy busyState // script_busy.go
}

func scriptingSpecs(s *Server) []command.Spec {
	e := &scriptEngine{s: s, cache: map[string]*script{}}
	e.busy.init()
	s.scripts = e
	evalFlags := command.NoScript | command.Stale | command.SkipMonitor
	cats := []string{"@slow", "@scripting"}
	group := "scripting"
	sub := command.NoScript
	return []command.Spec{
		{Name: "EVAL", Arity: -3, Flags: evalFlags | command.MayReplicate, ACLCategories: cats, Run: e.eval, ExclusiveLock: true,
			Summary: "Executes a server-side Lua script.", Since: "2.6.0", Group: group},
		{Name: "EVALSHA", Arity: -3, Flags: evalFlags | command.MayReplicate, ACLCategories: cats, Run: e.eval, ExclusiveLock: true,
			Summary: "Executes a server-side Lua script by SHA1 digest.", Since: "2.6.0", Group: group},
		{Name: "EVAL_RO", Arity: -3, Flags: evalFlags | command.ReadOnly, ACLCategories: cats, Run: e.eval, ExclusiveLock: true,
			Summary: "Executes a read-only server-side Lua script.", Since: "7.0.0", Group: group},
		{Name: "EVALSHA_RO", Arity: -3, Flags: evalFlags | command.ReadOnly, ACLCategories: cats, Run: e.eval, ExclusiveLock: true,
			Summary: "Executes a read-only server-side Lua script by SHA1 digest.", Since: "7.0.0", Group: group},
		{Name: "SCRIPT", Arity: -2, Summary: "A container for Lua scripts management commands.", Since: "2.6.0", Group: group,
			Subcommands: []command.Spec{
				{Name: "SCRIPT|EXISTS", Arity: -3, Flags: sub, ACLCategories: cats, Run: e.scriptExists,
					Summary: "Determines whether server-side Lua scripts exist in the script cache.", Since: "2.6.0", Group: group},
				{Name: "SCRIPT|FLUSH", Arity: -2, Flags: sub, ACLCategories: cats, Run: e.scriptFlush, ExclusiveLock: true,
					Summary: "Removes all server-side Lua scripts from the script cache.", Since: "2.6.0", Group: group},
				{Name: "SCRIPT|HELP", Arity: 2, Flags: command.Loading | command.Stale, ACLCategories: cats, Run: scriptHelp,
					Summary: "Returns helpful text about the different subcommands.", Since: "5.0.0", Group: group},
				{Name: "SCRIPT|KILL", Arity: 2, Flags: sub | command.AllowBusy, ACLCategories: cats, Run: e.scriptKill,
					Summary: "Terminates a server-side Lua script during execution.", Since: "2.6.0", Group: group},
				{Name: "SCRIPT|LOAD", Arity: 3, Flags: sub | command.Stale, ACLCategories: cats, Run: e.scriptLoad,
					Summary: "Loads a server-side Lua script to the script cache.", Since: "2.6.0", Group: group},
			}},
	}
}

var scriptHelp = command.Help(
	"EXISTS <sha1> [<sha1> ...]",
	"    Return information about the existence of the scripts in the script cache.",
	"FLUSH [ASYNC|SYNC]",
	"    Flush the Lua scripts cache. Very dangerous on replicas.",
	"    When called without the optional mode argument, the behavior is determined by the",
	"    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
	"    * ASYNC: Asynchronously flush the scripts cache.",
	"    * SYNC: Synchronously flush the scripts cache.",
	"KILL",
	"    Kill the currently executing Lua script.",
	"LOAD <script>",
	"    Load a script into the scripts cache without executing it.",
)

func sha1hex(b string) string {
	sum := sha1.Sum([]byte(b))
	return hex.EncodeToString(sum[:])
}

// lookup returns the cached script with the given SHA1 (any case).
func (e *scriptEngine) lookup(sha []byte) *script {
	if len(sha) != 40 {
		return nil
	}
	var lower [40]byte
	for i, c := range sha {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		lower[i] = c
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.cache[string(lower[:])]
}

// load compiles body and caches it (or returns the cached script).
func (e *scriptEngine) load(body []byte) (*script, error) {
	sha := sha1hex(string(body))
	e.mu.Lock()
	sc := e.cache[sha]
	e.mu.Unlock()
	if sc != nil {
		return sc, nil
	}
	flags, code, err := parseShebang(string(body))
	if err != nil {
		return nil, err
	}
	proto, err := compileScript(code)
	if err != nil {
		return nil, err
	}
	sc = &script{sha: sha, body: string(body), proto: proto, flags: flags}
	e.mu.Lock()
	if old := e.cache[sha]; old != nil {
		sc = old
	} else {
		e.cache[sha] = sc
	}
	e.mu.Unlock()
	return sc, nil
}

// parseShebang reads a "#!lua flags=a,b" first line as Redis 7's
// evalExtractShebangFlags does and returns the flags and the code Lua
// compiles (the shebang line blanked, so line numbers stay right).
func parseShebang(body string) (scriptFlag, string, error) {
	if !strings.HasPrefix(body, "#!") {
		return flagEvalCompat, body, nil
	}
	line, rest, ok := strings.Cut(body, "\n")
	if !ok {
		return 0, "", command.Error("ERR Invalid script shebang")
	}
	parts := strings.Fields(line) // sdssplitargs: any white space, \r too
	if len(parts) == 0 || parts[0] != "#!lua" {
		return 0, "", command.Error("ERR Unexpected engine in script shebang: " + strings.Join(parts[:min(len(parts), 1)], ""))
	}
	var flags scriptFlag
	for _, p := range parts[1:] {
		list, ok := strings.CutPrefix(p, "flags=")
		if !ok {
			return 0, "", command.Error("ERR Unknown lua shebang option: " + p)
		}
		if list == "" {
			continue
		}
		// Every comma separates a name, so "no-writes," names an
		// empty flag, which Redis refuses.
		for _, name := range strings.Split(list, ",") {
			f, ok := scriptFlagNames[name]
			if !ok {
				return 0, "", command.Error("ERR Unexpected flag in script shebang: " + name)
			}
			flags |= f
		}
	}
	return flags, "\n" + rest, nil
}

// eval implements EVAL, EVALSHA, EVAL_RO and EVALSHA_RO. Caller holds the
// keyspace write lock (ExclusiveLock).
func (e *scriptEngine) eval(c *command.Ctx) error {
	numkeys, ok := command.ParseInt(c.Args[2])
	if !ok {
		return command.ErrNotInteger
	}
	switch {
	case numkeys > int64(len(c.Args)-3):
		return errTooManyKeys
	case numkeys < 0:
		return errNegativeKeys
	}
	name := c.Args[0]
	bySHA := len(name) >= 7 && strings.EqualFold(string(name[:7]), "evalsha")
	readOnly := name[len(name)-1] == 'o' || name[len(name)-1] == 'O'
	var sc *script
	if bySHA {
		if sc = e.lookup(c.Args[1]); sc == nil {
			return errNoScript
		}
	} else {
		var err error
		if sc, err = e.load(c.Args[1]); err != nil {
			return err
		}
	}
	if sc.flags&flagEvalCompat == 0 && sc.flags&flagNoWrites == 0 {
		if readOnly {
			return errWriteFlagRO
		}
		if err := e.s.log.Err(); err != nil {
			return misconf(err)
		}
	}
	keys := c.Args[3 : 3+numkeys]
	argv := c.Args[3+numkeys:]
	return e.run(c, sc, keys, argv, readOnly || sc.flags&flagNoWrites != 0)
}

func (e *scriptEngine) scriptLoad(c *command.Ctx) error {
	sc, err := e.load(c.Args[2])
	if err != nil {
		return err
	}
	c.Out.BulkString(sc.sha)
	return nil
}

func (e *scriptEngine) scriptExists(c *command.Ctx) error {
	c.Out.Array(len(c.Args) - 2)
	for _, sha := range c.Args[2:] {
		if e.lookup(sha) != nil {
			c.Out.Int(1)
		} else {
			c.Out.Int(0)
		}
	}
	return nil
}

// scriptFlush empties the cache and drops the VM, as Redis resets its Lua
// state. Caller holds the keyspace write lock, so no script is running.
func (e *scriptEngine) scriptFlush(c *command.Ctx) error {
	if len(c.Args) > 3 || (len(c.Args) == 3 && !command.Is(c.Args[2], "sync") && !command.Is(c.Args[2], "async")) {
		return errFlushMode
	}
	e.mu.Lock()
	e.cache = map[string]*script{}
	e.mu.Unlock()
	if e.vm != nil {
		e.vm.close()
		e.vm = nil
	}
	c.Out.OK()
	return nil
}
