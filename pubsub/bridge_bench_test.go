package pubsub

import (
	"sync/atomic"
	"testing"
	"time"

	natsserver "github.com/nats-io/nats-server/v2/server"
)

// countingHost counts what a bridge delivers locally.
type countingHost struct {
	n      atomic.Int64
	target atomic.Int64
	done   chan struct{}
}

func (h *countingHost) PublishLocal(_, _ []byte) int {
	if h.n.Add(1) == h.target.Load() {
		close(h.done)
	}
	return 1
}

func (h *countingHost) Exec(int, ...[]byte) ([]byte, error) { return []byte("+OK\r\n"), nil }

// BenchmarkBridgeFanOut measures cross-node PUBLISH throughput: one node's
// Published tap to two other nodes' PublishLocal through an in-process
// NATS server, 64-byte payloads. Not part of make test:
//
//	go test ./pubsub -run '^$' -bench BridgeFanOut -benchtime 200000x
func BenchmarkBridgeFanOut(b *testing.B) {
	ns, err := natsserver.NewServer(&natsserver.Options{Host: "127.0.0.1", Port: -1, NoLog: true, NoSigs: true})
	if err != nil {
		b.Fatal(err)
	}
	ns.Start()
	defer ns.Shutdown()
	if !ns.ReadyForConnections(10 * time.Second) {
		b.Fatal("nats-server did not start")
	}
	cfg := BridgeConfig{URL: ns.ClientURL(), PublishQueue: 1 << 20}
	from, err := NewBridge(cfg, &countingHost{})
	if err != nil {
		b.Fatal(err)
	}
	defer from.Close()
	hosts := []*countingHost{{done: make(chan struct{})}, {done: make(chan struct{})}}
	for _, h := range hosts {
		h.target.Store(int64(b.N))
		to, err := NewBridge(cfg, h)
		if err != nil {
			b.Fatal(err)
		}
		defer to.Close()
		if err := to.nc.Flush(); err != nil { // subscription in place
			b.Fatal(err)
		}
	}
	channel, payload := []byte("bench:channel"), make([]byte, 64)
	b.SetBytes(int64(len(payload)))
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		from.Published(channel, payload)
	}
	for _, h := range hosts {
		select {
		case <-h.done:
		case <-time.After(time.Minute):
			st := from.Stats()
			b.Fatalf("received %d of %d (sent %d, dropped %d)", h.n.Load(), b.N, st.Published, st.Dropped)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
}
