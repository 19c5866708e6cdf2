package kv

import (
	"strings"
	"testing"
	"time"

	"github.com/brokerd/brokerd/command"
	"github.com/brokerd/brokerd/internal/resptest"
)

// doBlocking runs line as the broker runs a command that may block:
// blockable is CanBlock (false inside MULTI and scripts), retrying is a
// re-run of a parked command. It returns the reply and the block request
// the handler made, if any.
func (x *tester) doBlocking(line string, blockable, retrying bool) (string, *command.BlockRequest) {
	x.t.Helper()
	args := resptest.Split(line)
	out := command.NewReply(x.proto)
	s, err := x.lookup(args)
	if err != nil {
		x.t.Fatalf("%s: %v", line, err)
	}
	c := command.NewCtx(out, x)
	c.Args, c.DB, c.Keyspace = args, x.store.DB(x.db), x.store
	c.SetBlockable(blockable)
	c.Retrying = retrying
	if err := s.Run(c); err != nil {
		out.Error(command.Translate(err))
	}
	req := c.TakeBlock()
	if req != nil && out.Len() != 0 {
		x.t.Errorf("%s blocked and replied %s", line, resptest.Format(out.Bytes()))
	}
	return resptest.Format(out.Bytes()), req
}

// wantServed runs a blockable command that must reply at once.
func (x *tester) wantServed(line, reply string, effects ...string) {
	x.t.Helper()
	x.wantServedRetry(false, line, reply, effects...)
}

// wantServedRetry is wantServed for a first call or a retry.
func (x *tester) wantServedRetry(retrying bool, line, reply string, effects ...string) {
	x.t.Helper()
	before := len(x.effects)
	got, req := x.doBlocking(line, true, retrying)
	if req != nil || got != reply {
		x.t.Errorf("%s = %s (blocked %v), want %s", line, got, req != nil, reply)
	}
	x.checkEffects(line, before, effects)
}

// wantAtOnce runs commands that must reply without blocking and log
// nothing; blockable false is inside MULTI or a script.
func (x *tester) wantAtOnce(blockable bool, cases []cmdReply) {
	x.t.Helper()
	for _, c := range cases {
		before := len(x.effects)
		if got, req := x.doBlocking(c.cmd, blockable, false); got != c.want || req != nil {
			x.t.Errorf("%s = %s (blocked %v), want %s", c.cmd, got, req != nil, c.want)
		}
		x.checkEffects(c.cmd, before, nil)
	}
}

func (x *tester) checkEffects(line string, before int, want []string) {
	x.t.Helper()
	var got []string
	for _, e := range x.effects[before:] {
		args := make([]string, len(e.args))
		for i, a := range e.args {
			args[i] = string(a)
		}
		got = append(got, strings.Join(args, " "))
	}
	if strings.Join(got, " | ") != strings.Join(want, " | ") {
		x.t.Errorf("%s\n effects: %q\n    want: %q", line, got, want)
	}
}

// wantBlocked runs a command that must park on keys with timeout.
func (x *tester) wantBlocked(line string, retrying bool, keys string, timeout time.Duration) *command.BlockRequest {
	x.t.Helper()
	before := len(x.effects)
	got, req := x.doBlocking(line, true, retrying)
	if req == nil {
		x.t.Fatalf("%s replied %s, want it to block", line, got)
	}
	var ks []string
	for _, k := range req.Keys {
		ks = append(ks, string(k))
	}
	if strings.Join(ks, " ") != keys || (!retrying && req.Timeout != timeout) {
		x.t.Errorf("%s blocked on %q for %v, want %q for %v", line, ks, req.Timeout, keys, timeout)
	}
	x.checkEffects(line, before, nil)
	return req
}

func TestListBlockingServesAtOnce(t *testing.T) {
	x := newStringTester(t)
	x.want("RPUSH b 1 2 3", "(int) 3")
	x.want("RPUSH c x", "(int) 1")
	x.wantServed("BLPOP a b c 0", `["b" "1"]`, "LPOP b")
	x.wantServed("BRPOP a c b 0.5", `["c" "x"]`, "RPOP c")
	x.wantServed("BLMPOP 0 3 a c b RIGHT COUNT 5", `["b" ["3" "2"]]`, "RPOP b 2")
	x.want("RPUSH q j1 j2", "(int) 2")
	x.wantServed("BLMOVE q work RIGHT LEFT 0", `"j2"`, "LMOVE q work RIGHT LEFT")
	x.wantServed("BRPOPLPUSH q work 0", `"j1"`, "RPOPLPUSH q work")
	x.want("LRANGE work 0 -1", `["j1" "j2"]`)
	x.wantServed("BLMOVE work work LEFT RIGHT 0", `"j1"`, "LMOVE work work LEFT RIGHT")
	x.want("LRANGE work 0 -1", `["j2" "j1"]`)
	x.want("EXISTS b c q", "(int) 0")
	x.checkReplay()
}

func TestListBlockingWrongType(t *testing.T) {
	x := newStringTester(t)
	x.want("SET s v", "OK")
	x.want("RPUSH l a b", "(int) 2")
	x.wantServed("BLPOP s l 0", wrongType)
	x.wantServed("BLPOP missing s l 0", wrongType)
	x.wantServed("BLPOP l s 0", `["l" "a"]`, "LPOP l")
	x.wantServed("BLMPOP 0 2 s l LEFT", wrongType)
	x.wantServed("BLMOVE s l LEFT LEFT 0", wrongType)
	x.wantServed("BLMOVE l s LEFT LEFT 0", wrongType)
	x.wantServed("BRPOPLPUSH l s 0", wrongType)
	x.want("LRANGE l 0 -1", `["b"]`)
	// A string among empty keys fails at call time too.
	x.wantServed("BLPOP missing s 0", wrongType)
	x.wantServed("BRPOPLPUSH s d 0", wrongType)
}

func TestListBlockingParks(t *testing.T) {
	x := newStringTester(t)
	x.wantBlocked("BLPOP a b 0", false, "a b", 0)
	x.wantBlocked("BRPOP a 0.1", false, "a", 100*time.Millisecond)
	x.wantBlocked("BLPOP a 0.0001", false, "a", time.Millisecond)
	x.wantBlocked("BLPOP a -0.0001", false, "a", 0) // rounds up to 0: forever
	x.wantBlocked("BLPOP a 1e3", false, "a", 1000*time.Second)
	x.wantBlocked("BLPOP a 0x10", false, "a", 16*time.Second) // strtold reads hex
	x.wantBlocked("BLPOP a 0x1.8p1", false, "a", 3*time.Second)
	x.wantBlocked("BLMPOP 2.5 2 a b LEFT COUNT 3", false, "a b", 2500*time.Millisecond)
	x.wantBlocked("BRPOPLPUSH a b 1", false, "a", time.Second)
	// Every list wait times out with the broker's null array, BLMOVE's
	// too (Redis's replyToBlockedClientTimedOut).
	for _, tt := range []struct {
		cmd     string
		timeout time.Duration
	}{{"BLMOVE a b LEFT RIGHT 0", 0}, {"BLPOP a 1", time.Second}} {
		if req := x.wantBlocked(tt.cmd, false, "a", tt.timeout); req.OnTimeout != nil {
			t.Errorf("%s: own timeout reply, want the null array", tt.cmd)
		}
	}
}

// A parked list command is retried only once one of its keys holds a
// list (BlockRequest.Ready); a key of another type or a deleted one leaves
// it waiting, as a retry would.
func TestListBlockingReadyOnlyWithAList(t *testing.T) {
	x := newStringTester(t)
	for _, tt := range []struct{ line, keys string }{
		{"BLPOP a b 0", "a b"}, {"BLMPOP 0 2 a b RIGHT", "a b"}, {"BLMOVE b dst LEFT RIGHT 0", "b"},
	} {
		line := tt.line
		req := x.wantBlocked(line, false, tt.keys, 0)
		ready := func() bool { return req.Ready("b", x.store.DB(0).Peek([]byte("b"))) }
		if req.Ready == nil || ready() {
			t.Fatalf("%s: ready to retry with no list, want it to wait", line)
		}
		x.do("SET b string")
		if ready() {
			t.Errorf("%s: ready to retry when b holds a string", line)
		}
		x.do("DEL b")
		x.do("RPUSH b job")
		if !ready() {
			t.Errorf("%s: not ready to retry when b holds a list", line)
		}
		x.do("RPOP b")
		if ready() {
			t.Errorf("%s: ready to retry once b was emptied again", line)
		}
	}
}

// TestListBlockingWithoutBlocking: inside MULTI or a script a blocking
// command answers as its non-blocking form would.
func TestListBlockingWithoutBlocking(t *testing.T) {
	x := newStringTester(t)
	x.wantAtOnce(false, []cmdReply{
		{"BLPOP a b 0", "(nil array)"},
		{"BRPOP a 1", "(nil array)"},
		{"BLMPOP 0 1 a LEFT", "(nil array)"},
		{"BLMOVE a b LEFT LEFT 0", "(nil)"},
		{"BRPOPLPUSH a b 0", "(nil)"},
	})
	x.want("RPUSH a v", "(int) 1")
	if got, _ := x.doBlocking("BLPOP a 0", false, false); got != `["a" "v"]` {
		t.Errorf("BLPOP in MULTI with data = %s", got)
	}
}

func TestListBlockingTimeoutErrors(t *testing.T) {
	x := newStringTester(t)
	x.wantAtOnce(true, []cmdReply{
		{"BLPOP a -1", "ERR timeout is negative"},
		{"BLPOP a -inf", "ERR timeout is negative"},
		{"BLPOP a x", "ERR timeout is not a float or out of range"},
		{"BLPOP a nan", "ERR timeout is not a float or out of range"},
		{"BLPOP a 1_0", "ERR timeout is not a float or out of range"}, // Go's literal syntax, not strtold's
		{"BLPOP a 0x", "ERR timeout is not a float or out of range"},
		{"BLPOP a 0x1_0", "ERR timeout is not a float or out of range"},
		{"BLPOP a -0x1", "ERR timeout is negative"},
		{"BLPOP a \" 1\"", "ERR timeout is not a float or out of range"},
		{"BLPOP a inf", "ERR timeout is out of range"},
		{"BLPOP a 1e300", "ERR timeout is out of range"},
		{"BRPOP a b -0.5", "ERR timeout is negative"},
		{"BLMOVE a b LEFT RIGHT -1", "ERR timeout is negative"},
		{"BLMOVE a b UP RIGHT -1", "ERR syntax error"}, // ends before the timeout
		{"BRPOPLPUSH a b x", "ERR timeout is not a float or out of range"},
		{"BLMPOP x 1 a LEFT", "ERR timeout is not a float or out of range"},
		{"BLMPOP -1 0 a LEFT", "ERR numkeys should be greater than 0"}, // the rest before the timeout
		{"BLMPOP -1 1 a UP", "ERR syntax error"},
		{"BLMPOP 0 1 a LEFT COUNT 0", "ERR count should be greater than 0"},
	})
	// The timeout is parsed before the keys are looked at.
	x.want("RPUSH a v", "(int) 1")
	if got, _ := x.doBlocking("BLPOP a -1", true, false); got != "ERR timeout is negative" {
		t.Errorf("BLPOP with data and a negative timeout = %s", got)
	}
}

// TestListBlockingRetry: the broker re-runs a parked command when one of
// its keys is written. Redis re-runs it only if that key now holds a list,
// so a key that became a string keeps the client waiting.
func TestListBlockingRetry(t *testing.T) {
	x := newStringTester(t)
	x.wantBlocked("BLPOP a b 0.1", false, "a b", 100*time.Millisecond)
	x.want("SET a str", "OK")
	x.wantBlocked("BLPOP a b 0.1", true, "a b", 0)
	x.wantBlocked("BLMOVE a d LEFT LEFT 0", true, "a", 0)
	x.wantBlocked("BLMPOP 0 2 b a LEFT", true, "b a", 0)
	x.want("RPUSH b j1 j2", "(int) 2")
	// With a list to serve, the command runs as at call time: the string
	// in front of it is WRONGTYPE, as Redis's re-run replies.
	x.wantServedRetry(true, "BLPOP a b 0", wrongType)
	x.wantServedRetry(true, "BLPOP b a 0", `["b" "j1"]`, "LPOP b")
	x.wantServedRetry(true, "BLMPOP 0 2 b a RIGHT COUNT 3", `["b" ["j2"]]`, "RPOP b 1")
	x.want("DEL a", "(int) 1")
	x.wantBlocked("BRPOPLPUSH a d 0", true, "a", 0)
	x.want("LPUSH a x", "(int) 1")
	x.wantServedRetry(true, "BRPOPLPUSH a d 0", `"x"`, "RPOPLPUSH a d")
	x.checkReplay()
}
