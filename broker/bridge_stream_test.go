package broker_test

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/brokerd/brokerd/internal/brokertest"
	"github.com/brokerd/brokerd/pubsub"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/redis/go-redis/v9"
)

func TestBridgeStreamExport(t *testing.T) {
	ns := startNATS(t, -1, t.TempDir())
	nc, _ := natsClient(t, ns)
	sub, err := nc.SubscribeSync("brokerd.stream.>")
	if err != nil {
		t.Fatal(err)
	}
	if err := nc.Flush(); err != nil {
		t.Fatal(err)
	}
	rdb := bridged(t, ns, func(c *pubsub.BridgeConfig) { c.Export = []string{"orders:*", "events"} }).Client()
	waitConnected(t, rdb)
	ctx := brokertest.Ctx()
	type entry struct{ key, id, value string }
	var want []entry
	for i := range 30 {
		key := []string{"orders:1", "events", "orders:\x00 .*>"}[i%3]
		value := fmt.Sprintf("v%d\r\n\xff", i)
		id, err := rdb.XAdd(ctx, &redis.XAddArgs{Stream: key, Values: []string{"n", strconv.Itoa(i), "blob", value}}).Result()
		if err != nil {
			t.Fatal(err)
		}
		rdb.XAdd(ctx, &redis.XAddArgs{Stream: "other", Values: []string{"not", "exported"}})
		want = append(want, entry{key, id, value})
	}
	// MULTI/EXEC: each XADD inside is exported too.
	cmds, err := rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.XAdd(ctx, &redis.XAddArgs{Stream: "events", Values: []string{"n", "tx", "blob", "in-tx"}})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want = append(want, entry{"events", cmds[0].(*redis.StringCmd).Val(), "in-tx"})
	for i, w := range want {
		m, err := sub.NextMsg(bridgeWait)
		if err != nil {
			t.Fatalf("entry %d: %v", i, err)
		}
		key, _ := pubsub.DecodeName(strings.TrimPrefix(m.Subject, "brokerd.stream."))
		fields, err := pubsub.DecodeFields(m.Data)
		if err != nil {
			t.Fatal(err)
		}
		if string(key) != w.key || m.Header.Get(pubsub.HeaderStreamID) != w.id || len(fields) != 4 || string(fields[3]) != w.value {
			t.Fatalf("entry %d: key %q id %q fields %q, want %+v", i, key, m.Header.Get(pubsub.HeaderStreamID), fields, w)
		}
	}
	if m, err := sub.NextMsg(10 * time.Millisecond); err == nil {
		t.Fatalf("unexpected export %s", m.Subject)
	}
	if got := natsInfo(t, rdb, "nats_exported"); got != strconv.Itoa(len(want)) {
		t.Errorf("nats_exported:%s, want %d", got, len(want))
	}
}

// xlen reads a stream's length; 0 for a missing key.
func xlen(t *testing.T, rdb *redis.Client, key string) int64 {
	t.Helper()
	n, err := rdb.XLen(brokertest.Ctx(), key).Result()
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func waitXLen(t *testing.T, rdb *redis.Client, key string, want int64) {
	t.Helper()
	brokertest.Eventually(t, bridgeWait, func() error {
		if n := xlen(t, rdb, key); n != want {
			return fmt.Errorf("XLEN %s = %d, want %d", key, n, want)
		}
		return nil
	})
}

func createStream(t *testing.T, js jetstream.JetStream, name string, subjects ...string) jetstream.Stream {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), bridgeWait)
	defer cancel()
	st, err := js.CreateStream(ctx, jetstream.StreamConfig{Name: name, Subjects: subjects, Storage: jetstream.FileStorage})
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func TestBridgeStreamImport(t *testing.T) {
	ns := startNATS(t, -1, t.TempDir())
	nc, js := natsClient(t, ns)
	createStream(t, js, "JOBS", "jobs.>")
	ctx := brokertest.Ctx()
	for i := range 10 {
		if _, err := js.Publish(ctx, "jobs.new", []byte(fmt.Sprintf("job %d", i))); err != nil {
			t.Fatal(err)
		}
	}
	srv := bridged(t, ns, func(c *pubsub.BridgeConfig) {
		c.Imports = []pubsub.BridgeImport{{Subject: "in.>", Key: "inbox"}}
		c.JetStreamImports = []pubsub.BridgeJSImport{{Stream: "JOBS", Consumer: "node1", Key: "jobs"}}
		c.Export = []string{"*"} // import targets are never exported
	})
	rdb := srv.Client()
	waitConnected(t, rdb)

	t.Run("plain subject", func(t *testing.T) {
		// Core NATS is at most once: publish until the subscription is
		// in place, then count from there.
		brokertest.Eventually(t, bridgeWait, func() error {
			nc.Publish("in.warm", []byte("warm"))
			if xlen(t, rdb, "inbox") == 0 {
				return fmt.Errorf("nothing imported yet")
			}
			return nil
		})
		// Later messages from this connection arrive after the warm-ups.
		msg := &nats.Msg{Subject: "in.orders", Header: nats.Header{pubsub.HeaderFields: []string{"resp"}},
			Data: pubsub.EncodeFields(nil, [][]byte{[]byte("f"), []byte("\x00bin")})}
		if err := nc.PublishMsg(msg); err != nil {
			t.Fatal(err)
		}
		nc.Publish("in.raw", []byte("raw payload"))
		want := fmt.Sprint([]map[string]any{{"subject": "in.raw", "data": "raw payload"}, {"f": "\x00bin"}})
		brokertest.Eventually(t, bridgeWait, func() error {
			got, err := rdb.XRevRangeN(ctx, "inbox", "+", "-", 2).Result()
			if err != nil {
				return err
			}
			var values []map[string]any
			for _, e := range got {
				values = append(values, e.Values)
			}
			if fmt.Sprint(values) != want {
				return fmt.Errorf("last entries %v, want %s", values, want)
			}
			return nil
		})
	})

	t.Run("JetStream", func(t *testing.T) {
		waitXLen(t, rdb, "jobs", 10)
		entries, err := rdb.XRange(ctx, "jobs", "-", "+").Result()
		if err != nil {
			t.Fatal(err)
		}
		for i, e := range entries {
			if e.Values["data"] != fmt.Sprintf("job %d", i) {
				t.Fatalf("entry %d: %v", i, e.Values)
			}
		}
	})

	t.Run("redelivery not appended twice", func(t *testing.T) {
		// A fresh durable of the same name delivers everything again, as
		// if every ack had been lost; the mark survives a restart.
		srv.Close()
		if err := js.DeleteConsumer(ctx, "JOBS", "node1"); err != nil {
			t.Fatal(err)
		}
		srv.Restart()
		rdb := srv.Client()
		if _, err := js.Publish(ctx, "jobs.new", []byte("job 10")); err != nil {
			t.Fatal(err)
		}
		waitXLen(t, rdb, "jobs", 11)
		brokertest.Eventually(t, bridgeWait, func() error {
			if d := natsInfo(t, rdb, "nats_import_duplicates"); d != "10" {
				return fmt.Errorf("nats_import_duplicates:%s", d)
			}
			return nil
		})
		if n := xlen(t, rdb, "jobs"); n != 11 {
			t.Errorf("XLEN jobs = %d after redelivery", n)
		}
	})
}

// TestBridgeNATSRestart stops NATS while writes go on and starts it again
// on the same port and store: the JetStream paths lose nothing.
func TestBridgeNATSRestart(t *testing.T) {
	dir := t.TempDir()
	ns := startNATS(t, -1, dir)
	port := natsPort(ns)
	_, js := natsClient(t, ns)
	stream := createStream(t, js, "ORDERS", "brokerd.stream.>")
	producer := bridged(t, ns, func(c *pubsub.BridgeConfig) {
		c.Export = []string{"orders"}
		c.ExportJetStream = true
	}).Client()
	consumer := bridged(t, ns, func(c *pubsub.BridgeConfig) {
		c.JetStreamImports = []pubsub.BridgeJSImport{{Stream: "ORDERS", Consumer: "node2", Key: "orders"}}
	}).Client()
	waitConnected(t, producer)
	waitConnected(t, consumer)
	ctx := brokertest.Ctx()
	var ids []string
	write := func(n int) {
		for range n {
			id, err := producer.XAdd(ctx, &redis.XAddArgs{Stream: "orders", Values: []string{"n", strconv.Itoa(len(ids))}}).Result()
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, id)
		}
	}
	write(50)
	waitXLen(t, consumer, "orders", 50)

	ns.Shutdown()
	ns.WaitForShutdown()
	brokertest.Eventually(t, bridgeWait, func() error {
		if v := natsInfo(t, producer, "nats_connected"); v != "0" {
			return fmt.Errorf("nats_connected:%s", v)
		}
		return nil
	})
	write(50) // local traffic goes on while NATS is away
	if err := producer.Publish(ctx, "news", "while down").Err(); err != nil {
		t.Fatal(err)
	}

	ns = startNATS(t, port, dir)
	write(50)
	waitXLen(t, consumer, "orders", int64(len(ids)))

	// JetStream holds every entry once, in order.
	info, err := stream.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if info.State.Msgs != uint64(len(ids)) {
		t.Errorf("JetStream has %d messages, want %d", info.State.Msgs, len(ids))
	}
	for seq := uint64(1); seq <= info.State.Msgs; seq++ {
		m, err := stream.GetMsg(ctx, seq)
		if err != nil {
			t.Fatal(err)
		}
		if got := m.Header.Get(pubsub.HeaderStreamID); got != ids[seq-1] {
			t.Fatalf("JetStream message %d has entry %s, want %s", seq, got, ids[seq-1])
		}
	}
	// The imported copy too.
	entries, err := consumer.XRange(ctx, "orders", "-", "+").Result()
	if err != nil {
		t.Fatal(err)
	}
	for i, e := range entries {
		if e.Values["n"] != strconv.Itoa(i) {
			t.Fatalf("imported entry %d: %v", i, e.Values)
		}
	}
	if v := natsInfo(t, producer, "nats_dropped_export"); v != "0" {
		t.Errorf("nats_dropped_export:%s", v)
	}
	if v := natsInfo(t, producer, "nats_reconnects"); v == "0" {
		t.Errorf("nats_reconnects:0 after a restart")
	}
}
