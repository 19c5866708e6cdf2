package bench

import (
	"fmt"
	"strings"
	"time"
)

// pubsubFanOuts are the subscriber counts of the one-channel rows: one
// subscriber measures the broker's per-message path, a hundred its
// fan-out (issue 6).
var pubsubFanOuts = []int{1, 100}

// fanOutList is pubsubFanOuts for the report: "1 and 100".
func fanOutList() string {
	var s []string
	for _, n := range pubsubFanOuts {
		s = append(s, itoa(n))
	}
	return strings.Join(s, " and ")
}

// pubsubRow names a one-channel row.
func pubsubRow(subs int) string {
	if subs == 1 {
		return "pub/sub 1 channel → 1 subscriber"
	}
	return fmt.Sprintf("pub/sub 1 channel → %d subscribers", subs)
}

// pubsubMultiRow names the row of cfg.Channels channels, every
// subscriber listening on all of them.
func pubsubMultiRow(cfg *Config) string {
	return fmt.Sprintf("pub/sub %d channels → %d subscribers on each", cfg.Channels, cfg.Subscribers)
}

// pubsubWorkloads are the pub/sub rows, each on a fresh server so that
// the hundred connections of one row do not weigh on the next.
func pubsubWorkloads(cfg *Config) []workload {
	var ws []workload
	for _, n := range pubsubFanOuts {
		ws = append(ws, pubsubWorkload(pubsubRow(n), 1, n))
	}
	return append(ws, pubsubWorkload(pubsubMultiRow(cfg), cfg.Channels, cfg.Subscribers))
}

func pubsubWorkload(row string, channels, subs int) workload {
	return workload{
		group: "pubsub",
		rows:  []string{row},
		probe: [][]string{{"PUBLISH", probeKey, "v"}, {"SUBSCRIBE", probeKey}},
		run: single(func(rc *runCtx) (Sample, error) {
			return runFanOut(rc, fanOut{row: row, channels: channels, subs: subs, pubAddr: rc.srv.Addr, subAddr: rc.srv.Addr})
		}),
	}
}

// fanOut is one pub/sub measurement: one publisher on pubAddr sends to
// channels channels in turn; subs subscribers on subAddr listen on all
// of them, so each message is delivered subs times.
type fanOut struct {
	row              string
	channels, subs   int
	pubAddr, subAddr string
}

// runFanOut measures f. Throughput counts messages published; the
// subscribers record each delivery's latency, from the send time
// stamped in the payload to its receipt, and count deliveries
// (Sample.Delivered). Every subscriber has subscribed before the run
// starts, and the publisher waits while deliveries fall more than
// cfg.Backlog messages per subscriber behind.
func runFanOut(rc *runCtx, f fanOut) (Sample, error) {
	cfg := rc.cfg
	chans := make([]string, f.channels)
	for i := range chans {
		chans[i] = fmt.Sprintf("%schan:%d", keyPrefix, i)
	}
	subs, err := subscribeAll(f.subAddr, f.subs, chans)
	if err != nil {
		return Sample{}, err
	}
	defer func() {
		for _, c := range subs {
			c.Close()
		}
	}()
	b := &backlog{limit: int64(cfg.Backlog * f.subs), fanout: int64(f.subs)}
	return runTimed(rc, f.row, f.subs+1, func(w *worker) error {
		if w.id < f.subs {
			c := subs[w.id]
			if err := w.adopt(c); err != nil {
				return err
			}
			return receive(w, c, b)
		}
		c, err := w.dialAddr(f.pubAddr)
		if err != nil {
			return err
		}
		next := 0
		return produce(w, c, cfg.Pipeline, b, nil, newPayload(cfg.Payload, true), func(c *Conn, p []byte) {
			c.AppendArgs([][]byte{[]byte("PUBLISH"), []byte(chans[next%len(chans)]), p})
			next++
			w.count(1)
		})
	})
}

// subscribeAll opens n connections to addr subscribed to chans.
func subscribeAll(addr string, n int, chans []string) ([]*Conn, error) {
	var conns []*Conn
	for range n {
		c, err := Dial(addr)
		if err == nil {
			err = subscribe(c, chans)
		}
		if err != nil {
			if c != nil {
				c.Close()
			}
			for _, c := range conns {
				c.Close()
			}
			return nil, err
		}
		conns = append(conns, c)
	}
	return conns, nil
}

// subscribe subscribes c to chans and reads the confirmations, so that
// the subscription is in place when it returns.
func subscribe(c *Conn, chans []string) error {
	c.Append(append([]string{"SUBSCRIBE"}, chans...)...)
	if err := c.Flush(); err != nil {
		return err
	}
	for range chans {
		if _, err := c.Discard(); err != nil {
			return err
		}
	}
	return nil
}

// receive counts and times the messages of a subscribed connection
// until the run stops.
func receive(w *worker, c *Conn, b *backlog) error {
	for !w.stopped() {
		sent, ok, err := c.readMessage()
		if err != nil {
			return err
		}
		if !ok {
			continue
		}
		b.consumed.Add(1)
		if !sent.IsZero() {
			w.deliver(sent, time.Now())
		}
	}
	return nil
}

// readMessage reads one reply of a subscribed connection without
// allocating (a hundred subscribers share the machine with the
// server): ok reports a "message" push, sent is the send time stamped
// at the start of its payload (zero when it carries none). Any other
// reply is read and skipped.
func (c *Conn) readMessage() (sent time.Time, ok bool, err error) {
	head, err := c.r.Peek(4)
	if err != nil {
		return time.Time{}, false, err
	}
	if string(head) != "*3\r\n" {
		_, err := c.Discard()
		return time.Time{}, false, err
	}
	_, _ = c.r.Discard(4)
	kind, err := c.bulkPrefix(len("message"))
	if err != nil {
		return time.Time{}, false, err
	}
	if string(kind) != "message" {
		for range 2 {
			if _, err := c.Discard(); err != nil {
				return time.Time{}, false, err
			}
		}
		return time.Time{}, false, nil
	}
	if _, err := c.Discard(); err != nil { // the channel
		return time.Time{}, false, err
	}
	payload, err := c.bulkPrefix(stampLen)
	if err != nil {
		return time.Time{}, false, err
	}
	return stampTime(payload), true, nil
}

// bulkPrefix reads one bulk string and returns up to its first n bytes,
// valid until the next read.
func (c *Conn) bulkPrefix(n int) ([]byte, error) {
	l, err := c.line()
	if err != nil {
		return nil, err
	}
	if l[0] != '$' {
		return nil, fmt.Errorf("bench: expected a bulk string in a pub/sub message, got %q", l)
	}
	size, null, err := length(l)
	if err != nil || null {
		return nil, err
	}
	// Copy out the prefix first: Discard may refill the buffer.
	p, err := c.r.Peek(min(n, int(size)))
	if err != nil {
		return nil, err
	}
	c.pfx = append(c.pfx[:0], p...)
	if _, err := c.r.Discard(int(size) + 2); err != nil {
		return nil, err
	}
	return c.pfx, nil
}
