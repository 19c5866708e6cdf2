package bench

import (
	"fmt"
	"strconv"
	"sync/atomic"
	"time"
)

const (
	rowEventsAppend = "event sourcing: append (XADD)"
	rowEventsReplay = "event sourcing: replay (XRANGE pages)"
)

func eventsWorkload(cfg *Config) workload {
	return workload{
		group: "events",
		rows:  []string{rowEventsAppend, rowEventsReplay},
		probe: [][]string{
			{"XADD", probeKey, "*", "f", "v"},
			{"XRANGE", probeKey, "-", "+", "COUNT", "10"},
		},
		run: runEvents,
	}
}

// eventBatch is the pipeline depth of event appends.
const eventBatch = 16

// appendEvents appends total events to key over the worker's connection
// in batches of eventBatch, taking indexes from next until all are
// taken or the deadline passes. Every entry has the three fields of the memory figures: event
// (10 bytes), user (8 digits) and ts (13 digits).
func appendEvents(w *worker, c *Conn, key string, next, done *atomic.Int64, total int64, deadline time.Time) error {
	args := [][]byte{[]byte("XADD"), []byte(key), []byte("*"),
		[]byte("event"), []byte("user.login"), []byte("user"), nil, []byte("ts"), nil}
	for {
		first := next.Add(eventBatch) - eventBatch
		if first >= total || w.stopped() || time.Now().After(deadline) {
			return nil
		}
		n := min(eventBatch, total-first)
		start := time.Now()
		for i := range n {
			args[6] = fmt.Appendf(args[6][:0], "%08d", (first+i)%100_000_000)
			args[8] = strconv.AppendInt(args[8][:0], start.UnixMilli(), 10)
			c.AppendArgs(args)
		}
		if err := c.Flush(); err != nil {
			return err
		}
		for range n {
			if _, err := c.Discard(); err != nil {
				return err
			}
			w.record(start, time.Now())
		}
		done.Add(n)
	}
}

// runEvents appends cfg.Events entries to one stream from cfg.Clients
// connections, then one reader replays the whole stream with XRANGE in
// pages of cfg.ReplayPage, each page starting after the last ID seen.
// Replay throughput counts entries; its latency is per page.
func runEvents(rc *runCtx) ([]Sample, error) {
	cfg := rc.cfg
	key := keyPrefix + "events"
	total := int64(cfg.Events)
	var next, appended atomic.Int64
	deadline := time.Now().Add(cfg.CountCap)
	app, err := runCounted(rc, rowEventsAppend, cfg.Clients, func(w *worker) error {
		c, err := w.dial()
		if err != nil {
			return err
		}
		return appendEvents(w, c, key, &next, &appended, total, deadline)
	})
	if err != nil {
		return nil, err
	}
	if appended.Load() < total {
		app.Note = fmt.Sprintf("stopped after %s: %d of %d entries appended", cfg.CountCap, appended.Load(), total)
		total = appended.Load()
	}
	var read int64
	page := itoa(cfg.ReplayPage)
	rep, err := runCounted(rc, rowEventsReplay, 1, func(w *worker) error {
		c, err := w.dial()
		if err != nil {
			return err
		}
		from := "-"
		for {
			start := time.Now()
			v, err := c.Do("XRANGE", key, from, "+", "COUNT", page)
			if err != nil {
				return err
			}
			entries, err := rangeEntries(v)
			if err != nil {
				return err
			}
			if len(entries) == 0 {
				return nil
			}
			w.recordN(start, time.Now(), len(entries))
			read += int64(len(entries))
			from = "(" + entries[len(entries)-1].id
		}
	})
	if err != nil {
		return nil, err
	}
	if read != total {
		rep.Note = fmt.Sprintf("replayed %d of %d entries", read, total)
	}
	return []Sample{app, rep}, nil
}
