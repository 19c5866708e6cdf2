package broker_test

import (
	"sync"
	"testing"

	"github.com/brokerd/brokerd/broker"
	"github.com/brokerd/brokerd/internal/brokertest"
	"github.com/brokerd/brokerd/wal"
)

func TestExecRunsCommandsDurably(t *testing.T) {
	s := brokertest.Start(t)
	for _, tc := range []struct {
		db   int
		args []string
		want string
	}{
		{2, []string{"SET", "k", "v"}, "+OK\r\n"},
		{2, []string{"GET", "k"}, "$1\r\nv\r\n"},
		{0, []string{"GET", "k"}, "$-1\r\n"},
		{0, []string{"NOSUCH"}, "-ERR unknown command 'NOSUCH', with args beginning with: \r\n"},
	} {
		var args [][]byte
		for _, a := range tc.args {
			args = append(args, []byte(a))
		}
		got, err := s.Exec(tc.db, args...)
		if err != nil || string(got) != tc.want {
			t.Errorf("Exec(%d, %v) = %q, %v; want %q", tc.db, tc.args, got, err, tc.want)
		}
	}
	if _, err := s.Exec(0, []byte("SUBSCRIBE"), []byte("c")); err != broker.ErrNotForInternal {
		t.Errorf("SUBSCRIBE through Exec: %v", err)
	}
	s.Restart()
	if got := s.Dial().Do("SELECT 2"); got != "OK" {
		t.Fatal(got)
	}
	if got, _ := s.Exec(2, []byte("GET"), []byte("k")); string(got) != "$1\r\nv\r\n" {
		t.Fatalf("after restart: %q", got)
	}
}

func TestTapsSeePublishesAndLogRecords(t *testing.T) {
	var mu sync.Mutex
	var published, logged []string
	s := brokertest.Start(t)
	s.SetTaps(broker.Taps{
		Published: func(ch, msg []byte) {
			mu.Lock()
			published = append(published, string(ch)+"="+string(msg))
			mu.Unlock()
		},
		Logged: func(ops []wal.Op) {
			mu.Lock()
			for _, op := range ops {
				logged = append(logged, string(op.Args[0])+" "+string(op.Args[1]))
			}
			mu.Unlock()
		},
	})
	r := s.Dial()
	r.Do("PUBLISH news hi")
	r.Do("SET a 1")
	r.Do("GET a")
	mu.Lock()
	defer mu.Unlock()
	if len(published) != 1 || published[0] != "news=hi" {
		t.Errorf("published = %v", published)
	}
	if len(logged) != 1 || logged[0] != "SET a" {
		t.Errorf("logged = %v", logged)
	}
}
