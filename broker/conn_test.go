package broker_test

import (
	"strings"
	"testing"

	"github.com/brokerd/brokerd/internal/brokertest"
)

func TestDispatchErrors(t *testing.T) {
	s := brokertest.Start(t)
	r := s.Dial()
	tests := []struct{ cmd, want string }{
		{"NOSUCH", "ERR unknown command 'NOSUCH', with args beginning with: "},
		{"nosuch a b", "ERR unknown command 'nosuch', with args beginning with: 'a' 'b' "},
		{"GET", "ERR wrong number of arguments for 'get' command"},
		{"get a b", "ERR wrong number of arguments for 'get' command"},
		{"PING a b", "ERR wrong number of arguments for 'ping' command"},
		{"OBJECT", "ERR wrong number of arguments for 'object' command"},
		{"OBJECT nosuch k", "ERR unknown subcommand 'nosuch'. Try OBJECT HELP."},
		{"object encoding", "ERR wrong number of arguments for 'object|encoding' command"},
		{"SELECT x", "ERR value is not an integer or out of range"},
		{"SELECT 16", "ERR DB index is out of range"},
		{"SELECT -1", "ERR DB index is out of range"},
		// The connection is still usable after every error above.
		{"PING", "PONG"},
	}
	for _, tt := range tests {
		if got := r.Do(tt.cmd); got != tt.want {
			t.Errorf("%s\n got: %s\nwant: %s", tt.cmd, got, tt.want)
		}
	}
	long := strings.Repeat("a", 200)
	want := "ERR unknown command '" + long[:128] + "', with args beginning with: '" + long[:128] + "' "
	if got := r.Do("x" + long[1:] + " " + long); got != strings.Replace(want, "'a", "'x", 1) {
		t.Errorf("long unknown command:\n got: %s", got)
	}
}

func TestConnectionCommands(t *testing.T) {
	s := brokertest.Start(t)
	r := s.Dial()
	for _, tt := range []struct{ cmd, want string }{
		{"PING", "PONG"},
		{"PING hello", `"hello"`},
		{"ECHO \"a b\"", `"a b"`},
		{"SELECT 15", "OK"},
		{"SET k v", "OK"},
		{"SELECT 0", "OK"},
		{"EXISTS k", "(int) 0"},
		{"AUTH pass", "ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?"},
		{"AUTH default anything", "OK"},
		{"AUTH nobody pass", "WRONGPASS invalid username-password pair or user is disabled."},
		{"AUTH a b c", "ERR syntax error"},
		{"HELLO 4", "NOPROTO unsupported protocol version"},
		{"HELLO x", "ERR Protocol version is not an integer or out of range"},
		{"HELLO 3 BOGUS", "ERR Syntax error in HELLO option 'BOGUS'"},
		{"HELLO 2 SETNAME \"a b\"", "ERR Client names cannot contain spaces, newlines or special characters."},
		{"SELECT 3", "OK"},
		{"RESET", "RESET"},
		{"SET k2 v", "OK"},
		{"SELECT 3", "OK"},
		{"EXISTS k2", "(int) 0"},
		{"QUIT", "OK"},
		{"PING", "<closed>"},
	} {
		if got := r.Do(tt.cmd); got != tt.want {
			t.Errorf("%s\n got: %s\nwant: %s", tt.cmd, got, tt.want)
		}
	}
}

func TestHello(t *testing.T) {
	s := brokertest.Start(t)
	r := s.Dial()
	got := r.Do("HELLO 3 SETNAME worker-1")
	for _, part := range []string{`"server":"redis"`, `"version":"7.2.4"`, `"proto":(int) 3`, `"mode":"standalone"`, `"role":"master"`, `"modules":[]`} {
		if !strings.Contains(got, part) {
			t.Errorf("HELLO 3 reply %s lacks %s", got, part)
		}
	}
	if !strings.HasPrefix(got, "{") {
		t.Errorf("HELLO 3 must reply a RESP3 map, got %s", got)
	}
	if got := r.Do("GET nosuch"); got != "(nil)" {
		t.Errorf("RESP3 null: %s", got)
	}
	if got := r.Do("HELLO 2"); !strings.HasPrefix(got, `["server" "redis"`) {
		t.Errorf("HELLO 2 must reply a flat array, got %s", got)
	}
	if got := r.Do("HELLO"); !strings.Contains(got, `"proto" (int) 2`) {
		t.Errorf("HELLO without version keeps the protocol: %s", got)
	}
}

func TestAuthRequired(t *testing.T) {
	s := brokertest.Start(t, brokertest.WithPassword("secret"))
	r := s.Dial()
	for _, tt := range []struct{ cmd, want string }{
		{"GET k", "NOAUTH Authentication required."},
		{"PING", "NOAUTH Authentication required."},
		{"HELLO 3", "NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time"},
		{"AUTH wrong", "WRONGPASS invalid username-password pair or user is disabled."},
		{"AUTH default wrong", "WRONGPASS invalid username-password pair or user is disabled."},
		{"AUTH secret", "OK"},
		{"SET k v", "OK"},
		{"RESET", "RESET"},
		{"GET k", "NOAUTH Authentication required."},
		{"HELLO 2 AUTH default secret", `["server" "redis" "version" "7.2.4" "proto" (int) 2 "id" (int) 1 "mode" "standalone" "role" "master" "modules" []]`},
		{"GET k", `"v"`},
	} {
		if got := r.Do(tt.cmd); got != tt.want {
			t.Errorf("%s\n got: %s\nwant: %s", tt.cmd, got, tt.want)
		}
	}
	// go-redis authenticates with HELLO ... AUTH on connect.
	if err := s.Client().Set(brokertest.Ctx(), "k2", "v", 0).Err(); err != nil {
		t.Fatal(err)
	}
	if err := s.Client3().Get(brokertest.Ctx(), "k2").Err(); err != nil {
		t.Fatal(err)
	}
}

func TestProtocolErrorsCloseTheConnection(t *testing.T) {
	s := brokertest.Start(t)
	for _, tt := range []struct{ name, send, want string }{
		{"bad multibulk length", "*x\r\n", "ERR Protocol error: invalid multibulk length"},
		{"expected dollar", "*1\r\n:1\r\n", "ERR Protocol error: expected '$', got ':'"},
		{"bulk over 512MB", "*1\r\n$536870913\r\n", "ERR Protocol error: invalid bulk length"},
		{"multibulk over 1M items", "*1048577\r\n", "ERR Protocol error: invalid multibulk length"},
		{"inline over 64KB", strings.Repeat("a", 70000), "ERR Protocol error: too big inline request"},
		{"unbalanced quotes", "SET \"k v\r\n", "ERR Protocol error: unbalanced quotes in request"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := s.Dial()
			r.Send("*1\r\n$4\r\nPING\r\n" + tt.send)
			if got := r.Read(); got != "PONG" {
				t.Fatalf("the command before the error: %s", got)
			}
			if got := r.Read(); got != tt.want {
				t.Fatalf("got %s, want %s", got, tt.want)
			}
			if !r.Closed() {
				t.Fatal("connection still open after a protocol error")
			}
		})
	}
	t.Run("empty multibulk is ignored", func(t *testing.T) {
		r := s.Dial()
		r.Send("*0\r\n*-1\r\n")
		if got := r.Do("PING"); got != "PONG" {
			t.Fatalf("got %s", got)
		}
	})
	t.Run("inline commands", func(t *testing.T) {
		r := s.Dial()
		r.Send("SET k \"a b\"\r\nGET k\r\n")
		if got := r.Read() + " " + r.Read(); got != `OK "a b"` {
			t.Fatalf("got %s", got)
		}
	})
}

func TestMaxClients(t *testing.T) {
	s := brokertest.Start(t, brokertest.WithConfig(func(c *brokerConfig) { c.MaxClients = 1 }))
	first := s.Dial()
	if got := first.Do("PING"); got != "PONG" {
		t.Fatal(got)
	}
	second := s.Dial()
	if got := second.Read(); got != "ERR max number of clients reached" {
		t.Fatalf("got %s", got)
	}
	if !second.Closed() {
		t.Fatal("rejected connection left open")
	}
}
