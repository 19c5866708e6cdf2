package broker_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/brokerd/brokerd/internal/brokertest"
	"github.com/redis/go-redis/v9"
)

func TestMultiExec(t *testing.T) {
	s := brokertest.Start(t)
	for _, tc := range []struct {
		name  string
		steps [][2]string // command, reply
	}{
		{"runs queued commands in order", [][2]string{
			{"MULTI", "OK"}, {"SET a 1", "QUEUED"}, {"INCR a", "QUEUED"}, {"GET a", "QUEUED"},
			{"EXEC", `[OK (int) 2 "2"]`}, {"GET a", `"2"`},
		}},
		{"empty transaction", [][2]string{{"MULTI", "OK"}, {"EXEC", "[]"}}},
		{"a queuing error aborts the whole transaction", [][2]string{
			{"MULTI", "OK"}, {"SET b 1", "QUEUED"}, {"SET b", "ERR wrong number of arguments for 'set' command"},
			{"EXEC", "EXECABORT Transaction discarded because of previous errors."}, {"EXISTS b", "(int) 0"},
		}},
		{"an unknown command aborts the whole transaction", [][2]string{
			{"MULTI", "OK"}, {"SET c 1", "QUEUED"}, {"NOSUCH x", "ERR unknown command 'NOSUCH', with args beginning with: 'x' "},
			{"EXEC", "EXECABORT Transaction discarded because of previous errors."}, {"EXISTS c", "(int) 0"},
		}},
		{"a runtime error is one reply and the rest still runs", [][2]string{
			{"SET s x", "OK"}, {"MULTI", "OK"}, {"INCR s", "QUEUED"}, {"SET s y", "QUEUED"},
			{"EXEC", `[ERR value is not an integer or out of range OK]`}, {"GET s", `"y"`},
		}},
		{"a refused EXEC discards the transaction at once (execCommandAbort)", [][2]string{
			{"MULTI", "OK"}, {"SET e 1", "QUEUED"},
			{"EXEC x", "EXECABORT Transaction discarded because of: wrong number of arguments for 'exec' command"},
			{"EXEC", "ERR EXEC without MULTI"}, {"EXISTS e", "(int) 0"},
		}},
		{"DISCARD drops the queue", [][2]string{
			{"MULTI", "OK"}, {"SET d 1", "QUEUED"}, {"DISCARD", "OK"}, {"EXISTS d", "(int) 0"},
		}},
		{"misuse", [][2]string{
			{"EXEC", "ERR EXEC without MULTI"}, {"DISCARD", "ERR DISCARD without MULTI"},
			{"MULTI", "OK"}, {"MULTI", "ERR MULTI calls can not be nested"},
			{"WATCH x", "ERR WATCH inside MULTI is not allowed"},
			{"PING", "QUEUED"}, {"EXEC", "[PONG]"},
		}},
		{"SELECT inside the transaction moves the rest", [][2]string{
			{"MULTI", "OK"}, {"SELECT 3", "QUEUED"}, {"SET e 1", "QUEUED"}, {"EXEC", "[OK OK]"},
			{"EXISTS e", "(int) 1"}, {"SELECT 0", "OK"}, {"EXISTS e", "(int) 0"},
		}},
		{"RESET leaves MULTI", [][2]string{
			{"MULTI", "OK"}, {"SET f 1", "QUEUED"}, {"RESET", "RESET"}, {"EXEC", "ERR EXEC without MULTI"}, {"EXISTS f", "(int) 0"},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := s.Dial()
			for _, st := range tc.steps {
				if got := r.Do(st[0]); got != st[1] {
					t.Fatalf("%s\n got: %s\nwant: %s", st[0], got, st[1])
				}
			}
		})
	}
}

func TestWatch(t *testing.T) {
	s := brokertest.Start(t)
	other := s.Dial()
	for _, tc := range []struct {
		name   string
		before func(r *brokertest.Raw)
		want   string
	}{
		{"untouched key", func(*brokertest.Raw) {}, "[OK]"},
		{"written by another client", func(*brokertest.Raw) { other.Do("SET w theirs") }, "(nil array)"},
		{"written by the watcher itself", func(r *brokertest.Raw) { r.Do("SET w mine") }, "(nil array)"},
		{"deleted", func(*brokertest.Raw) { other.Do("DEL w") }, "(nil array)"},
		{"expired", func(*brokertest.Raw) { other.Do("PEXPIRE w 1"); other.Do("SET w2 x"); other.Do("DEL w") }, "(nil array)"},
		{"flushed", func(*brokertest.Raw) { other.Do("FLUSHDB") }, "(nil array)"},
		// Redis's EXPIRE, PERSIST and GETEX signal the key as modified.
		{"given a TTL", func(*brokertest.Raw) { other.Do("EXPIRE w 100") }, "(nil array)"},
		{"given a TTL by GETEX", func(*brokertest.Raw) { other.Do("GETEX w PX 100000") }, "(nil array)"},
		{"TTL removed by PERSIST", func(r *brokertest.Raw) {
			r.Do("UNWATCH")
			other.Do("SET w start EX 100")
			r.Do("WATCH w")
			other.Do("PERSIST w")
		}, "(nil array)"},
		{"PERSIST without a TTL", func(*brokertest.Raw) { other.Do("PERSIST w") }, "[OK]"},
		{"GETEX without options", func(*brokertest.Raw) { other.Do("GETEX w") }, "[OK]"},
		{"UNWATCH forgets", func(r *brokertest.Raw) { r.Do("UNWATCH"); other.Do("SET w theirs") }, "[OK]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			other.Do("SET w start")
			r := s.Dial()
			if got := r.Do("WATCH w"); got != "OK" {
				t.Fatal(got)
			}
			tc.before(r)
			r.Do("MULTI")
			r.Do("SET w tx")
			if got := r.Do("EXEC"); got != tc.want {
				t.Fatalf("EXEC = %s, want %s", got, tc.want)
			}
			// EXEC unwatches: the next transaction runs.
			other.Do("SET w again")
			r.Do("MULTI")
			r.Do("PING")
			if got := r.Do("EXEC"); got != "[PONG]" {
				t.Fatalf("second EXEC = %s", got)
			}
		})
	}
}

// TestGoRedisOptimisticLocking runs go-redis's WATCH/MULTI/EXEC pattern:
// concurrent increments through Watch + TxPipelined must not lose updates.
func TestGoRedisOptimisticLocking(t *testing.T) {
	brokertest.EachProtocol(t, func(t *testing.T, s *brokertest.Server, rdb *redis.Client) {
		ctx := context.Background()
		incr := func() error {
			for {
				err := rdb.Watch(ctx, func(tx *redis.Tx) error {
					n, err := tx.Get(ctx, "counter").Int()
					if err != nil && !errors.Is(err, redis.Nil) {
						return err
					}
					_, err = tx.TxPipelined(ctx, func(p redis.Pipeliner) error {
						p.Set(ctx, "counter", n+1, 0)
						return nil
					})
					return err
				}, "counter")
				if !errors.Is(err, redis.TxFailedErr) {
					return err
				}
			}
		}
		const workers, each = 4, 50
		errc := make(chan error, workers)
		for range workers {
			go func() {
				for range each {
					if err := incr(); err != nil {
						errc <- err
						return
					}
				}
				errc <- nil
			}()
		}
		for range workers {
			if err := <-errc; err != nil {
				t.Fatal(err)
			}
		}
		if n, err := rdb.Get(ctx, "counter").Int(); err != nil || n != workers*each {
			t.Fatalf("counter = %d, %v; want %d", n, err, workers*each)
		}
	})
}

func TestBlockingCommandInMultiDoesNotBlock(t *testing.T) {
	s := startWithBtake(t)
	r := s.Dial()
	r.Do("MULTI")
	r.Do("BTAKE k 0")
	if got := r.Do("EXEC"); got != "[(nil array)]" {
		t.Fatalf("EXEC = %s", got)
	}
}

func TestWritesInExecWakeWaitersAfterwards(t *testing.T) {
	s := startWithBtake(t)
	waiter := s.Dial()
	waiter.Send(brokertest.Encode([]byte("BTAKE"), []byte("k"), []byte("0")))
	waitBlocked(t, s, 1)
	r := s.Dial()
	// The key exists only in the middle of the transaction: the waiter
	// sees the state after EXEC and keeps waiting.
	for _, cmd := range []string{"MULTI", "SET k 1", "DEL k", "EXEC"} {
		r.Do(cmd)
	}
	waitBlocked(t, s, 1)
	for _, cmd := range []string{"MULTI", "SET k 1", "SET other 1", "EXEC"} {
		r.Do(cmd)
	}
	if got := waiter.Read(); got != `"k"` {
		t.Fatalf("waiter got %s", got)
	}
}

func TestExecIsDurableAsAWhole(t *testing.T) {
	s := brokertest.Start(t)
	r := s.Dial()
	for _, cmd := range []string{"MULTI", "SET a 1", "INCR a", "SET b x", "EXPIRE b 100", "EXEC"} {
		r.Do(cmd)
	}
	s.Restart()
	r = s.Dial()
	if got := r.Do("MGET a b"); got != `["2" "x"]` {
		t.Fatalf("after restart MGET = %s", got)
	}
	if got := r.Do("TTL b"); got == "(int) -1" || got == "(int) -2" {
		t.Fatalf("after restart TTL b = %s", got)
	}
}

// TestWatchExpiry follows Redis 7's rules for watched keys with a TTL: a
// key that expires between WATCH and EXEC fails the EXEC even if nothing
// removed it yet (isWatchedKeyExpired), while a key that was already
// expired at WATCH time may be removed without failing it
// (touchWatchedKey).
func TestWatchExpiry(t *testing.T) {
	s := brokertest.Start(t)
	other := s.Dial()
	// gone waits until the key's TTL has run out (PTTL does not remove it).
	gone := func(t *testing.T, key string) {
		brokertest.Eventually(t, 5*time.Second, func() error {
			if got := other.Do("PTTL " + key); got != "(int) -2" {
				return fmt.Errorf("PTTL %s = %s", key, got)
			}
			return nil
		})
	}
	for _, tc := range []struct {
		name string
		run  func(t *testing.T, r *brokertest.Raw)
		want string
	}{
		{"expires after WATCH", func(t *testing.T, r *brokertest.Raw) {
			other.Do("SET e1 v PX 200")
			r.Do("WATCH e1")
			if got := other.Do("PTTL e1"); got == "(int) -2" {
				t.Skip("the key expired before WATCH ran")
			}
			gone(t, "e1")
		}, "(nil array)"},
		{"expired before WATCH, then removed", func(t *testing.T, r *brokertest.Raw) {
			other.Do("SET e2 v PX 1")
			gone(t, "e2")
			r.Do("WATCH e2")
			other.Do("DEL e2") // removes the expired key, then finds nothing
		}, "[PONG]"},
		{"expired before WATCH, then written", func(t *testing.T, r *brokertest.Raw) {
			other.Do("SET e3 v PX 1")
			gone(t, "e3")
			r.Do("WATCH e3")
			other.Do("SET e3 new")
		}, "(nil array)"},
		{"expired before WATCH and still there", func(t *testing.T, r *brokertest.Raw) {
			other.Do("SET e4 v PX 1")
			gone(t, "e4")
			r.Do("WATCH e4")
		}, "[PONG]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := s.Dial()
			tc.run(t, r)
			r.Do("MULTI")
			r.Do("PING")
			if got := r.Do("EXEC"); got != tc.want {
				t.Fatalf("EXEC = %s, want %s", got, tc.want)
			}
		})
	}
}
