package bench

import (
	"fmt"
	"sync/atomic"
	"time"
)

// backlog bounds a producer/consumer workload: producers wait while more
// than limit messages are queued, so that the latency measured is the
// broker's and not that of an ever-growing queue.
type backlog struct {
	produced, consumed atomic.Int64
	limit              int64
	fanout             int64 // deliveries per message (pub/sub); 0 means 1
}

// wait blocks while the queue is over its limit; false when stopped.
func (b *backlog) wait(w *worker) bool {
	for b.produced.Load()-b.consumed.Load() > b.limit {
		if w.stopped() {
			return false
		}
		time.Sleep(100 * time.Microsecond)
	}
	return !w.stopped()
}

// produce runs a producer: batches of pipe commands, each built by cmd
// around a payload stamped with its send time.
func produce(w *worker, c *Conn, pipe int, b *backlog, payload []byte, cmd func(c *Conn, payload []byte)) error {
	for b.wait(w) {
		for range pipe {
			stamp(payload, time.Now())
			cmd(c, payload)
		}
		b.produced.Add(int64(pipe) * max(b.fanout, 1))
		if err := flushDiscard(c, pipe); err != nil {
			return err
		}
	}
	return nil
}

const (
	rowStreamQueue = "stream queue: XADD → XREADGROUP + XACK"
	rowListQueue   = "list queue: LPUSH → BRPOP"
)

func streamQueueWorkload(cfg *Config) workload {
	return workload{
		group: "stream",
		rows:  []string{rowStreamQueue},
		probe: [][]string{
			{"XADD", probeKey, "*", "f", "v"},
			{"XGROUP", "CREATE", probeKey, "g", "0"},
			{"XREADGROUP", "GROUP", "g", "c", "COUNT", "1", "STREAMS", probeKey, ">"},
			{"XACK", probeKey, "g", "0-1"},
			{"XREADGROUP", "GROUP", "g", "c", "COUNT", "1", "BLOCK", "10", "STREAMS", probeKey, ">"},
		},
		run: single(runStreamQueue),
	}
}

// runStreamQueue: P producers XADD jobs, C workers of one consumer group
// XREADGROUP COUNT n BLOCK 100 and XACK each batch. The XACK of a batch
// and the next XREADGROUP go out in one write. Throughput counts
// acknowledged jobs; latency is from XADD to delivery.
func runStreamQueue(rc *runCtx) (Sample, error) {
	cfg := rc.cfg
	key := keyPrefix + "jobs"
	c, err := Dial(rc.srv.Addr)
	if err != nil {
		return Sample{}, err
	}
	_, err = c.Do("XGROUP", "CREATE", key, "workers", "$", "MKSTREAM")
	c.Close()
	if err != nil {
		return Sample{}, err
	}
	b := &backlog{limit: int64(cfg.Backlog)}
	count := itoa(cfg.Count)
	return runTimed(rc, rowStreamQueue, cfg.Producers+cfg.Workers, func(w *worker) error {
		c, err := w.dial()
		if err != nil {
			return err
		}
		if w.id < cfg.Producers {
			return produce(w, c, cfg.Pipeline, b, newPayload(cfg.Payload, true), func(c *Conn, p []byte) {
				c.AppendArgs([][]byte{[]byte("XADD"), []byte(key), []byte("*"), []byte("job"), p})
			})
		}
		name := fmt.Sprintf("worker-%d", w.id)
		var ack []string
		for !w.stopped() {
			if len(ack) > 3 {
				c.Append(ack...)
			}
			c.Append("XREADGROUP", "GROUP", "workers", name, "COUNT", count, "BLOCK", "100", "STREAMS", key, ">")
			if err := c.Flush(); err != nil {
				return err
			}
			if len(ack) > 3 {
				if _, err := c.Discard(); err != nil {
					return err
				}
			}
			v, err := c.Read()
			if err != nil {
				return err
			}
			ack = append(ack[:0], "XACK", key, "workers")
			if v.Null || len(v.Array) == 0 {
				continue
			}
			now := time.Now()
			entries, err := streamEntries(v.Array[0])
			if err != nil {
				return err
			}
			for _, e := range entries {
				w.record(stampTime(e.fields[len(e.fields)-1]), now)
				ack = append(ack, e.id)
			}
			b.consumed.Add(int64(len(entries)))
		}
		return nil
	})
}

type streamEntry struct {
	id     string
	fields [][]byte
}

// streamEntries decodes one [key, [[id, [f, v, ...]], ...]] element of
// an XREAD/XREADGROUP reply.
func streamEntries(kv Value) ([]streamEntry, error) {
	if len(kv.Array) != 2 {
		return nil, fmt.Errorf("bench: unexpected XREADGROUP reply shape")
	}
	return rangeEntries(kv.Array[1])
}

// rangeEntries decodes an XRANGE reply.
func rangeEntries(v Value) ([]streamEntry, error) {
	out := make([]streamEntry, 0, len(v.Array))
	for _, e := range v.Array {
		if len(e.Array) != 2 || len(e.Array[1].Array) == 0 {
			return nil, fmt.Errorf("bench: unexpected stream entry shape")
		}
		fs := make([][]byte, len(e.Array[1].Array))
		for i, f := range e.Array[1].Array {
			fs[i] = f.Str
		}
		out = append(out, streamEntry{id: string(e.Array[0].Str), fields: fs})
	}
	return out, nil
}

func listQueueWorkload(cfg *Config) workload {
	return workload{
		group: "list",
		rows:  []string{rowListQueue},
		probe: [][]string{
			{"LPUSH", probeKey, "v"},
			{"BRPOP", probeKey, "0.01"},
			{"BRPOP", probeKey, "0.01"},
		},
		run: single(runListQueue),
	}
}

// runListQueue: P producers LPUSH, C workers BRPOP with a 1 s timeout
// (the Celery/RQ/Sidekiq shape). Throughput counts popped jobs; latency
// is from LPUSH to pop.
func runListQueue(rc *runCtx) (Sample, error) {
	cfg := rc.cfg
	key := keyPrefix + "tasks"
	b := &backlog{limit: int64(cfg.Backlog)}
	return runTimed(rc, rowListQueue, cfg.Producers+cfg.Workers, func(w *worker) error {
		c, err := w.dial()
		if err != nil {
			return err
		}
		if w.id < cfg.Producers {
			return produce(w, c, cfg.Pipeline, b, newPayload(cfg.Payload, true), func(c *Conn, p []byte) {
				c.AppendArgs([][]byte{[]byte("LPUSH"), []byte(key), p})
			})
		}
		for !w.stopped() {
			v, err := c.Do("BRPOP", key, "1")
			if err != nil {
				return err
			}
			if v.Null {
				continue
			}
			if len(v.Array) != 2 {
				return fmt.Errorf("bench: BRPOP replied with %d elements", len(v.Array))
			}
			w.record(stampTime(v.Array[1].Str), time.Now())
			b.consumed.Add(1)
		}
		return nil
	})
}
