package broker_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/brokerd/brokerd/broker"
	"github.com/brokerd/brokerd/internal/brokertest"
)

// The script tests are adminCase tables run by adminExpect
// (admin_helpers_test.go). The wanted replies were taken from
// redis-server 7.0.15, except where 7.2 differs (noted).

func TestScriptConversions(t *testing.T) {
	s := brokertest.Start(t)
	t.Run("RESP2", func(t *testing.T) {
		adminExpect(t, s.Dial(), []adminCase{
			{`EVAL "return 'x'" 0`, `"x"`},
			{`EVAL "return 3.99" 0`, `(int) 3`},
			{`EVAL "return -3.99" 0`, `(int) -3`},
			{`EVAL "return true" 0`, `(int) 1`},
			{`EVAL "return false" 0`, `(nil)`},
			{`EVAL "return nil" 0`, `(nil)`},
			{`EVAL "return {1,2,3.9,'a',nil,4}" 0`, `[(int) 1 (int) 2 (int) 3 "a"]`},
			{`EVAL "return {1,{2,{3}}}" 0`, `[(int) 1 [(int) 2 [(int) 3]]]`},
			{`EVAL "return {true,false}" 0`, `[(int) 1 (nil)]`},
			{`EVAL "return redis.status_reply('FINE')" 0`, `FINE`},
			{`EVAL "return {ok='A'}" 0`, `A`},
			{`EVAL "return {ok=1}" 0`, `[]`},
			{`EVAL "return {err='MY x'}" 0`, `MY x`},
			{`EVAL "return redis.error_reply('x')" 0`, `ERR x`},
			{`EVAL "return redis.error_reply('MY x')" 0`, `MY x`},
			{`EVAL "return redis.status_reply(1)" 0`, `ERR wrong number or type of arguments`},
			{`EVAL "return {double=3.5}" 0`, `"3.5"`},
			{`EVAL "return {map={a=1}}" 0`, `["a" (int) 1]`},
			{`EVAL "return {big_number='123'}" 0`, `"123"`},
			{`EVAL "return redis.call('get','nokey')" 0`, `(nil)`},
			{`EVAL "return type(redis.call('get','nokey'))" 0`, `"boolean"`},
			{`EVAL "return redis.call('set','k','v')" 0`, `OK`},
			{`EVAL "return redis.call('set','k','v').ok" 0`, `"OK"`},
			{`EVAL "return redis.call('type','k')" 0`, `string`},
			{`EVAL "return redis.pcall('incr','k')" 0`, `ERR value is not an integer or out of range`},
			{`EVAL "return redis.call('set','n',0.1)" 0`, `OK`},
			{`GET n`, `"0.10000000000000001"`},
			{`EVAL "return redis.call('set','n',1e20)" 0`, `OK`},
			{`GET n`, `"1e+20"`},
			{`EVAL "return redis.call('rpush',KEYS[1],unpack(ARGV))" 1 l a b c`, `(int) 3`},
			{`EVAL "return redis.call('lrange',KEYS[1],0,-1)" 1 l`, `["a" "b" "c"]`},
			{`EVAL "return ARGV" 1 k a b`, `["a" "b"]`},
			{`EVAL "return #KEYS + #ARGV" 0`, `(int) 0`},
			{`EVAL "redis.setresp(3) return redis.call('ping')" 0`, `PONG`},
			{`EVAL "redis.setresp(3) return false" 0`, `(int) 0`},
			{`EVAL "return redis.sha1hex('')" 0`, `"da39a3ee5e6b4b0d3255bfef95601890afd80709"`},
			{`EVAL "return redis.REDIS_VERSION" 0`, `"7.2.4"`},
			{`EVAL "return redis.REDIS_VERSION_NUM" 0`, `(int) 459268`},
			{`EVAL "return redis.replicate_commands()" 0`, `(int) 1`},
			{`EVAL "return redis.set_repl(redis.REPL_ALL)" 0`, `(nil)`},
			{`EVAL "return redis.breakpoint()" 0`, `(nil)`},
			{`EVAL "return _VERSION" 0`, `"Lua 5.1"`},
			{`EVAL "return cjson.encode({1,2})" 0`, `"[1,2]"`},
			{`EVAL "redis.call('select',1) redis.call('set','in1','x') return redis.call('get','in1')" 0`, `"x"`},
			{`GET in1`, `(nil)`}, // SELECT in a script lasts until it returns
		})
	})
	t.Run("RESP3", func(t *testing.T) {
		r := s.Dial()
		r.Do("HELLO 3")
		adminExpect(t, r, []adminCase{
			{`EVAL "return true" 0`, `(int) 1`},
			{`EVAL "return false" 0`, `(nil)`},
			{`EVAL "redis.setresp(3) return true" 0`, `(bool) true`},
			{`EVAL "redis.setresp(3) return false" 0`, `(bool) false`},
			{`EVAL "return {double=3.5}" 0`, `(double) 3.5`},
			{`EVAL "return {map={a=1}}" 0`, `{"a":(int) 1}`},
			{`EVAL "return {set={a=true}}" 0`, `set["a"]`},
			{`EVAL "return {verbatim_string={format='txt',string='hi'}}" 0`, `"hi"`},
			{`EVAL "redis.setresp(3) return redis.call('get','nokey') == nil" 0`, `(bool) true`},
			{`EVAL "redis.setresp(3) local r = redis.call('command','docs','get') return type(r.map)" 0`, `"table"`},
		})
	})
}

func TestScriptErrors(t *testing.T) {
	s := brokertest.Start(t)
	r := s.Dial()
	r.Do("SET s v")
	sha := func(body string) string { return broker.Sha1hex(body) }
	at := func(body string, line int) string {
		return fmt.Sprintf(" script: %s, on @user_script:%d.", sha(body), line)
	}
	cases := []struct{ body, keys, want string }{
		{"return x", "0", "ERR user_script:1: Script attempted to access nonexistent global variable 'x'" + at("return x", 1)},
		{"x=1", "0", "ERR user_script:1: Attempt to modify a readonly table" + at("x=1", 1)},
		{"rawset(_G,'x',1)", "0", "ERR Attempt to modify a readonly table" + at("rawset(_G,'x',1)", 1)},
		{"string.x = 1", "0", "ERR user_script:1: Attempt to modify a readonly table" + at("string.x = 1", 1)},
		{"return print", "0", "ERR user_script:1: Script attempted to access nonexistent global variable 'print'" + at("return print", 1)},
		{"return os", "0", "ERR user_script:1: Script attempted to access nonexistent global variable 'os'" + at("return os", 1)},
		{"return getfenv", "0", "ERR user_script:1: Script attempted to access nonexistent global variable 'getfenv'" + at("return getfenv", 1)},
		{"return setfenv", "0", "ERR user_script:1: Script attempted to access nonexistent global variable 'setfenv'" + at("return setfenv", 1)},
		{"return newproxy", "0", "ERR user_script:1: Script attempted to access nonexistent global variable 'newproxy'" + at("return newproxy", 1)},
		{"return redis.call('nosuch')", "0", "ERR Unknown Redis command called from script" + at("return redis.call('nosuch')", 1)},
		{"return redis.call('set')", "0", "ERR Wrong number of args calling Redis command from script" + at("return redis.call('set')", 1)},
		{"return redis.call('ping','a','b')", "0", "ERR wrong number of arguments for 'ping' command" + at("return redis.call('ping','a','b')", 1)},
		{"return redis.call('lpush','s','a')", "0", "WRONGTYPE Operation against a key holding the wrong kind of value" + at("return redis.call('lpush','s','a')", 1)},
		{"return redis.call('eval','return 1',0)", "0", "ERR This Redis command is not allowed from script" + at("return redis.call('eval','return 1',0)", 1)},
		{"return redis.call('subscribe','c')", "0", "ERR This Redis command is not allowed from script" + at("return redis.call('subscribe','c')", 1)},
		{"return redis.call()", "0", "ERR Please specify at least one argument for this redis lib call" + at("return redis.call()", 1)},
		{"return redis.call({})", "0", "ERR Lua redis lib command arguments must be strings or integers" + at("return redis.call({})", 1)},
		{"error('boom')", "0", "ERR user_script:1: boom" + at("error('boom')", 1)},
		{"error('x', 0)", "0", "ERR x" + at("error('x', 0)", 1)},
		{"\n\nerror({err='MY boom'})", "0", "MY boom" + at("\n\nerror({err='MY boom'})", 3)},
		{"local function f()\n redis.call('nosuch')\nend\nf()", "0", "ERR Unknown Redis command called from script" + at("local function f()\n redis.call('nosuch')\nend\nf()", 2)},
		{"return redis.setresp(4)", "0", "ERR RESP version must be 2 or 3." + at("return redis.setresp(4)", 1)},
		{"return redis.log(9, 'x')", "0", "ERR Invalid debug level." + at("return redis.log(9, 'x')", 1)},
		{"return redis.pcall('nosuch')", "0", "ERR Unknown Redis command called from script"},
		{"local ok, e = pcall(redis.call,'nosuch') return e", "0", `"ERR Unknown Redis command called from script"`},
		{"return 1", "-1", "ERR Number of keys can't be negative"},
		{"return 1", "2 a", "ERR Number of keys can't be greater than number of args"},
		{"return 1", "x", "ERR value is not an integer or out of range"},
		{"#!lua flags=bogus\nreturn 1", "0", "ERR Unexpected flag in script shebang: bogus"},
		{"#!lua name=x\nreturn 1", "0", "ERR Unknown lua shebang option: name=x"},
		{"#!luax\nreturn 1", "0", "ERR Unexpected engine in script shebang: #!luax"},
		{"#!lua", "0", "ERR Invalid script shebang"},
		{"#!lua flags=no-writes,\nreturn 1", "0", "ERR Unexpected flag in script shebang: "},
		{"#!lua\r\nreturn 1", "0", "(int) 1"},
		{"#!lua\tflags=no-writes \nreturn 1", "0", "(int) 1"},
		{"#!lua flags=no-writes\nreturn redis.call('set','a','b')", "0", "ERR Write commands are not allowed from read-only scripts." + at("#!lua flags=no-writes\nreturn redis.call('set','a','b')", 2)},
		{"return redis.call('xread','BLOCK',0,'STREAMS','st','$')", "0", "ERR xread command is not allowed with BLOCK option from scripts" + at("return redis.call('xread','BLOCK',0,'STREAMS','st','$')", 1)},
	}
	for _, tc := range cases {
		cmd := "EVAL " + quote(tc.body) + " " + tc.keys
		if got := r.Do(cmd); got != tc.want {
			t.Errorf("%q\n got: %s\nwant: %s", tc.body, got, tc.want)
		}
	}
	if got, want := r.Do(`EVAL "return (" 0`), "ERR Error compiling script (new function): user_script:1:"; !strings.HasPrefix(got, want) {
		t.Errorf("compile error: %s", got)
	}
	if got := r.Do(`GET a`); got != "(nil)" {
		t.Errorf("a no-writes script wrote: GET a = %s", got)
	}
}

func TestScriptReadOnlyCommands(t *testing.T) {
	s := brokertest.Start(t)
	r := s.Dial()
	body := "return redis.call('set','a','b')"
	adminExpect(t, r, []adminCase{
		{"EVAL_RO " + quote(body) + " 0", "ERR Write commands are not allowed from read-only scripts. script: " + broker.Sha1hex(body) + ", on @user_script:1."},
		{`EVAL_RO "#!lua\nreturn 1" 0`, "ERR Can not execute a script with write flag using *_ro command."},
		{`EVAL_RO "return redis.call('get','a')" 0`, "(nil)"},
		{`SET a x`, "OK"},
		{`EVALSHA_RO ` + broker.Sha1hex("return redis.call('get','a')") + ` 0`, `"x"`},
	})
}

func TestScriptCache(t *testing.T) {
	s := brokertest.Start(t)
	r := s.Dial()
	one := broker.Sha1hex("return 1")
	adminExpect(t, r, []adminCase{
		{"EVALSHA " + one + " 0", "NOSCRIPT No matching script. Please use EVAL."},
		{"EVALSHA abc 0", "NOSCRIPT No matching script. Please use EVAL."},
		{"SCRIPT LOAD \"return 1\"", `"` + one + `"`},
		{"SCRIPT EXISTS " + one + " ffff", "[(int) 1 (int) 0]"},
		{"EVALSHA " + one + " 0", "(int) 1"},
		{"EVALSHA " + strings.ToUpper(one) + " 0", "(int) 1"},
		{"EVAL \"return 2\" 0", "(int) 2"},
		{"SCRIPT EXISTS " + broker.Sha1hex("return 2"), "[(int) 1]"},
		{"SCRIPT FLUSH bad", "ERR SCRIPT FLUSH only support SYNC|ASYNC option"},
		{"SCRIPT FLUSH ASYNC", "OK"},
		{"SCRIPT EXISTS " + one, "[(int) 0]"},
		{"SCRIPT FLUSH", "OK"},
		{"SCRIPT KILL", "NOTBUSY No scripts in execution right now."},
		{"SCRIPT NOSUCH", "ERR unknown subcommand 'NOSUCH'. Try SCRIPT HELP."},
		{"SCRIPT LOAD \"return (\"", "ERR Error compiling script (new function): user_script:1: syntax error near '<eof>'"},
		{"COMMAND GETKEYS EVAL \"return 1\" 2 a b c", `["a" "b"]`},
		{"COMMAND GETKEYS EVALSHA_RO x 1 a", `["a"]`},
	})
	if got := r.Do("SCRIPT HELP"); !strings.Contains(got, "LOAD <script>") {
		t.Errorf("SCRIPT HELP: %s", got)
	}
}

// TestScriptInMulti: EVAL queues and runs inside EXEC like any command.
func TestScriptInMulti(t *testing.T) {
	s := brokertest.Start(t)
	r := s.Dial()
	adminExpect(t, r, []adminCase{
		{"MULTI", "OK"},
		{`EVAL "return redis.call('incr','c')" 0`, "QUEUED"},
		{`EVAL "return redis.call('incr','c')" 0`, "QUEUED"},
		{"EXEC", "[(int) 1 (int) 2]"},
	})
}

// TestScriptWritesSurviveRestart: a script's writes are logged as its
// effects (one record) and come back after a restart.
func TestScriptWritesSurviveRestart(t *testing.T) {
	s := brokertest.Start(t)
	r := s.Dial()
	body := "redis.call('rpush',KEYS[1],'a','b','c') redis.call('lpop',KEYS[1]) " +
		"redis.call('set',KEYS[2],math.random()) redis.call('xadd',KEYS[3],'*','f','v') " +
		"redis.call('select',3) redis.call('set','in3',ARGV[1]) return 1"
	if got := r.Do("EVAL " + quote(body) + " 3 l s st v3"); got != "(int) 1" {
		t.Fatalf("EVAL: %s", got)
	}
	var before []string
	for _, c := range []string{"LRANGE l 0 -1", "GET s", "XRANGE st - +"} {
		before = append(before, r.Do(c))
	}
	s.Restart()
	r = s.Dial()
	for i, c := range []string{"LRANGE l 0 -1", "GET s", "XRANGE st - +"} {
		if got := r.Do(c); got != before[i] {
			t.Errorf("%s after restart: %s, before: %s", c, got, before[i])
		}
	}
	r.Do("SELECT 3")
	if got := r.Do("GET in3"); got != `"v3"` {
		t.Errorf("GET in3 in db 3 after restart: %s", got)
	}
}

// waitBlocked polls until n clients are blocked.
func waitScriptWaiters(t *testing.T, r *brokertest.Raw, n int) {
	t.Helper()
	brokertest.Eventually(t, 10*time.Second, func() error {
		if got := r.Do("INFO clients"); !strings.Contains(got, fmt.Sprintf("blocked_clients:%d", n)) {
			return fmt.Errorf("INFO clients: %s", got)
		}
		return nil
	})
}

// TestScriptWakesWaitersAfterItCompletes is issue 5's first point: a
// client blocked in BRPOP gets what a script pushed only once the script
// has returned, and nothing when the script popped it again.
func TestScriptWakesWaitersAfterItCompletes(t *testing.T) {
	s := brokertest.Start(t)
	ctl, waiter := s.Dial(), s.Dial()
	waiter.Send(brokertest.Encode([]byte("BRPOP"), []byte("q"), []byte("0")))
	waitScriptWaiters(t, ctl, 1)

	// Pushed and popped in the same script: nothing is left to serve.
	if got := ctl.Do(`EVAL "redis.call('lpush',KEYS[1],'gone') return redis.call('rpop',KEYS[1])" 1 q`); got != `"gone"` {
		t.Fatalf("push-pop script: %s", got)
	}
	waitScriptWaiters(t, ctl, 1)

	// The script still sees its element after the push and further work:
	// the waiter was not served in the middle of it.
	body := "redis.call('lpush',KEYS[1],'x') local n = 0 for i = 1, 1000 do n = n + i end " +
		"redis.call('set','after',n) return redis.call('llen',KEYS[1])"
	if got := ctl.Do("EVAL " + quote(body) + " 1 q"); got != "(int) 1" {
		t.Fatalf("the element was taken while the script ran: LLEN in script = %s", got)
	}
	if got := waiter.Read(); got != `["q" "x"]` {
		t.Fatalf("BRPOP got %s", got)
	}
	adminExpect(t, ctl, []adminCase{{"LLEN q", "(int) 0"}, {"GET after", `"500500"`}})
}

// TestScriptBlockingCommandsDoNotBlock is issue 5's second point: blocking
// commands called from a script on an empty key answer at once as their
// non-blocking forms (Redis 7.2; 7.0 refused them). XREAD and XREADGROUP
// with BLOCK get Redis's own error instead, as xreadCommand gives it.
func TestScriptBlockingCommandsDoNotBlock(t *testing.T) {
	s := brokertest.Start(t)
	adminExpect(t, s.Dial(), []adminCase{
		{`EVAL "return redis.call('blpop',KEYS[1],0)" 1 nolist`, "(nil)"},
		{`EVAL "return redis.call('brpop',KEYS[1],0)" 1 nolist`, "(nil)"},
		{`EVAL "return redis.call('blmove',KEYS[1],'d','LEFT','RIGHT',0)" 1 nolist`, "(nil)"},
		{`EVAL "return redis.call('blmpop',0,1,KEYS[1],'LEFT')" 1 nolist`, "(nil)"},
		{`EVAL "return redis.call('xread','STREAMS',KEYS[1],'$')" 1 nostream`, "(nil)"},
		{`EVAL "return redis.pcall('xread','BLOCK',0,'STREAMS',KEYS[1],'$')" 1 nostream`, "ERR xread command is not allowed with BLOCK option from scripts"},
		{`RPUSH full a`, "(int) 1"},
		{`EVAL "return redis.call('blpop',KEYS[1],0)" 1 full`, `["full" "a"]`},
	})
}

// TestScriptBusy: past the busy threshold other clients get BUSY, SCRIPT
// KILL stops a script that has not written, and one that wrote cannot be
// killed.
func TestScriptBusy(t *testing.T) {
	s := brokertest.Start(t)
	s.SetScriptBusyThreshold(time.Millisecond)
	runner, other := s.Dial(), s.Dial()
	body := "local i = 0 while true do i = i + 1 end"
	runner.Send(brokertest.Encode([]byte("EVAL"), []byte(body), []byte("0")))
	waitBusy(t, s, other)
	if got := other.Do("SCRIPT KILL"); got != "OK" {
		t.Fatalf("SCRIPT KILL: %s", got)
	}
	want := "ERR Script killed by user with SCRIPT KILL... script: " + broker.Sha1hex(body) + ", on @user_script:1."
	if got := runner.Read(); got != want {
		t.Fatalf("killed script replied %s, want %s", got, want)
	}
	adminExpect(t, other, []adminCase{{"PING", "PONG"}, {"SCRIPT KILL", "NOTBUSY No scripts in execution right now."}})

	// A script that wrote cannot be killed and runs to its end: here 300
	// ms of the server's clock rather than a count of loop turns, which
	// took longer than a read's timeout under -race.
	body = "redis.call('set','w','1') local t = redis.call('time') local s = t[1]*1e6+t[2] local n " +
		"repeat n = redis.call('time') until n[1]*1e6+n[2]-s > 300000 return 1"
	runner.Send(brokertest.Encode([]byte("EVAL"), []byte(body), []byte("0")))
	waitBusy(t, s, other)
	if got := other.Do("SCRIPT KILL"); !strings.HasPrefix(got, "UNKILLABLE Sorry the script already executed write commands") {
		t.Fatalf("SCRIPT KILL of a script that wrote: %s", got)
	}
	if got := runner.Read(); got != "(int) 1" {
		t.Fatalf("unkillable script replied %s", got)
	}
	adminExpect(t, other, []adminCase{{"GET w", `"1"`}})
}

// waitBusy polls with PING until a script makes it answer BUSY.
func waitBusy(t *testing.T, s *brokertest.Server, r *brokertest.Raw) {
	t.Helper()
	brokertest.Eventually(t, 10*time.Second, func() error {
		if !s.ScriptRunning() {
			return fmt.Errorf("no script running yet")
		}
		if got := r.Do("PING"); got != "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE." {
			return fmt.Errorf("PING: %s", got)
		}
		return nil
	})
}

func quote(s string) string {
	s = strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(s)
	return `"` + s + `"`
}

// scriptGetKeysCases join TestCommandGetKeysEveryCommand's table for the
// scripting commands (answers from redis-server 7.0.15). EVAL with no
// keys, or fewer key arguments than numkeys, answers an empty array
// (no_mandatory_keys).
var scriptGetKeysCases = []adminCase{
	{"COMMAND GETKEYS eval x 0", `[]`},
	{"COMMAND GETKEYS eval x 3 a", `[]`},
	{"COMMAND GETKEYS evalsha_ro x 0 a", `[]`},
	{"COMMAND GETKEYSANDFLAGS eval x 0", `[]`},
	{"COMMAND GETKEYS eval x 2 a b c", `["a" "b"]`},
	{"COMMAND GETKEYS eval_ro x 2 a b", `["a" "b"]`},
	{"COMMAND GETKEYS evalsha x 1 a b c", `["a"]`},
	{"COMMAND GETKEYS evalsha_ro x 1 a", `["a"]`},
	{"COMMAND GETKEYS script", "ERR The command has no key arguments"},
	{"COMMAND GETKEYS script exists x", "ERR The command has no key arguments"},
	{"COMMAND GETKEYS script flush", "ERR The command has no key arguments"},
	{"COMMAND GETKEYS script help", "ERR The command has no key arguments"},
	{"COMMAND GETKEYS script kill", "ERR The command has no key arguments"},
	{"COMMAND GETKEYS script load x", "ERR The command has no key arguments"},
}
