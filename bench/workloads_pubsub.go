package bench

import (
	"fmt"
	"sync"
	"time"
)

const rowPubSub = "pub/sub fan-out: 1 publisher → N subscribers"

func pubsubWorkload(cfg *Config) workload {
	return workload{
		group: "pubsub",
		rows:  []string{rowPubSub},
		probe: [][]string{{"PUBLISH", probeKey, "v"}, {"SUBSCRIBE", probeKey}},
		run:   single(runPubSub),
	}
}

// runPubSub: one publisher sends to Channels channels in turn; every one
// of Subscribers subscribers listens on all of them, so each message is
// delivered Subscribers times. Throughput counts deliveries; latency is
// from PUBLISH to receipt. The publisher starts once every subscriber
// has subscribed, and waits while deliveries fall more than Backlog
// messages per subscriber behind.
func runPubSub(rc *runCtx) (Sample, error) {
	cfg := rc.cfg
	chans := make([]string, cfg.Channels)
	for i := range chans {
		chans[i] = fmt.Sprintf("%schan:%d", keyPrefix, i)
	}
	n := cfg.Subscribers
	b := &backlog{limit: int64(cfg.Backlog * n), fanout: int64(n)}
	var subscribed sync.WaitGroup
	subscribed.Add(n)
	ready := make(chan struct{})
	go func() { subscribed.Wait(); close(ready) }()
	return runTimed(rc, rowPubSub, n+1, func(w *worker) error {
		c, err := w.dial()
		if w.id < n {
			var once sync.Once
			done := func() { once.Do(subscribed.Done) }
			defer done()
			if err != nil {
				return err
			}
			return subscribe(w, c, chans, b, done)
		}
		if err != nil {
			return err
		}
		select {
		case <-ready:
		case <-time.After(10 * time.Second):
			return fmt.Errorf("bench: subscribers did not subscribe within 10 s")
		}
		payload := newPayload(cfg.Payload, true)
		next := 0
		return produce(w, c, cfg.Pipeline, b, payload, func(c *Conn, p []byte) {
			c.AppendArgs([][]byte{[]byte("PUBLISH"), []byte(chans[next%len(chans)]), p})
			next++
		})
	})
}

// subscribe subscribes to chans, calls ready, then counts messages.
func subscribe(w *worker, c *Conn, chans []string, b *backlog, ready func()) error {
	c.Append(append([]string{"SUBSCRIBE"}, chans...)...)
	if err := c.Flush(); err != nil {
		return err
	}
	for range chans {
		if _, err := c.Read(); err != nil {
			return err
		}
	}
	ready()
	for !w.stopped() {
		v, err := c.Read()
		if err != nil {
			return err
		}
		if len(v.Array) != 3 || string(v.Array[0].Str) != "message" {
			continue
		}
		w.record(stampTime(v.Array[2].Str), time.Now())
		b.consumed.Add(1)
	}
	return nil
}
