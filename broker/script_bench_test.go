package broker_test

import (
	"testing"

	"github.com/brokerd/brokerd/broker"
	"github.com/brokerd/brokerd/internal/brokertest"
)

// BenchmarkScriptEval measures a trivial EVAL and one that calls a command,
// in process through Server.Exec (no socket), beside the plain command.
func BenchmarkScriptEval(b *testing.B) {
	s := brokertest.Start(b)
	for _, bc := range []struct {
		name string
		args []string
	}{
		{"GET", []string{"GET", "k"}},
		{"EVAL return 1", []string{"EVAL", "return 1", "0"}},
		{"EVAL redis.call GET", []string{"EVAL", "return redis.call('get', KEYS[1])", "1", "k"}},
		{"EVALSHA redis.call GET", []string{"EVALSHA", "", "1", "k"}},
	} {
		args := make([][]byte, len(bc.args))
		for i, a := range bc.args {
			args[i] = []byte(a)
		}
		if bc.args[0] == "EVALSHA" {
			args[1] = []byte(sha1hexForBench("return redis.call('get', KEYS[1])"))
		}
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := s.Exec(0, args...); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func sha1hexForBench(s string) string { return broker.Sha1hex(s) }
