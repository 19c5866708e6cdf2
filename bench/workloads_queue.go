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

// pacer spaces a producer's sends evenly at a fixed rate, whatever the
// server does (an open loop): far below capacity, each job then finds a
// worker already blocked waiting for it, and the latency measured is the
// handover's, not that of a backlog.
type pacer struct {
	every time.Duration
	next  time.Time
}

// wait sleeps until the next send is due; false when stopped. Sleeps
// overshoot by a fraction of a millisecond, which the next ones make up;
// a producer that fell further behind (ten intervals) starts afresh
// rather than sending a burst to catch up.
func (p *pacer) wait(w *worker) bool {
	now := time.Now()
	if p.next.IsZero() || now.Sub(p.next) > 10*p.every {
		p.next = now
	}
	p.next = p.next.Add(p.every)
	time.Sleep(time.Until(p.next))
	return !w.stopped()
}

// produce runs a producer: batches of pipe commands, each built by cmd
// around a payload stamped with its send time. With a pacer it sends one
// batch per interval, otherwise as fast as the backlog allows.
func produce(w *worker, c *Conn, pipe int, b *backlog, pace *pacer, payload []byte, cmd func(c *Conn, payload []byte)) error {
	gate := b.wait
	if pace != nil {
		gate = pace.wait
	}
	for gate(w) {
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

// queueLoad is how a queue workload's producers send: the saturating
// load of the queue rows (cfg.Producers as fast as cfg.Backlog allows)
// or the handover rows' single producer at cfg.HandoverRate jobs/s.
type queueLoad struct {
	row       string
	producers int
	pipeline  int
	every     time.Duration // 0: backlog-bound
}

func saturatingLoad(cfg *Config, row string) queueLoad {
	return queueLoad{row: row, producers: cfg.Producers, pipeline: cfg.Pipeline}
}

func handoverLoad(cfg *Config, row string) queueLoad {
	return queueLoad{row: row, producers: 1, pipeline: 1, every: time.Second / time.Duration(max(cfg.HandoverRate, 1))}
}

// key is the queue's key: each load has its own, so that a run never
// finds the other's leftovers or consumer group.
func (l queueLoad) key(base string) string {
	if l.every != 0 {
		return keyPrefix + base + ":paced"
	}
	return keyPrefix + base
}

func (l queueLoad) pacer() *pacer {
	if l.every == 0 {
		return nil
	}
	return &pacer{every: l.every}
}

const (
	rowStreamQueue    = "stream queue: XADD → XREADGROUP + XACK"
	rowListQueue      = "list queue: LPUSH → BRPOP"
	rowStreamHandover = "stream handover: XADD → blocked XREADGROUP"
	rowListHandover   = "list handover: LPUSH → blocked BRPOP"
)

func streamQueueWorkload(cfg *Config) workload {
	return workload{
		group: "stream",
		rows:  []string{rowStreamQueue, rowStreamHandover},
		probe: [][]string{
			{"XADD", probeKey, "*", "f", "v"},
			{"XGROUP", "CREATE", probeKey, "g", "0"},
			{"XREADGROUP", "GROUP", "g", "c", "COUNT", "1", "STREAMS", probeKey, ">"},
			{"XACK", probeKey, "g", "0-1"},
			{"XREADGROUP", "GROUP", "g", "c", "COUNT", "1", "BLOCK", "10", "STREAMS", probeKey, ">"},
		},
		run: bothLoads(cfg, runStreamQueue, rowStreamQueue, rowStreamHandover),
	}
}

// bothLoads runs a queue workload under its saturating load, then under
// its paced handover load, one sample each.
func bothLoads(cfg *Config, run func(rc *runCtx, l queueLoad) (Sample, error), saturated, handover string) func(rc *runCtx) ([]Sample, error) {
	return func(rc *runCtx) ([]Sample, error) {
		var out []Sample
		for _, l := range []queueLoad{saturatingLoad(cfg, saturated), handoverLoad(cfg, handover)} {
			s, err := run(rc, l)
			if err != nil {
				return out, err
			}
			out = append(out, s)
		}
		return out, nil
	}
}

// runStreamQueue: producers XADD jobs, C workers of one consumer group
// XREADGROUP COUNT n BLOCK 100 and XACK each batch. The XACK of a batch
// and the next XREADGROUP go out in one write. Throughput counts
// acknowledged jobs; latency is from XADD to delivery.
func runStreamQueue(rc *runCtx, l queueLoad) (Sample, error) {
	cfg := rc.cfg
	key := l.key("jobs")
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
	pace := l.pacer()
	return runTimed(rc, l.row, l.producers+cfg.Workers, func(w *worker) error {
		c, err := w.dial()
		if err != nil {
			return err
		}
		if w.id < l.producers {
			return produce(w, c, l.pipeline, b, pace, newPayload(cfg.Payload, true), func(c *Conn, p []byte) {
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
		rows:  []string{rowListQueue, rowListHandover},
		probe: [][]string{
			{"LPUSH", probeKey, "v"},
			{"BRPOP", probeKey, "0.01"},
			{"BRPOP", probeKey, "0.01"},
		},
		run: bothLoads(cfg, runListQueue, rowListQueue, rowListHandover),
	}
}

// runListQueue: producers LPUSH, C workers BRPOP with a 1 s timeout
// (the Celery/RQ/Sidekiq shape). Throughput counts popped jobs; latency
// is from LPUSH to pop.
func runListQueue(rc *runCtx, l queueLoad) (Sample, error) {
	cfg := rc.cfg
	key := l.key("tasks")
	b := &backlog{limit: int64(cfg.Backlog)}
	pace := l.pacer()
	return runTimed(rc, l.row, l.producers+cfg.Workers, func(w *worker) error {
		c, err := w.dial()
		if err != nil {
			return err
		}
		if w.id < l.producers {
			return produce(w, c, l.pipeline, b, pace, newPayload(cfg.Payload, true), func(c *Conn, p []byte) {
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
