package broker_test

import (
	"fmt"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/brokerd/brokerd/broker"
	"github.com/brokerd/brokerd/internal/brokertest"
	"github.com/brokerd/brokerd/pubsub"
	natsserver "github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/redis/go-redis/v9"
)

const bridgeWait = 10 * time.Second

// startNATS runs a NATS server with JetStream inside the test process on
// port (-1: a free one) with its store in dir.
func startNATS(t *testing.T, port int, dir string) *natsserver.Server {
	t.Helper()
	ns, err := natsserver.NewServer(&natsserver.Options{
		Host: "127.0.0.1", Port: port, JetStream: true, StoreDir: dir, NoLog: true, NoSigs: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	ns.Start()
	if !ns.ReadyForConnections(bridgeWait) {
		t.Fatal("nats-server did not start")
	}
	t.Cleanup(ns.Shutdown)
	return ns
}

func natsPort(ns *natsserver.Server) int { return ns.Addr().(*net.TCPAddr).Port }

// bridged starts a brokerd whose bridge talks to ns, configured by f.
func bridged(t *testing.T, ns *natsserver.Server, f func(*pubsub.BridgeConfig)) *brokertest.Server {
	t.Helper()
	return brokertest.Start(t, brokertest.WithConfig(func(c *broker.Config) {
		c.NATS = pubsub.BridgeConfig{URL: ns.ClientURL(), ReconnectWait: 20 * time.Millisecond}
		if f != nil {
			f(&c.NATS)
		}
	}))
}

// natsClient connects a plain NATS client for the test's side.
func natsClient(t *testing.T, ns *natsserver.Server) (*nats.Conn, jetstream.JetStream) {
	t.Helper()
	nc, err := nats.Connect(ns.ClientURL(), nats.MaxReconnects(-1), nats.ReconnectWait(20*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	return nc, js
}

// natsInfo reads one field of INFO nats.
func natsInfo(t *testing.T, rdb *redis.Client, field string) string {
	t.Helper()
	m, err := rdb.InfoMap(brokertest.Ctx(), "nats").Result()
	if err != nil {
		t.Fatal(err)
	}
	return m["Nats"][field]
}

func waitConnected(t *testing.T, rdb *redis.Client) {
	t.Helper()
	brokertest.Eventually(t, bridgeWait, func() error {
		if v := natsInfo(t, rdb, "nats_connected"); v != "1" {
			return fmt.Errorf("nats_connected:%s", v)
		}
		return nil
	})
}

// subscriber collects the messages one go-redis subscription receives.
type subscriber struct {
	ps  *redis.PubSub
	got []*redis.Message
}

func subscribe(t *testing.T, rdb *redis.Client, pattern bool, names ...string) *subscriber {
	t.Helper()
	ctx := brokertest.Ctx()
	ps := rdb.Subscribe(ctx, names...)
	if pattern {
		ps = rdb.PSubscribe(ctx, names...)
	}
	t.Cleanup(func() { ps.Close() })
	for range names {
		if _, err := ps.Receive(ctx); err != nil { // the confirmations
			t.Fatal(err)
		}
	}
	return &subscriber{ps: ps}
}

// drain moves what has arrived into got, without waiting.
func (s *subscriber) drain() {
	for {
		select {
		case m := <-s.ps.Channel():
			s.got = append(s.got, m)
		default:
			return
		}
	}
}

func TestBridgeFanOutExactlyOnce(t *testing.T) {
	ns := startNATS(t, -1, t.TempDir())
	channels := []string{"ch:plain", "ch:a b.c*>", "ch:\xff\x00bin\r\n", ""}
	const perChannel = 20
	type node struct {
		rdb           *redis.Client
		chans, pats   *subscriber
		warm          *subscriber
		origin, total int
	}
	nodes := make([]*node, 3)
	for i := range nodes {
		rdb := bridged(t, ns, nil).Client()
		waitConnected(t, rdb)
		nodes[i] = &node{
			rdb:   rdb,
			chans: subscribe(t, rdb, false, channels...),
			pats:  subscribe(t, rdb, true, "ch:*"),
			warm:  subscribe(t, rdb, false, "warm-up"),
		}
	}
	ctx := brokertest.Ctx()
	// Warm up: every node's NATS subscription is in place once a
	// PUBLISH from each node reaches every other node.
	for i, from := range nodes {
		brokertest.Eventually(t, bridgeWait, func() error {
			from.rdb.Publish(ctx, "warm-up", strconv.Itoa(i))
			for j, to := range nodes {
				to.warm.drain()
				if !containsPayload(to.warm.got, strconv.Itoa(i)) {
					return fmt.Errorf("node %d has not heard node %d", j, i)
				}
			}
			return nil
		})
	}
	for i, from := range nodes {
		for _, ch := range channels {
			for k := range perChannel {
				n, err := from.rdb.Publish(ctx, ch, fmt.Sprintf("%d/%d\x00\xfe", i, k)).Result()
				if err != nil {
					t.Fatal(err)
				}
				// PUBLISH counts this node's receivers only, as Redis does.
				if want := int64(1 + boolToInt(ch != "")); n != want {
					t.Fatalf("PUBLISH %q replied %d, want %d", ch, n, want)
				}
			}
		}
		// One last message per origin: its order on the NATS connection
		// says everything before it has arrived.
		from.rdb.Publish(ctx, "ch:plain", fmt.Sprintf("end %d", i))
	}
	for j, to := range nodes {
		brokertest.Eventually(t, bridgeWait, func() error {
			to.chans.drain()
			to.pats.drain()
			for i := range nodes {
				end := fmt.Sprintf("end %d", i)
				if !containsPayload(to.chans.got, end) || !containsPayload(to.pats.got, end) {
					return fmt.Errorf("node %d misses origin %d's messages", j, i)
				}
			}
			return nil
		})
		checkOnce(t, j, "channel subscriber", to.chans.got, channels, false, len(nodes), perChannel)
		checkOnce(t, j, "pattern subscriber", to.pats.got, channels[:3], true, len(nodes), perChannel)
	}
	if got := natsInfo(t, nodes[0].rdb, "nats_dropped"); got != "0" {
		t.Errorf("nats_dropped:%s", got)
	}
}

// checkOnce asserts that msgs hold every (origin, channel, k) exactly
// once, in order per origin and channel, plus the end markers.
func checkOnce(t *testing.T, node int, who string, msgs []*redis.Message, channels []string, pattern bool, origins, per int) {
	t.Helper()
	next := map[string]int{} // origin/channel → next k
	for _, m := range msgs {
		if pattern && m.Pattern != "ch:*" {
			t.Errorf("node %d %s: pattern %q", node, who, m.Pattern)
		}
		if strings.HasPrefix(m.Payload, "end ") {
			continue
		}
		origin, k, _ := strings.Cut(strings.TrimSuffix(m.Payload, "\x00\xfe"), "/")
		key := origin + "/" + m.Channel
		if k != strconv.Itoa(next[key]) {
			t.Fatalf("node %d %s: on %q from %s got #%s, want #%d", node, who, m.Channel, origin, k, next[key])
		}
		next[key]++
	}
	for o := range origins {
		for _, ch := range channels {
			if n := next[strconv.Itoa(o)+"/"+ch]; n != per {
				t.Errorf("node %d %s: %d messages on %q from node %d, want %d", node, who, n, ch, o, per)
			}
		}
	}
	if want := origins*len(channels)*per + origins; len(msgs) != want {
		t.Errorf("node %d %s: %d messages, want %d", node, who, len(msgs), want)
	}
}

func containsPayload(msgs []*redis.Message, payload string) bool {
	for _, m := range msgs {
		if m.Payload == payload {
			return true
		}
	}
	return false
}

func boolToInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
