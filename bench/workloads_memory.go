package bench

import (
	"errors"
	"fmt"
	"sync/atomic"
	"time"
)

const (
	rowMemStream  = "memory: stream entry (3 fields)"
	rowMemPending = "memory: pending entry (10 consumers)"
	rowMemList    = "memory: list job (100 bytes)"
	// rowMemScheduled and rowMemJobRecord are in workloads_memory_types.go.
)

// memConsumers is the number of consumers the pending entries are spread
// over.
const memConsumers = 10

func memoryWorkload(cfg *Config) workload {
	return workload{
		group: "memory",
		rows:  []string{rowMemStream, rowMemPending, rowMemList, rowMemScheduled, rowMemJobRecord},
		mem:   true,
		run:   runMemory, // probes each part itself, so a missing XADD still measures lists and hashes
	}
}

// runMemory measures RSS growth on a fresh server, one load after the
// other, each of cfg.MemEntries items and scaled to 1,000,000 items:
//   - stream entries of 3 fields;
//   - the same entries made pending across 10 consumers of a group;
//   - 100-byte list jobs;
//   - scheduled jobs: members of one sorted set, a 36-character job id
//     scored by a 13-digit millisecond time;
//   - job records: one hash per job with 6 short fields (status, queue,
//     created_at, origin, timeout and 40 bytes of data), counted as jobs.
//
// Each load is probed first, so a server without its command reports
// that row "unsupported by target" and still measures the others.
func runMemory(rc *runCtx) ([]Sample, error) {
	n := rc.cfg.MemEntries
	rss := func() (int64, error) {
		time.Sleep(rc.cfg.Settle)
		return rc.srv.RSS()
	}
	// loaded is how many items the load in progress stored (less than n
	// when it hit cfg.CountCap).
	var loaded atomic.Int64
	grow := func(row string, load func() (Sample, error)) (Sample, error) {
		loaded.Store(0)
		before, err := rss()
		if err != nil {
			return Sample{}, err
		}
		s, err := load()
		if err != nil {
			return Sample{Row: row, Status: statusOf(err)}, nil
		}
		after, err := rss()
		if err != nil {
			return Sample{}, err
		}
		s.Row, s.RSS = row, after
		got := loaded.Load()
		if got == 0 {
			return Sample{Row: row, Status: "error: nothing loaded"}, nil
		}
		if got < int64(n) {
			s.Note = fmt.Sprintf("stopped after %s: %d of %d items", rc.cfg.CountCap, got, n)
		}
		s.MemPer1M = float64(after-before) * 1_000_000 / float64(got)
		return s, nil
	}
	stream := keyPrefix + "memstream"
	streamErr := probe(rc.srv.Addr, [][]string{{"XADD", probeKey, "*", "f", "v"}})
	s1, err := grow(rowMemStream, func() (Sample, error) {
		if streamErr != nil {
			return Sample{}, streamErr
		}
		var next atomic.Int64
		deadline := time.Now().Add(rc.cfg.CountCap)
		return runCounted(rc, rowMemStream, rc.cfg.Clients, func(w *worker) error {
			c, err := w.dial()
			if err != nil {
				return err
			}
			return appendEvents(w, c, stream, &next, &loaded, int64(n), deadline)
		})
	})
	if err != nil {
		return nil, err
	}
	s2, err := grow(rowMemPending, func() (Sample, error) {
		switch {
		case s1.Status == errUnsupported.Error():
			return Sample{}, errUnsupported
		case !s1.OK():
			return Sample{}, errors.New(s1.Status)
		}
		if err := probe(rc.srv.Addr, [][]string{{"XADD", probeKey, "*", "f", "v"}, {"XGROUP", "CREATE", probeKey, "g", "0"},
			{"XREADGROUP", "GROUP", "g", "c", "COUNT", "1", "STREAMS", probeKey, ">"}}); err != nil {
			return Sample{}, err
		}
		return makePending(rc, stream, &loaded)
	})
	if err != nil {
		return nil, err
	}
	s3, err := grow(rowMemList, func() (Sample, error) {
		if err := probe(rc.srv.Addr, [][]string{{"LPUSH", probeKey, "v"}}); err != nil {
			return Sample{}, err
		}
		return loadList(rc, keyPrefix+"memlist", n, &loaded)
	})
	if err != nil {
		return nil, err
	}
	s4, err := grow(rowMemScheduled, func() (Sample, error) {
		if err := probe(rc.srv.Addr, [][]string{{"ZADD", probeKey, "1700000000000", "job"}}); err != nil {
			return Sample{}, err
		}
		return loadScheduled(rc, keyPrefix+"schedule", n, &loaded)
	})
	if err != nil {
		return nil, err
	}
	s5, err := grow(rowMemJobRecord, func() (Sample, error) {
		if err := probe(rc.srv.Addr, [][]string{{"HSET", probeKey, "status", "queued", "queue", "default"}}); err != nil {
			return Sample{}, err
		}
		return loadJobRecords(rc, n, &loaded)
	})
	if err != nil {
		return nil, err
	}
	return []Sample{s1, s2, s3, s4, s5}, nil
}

// makePending creates a group on stream and has 10 consumers read every
// entry without acknowledging it, so that each entry is pending; it
// counts them in delivered.
func makePending(rc *runCtx, stream string, delivered *atomic.Int64) (Sample, error) {
	c, err := Dial(rc.srv.Addr)
	if err != nil {
		return Sample{}, err
	}
	_, err = c.Do("XGROUP", "CREATE", stream, "g", "0")
	c.Close()
	if err != nil {
		return Sample{}, err
	}
	deadline := time.Now().Add(rc.cfg.CountCap)
	return runCounted(rc, rowMemPending, memConsumers, func(w *worker) error {
		c, err := w.dial()
		if err != nil {
			return err
		}
		name := fmt.Sprintf("c%d", w.id)
		for time.Now().Before(deadline) {
			start := time.Now()
			v, err := c.Do("XREADGROUP", "GROUP", "g", name, "COUNT", "1000", "STREAMS", stream, ">")
			if err != nil {
				return err
			}
			if v.Null || len(v.Array) == 0 || len(v.Array[0].Array) != 2 || len(v.Array[0].Array[1].Array) == 0 {
				return nil
			}
			k := len(v.Array[0].Array[1].Array)
			delivered.Add(int64(k))
			w.recordN(start, time.Now(), k)
		}
		return nil
	})
}

// loadList pushes n 100-byte jobs, 100 per LPUSH, 16 LPUSHes per write.
func loadList(rc *runCtx, key string, n int, loaded *atomic.Int64) (Sample, error) {
	const perCmd, pipe = 100, 16
	job := newPayload(100, false)
	return loadBatches(rc, rowMemList, int64(n), perCmd*pipe, loaded, func(c *Conn, first, end int64, _ time.Time) int {
		args := make([][]byte, 2, 2+perCmd)
		args[0], args[1] = []byte("LPUSH"), []byte(key)
		cmds := 0
		for k := first; k < end; k += perCmd {
			args = args[:2]
			for range min(perCmd, end-k) {
				args = append(args, job)
			}
			c.AppendArgs(args)
			cmds++
		}
		return cmds
	})
}

// statusOf turns a run error into a report status.
func statusOf(err error) string {
	switch {
	case err == nil:
		return ""
	case errors.Is(err, errUnsupported) || isUnknownCommand(err):
		return errUnsupported.Error()
	case errors.As(err, new(skipError)) || errors.Is(err, errNoCounterpart):
		return err.Error()
	default:
		return "error: " + err.Error()
	}
}
