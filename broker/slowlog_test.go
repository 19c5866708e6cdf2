package broker_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/brokerd/brokerd/internal/brokertest"
)

// slowArgs is the arguments of each entry SLOWLOG GET count returns,
// newest first, each joined with spaces; it checks the entry's shape
// (id, unix time, microseconds, arguments, address, name) on the way.
func slowArgs(t *testing.T, r *brokertest.Raw, count string, addr, name string) []string {
	t.Helper()
	reply := r.Do("SLOWLOG GET " + count)
	var out []string
	// resptest.Format: [[(int) id (int) time (int) us ["a" "b"] "addr" "name"] ...]
	for _, e := range strings.Split(strings.TrimSuffix(strings.TrimPrefix(reply, "["), "]"), "] [") {
		if e == "" {
			continue
		}
		e = strings.Trim(e, "[]")
		open, close := strings.Index(e, "["), strings.LastIndex(e, "]")
		if open < 0 || close < open {
			t.Fatalf("SLOWLOG GET entry %q", e)
		}
		if tail := e[close+1:]; tail != fmt.Sprintf(" %q %q", addr, name) {
			t.Errorf("entry %q: address and name %q, want %q %q", e, tail, addr, name)
		}
		if head := strings.Fields(e[:open]); len(head) != 6 || head[0] != "(int)" {
			t.Errorf("entry %q: head %q", e, head)
		}
		out = append(out, strings.ReplaceAll(e[open+1:close], `"`, ""))
	}
	return out
}

func TestSlowlogRecordsCommandsAsRedisDoes(t *testing.T) {
	s := brokertest.Start(t)
	r := s.Dial()
	addr := r.Conn.LocalAddr().String()
	long := strings.Repeat("A", 130)
	many := "SADD set" + strings.Repeat(" m", 33)
	adminExpect(t, r, []adminCase{
		{"SLOWLOG LEN", "(int) 0"},
		{"CONFIG SET slowlog-log-slower-than 0", "OK"},
		{"CLIENT SETNAME bob", "OK"},
		{"SLOWLOG RESET", "OK"},
		{"SET k v", "OK"},
		{"AUTH user secret", "WRONGPASS invalid username-password pair or user is disabled."},
		{"SET big " + long, "OK"},
		{many, "(int) 1"},
		{"MULTI", "OK"},
		{"INCR n", "QUEUED"},
		{"EXEC", "[(int) 1]"},
		{`EVAL "return redis.call('incr','n')" 0`, "(int) 2"},
		{"CONFIG SET requirepass pw maxclients 100", "OK"},
		{"AUTH pw", "OK"},
	})
	want := []string{
		"AUTH (redacted)",
		"CONFIG SET requirepass (redacted) maxclients 100",
		"EVAL return redis.call('incr','n') 0", // not the INCR it called
		"INCR n",                               // EXEC's commands, not EXEC
		"MULTI",
		"SADD set" + strings.Repeat(" m", 29) + " ... (4 more arguments)", // 35 arguments: 31 and a note
		"SET big " + long[:128] + "... (2 more bytes)",
		"AUTH (redacted) (redacted)",
		"SET k v",
		"SLOWLOG RESET",
	}
	if got := slowArgs(t, r, "-1", addr, "bob"); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("SLOWLOG GET -1:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if got := slowArgs(t, r, "", addr, "bob"); len(got) != 10 || got[0] != "SLOWLOG GET -1" {
		t.Errorf("SLOWLOG GET (default 10): %q", got)
	}
	adminExpect(t, r, []adminCase{
		{"SLOWLOG GET 0", "[]"},
		{"SLOWLOG GET -2", "ERR count should be greater than or equal to -1"},
		{"SLOWLOG GET x", "ERR count should be greater than or equal to -1"},
		{"SLOWLOG GET 1 2", "ERR unknown subcommand or wrong number of arguments for 'get'. Try SLOWLOG HELP."},
		{"SLOWLOG LEN x", "ERR wrong number of arguments for 'slowlog|len' command"},
		{"SLOWLOG NOSUCH", "ERR unknown subcommand 'NOSUCH'. Try SLOWLOG HELP."},
		{"CONFIG SET slowlog-max-len -1", "ERR CONFIG SET failed (possibly related to argument 'slowlog-max-len') - argument must be between 0 and 9223372036854775807 inclusive"},
		{"CONFIG SET slowlog-log-slower-than -2", "ERR CONFIG SET failed (possibly related to argument 'slowlog-log-slower-than') - argument must be between -1 and 9223372036854775807 inclusive"},
		// A shorter limit applies at the next entry, as in Redis: here the
		// CONFIG SET itself.
		{"CONFIG SET slowlog-max-len 2", "OK"},
		{"SLOWLOG LEN", "(int) 2"},
		{"CONFIG GET slowlog*", `["slowlog-log-slower-than" "0" "slowlog-max-len" "2"]`},
		// -1 turns it off; a high threshold keeps fast commands out.
		{"CONFIG SET slowlog-log-slower-than -1", "OK"},
		{"SLOWLOG RESET", "OK"},
		{"PING", "PONG"},
		{"CONFIG SET slowlog-log-slower-than 10000000", "OK"},
		{"PING", "PONG"},
		{"SLOWLOG LEN", "(int) 0"},
	})
}

// Entry ids keep rising across SLOWLOG RESET; only a restart starts them
// again.
func TestSlowlogIDsSurviveReset(t *testing.T) {
	s := brokertest.Start(t)
	r := s.Dial()
	adminExpect(t, r, []adminCase{
		{"CONFIG SET slowlog-log-slower-than 0", "OK"},
		{"PING", "PONG"},
		{"SLOWLOG RESET", "OK"},
		{"PING", "PONG"},
	})
	got := r.Do("SLOWLOG GET 1")
	if !strings.HasPrefix(got, "[[(int) 3 ") {
		t.Errorf("after CONFIG SET (0), PING (1), SLOWLOG RESET (2), PING (3): %s", got)
	}
}

// HELLO's options are walked as helloCommand walks them, redacting every
// AUTH's username and password: SETNAME takes the next argument, so a
// client named AUTH does not move the redaction off the password.
func TestSlowlogRedactsHelloAuth(t *testing.T) {
	s := brokertest.Start(t)
	r := s.Dial()
	adminExpect(t, r, []adminCase{{"CONFIG SET slowlog-log-slower-than 0", "OK"}})
	for _, tc := range []struct{ hello, want string }{
		{"HELLO 2 SETNAME AUTH AUTH default secret", `"HELLO" "2" "SETNAME" "AUTH" "AUTH" "(redacted)" "(redacted)"`},
		{"HELLO 2 AUTH default secret AUTH default secret2", `"HELLO" "2" "AUTH" "(redacted)" "(redacted)" "AUTH" "(redacted)" "(redacted)"`},
	} {
		r.Do(tc.hello)
		got := r.Do("SLOWLOG GET 1")
		if !strings.Contains(got, "["+tc.want+"]") {
			t.Errorf("%s: slow log entry %s\nwant arguments %s", tc.hello, got, tc.want)
		}
		r.Do("SLOWLOG RESET")
	}
}
