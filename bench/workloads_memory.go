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
)

// memConsumers is the number of consumers the pending entries are spread
// over.
const memConsumers = 10

func memoryWorkload(cfg *Config) workload {
	return workload{
		group: "memory",
		rows:  []string{rowMemStream, rowMemPending, rowMemList},
		mem:   true,
		run:   runMemory, // probes each part itself, so a missing XADD still measures lists
	}
}

// runMemory measures RSS growth on a fresh server: cfg.MemEntries stream
// entries, then the same entries made pending across 10 consumers of a
// group, then as many 100-byte list jobs. Each figure is scaled to
// 1,000,000 items.
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
	return []Sample{s1, s2, s3}, nil
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
	var next atomic.Int64
	deadline := time.Now().Add(rc.cfg.CountCap)
	return runCounted(rc, rowMemList, rc.cfg.Clients, func(w *worker) error {
		c, err := w.dial()
		if err != nil {
			return err
		}
		args := [][]byte{[]byte("LPUSH"), []byte(key)}
		for {
			first := next.Add(perCmd*pipe) - perCmd*pipe
			if first >= int64(n) || time.Now().After(deadline) {
				return nil
			}
			start := time.Now()
			cmds := 0
			for k := first; k < min(first+perCmd*pipe, int64(n)); k += perCmd {
				args = args[:2]
				for range min(perCmd, int64(n)-k) {
					args = append(args, job)
				}
				c.AppendArgs(args)
				cmds++
			}
			if err := flushDiscard(c, cmds); err != nil {
				return err
			}
			k := min(perCmd*pipe, int64(n)-first)
			loaded.Add(k)
			w.recordN(start, time.Now(), int(k))
		}
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
