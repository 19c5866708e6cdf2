package broker_test

import (
	"regexp"
	"testing"
	"time"

	"github.com/brokerd/brokerd/internal/brokertest"
)

func TestTime(t *testing.T) {
	s := brokertest.Start(t)
	for name, rdb := range map[string]func() (time.Time, error){
		"RESP2": func() (time.Time, error) { return s.Client().Time(brokertest.Ctx()).Result() },
		"RESP3": func() (time.Time, error) { return s.Client3().Time(brokertest.Ctx()).Result() },
	} {
		got, err := rdb()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		// Same machine, same clock: only a gross error would be a minute off.
		if d := time.Since(got); d < -time.Minute || d > time.Minute {
			t.Errorf("%s: TIME = %v, local clock %v", name, got, time.Now())
		}
	}
	reply := s.Dial().Do("TIME")
	if !regexp.MustCompile(`^\["\d{10,}" "\d{1,6}"\]$`).MatchString(reply) {
		t.Errorf("TIME = %s", reply)
	}
}

func TestShutdownErrors(t *testing.T) {
	s := brokertest.Start(t)
	adminExpect(t, s.Dial(), []adminCase{
		{"SHUTDOWN ABORT", "ERR No shutdown in progress."},
		{"SHUTDOWN ABORT NOW", "ERR syntax error"},
		{"SHUTDOWN SAVE NOSAVE", "ERR syntax error"},
		{"SHUTDOWN LATER", "ERR syntax error"},
		{"PING", "PONG"},
	})
}

func TestShutdownStopsServerWithoutReply(t *testing.T) {
	for _, args := range []string{"SHUTDOWN", "SHUTDOWN NOSAVE NOW FORCE", "shutdown save"} {
		t.Run(args, func(t *testing.T) {
			s := brokertest.Start(t)
			other := s.Dial()
			adminExpect(t, other, []adminCase{{"PING", "PONG"}})
			r := s.Dial()
			r.Send(brokertest.Encode(splitWords(args)...))
			if !r.Closed() {
				t.Fatal("SHUTDOWN replied or left the connection open")
			}
			if err := s.Wait(); err != nil {
				t.Fatalf("Serve returned %v after SHUTDOWN", err)
			}
			if !other.Closed() {
				t.Error("other connection still open after SHUTDOWN")
			}
		})
	}
}

func TestShutdownGoRedis(t *testing.T) {
	s := brokertest.Start(t)
	if err := s.Client().Shutdown(brokertest.Ctx()).Err(); err != nil {
		t.Fatalf("go-redis Shutdown: %v", err)
	}
	if err := s.Wait(); err != nil {
		t.Fatalf("Serve returned %v", err)
	}
}

func splitWords(s string) [][]byte {
	var out [][]byte
	for _, w := range regexp.MustCompile(`\S+`).FindAllString(s, -1) {
		out = append(out, []byte(w))
	}
	return out
}
