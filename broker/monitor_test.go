package broker_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/brokerd/brokerd/internal/brokertest"
)

// monitorLine reads the monitor's next line and returns it without its
// timestamp, checking the timestamp's form (seconds, six digits).
func monitorLine(t *testing.T, m *brokertest.Raw) string {
	t.Helper()
	got := m.Read()
	re := regexp.MustCompile(`^\d{10}\.\d{6} (\[.*)$`)
	sub := re.FindStringSubmatch(got)
	if sub == nil {
		t.Fatalf("monitor line %q", got)
	}
	return sub[1]
}

// The feed redis-server 7.0.15 gave for the same commands.
func TestMonitorFeedsCommandsAsRedisDoes(t *testing.T) {
	s := brokertest.Start(t)
	m := s.Dial()
	adminExpect(t, m, []adminCase{{"MONITOR", "OK"}})
	r := s.Dial()
	at := "[0 " + r.Conn.LocalAddr().String() + "]"
	adminExpect(t, r, []adminCase{
		{"SET \"k\\x01\\\\\" \"v\\\"q\\n\"", "OK"},
		{`EVAL "redis.call('set','x','1') return 1" 0`, "(int) 1"},
		{"MULTI", "OK"},
		{"INCR n", "QUEUED"},
		{"EXEC", "[(int) 1]"},
		{"CONFIG GET maxclients", `["maxclients" "10000"]`},        // admin: not shown
		{"GET", "ERR wrong number of arguments for 'get' command"}, // refused: not shown
		{"AUTH user pw", "WRONGPASS invalid username-password pair or user is disabled."},
		{"SELECT 3", "OK"},
		{"PING", "PONG"},
	})
	for _, want := range []string{
		at + ` "SET" "k\x01\\" "v\"q\n"`,
		at + ` "EVAL" "redis.call('set','x','1') return 1" "0"`, // before the commands its script ran
		`[0 lua] "set" "x" "1"`,
		at + ` "MULTI"`,
		at + ` "INCR" "n"`, // when EXEC runs it, and EXEC after it
		at + ` "EXEC"`,
		at + ` "AUTH" "(redacted)" "(redacted)"`,
		"[3 " + at[3:] + ` "SELECT" "3"`,
		"[3 " + at[3:] + ` "PING"`,
	} {
		if got := monitorLine(t, m); got != want {
			t.Errorf("monitor line\n got: %s\nwant: %s", got, want)
		}
	}
}

func TestMonitorClientItself(t *testing.T) {
	s := brokertest.Start(t)
	m := s.Dial()
	at := "[0 " + m.Conn.LocalAddr().String() + "]"
	adminExpect(t, m, []adminCase{
		{"MULTI", "OK"},
		{"MONITOR", "QUEUED"},
		{"EXEC", "[ERR MONITOR isn't allowed for DENY BLOCKING client]"},
		{"MONITOR", "OK"},
		{"PING", "PONG"}, // its reply, then the line for it
	})
	if got := monitorLine(t, m); got != at+` "PING"` {
		t.Errorf("own PING: %s", got)
	}
	adminExpect(t, m, []adminCase{
		{"GET k", "ERR Replica can't interact with the keyspace"},
		{"SET k v", "ERR Replica can't interact with the keyspace"},
		// may_replicate, as redis-server 7.0.15 refuses them to a monitor
		{`EVAL "return redis.call('set','k','v')" 0`, "ERR Replica can't interact with the keyspace"},
		{"PUBLISH ch m", "ERR Replica can't interact with the keyspace"},
	})
	// A second MONITOR gets no reply at all, as in Redis: the next reply
	// is ECHO's.
	m.Send(brokertest.Encode([]byte("MONITOR")))
	adminExpect(t, m, []adminCase{{"ECHO x", `"x"`}})
	if got := monitorLine(t, m); got != at+` "ECHO" "x"` {
		t.Errorf("own ECHO: %s", got)
	}
	list := adminUnquote(t, s.Dial().Do("CLIENT LIST"))
	if !strings.Contains(list, "addr="+m.Conn.LocalAddr().String()+" ") || !strings.Contains(list, " flags=O ") {
		t.Errorf("CLIENT LIST must show the monitor with flags=O:\n%s", list)
	}
	// RESET ends MONITOR mode, as in Redis: no line follows, not even
	// for the RESET (fed after it ran), and keyspace commands work again.
	adminExpect(t, m, []adminCase{{"RESET", "RESET"}, {"SET k v", "OK"}, {"GET k", `"v"`}})
}

// A monitor's MONITOR inside its own EXEC is refused like any other, as
// monitorCommand checks CLIENT_DENY_BLOCKING before it ignores a second
// MONITOR: ignoring it would leave EXEC's array one reply short.
func TestMonitorInsideExecOfAMonitor(t *testing.T) {
	s := brokertest.Start(t)
	m := s.Dial()
	at := "[0 " + m.Conn.LocalAddr().String() + "]"
	adminExpect(t, m, []adminCase{{"MONITOR", "OK"}, {"MULTI", "OK"}})
	if got := monitorLine(t, m); got != at+` "MULTI"` {
		t.Errorf("own MULTI: %s", got)
	}
	adminExpect(t, m, []adminCase{
		{"MONITOR", "QUEUED"},
		{"EXEC", "[ERR MONITOR isn't allowed for DENY BLOCKING client]"},
	})
	if got := monitorLine(t, m); got != at+` "EXEC"` {
		t.Errorf("own EXEC: %s", got)
	}
}

// SCRIPT KILL of a busy script runs without the keyspace lock, and is
// shown as any other command: redis-server 7.0.15 feeds "SCRIPT" "KILL"
// after the script's EVAL.
func TestMonitorShowsScriptKill(t *testing.T) {
	s := brokertest.Start(t)
	s.SetScriptBusyThreshold(1)
	m, runner, killer := s.Dial(), s.Dial(), s.Dial()
	adminExpect(t, m, []adminCase{{"MONITOR", "OK"}})
	runner.Send(brokertest.Encode([]byte("EVAL"), []byte("while true do end"), []byte("0")))
	waitBusy(t, s, killer)
	if got := killer.Do("SCRIPT KILL"); got != "OK" {
		t.Fatalf("SCRIPT KILL: %s", got)
	}
	runner.Read()
	if got := monitorLine(t, m); !strings.HasSuffix(got, ` "EVAL" "while true do end" "0"`) {
		t.Errorf("first line %s, want the EVAL", got)
	}
	at := "[0 " + killer.Conn.LocalAddr().String() + "]"
	if got := monitorLine(t, m); got != at+` "SCRIPT" "KILL"` {
		t.Errorf("second line %s, want %s \"SCRIPT\" \"KILL\"", got, at)
	}
}
