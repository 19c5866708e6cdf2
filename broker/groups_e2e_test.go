package broker_test

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/brokerd/brokerd/internal/brokertest"
	"github.com/redis/go-redis/v9"
)

// jobQueue is the shared state of an at-least-once run: which jobs were
// processed, which XACKs the server acknowledged.
type jobQueue struct {
	total     int
	processed sync.Map     // id → struct{}
	acked     sync.Map     // id → struct{}
	nDone     atomic.Int64 // jobs processed
	nAcked    atomic.Int64 // jobs whose XACK the server acknowledged
}

func (q *jobQueue) produce(t *testing.T, rdb *redis.Client) {
	ctx := context.Background()
	if err := rdb.XGroupCreateMkStream(ctx, "jobs", "workers", "$").Err(); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < q.total; i += 500 {
		pipe := rdb.Pipeline()
		for j := i; j < i+500 && j < q.total; j++ {
			pipe.XAdd(ctx, &redis.XAddArgs{Stream: "jobs", Values: []any{"job", j}})
		}
		if _, err := pipe.Exec(ctx); err != nil {
			t.Fatal(err)
		}
	}
}

// work is one worker: XREADGROUP BLOCK for new jobs, XAUTOCLAIM for jobs
// idle longer than minIdle (those of a worker that stopped), an XACK per
// job. A quitter stops acking, and then working, once half the jobs are
// acknowledged. It returns when ctx ends or the connection fails.
func (q *jobQueue) work(ctx context.Context, addr, name string, quitter bool) {
	rdb := redis.NewClient(&redis.Options{Addr: addr, MaxRetries: -1, DisableIdentity: true})
	defer rdb.Close()
	const minIdle = 50 * time.Millisecond
	handle := func(msgs []redis.XMessage) error {
		if len(msgs) == 0 {
			return nil
		}
		if quitter && q.nAcked.Load() >= int64(q.total/2) {
			return errors.New("quit without acking")
		}
		pipe := rdb.Pipeline()
		acks := make([]*redis.IntCmd, len(msgs))
		for i, m := range msgs {
			if _, dup := q.processed.LoadOrStore(m.ID, struct{}{}); !dup {
				q.nDone.Add(1)
			}
			acks[i] = pipe.XAck(ctx, "jobs", "workers", m.ID)
		}
		if _, err := pipe.Exec(ctx); err != nil {
			return err
		}
		for i, m := range msgs {
			if acks[i].Val() == 1 {
				if _, dup := q.acked.LoadOrStore(m.ID, struct{}{}); !dup {
					q.nAcked.Add(1)
				}
			}
		}
		return nil
	}
	for ctx.Err() == nil {
		res, err := rdb.XReadGroup(ctx, &redis.XReadGroupArgs{Group: "workers", Consumer: name,
			Streams: []string{"jobs", ">"}, Count: 100, Block: 20 * time.Millisecond}).Result()
		if err != nil && !errors.Is(err, redis.Nil) {
			return
		}
		for _, st := range res {
			if handle(st.Messages) != nil {
				return
			}
		}
		msgs, _, err := rdb.XAutoClaim(ctx, &redis.XAutoClaimArgs{Stream: "jobs", Group: "workers", Consumer: name,
			MinIdle: minIdle, Start: "0", Count: 100}).Result()
		if err != nil || handle(msgs) != nil {
			return
		}
	}
}

// run starts three workers (the third a quitter) against addr and
// returns a function that stops them and waits.
func (q *jobQueue) run(addr string) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for i := 0; i < 3; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			q.work(ctx, addr, "w"+strconv.Itoa(i), i == 2)
		}(i)
	}
	return func() { cancel(); wg.Wait() }
}

// done checks that every job was processed, that the group delivered
// them all (lag 0) and has none pending, so each was acknowledged. (Across
// a crash an XACK can take effect without its reply reaching the worker,
// so the workers' own count of acknowledgements may stay short.)
func (q *jobQueue) done(rdb *redis.Client) error {
	ctx := context.Background()
	if n := q.nDone.Load(); n != int64(q.total) {
		return fmt.Errorf("%d of %d jobs processed", n, q.total)
	}
	p, err := rdb.XPending(ctx, "jobs", "workers").Result()
	if err != nil || p.Count != 0 {
		return fmt.Errorf("XPENDING = %+v, %v", p, err)
	}
	g, err := rdb.XInfoGroups(ctx, "jobs").Result()
	if err != nil || len(g) != 1 || g[0].Lag != 0 || g[0].EntriesRead != int64(q.total) {
		return fmt.Errorf("XINFO GROUPS = %+v, %v", g, err)
	}
	return nil
}

// TestGroupsAtLeastOnce: 10,000 jobs, three workers on one group, one of
// which stops acking half-way; the others recover its jobs with
// XAUTOCLAIM, and in the end every job is processed and acknowledged.
func TestGroupsAtLeastOnce(t *testing.T) {
	s := brokertest.Start(t)
	q := &jobQueue{total: 10_000}
	q.produce(t, s.Client())
	stop := q.run(s.Addr)
	defer stop()
	brokertest.Eventually(t, 15*time.Second, func() error { return q.done(s.Client()) })
	stop()
	if n := q.nAcked.Load(); n != int64(q.total) {
		t.Errorf("%d of %d XACKs acknowledged", n, q.total)
	}
	q.processed.Range(func(k, _ any) bool {
		if _, ok := q.acked.Load(k); !ok {
			t.Errorf("job %v processed but never acknowledged", k)
		}
		return true
	})
}

// TestGroupsAtLeastOnceAcrossCrash is the same run with the server in a
// child process at appendfsync always, killed with SIGKILL half-way and
// restarted: no acknowledged XACK is undone, no entry is lost, and the
// workers finish every job after the restart.
func TestGroupsAtLeastOnceAcrossCrash(t *testing.T) {
	dir := t.TempDir()
	p := brokertest.StartProcess(t, dir, "always")
	q := &jobQueue{total: 10_000}
	rdb := redis.NewClient(&redis.Options{Addr: p.Addr, DisableIdentity: true})
	q.produce(t, rdb)
	rdb.Close()
	stop := q.run(p.Addr)
	brokertest.Eventually(t, 15*time.Second, func() error {
		if n := q.nAcked.Load(); n < int64(q.total)/3 {
			return fmt.Errorf("%d jobs acknowledged", n)
		}
		return nil
	})
	p.Kill()
	stop()

	p = brokertest.StartProcess(t, dir, "always")
	rdb = redis.NewClient(&redis.Options{Addr: p.Addr, DisableIdentity: true})
	defer rdb.Close()
	ctx := context.Background()
	if n, err := rdb.XLen(ctx, "jobs").Result(); err != nil || n != int64(q.total) {
		t.Fatalf("XLEN after kill -9 = %d, %v; want %d", n, err, q.total)
	}
	pending, err := rdb.XPendingExt(ctx, &redis.XPendingExtArgs{Stream: "jobs", Group: "workers", Start: "-", End: "+", Count: int64(q.total)}).Result()
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range pending {
		if _, ok := q.acked.Load(e.ID); ok {
			t.Fatalf("acknowledged XACK of %s undone by kill -9", e.ID)
		}
	}
	stop = q.run(p.Addr)
	defer stop()
	brokertest.Eventually(t, 15*time.Second, func() error { return q.done(rdb) })
}
