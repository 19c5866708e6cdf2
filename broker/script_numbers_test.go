package broker_test

import (
	"testing"

	"github.com/brokerd/brokerd/broker"
	"github.com/brokerd/brokerd/internal/brokertest"
)

// TestScriptNumbersAsLua51: scripts that build strings from numbers get
// Lua 5.1's "%.14g" spelling, as in Redis (answers from redis-server
// 7.0.15, whose Lua is 7.2's), including inside keys they write.
func TestScriptNumbersAsLua51(t *testing.T) {
	s := brokertest.Start(t)
	concatErr := "return 1 ..\n\nnil"
	adminExpect(t, s.Dial(), []adminCase{
		{`EVAL "return tostring(1/3)" 0`, `"0.33333333333333"`},
		{`EVAL "return 'k:' .. 2^53 .. ':' .. 1e15" 0`, `"k:9.007199254741e+15:1e+15"`},
		{`EVAL "return -0 .. '|' .. 1/0 .. '|' .. math.huge" 0`, `"-0|inf|inf"`},
		{`EVAL "return string.format('%s %d %5.1f', 1/3, 3.7, 2.25)" 0`, `"0.33333333333333 3   2.2"`},
		{`EVAL "return table.concat({0.1, 1e100}, ',')" 0`, `"0.1,1e+100"`},
		{`EVAL "return tonumber('1e3') + tonumber('0x10')" 0`, `(int) 1016`},
		{`EVAL "redis.call('set', 'n:' .. 1/3, 'v') return redis.call('get', 'n:0.33333333333333')" 0`, `"v"`},
		{`EVAL "math.randomseed(1) return tostring(math.random())" 0`, `"0.041630344484761"`},
		{`EVAL ` + quote(concatErr) + ` 0`, "ERR user_script:3: attempt to concatenate a nil value script: " + broker.Sha1hex(concatErr) + ", on @user_script:3."},
	})
}
