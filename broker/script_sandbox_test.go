package broker_test

import (
	"testing"

	"github.com/brokerd/brokerd/internal/brokertest"
)

// TestScriptSetmetatableKeepsSandbox: setmetatable takes only tables, as
// Lua 5.1's does, and refuses a protected metatable. gopher-lua's
// SetMetatable on a string or number replaces that type's metatable for
// the whole pooled VM, so one script could change how every later script's
// strings behave.
func TestScriptSetmetatableKeepsSandbox(t *testing.T) {
	// Replies are redis-server 7.0.15's.
	s := brokertest.Start(t)
	r := s.Dial()
	adminExpect(t, r, []adminCase{
		{`EVAL "return pcall(setmetatable, '', {__index = function() return 'pwned' end})" 0`, `(nil)`},
		{`EVAL "setmetatable('', nil)" 0`, `ERR user_script:1: bad argument #1 to 'setmetatable' (table expected, got string) script: 25f8ce66e9a8a5d8c51221b6bee1e2be6951b74c, on @user_script:1.`},
		{`EVAL "setmetatable(1, {__index = string})" 0`, `ERR user_script:1: bad argument #1 to 'setmetatable' (table expected, got number) script: 60bfc5b93629372b11ebf3cb3c649e0220bc2fed, on @user_script:1.`},
		{`EVAL "local t = setmetatable({}, {__metatable = 1}) return pcall(setmetatable, t, {})" 0`, `(nil)`},
		{`EVAL "setmetatable({}, 1)" 0`, `ERR user_script:1: bad argument #2 to 'setmetatable' (nil or table expected) script: 776d36312459124e28579bc808b73b75f7c90f53, on @user_script:1.`},
		{`EVAL "return ('abc'):upper()" 0`, `"ABC"`},
		{`EVAL "return ('abc').x" 0`, `(nil)`},
	})
}

// TestScriptKillAfterLastCheckDoesNotKillNext: a SCRIPT KILL that lands
// after the script's last instruction check still closes the VM's kill
// context; the next script must not find it closed.
func TestScriptKillAfterLastCheckDoesNotKillNext(t *testing.T) {
	s := brokertest.Start(t)
	s.Server.AddScriptKillSelf()
	r := s.Dial()
	r.Do(`EVAL "return killself()" 0`)
	adminExpect(t, r, []adminCase{
		{`EVAL "return 1" 0`, `(int) 1`},
		{`EVAL "return 2" 0`, `(int) 2`},
	})
}
