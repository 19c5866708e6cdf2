package broker_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/brokerd/brokerd/internal/brokertest"
)

// commandStats reads INFO commandstats as name -> "calls=N rejected=N
// failed=N", leaving out the times, which vary.
func commandStats(t *testing.T, r *brokertest.Raw) map[string]string {
	t.Helper()
	re := regexp.MustCompile(`^cmdstat_(\S+):calls=(\d+),usec=\d+,usec_per_call=\d+\.\d\d,rejected_calls=(\d+),failed_calls=(\d+)$`)
	out := map[string]string{}
	for _, line := range strings.Split(adminUnquote(t, r.Do("INFO commandstats")), "\r\n") {
		if line == "" || line == "# Commandstats" {
			continue
		}
		m := re.FindStringSubmatch(line)
		if m == nil {
			t.Fatalf("commandstats line %q", line)
		}
		out[m[1]] = "calls=" + m[2] + " rejected=" + m[3] + " failed=" + m[4]
	}
	return out
}

// The counts redis-server 7.0.15 gave for the same commands.
func TestCommandStatsCountCallsRejectionsAndFailures(t *testing.T) {
	s := brokertest.Start(t)
	r := s.Dial()
	for _, cmd := range []string{"SET s x", "MULTI", "INCR s", "GET s", "EXEC", "GET", "NOSUCH", "MULTI", "GET", "EXEC", "BLPOP l 0.01",
		`EVAL "return redis.pcall('incr','s')" 0`, "CONFIG GET maxclients", "CLIENT NOSUCH"} {
		r.Do(cmd)
	}
	want := map[string]string{
		"set":        "calls=1 rejected=0 failed=0",
		"multi":      "calls=2 rejected=0 failed=0",
		"incr":       "calls=2 rejected=0 failed=2", // one in EXEC, one from the script
		"exec":       "calls=2 rejected=0 failed=1", // only EXECABORT is EXEC's own failure
		"get":        "calls=1 rejected=2 failed=0", // the arity errors, outside and inside MULTI
		"blpop":      "calls=1 rejected=0 failed=0",
		"eval":       "calls=1 rejected=0 failed=1",
		"config|get": "calls=1 rejected=0 failed=0",
	}
	got := commandStats(t, r)
	for name, w := range want {
		if got[name] != w {
			t.Errorf("cmdstat_%s = %q, want %q", name, got[name], w)
		}
	}
	if len(got) != len(want) {
		t.Errorf("commandstats lists %v, want only %v", got, want)
	}
	// INCR in EXEC, GET's two arity errors, NOSUCH, CLIENT NOSUCH and
	// EVAL (the script's INCR error is its reply): ERR; the aborted EXEC:
	// EXECABORT.
	adminExpect(t, r, []adminCase{
		{"INFO errorstats", `"# Errorstats\r\nerrorstat_ERR:count=6\r\nerrorstat_EXECABORT:count=1\r\n"`},
	})
	if f := adminInfoFields(adminUnquote(t, r.Do("INFO stats"))); f["total_error_replies"] != "7" || f["unexpected_error_replies"] != "0" {
		t.Errorf("INFO stats error replies: total %q unexpected %q", f["total_error_replies"], f["unexpected_error_replies"])
	}
	if info := adminUnquote(t, r.Do("INFO")); strings.Contains(info, "cmdstat_") || !strings.Contains(info, "errorstat_ERR") {
		t.Errorf("INFO (default) must have errorstats and no commandstats:\n%s", info)
	}

	r.Do("CONFIG RESETSTAT")
	// CONFIG RESETSTAT is counted after it ran, as in Redis.
	if got := commandStats(t, r); len(got) != 1 || got["config|resetstat"] != "calls=1 rejected=0 failed=0" {
		t.Errorf("after CONFIG RESETSTAT: %v", got)
	}
	adminExpect(t, r, []adminCase{{"INFO errorstats", `"# Errorstats\r\n"`}})
}

// A blocked command is counted once, when it is sent, however long it
// then waits, and a client refused for NOAUTH counts against the command.
func TestCommandStatsBlockedAndNoAuth(t *testing.T) {
	s := brokertest.Start(t)
	r := s.Dial()
	w := s.Dial()
	w.Send(brokertest.Encode([]byte("BRPOP"), []byte("q"), []byte("0")))
	adminExpect(t, r, []adminCase{{"LPUSH q a", "(int) 1"}})
	if got := w.Read(); got != `["q" "a"]` {
		t.Fatalf("BRPOP: %s", got)
	}
	adminExpect(t, r, []adminCase{{"CONFIG SET requirepass pw", "OK"}})
	n := s.Dial()
	adminExpect(t, n, []adminCase{{"GET k", "NOAUTH Authentication required."}})
	got := commandStats(t, r)
	if got["brpop"] != "calls=1 rejected=0 failed=0" || got["get"] != "calls=0 rejected=1 failed=0" {
		t.Errorf("brpop %q get %q", got["brpop"], got["get"])
	}
}

// A container called bare is refused as itself, as Redis's lookupCommand
// returns the container for one argument; an unknown subcommand names no
// command and counts only as an error (redis-server 7.0.15 gave the same).
func TestCommandStatsBareContainerIsRejectedAsItself(t *testing.T) {
	s := brokertest.Start(t)
	r := s.Dial()
	adminExpect(t, r, []adminCase{
		{"CONFIG", "ERR wrong number of arguments for 'config' command"},
		{"CONFIG NOSUCH", "ERR unknown subcommand 'NOSUCH'. Try CONFIG HELP."},
		{"XINFO", "ERR wrong number of arguments for 'xinfo' command"},
	})
	got := commandStats(t, r)
	want := map[string]string{"config": "calls=0 rejected=1 failed=0", "xinfo": "calls=0 rejected=1 failed=0"}
	if len(got) != len(want) || got["config"] != want["config"] || got["xinfo"] != want["xinfo"] {
		t.Errorf("commandstats %v, want %v", got, want)
	}
}
