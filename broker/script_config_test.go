package broker_test

import (
	"strings"
	"testing"

	"github.com/brokerd/brokerd/internal/brokertest"
)

// TestScriptBusyThresholdConfig: busy-reply-threshold and its old name
// lua-time-limit are one CONFIG parameter in milliseconds (answers from
// redis-server 7.0.15).
func TestScriptBusyThresholdConfig(t *testing.T) {
	s := brokertest.Start(t)
	r := s.Dial()
	adminExpect(t, r, []adminCase{
		{"CONFIG GET busy-reply-threshold", `["busy-reply-threshold" "5000"]`},
		{"CONFIG GET lua*", `["lua-time-limit" "5000"]`},
		{"CONFIG SET busy-reply-threshold x", "ERR CONFIG SET failed (possibly related to argument 'busy-reply-threshold') - argument couldn't be parsed into an integer"},
		{"CONFIG SET lua-time-limit -1", "ERR CONFIG SET failed (possibly related to argument 'lua-time-limit') - argument must be between 0 and 9223372036854775807 inclusive"},
		{"CONFIG SET lua-time-limit 6000", "OK"},
		{"CONFIG GET busy-reply-threshold", `["busy-reply-threshold" "6000"]`},
		{"CONFIG SET busy-reply-threshold 0", "OK"},
		{"CONFIG GET lua-time-limit", `["lua-time-limit" "0"]`},
		{"CONFIG SET busy-reply-threshold 9223372036854775807", "OK"},
		{"CONFIG GET busy-reply-threshold", `["busy-reply-threshold" "9223372036854775807"]`},
	})

	// The threshold set by CONFIG SET is the one the dispatcher uses.
	r.Do("CONFIG SET busy-reply-threshold 1")
	runner, other := s.Dial(), s.Dial()
	runner.Send(brokertest.Encode([]byte("EVAL"), []byte("while true do end"), []byte("0")))
	waitBusy(t, s, other)
	if got := other.Do("SCRIPT KILL"); got != "OK" {
		t.Fatalf("SCRIPT KILL: %s", got)
	}
	runner.Read()
}

// TestScriptBusyAllowBusyCommands: while a script is busy, Redis runs the
// allow_busy commands at once; MULTI, HELLO and AUTH need no keyspace lock,
// so they answer without waiting for the script, and a transaction opened
// then is discarded at EXEC for the BUSY its commands met.
func TestScriptBusyAllowBusyCommands(t *testing.T) {
	s := brokertest.Start(t)
	s.SetScriptBusyThreshold(1)
	runner, other := s.Dial(), s.Dial()
	runner.Send(brokertest.Encode([]byte("EVAL"), []byte("while true do end"), []byte("0")))
	waitBusy(t, s, other)
	adminExpect(t, other, []adminCase{
		{"MULTI", "OK"},
		{"GET k", "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE."},
		{"MULTI", "ERR MULTI calls can not be nested"},
	})
	third := s.Dial()
	adminExpect(t, third, []adminCase{
		{"AUTH x", "ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?"},
	})
	if got := third.Do("HELLO 2"); !strings.HasPrefix(got, `["server" "redis"`) {
		t.Errorf("HELLO 2 while busy: %s", got)
	}
	if got := other.Do("SCRIPT KILL"); got != "OK" {
		t.Fatalf("SCRIPT KILL: %s", got)
	}
	runner.Read()
	adminExpect(t, other, []adminCase{
		{"EXEC", "EXECABORT Transaction discarded because of previous errors."},
	})
}

// TestScriptBusyExecDiscards: an EXEC refused with BUSY discards the
// transaction and drops the client's watches, as Redis's
// execCommandAbort does, though the busy script holds the keyspace lock:
// a write to a key it had watched no longer fails its next transaction.
func TestScriptBusyExecDiscards(t *testing.T) {
	s := brokertest.Start(t)
	s.SetScriptBusyThreshold(1)
	runner, other, writer := s.Dial(), s.Dial(), s.Dial()
	adminExpect(t, other, []adminCase{{"WATCH k", "OK"}})
	runner.Send(brokertest.Encode([]byte("EVAL"), []byte("while true do end"), []byte("0")))
	waitBusy(t, s, other)
	adminExpect(t, other, []adminCase{
		{"MULTI", "OK"},
		{"EXEC", "EXECABORT Transaction discarded because of: BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE."},
	})
	if got := other.Do("SCRIPT KILL"); got != "OK" {
		t.Fatalf("SCRIPT KILL: %s", got)
	}
	runner.Read()
	adminExpect(t, writer, []adminCase{{"SET k changed", "OK"}})
	adminExpect(t, other, []adminCase{
		{"EXEC", "ERR EXEC without MULTI"},
		{"MULTI", "OK"},
		{"SET x 1", "QUEUED"},
		{"EXEC", "[OK]"},
	})
}
