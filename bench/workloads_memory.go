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

// memSettle is how long bench waits before reading RSS after a load, so
// that the server has finished its own bookkeeping (a Go server's GC
// cycle, Redis's lazy frees).
const memSettle = 300 * time.Millisecond

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
	scale := 1_000_000 / float64(n)
	rss := func() (int64, error) {
		time.Sleep(memSettle)
		return rc.srv.RSS()
	}
	grow := func(row string, load func() (Sample, error)) (Sample, error) {
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
		s.MemPer1M = float64(after-before) * scale
		return s, nil
	}
	stream := keyPrefix + "memstream"
	streamProbe := [][]string{{"XADD", probeKey, "*", "f", "v"}, {"XGROUP", "CREATE", probeKey, "g", "0"},
		{"XREADGROUP", "GROUP", "g", "c", "COUNT", "1", "STREAMS", probeKey, ">"}, {"DEL", probeKey}}
	streamErr := probe(rc.srv.Addr, streamProbe)
	s1, err := grow(rowMemStream, func() (Sample, error) {
		if streamErr != nil {
			return Sample{}, streamErr
		}
		var next atomic.Int64
		return runCounted(rc, rowMemStream, rc.cfg.Clients, func(w *worker) error {
			c, err := w.dial()
			if err != nil {
				return err
			}
			return appendEvents(w, c, stream, &next, int64(n))
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
		return makePending(rc, stream, n)
	})
	if err != nil {
		return nil, err
	}
	s3, err := grow(rowMemList, func() (Sample, error) {
		if err := probe(rc.srv.Addr, [][]string{{"LPUSH", probeKey, "v"}, {"DEL", probeKey}}); err != nil {
			return Sample{}, err
		}
		return loadList(rc, keyPrefix+"memlist", n)
	})
	if err != nil {
		return nil, err
	}
	return []Sample{s1, s2, s3}, nil
}

// makePending creates a group on stream and has 10 consumers read every
// entry without acknowledging it, so each of the n entries is pending.
func makePending(rc *runCtx, stream string, n int) (Sample, error) {
	c, err := Dial(rc.srv.Addr)
	if err != nil {
		return Sample{}, err
	}
	_, err = c.Do("XGROUP", "CREATE", stream, "g", "0")
	c.Close()
	if err != nil {
		return Sample{}, err
	}
	var delivered atomic.Int64
	s, err := runCounted(rc, rowMemPending, memConsumers, func(w *worker) error {
		c, err := w.dial()
		if err != nil {
			return err
		}
		name := fmt.Sprintf("c%d", w.id)
		for {
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
	})
	if err == nil && delivered.Load() != int64(n) {
		s.Note = fmt.Sprintf("%d of %d entries delivered", delivered.Load(), n)
	}
	return s, err
}

// loadList pushes n 100-byte jobs, 100 per LPUSH, 16 LPUSHes per write.
func loadList(rc *runCtx, key string, n int) (Sample, error) {
	const perCmd, pipe = 100, 16
	job := newPayload(100, false)
	var next atomic.Int64
	return runCounted(rc, rowMemList, rc.cfg.Clients, func(w *worker) error {
		c, err := w.dial()
		if err != nil {
			return err
		}
		args := [][]byte{[]byte("LPUSH"), []byte(key)}
		for {
			first := next.Add(perCmd*pipe) - perCmd*pipe
			if first >= int64(n) {
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
			w.recordN(start, time.Now(), int(min(perCmd*pipe, int64(n)-first)))
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
	default:
		return "error: " + err.Error()
	}
}
