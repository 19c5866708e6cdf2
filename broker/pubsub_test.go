package broker_test

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/brokerd/brokerd/internal/brokertest"
	"github.com/redis/go-redis/v9"
)

// expectFrames reads one reply per want from r and compares them.
func expectFrames(t *testing.T, r *brokertest.Raw, want ...string) {
	t.Helper()
	for _, w := range want {
		if got := r.Read(); got != w {
			t.Fatalf("got  %s\nwant %s", got, w)
		}
	}
}

func TestSubscribedModeRESP2(t *testing.T) {
	s := brokertest.Start(t)
	sub, pub := s.Dial(), s.Dial()
	sub.Send(brokertest.Encode([]byte("SUBSCRIBE"), []byte("a"), []byte("b")))
	expectFrames(t, sub, `["subscribe" "a" (int) 1]`, `["subscribe" "b" (int) 2]`)
	if got := pub.Do("PUBLISH a hi"); got != "(int) 1" {
		t.Fatalf("PUBLISH = %s", got)
	}
	expectFrames(t, sub, `["message" "a" "hi"]`)
	sub.Send(brokertest.Encode([]byte("PSUBSCRIBE"), []byte("n*")))
	expectFrames(t, sub, `["psubscribe" "n*" (int) 3]`)
	pub.Do("PUBLISH news x")
	expectFrames(t, sub, `["pmessage" "n*" "news" "x"]`)
	for _, tc := range [][2]string{
		{"GET k", "ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context"},
		{"PING", `["pong" ""]`},
		{"PING hey", `["pong" "hey"]`},
	} {
		if got := sub.Do(tc[0]); got != tc[1] {
			t.Fatalf("%s = %s, want %s", tc[0], got, tc[1])
		}
	}
	sub.Send(brokertest.Encode([]byte("UNSUBSCRIBE")))
	expectFrames(t, sub, `["unsubscribe" "a" (int) 2]`, `["unsubscribe" "b" (int) 1]`)
	sub.Send(brokertest.Encode([]byte("PUNSUBSCRIBE")))
	expectFrames(t, sub, `["punsubscribe" "n*" (int) 0]`)
	// Out of subscribed mode, every command works again.
	if got := sub.Do("PING"); got != "PONG" {
		t.Fatalf("PING = %s", got)
	}
	sub.Send(brokertest.Encode([]byte("UNSUBSCRIBE")))
	expectFrames(t, sub, `["unsubscribe" (nil) (int) 0]`)
}

func TestSubscribedRESP3KeepsEveryCommand(t *testing.T) {
	s := brokertest.Start(t)
	sub, pub := s.Dial(), s.Dial()
	sub.Do("HELLO 3")
	sub.Send(brokertest.Encode([]byte("SUBSCRIBE"), []byte("a")))
	expectFrames(t, sub, `push["subscribe" "a" (int) 1]`)
	if got := sub.Do("SET k v"); got != "OK" {
		t.Fatalf("SET in RESP3 subscribed mode = %s", got)
	}
	pub.Do("PUBLISH a hi")
	expectFrames(t, sub, `push["message" "a" "hi"]`)
	sub.Send(brokertest.Encode([]byte("UNSUBSCRIBE"), []byte("nope")))
	expectFrames(t, sub, `push["unsubscribe" "nope" (int) 1]`)
}

func TestRepliesOwedGoOutBeforeTheConfirmation(t *testing.T) {
	s := brokertest.Start(t)
	r := s.Dial()
	r.Send(brokertest.Encode([]byte("SET"), []byte("k"), []byte("v")) +
		brokertest.Encode([]byte("GET"), []byte("k")) +
		brokertest.Encode([]byte("SUBSCRIBE"), []byte("c")) +
		brokertest.Encode([]byte("PING")))
	expectFrames(t, r, "OK", `"v"`, `["subscribe" "c" (int) 1]`, `["pong" ""]`)
}

func TestPublishCountsAndIntrospection(t *testing.T) {
	s := brokertest.Start(t)
	a, b, pub := s.Dial(), s.Dial(), s.Dial()
	a.Send(brokertest.Encode([]byte("SUBSCRIBE"), []byte("news"), []byte("chat")))
	expectFrames(t, a, `["subscribe" "news" (int) 1]`, `["subscribe" "chat" (int) 2]`)
	a.Send(brokertest.Encode([]byte("PSUBSCRIBE"), []byte("n[eo]ws")))
	expectFrames(t, a, `["psubscribe" "n[eo]ws" (int) 3]`)
	b.Send(brokertest.Encode([]byte("SSUBSCRIBE"), []byte("news")))
	expectFrames(t, b, `["ssubscribe" "news" (int) 1]`)
	for _, tc := range [][2]string{
		// a gets it as a channel message and as a pattern match; b's shard
		// subscription is another space.
		{"PUBLISH news x", "(int) 2"},
		{"SPUBLISH news y", "(int) 1"},
		{"PUBLISH nobody z", "(int) 0"},
		{"PUBSUB CHANNELS", `["chat" "news"]`},
		{"PUBSUB CHANNELS n*", `["news"]`},
		{"PUBSUB NUMSUB news nobody", `["news" (int) 1 "nobody" (int) 0]`},
		{"PUBSUB NUMPAT", "(int) 1"},
		{"PUBSUB SHARDCHANNELS", `["news"]`},
		{"PUBSUB SHARDNUMSUB news", `["news" (int) 1]`},
		{"PUBSUB NOSUCH", "ERR unknown subcommand 'NOSUCH'. Try PUBSUB HELP."},
		// Redis's pubsubCommand takes at most one pattern (found by /tmp/diff-admin).
		{"PUBSUB CHANNELS a b", "ERR unknown subcommand or wrong number of arguments for 'CHANNELS'. Try PUBSUB HELP."},
		{"pubsub shardchannels a b", "ERR unknown subcommand or wrong number of arguments for 'shardchannels'. Try PUBSUB HELP."},
	} {
		if got := pub.Do(tc[0]); got != tc[1] {
			t.Errorf("%s = %s, want %s", tc[0], got, tc[1])
		}
	}
	expectFrames(t, b, `["smessage" "news" "y"]`)
	// A closed subscriber leaves no trace.
	a.Conn.Close()
	brokertest.Eventually(t, 5*time.Second, func() error {
		if got := pub.Do("PUBSUB NUMPAT"); got != "(int) 0" {
			return fmt.Errorf("NUMPAT = %s", got)
		}
		return nil
	})
}

func TestMessagesArriveInPublishOrder(t *testing.T) {
	s := brokertest.Start(t)
	sub := s.Dial()
	sub.Send(brokertest.Encode([]byte("SUBSCRIBE"), []byte("q")))
	expectFrames(t, sub, `["subscribe" "q" (int) 1]`)
	rdb := s.Client()
	const n = 2000
	pipe := rdb.Pipeline()
	for i := range n {
		pipe.Publish(brokertest.Ctx(), "q", strconv.Itoa(i))
	}
	if _, err := pipe.Exec(brokertest.Ctx()); err != nil {
		t.Fatal(err)
	}
	for i := range n {
		if got, want := sub.Read(), fmt.Sprintf(`["message" "q" "%d"]`, i); got != want {
			t.Fatalf("message %d: %s", i, got)
		}
	}
}

func TestGoRedisPubSub(t *testing.T) {
	brokertest.EachProtocol(t, func(t *testing.T, s *brokertest.Server, rdb *redis.Client) {
		ctx := brokertest.Ctx()
		ps := rdb.Subscribe(ctx, "orders")
		defer ps.Close()
		if _, err := ps.Receive(ctx); err != nil { // the confirmation
			t.Fatal(err)
		}
		if err := ps.PSubscribe(ctx, "user:*"); err != nil {
			t.Fatal(err)
		}
		if _, err := ps.Receive(ctx); err != nil {
			t.Fatal(err)
		}
		if err := ps.Ping(ctx); err != nil {
			t.Fatal(err)
		}
		if n, err := rdb.Publish(ctx, "orders", "o1").Result(); err != nil || n != 1 {
			t.Fatalf("PUBLISH = %d, %v", n, err)
		}
		rdb.Publish(ctx, "user:7", "u7")
		var got []string
		for len(got) < 2 {
			msg, err := ps.Receive(ctx)
			if err != nil {
				t.Fatal(err)
			}
			switch m := msg.(type) {
			case *redis.Message:
				got = append(got, m.Pattern+"|"+m.Channel+"|"+m.Payload)
			case *redis.Pong:
			default:
				t.Fatalf("unexpected %T %v", msg, msg)
			}
		}
		if want := []string{"|orders|o1", "user:*|user:7|u7"}; strings.Join(got, ",") != strings.Join(want, ",") {
			t.Fatalf("got %v, want %v", got, want)
		}
		chans, err := rdb.PubSubChannels(ctx, "*").Result()
		if err != nil || len(chans) != 1 || chans[0] != "orders" {
			t.Fatalf("PUBSUB CHANNELS = %v, %v", chans, err)
		}
		nums, err := rdb.PubSubNumSub(ctx, "orders").Result()
		if err != nil || nums["orders"] != 1 {
			t.Fatalf("PUBSUB NUMSUB = %v, %v", nums, err)
		}
	})
}

// TestSlowSubscriberIsDisconnected: a subscriber that never reads passes
// client-output-buffer-limit pubsub and is dropped, while one that reads
// gets every message, the publisher is never held up and the server's
// memory stays bounded while 1 GB is published.
func TestSlowSubscriberIsDisconnected(t *testing.T) {
	s := brokertest.Start(t)
	admin := s.Dial()
	if got := admin.Do(`CONFIG SET client-output-buffer-limit "pubsub 4mb 1mb 60"`); got != "OK" {
		t.Fatal(got)
	}
	if got := admin.Do("CONFIG GET client-output-buffer-limit"); !strings.Contains(got, "pubsub 4194304 1048576 60") {
		t.Fatalf("CONFIG GET = %s", got)
	}
	slow := s.Dial()
	slow.Send(brokertest.Encode([]byte("SUBSCRIBE"), []byte("firehose")))
	expectFrames(t, slow, `["subscribe" "firehose" (int) 1]`)

	ctx := brokertest.Ctx()
	reader := s.Client().Subscribe(ctx, "firehose")
	defer reader.Close()
	if _, err := reader.Receive(ctx); err != nil {
		t.Fatal(err)
	}
	const total = 1 << 30
	payload := strings.Repeat("x", 64<<10)
	n := total / len(payload)
	received := make(chan error, 1)
	go func() {
		for i := range n {
			m, err := reader.ReceiveMessage(ctx)
			if err != nil || len(m.Payload) != len(payload) {
				received <- fmt.Errorf("message %d: %v", i, err)
				return
			}
		}
		received <- nil
	}()
	pub := s.Client()
	peak := 0
	for i := range n / 16 {
		pipe := pub.Pipeline()
		for range 16 {
			pipe.Publish(ctx, "firehose", payload)
		}
		if _, err := pipe.Exec(ctx); err != nil {
			t.Fatal(err)
		}
		if i%64 == 0 {
			peak = max(peak, infoInt(t, admin, "memory", "used_memory"))
		}
	}
	if err := <-received; err != nil {
		t.Fatal(err)
	}
	info := admin.Do("INFO stats")
	if !strings.Contains(info, "client_output_buffer_limit_disconnections:1") {
		t.Fatalf("slow subscriber not counted as disconnected:\n%s", info)
	}
	if got := admin.Do("PUBSUB NUMSUB firehose"); got != `["firehose" (int) 1]` {
		t.Fatalf("NUMSUB = %s", got)
	}
	// An unbounded outbox would have held most of the gigabyte.
	if peak > 256<<20 {
		t.Fatalf("used_memory reached %d bytes while 1 GB went to a subscriber that never read", peak)
	}
}

// infoInt reads one integer field of an INFO section.
func infoInt(t *testing.T, r *brokertest.Raw, section, field string) int {
	t.Helper()
	info := r.Do("INFO " + section)
	i := strings.Index(info, field+":")
	if i < 0 {
		t.Fatalf("INFO %s has no %s", section, field)
	}
	// The reply is formatted (resptest.Format): the value ends at the
	// quoted "\r\n".
	v, _, _ := strings.Cut(info[i+len(field)+1:], `\r\n`)
	n, err := strconv.Atoi(v)
	if err != nil {
		t.Fatalf("INFO %s %s = %q", section, field, v)
	}
	return n
}

func TestClientListShowsSubscriptionsAndMulti(t *testing.T) {
	s := brokertest.Start(t)
	sub := s.Dial()
	sub.Send(brokertest.Encode([]byte("SUBSCRIBE"), []byte("a"), []byte("b")) + brokertest.Encode([]byte("PSUBSCRIBE"), []byte("c*")))
	expectFrames(t, sub, `["subscribe" "a" (int) 1]`, `["subscribe" "b" (int) 2]`, `["psubscribe" "c*" (int) 3]`)
	tx := s.Dial()
	tx.Do("MULTI")
	tx.Do("SET k v")
	tx.Do("GET k")
	admin := s.Dial()
	list := admin.Do("CLIENT LIST TYPE pubsub")
	// flags P (subscriber) and x (in MULTI) as redis-server 7.0.15 shows
	// them; brokerd printed N for both (found by /tmp/diff-admin).
	if !strings.Contains(list, " flags=P db=0 sub=2 psub=1 ssub=0 multi=-1 ") || strings.Count(list, "id=") != 1 {
		t.Fatalf("CLIENT LIST TYPE pubsub = %s", list)
	}
	if list := admin.Do("CLIENT LIST"); !strings.Contains(list, " flags=x db=0 sub=0 psub=0 ssub=0 multi=2 ") {
		t.Fatalf("CLIENT LIST = %s", list)
	}
	if info := admin.Do("CLIENT INFO"); !strings.Contains(info, " flags=N db=0 ") {
		t.Fatalf("CLIENT INFO = %s", info)
	}
}

// TestClientInfoInsideExec: a CLIENT INFO queued in MULTI runs while the
// client is still in its transaction (redis-server 7.0.15: MULTI, PING,
// CLIENT INFO, EXEC shows flags=x ... multi=2; brokerd showed flags=N
// multi=-1), and the flag is gone after EXEC.
func TestClientInfoInsideExec(t *testing.T) {
	s := brokertest.Start(t)
	c := s.Dial()
	c.Do("MULTI")
	c.Do("PING")
	c.Do("CLIENT INFO")
	if got := c.Do("EXEC"); !strings.Contains(got, " flags=x db=0 sub=0 psub=0 ssub=0 multi=2 ") {
		t.Fatalf("EXEC of PING, CLIENT INFO = %s", got)
	}
	if got := c.Do("CLIENT INFO"); !strings.Contains(got, " flags=N db=0 sub=0 psub=0 ssub=0 multi=-1 ") {
		t.Fatalf("CLIENT INFO after EXEC = %s", got)
	}
}
