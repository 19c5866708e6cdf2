package broker_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand"
	"net"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/brokerd/brokerd/internal/brokertest"
	"github.com/redis/go-redis/v9"
)

const (
	crashClients = 2 // clients of each kind: the machine has two cores
	crashSetKeys = 4 // keys per SET writer, so that SETs overwrite
	crashStream  = "mixed:stream"
	crashGroup   = "g"
	crashList    = "mixed:queue"
)

// TestCrashMixedLoadKeepsAcknowledgedWrites kills a server process with
// SIGKILL at random moments while SET, MULTI/EXEC, XADD, XREADGROUP/XACK,
// LPUSH, BRPOP, EVAL and EVALSHA clients run against it with appendfsync
// always (the scripted writers are in crash_script_test.go). After
// each restart every acknowledged write is there, unacknowledged writes
// are either wholly there or wholly absent, and what one restart showed
// is still there at the next. The client side records what it sent and
// what the server acknowledged; the checks compare exactly against that.
func TestCrashMixedLoadKeepsAcknowledgedWrites(t *testing.T) {
	kills := 5
	if brokertest.Soak() {
		kills = 20
	}
	seed := time.Now().UnixNano()
	rng := rand.New(rand.NewSource(seed))
	t.Logf("seed %d (it picks the kill moments)", seed)
	dir := t.TempDir()
	l := newCrashLoad(t)
	start := time.Now()
	for round := 0; ; round++ {
		p := brokertest.StartProcess(t, dir, "always")
		rdb := redis.NewClient(&redis.Options{Addr: p.Addr, DisableIdentity: true, Protocol: 2})
		if round == 0 {
			if err := rdb.XGroupCreateMkStream(context.Background(), crashStream, crashGroup, "0").Err(); err != nil {
				t.Fatal(err)
			}
		} else {
			l.verify(rdb, round)
		}
		if round == kills {
			l.drain(rdb)
			l.verifyDrained(rdb)
			rdb.Close()
			break
		}
		rdb.Close()
		if t.Failed() {
			t.FailNow()
		}
		// Kill after 100–400 ms of load.
		l.load(p, time.Duration(100+rng.Intn(301))*time.Millisecond)
		if t.Failed() {
			t.FailNow()
		}
	}
	t.Logf("%d kills in %v; acknowledged: %v; BRPOPs cut off by a kill %d, jobs missing %d; duplicate deliveries %d; NOSCRIPT answers %d",
		kills, time.Since(start).Round(time.Millisecond), l.counts, l.popsLost, l.missing, l.duplicates(), l.noScript)
}

// crashLoad is the client side's record of a run: what each kind of
// client sent, what the server acknowledged, and what the last restart
// showed. Load goroutines update it under mu; checks run between rounds.
type crashLoad struct {
	t      *testing.T
	mu     sync.Mutex
	counts map[string]int // acknowledged operations per command

	sent    map[string]int // payload tag → sequence numbers sent (XADD, LPUSH)
	setSeq  [crashClients]int
	setKeys map[string]*crashSetKey

	txSent, txAcked int // MULTI; INCR tx:a; INCR tx:b; EXEC

	xaddAcked map[string]string // acknowledged XADD: entry ID → value
	entries   map[string]string // every entry the last restart showed

	delivered     map[string]int  // entry ID → deliveries to a consumer
	ackSent       map[string]bool // an XACK was sent (its reply may be lost)
	ackOK         map[string]bool // an XACK was acknowledged
	lastDelivered string          // the group's, at the last restart
	pending       map[string]bool // the group's PEL at the last restart

	pushAcked map[string]bool // acknowledged LPUSH jobs
	listSeen  map[string]bool // jobs a restart showed in the list
	received  map[string]int  // jobs BRPOP returned → times
	popsLost  int             // BRPOPs sent whose reply a kill cut off
	missing   int             // jobs neither received nor in the list

	crashScripts // EVAL and EVALSHA writers (crash_script_test.go)
}

// crashSetKey is one SET key: the last value known durable (acknowledged
// or shown by a restart) and the writes sent since without a reply.
type crashSetKey struct {
	floor   int
	unacked map[int]bool
}

func newCrashLoad(t *testing.T) *crashLoad {
	return &crashLoad{t: t, counts: map[string]int{}, sent: map[string]int{}, setKeys: map[string]*crashSetKey{},
		xaddAcked: map[string]string{}, entries: map[string]string{},
		delivered: map[string]int{}, ackSent: map[string]bool{}, ackOK: map[string]bool{},
		lastDelivered: "0-0", pending: map[string]bool{},
		pushAcked: map[string]bool{}, listSeen: map[string]bool{}, received: map[string]int{},
		crashScripts: newCrashScripts()}
}

// load runs every kind of client against p until it is killed, d after
// the start.
func (l *crashLoad) load(p *brokertest.Process, d time.Duration) {
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	spawn := func(run func(context.Context, *redis.Client, int), w int) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// No retries and short timeouts: the kill must show up
			// as an error, and a command must never be sent twice.
			rdb := redis.NewClient(&redis.Options{Addr: p.Addr, DisableIdentity: true, Protocol: 2, MaxRetries: -1,
				PoolSize: 1, DialTimeout: time.Second, ReadTimeout: 2 * time.Second, WriteTimeout: time.Second})
			defer rdb.Close()
			run(ctx, rdb, w)
		}()
	}
	for w := 0; w < crashClients; w++ {
		for _, run := range []func(context.Context, *redis.Client, int){l.setWriter, l.producer, l.worker, l.pusher, l.popper, l.evalWriter, l.evalSHAWriter} {
			spawn(run, w)
		}
	}
	spawn(l.txWriter, 0)
	timer := time.NewTimer(d)
	<-timer.C
	p.Kill()
	cancel()
	wg.Wait()
}

// stopped reports whether err ends a load goroutine. Any error does (the
// kill closes every connection); an error reply also fails the test.
func (l *crashLoad) stopped(what string, err error) bool {
	if err == nil {
		return false
	}
	var reply redis.Error
	if errors.As(err, &reply) {
		l.t.Errorf("%s: error reply under load: %v", what, err)
	}
	return true
}

func (l *crashLoad) next(tag string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.sent[tag]++
	return l.sent[tag] - 1
}

func (l *crashLoad) ack(what string, f func()) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.counts[what]++
	if f != nil {
		f()
	}
}

func (l *crashLoad) setWriter(ctx context.Context, rdb *redis.Client, w int) {
	for ctx.Err() == nil {
		l.mu.Lock()
		seq := l.setSeq[w]
		l.setSeq[w]++
		key := fmt.Sprintf("set%d.%d", w, seq%crashSetKeys)
		k := l.setKeys[key]
		if k == nil {
			k = &crashSetKey{floor: -1, unacked: map[int]bool{}}
			l.setKeys[key] = k
		}
		k.unacked[seq] = true
		l.mu.Unlock()
		if l.stopped("SET", rdb.Set(ctx, key, crashValue(key, seq), 0).Err()) {
			return
		}
		l.ack("SET", func() { delete(k.unacked, seq); k.floor = seq })
	}
}

func (l *crashLoad) txWriter(ctx context.Context, rdb *redis.Client, _ int) {
	for ctx.Err() == nil {
		l.mu.Lock()
		l.txSent++
		l.mu.Unlock()
		_, err := rdb.TxPipelined(ctx, func(pipe redis.Pipeliner) error {
			pipe.Incr(ctx, "tx:a")
			pipe.Incr(ctx, "tx:b")
			return nil
		})
		if l.stopped("MULTI/EXEC", err) {
			return
		}
		l.ack("MULTI/EXEC", func() { l.txAcked++ })
	}
}

func (l *crashLoad) producer(ctx context.Context, rdb *redis.Client, w int) {
	tag := "x" + strconv.Itoa(w)
	for ctx.Err() == nil {
		seq := l.next(tag)
		id, err := rdb.XAdd(ctx, &redis.XAddArgs{Stream: crashStream, Values: crashFields(tag, seq)}).Result()
		if l.stopped("XADD", err) {
			return
		}
		l.ack("XADD", func() { l.xaddAcked[id] = crashValue(tag, seq) })
	}
}

func (l *crashLoad) worker(ctx context.Context, rdb *redis.Client, w int) {
	args := &redis.XReadGroupArgs{Group: crashGroup, Consumer: "w" + strconv.Itoa(w),
		Streams: []string{crashStream, ">"}, Count: 10, Block: 50 * time.Millisecond}
	for ctx.Err() == nil {
		res, err := rdb.XReadGroup(ctx, args).Result()
		if errors.Is(err, redis.Nil) {
			continue
		}
		if l.stopped("XREADGROUP", err) {
			return
		}
		for _, st := range res {
			if l.ackAll(ctx, rdb, st.Messages) != nil {
				return
			}
		}
	}
}

// ackAll records msgs as delivered and XACKs them. Each was just
// delivered to this consumer alone, so each XACK must count.
func (l *crashLoad) ackAll(ctx context.Context, rdb *redis.Client, msgs []redis.XMessage) error {
	if len(msgs) == 0 {
		return nil
	}
	ids := make([]string, len(msgs))
	l.mu.Lock()
	for i, m := range msgs {
		ids[i] = m.ID
		v, _ := m.Values["v"].(string)
		if tag, seq, ok := crashParse(v); !ok || len(m.Values) != 2 || m.Values["tag"] != tag || seq >= l.sent[tag] {
			l.t.Errorf("delivered entry %s has torn or unsent fields %v", m.ID, m.Values)
		}
		l.delivered[m.ID]++
		l.ackSent[m.ID] = true // from here on, the XACK may take effect
	}
	l.mu.Unlock()
	n, err := rdb.XAck(ctx, crashStream, crashGroup, ids...).Result()
	if l.stopped("XACK", err) {
		return err
	}
	if n != int64(len(ids)) {
		l.t.Errorf("XACK of %d entries just delivered acknowledged %d", len(ids), n)
	}
	l.ack("XACK", func() {
		for _, id := range ids {
			l.ackOK[id] = true
		}
	})
	return nil
}

func (l *crashLoad) pusher(ctx context.Context, rdb *redis.Client, w int) {
	tag := "j" + strconv.Itoa(w)
	for ctx.Err() == nil {
		job := crashValue(tag, l.next(tag))
		if l.stopped("LPUSH", rdb.LPush(ctx, crashList, job).Err()) {
			return
		}
		l.ack("LPUSH", func() { l.pushAcked[job] = true })
	}
}

func (l *crashLoad) popper(ctx context.Context, rdb *redis.Client, _ int) {
	for ctx.Err() == nil {
		// go-redis's BRPop rounds timeouts up to whole seconds.
		kv, err := rdb.Do(ctx, "BRPOP", crashList, "0.05").StringSlice()
		if errors.Is(err, redis.Nil) {
			continue
		}
		if err != nil {
			// Sent but unanswered: the server may have popped a job
			// for it that no one will ever see (Redis is the same;
			// BLMOVE is the reliable form). A failed dial sent nothing.
			var op *net.OpError
			if !errors.As(err, &op) || op.Op != "dial" {
				l.mu.Lock()
				l.popsLost++
				l.mu.Unlock()
			}
			l.stopped("BRPOP", err)
			return
		}
		l.ack("BRPOP", func() {
			if len(kv) != 2 || kv[0] != crashList {
				l.t.Errorf("BRPOP = %.80q", kv)
				return
			}
			if tag, seq, ok := crashParse(kv[1]); !ok || seq >= l.sent[tag] {
				l.t.Errorf("BRPOP = %.80q: torn or never pushed", kv[1])
			}
			if l.received[kv[1]]++; l.received[kv[1]] > 1 {
				l.t.Errorf("job %.40q received twice", kv[1])
			}
		})
	}
}

// verify checks the restarted server against the record; it runs between
// rounds, with no load goroutine alive.
func (l *crashLoad) verify(rdb *redis.Client, round int) {
	for _, c := range []struct {
		what  string
		check func(*redis.Client) error
	}{{"SET", l.checkSets}, {"MULTI/EXEC", l.checkTx}, {"XADD", l.checkStream}, {"consumer group", l.checkGroup}, {"list queue", l.checkList}, {"scripts", l.checkScripts}} {
		if err := c.check(rdb); err != nil {
			// Later checks build on the record this one updates.
			l.t.Errorf("after kill %d: %s: %v", round, c.what, err)
			return
		}
	}
}

// checkSets: each key holds its last acknowledged value or the one SET
// sent after it without a reply; what it holds becomes the new floor.
func (l *crashLoad) checkSets(rdb *redis.Client) error {
	for key, k := range l.setKeys {
		v, err := rdb.Get(context.Background(), key).Result()
		seq, ok := -1, true
		if err == nil {
			var tag string
			tag, seq, ok = crashParse(v)
			ok = ok && tag == key
		} else if !errors.Is(err, redis.Nil) {
			return err
		}
		switch {
		case !ok:
			return fmt.Errorf("GET %s = %.80q: torn or another key's value", key, v)
		case seq < k.floor:
			return fmt.Errorf("GET %s holds write %d, older than the acknowledged %d", key, seq, k.floor)
		case seq > k.floor && !k.unacked[seq]:
			return fmt.Errorf("GET %s holds write %d, which was never sent", key, seq)
		}
		k.floor = seq
		clear(k.unacked)
	}
	return nil
}

// checkTx: both counters moved together, by at least every acknowledged
// EXEC and at most every one sent.
func (l *crashLoad) checkTx(rdb *redis.Client) error {
	vals, err := rdb.MGet(context.Background(), "tx:a", "tx:b").Result()
	if err != nil {
		return err
	}
	n := make([]int, 2)
	for i, v := range vals {
		if v != nil {
			n[i], _ = strconv.Atoi(v.(string))
		}
	}
	if n[0] != n[1] {
		return fmt.Errorf("half-applied: tx:a = %d, tx:b = %d", n[0], n[1])
	}
	if n[0] < l.txAcked || n[0] > l.txSent {
		return fmt.Errorf("tx:a = %d; %d EXECs acknowledged, %d sent", n[0], l.txAcked, l.txSent)
	}
	l.txAcked, l.txSent = n[0], n[0]
	return nil
}

// checkStream: every entry is one a producer sent, whole and once; every
// acknowledged XADD and every entry the last restart showed is there.
func (l *crashLoad) checkStream(rdb *redis.Client) error {
	entries, err := crashXRange(context.Background(), rdb, crashStream)
	if err != nil {
		return err
	}
	seen := map[string]string{}
	byValue := map[string]string{}
	for _, e := range entries {
		id, fields := e.id, e.fields
		if len(fields) != 4 {
			return fmt.Errorf("entry %s has fields %q", id, fields)
		}
		tag, seq, ok := crashParse(fields[1])
		if !ok || !slices.Equal(fields, crashFields(tag, seq)) || seq >= l.sent[tag] {
			return fmt.Errorf("entry %s is torn or was never sent: %.80q", id, fields)
		}
		if other, dup := byValue[fields[1]]; dup {
			return fmt.Errorf("XADD %s/%d applied twice, as %s and %s", tag, seq, other, id)
		}
		seen[id], byValue[fields[1]] = fields[1], id
	}
	for _, want := range []map[string]string{l.xaddAcked, l.entries} {
		for id, v := range want {
			if seen[id] != v {
				return fmt.Errorf("entry %s (%.20q) lost", id, v)
			}
		}
	}
	l.entries = seen
	return nil
}

// checkGroup: an acknowledged XACK stays done, a delivered entry is
// either pending or was XACKed, and nothing acked before the last restart
// becomes pending again.
func (l *crashLoad) checkGroup(rdb *redis.Client) error {
	ctx := context.Background()
	groups, err := rdb.XInfoGroups(ctx, crashStream).Result()
	if err != nil || len(groups) != 1 {
		return fmt.Errorf("XINFO GROUPS = %+v, %v", groups, err)
	}
	last := groups[0].LastDeliveredID
	pel, err := rdb.XPendingExt(ctx, &redis.XPendingExtArgs{Stream: crashStream, Group: crashGroup,
		Start: "-", End: "+", Count: 1 << 30}).Result()
	if err != nil {
		return err
	}
	pending := map[string]bool{}
	for _, e := range pel {
		switch {
		case l.entries[e.ID] == "":
			return fmt.Errorf("pending %s is not in the stream", e.ID)
		case crashIDLess(last, e.ID):
			return fmt.Errorf("pending %s is past last-delivered-id %s", e.ID, last)
		case l.ackOK[e.ID]:
			return fmt.Errorf("acknowledged XACK of %s undone: pending for %s", e.ID, e.Consumer)
		case !l.pending[e.ID] && !crashIDLess(l.lastDelivered, e.ID):
			return fmt.Errorf("%s, acked before the last restart, is pending again", e.ID)
		}
		pending[e.ID] = true
	}
	if crashIDLess(last, l.lastDelivered) {
		return fmt.Errorf("last-delivered-id went back from %s to %s", l.lastDelivered, last)
	}
	for id := range l.entries {
		if !crashIDLess(last, id) && !pending[id] && !l.ackSent[id] {
			return fmt.Errorf("%s was delivered (last-delivered-id %s) but is neither pending nor XACKed", id, last)
		}
	}
	l.lastDelivered, l.pending = last, pending
	return nil
}

// checkList: the list holds only jobs sent, each once and none already
// received; every acknowledged job, and every job a restart showed, was
// received or is in the list, but for at most one per BRPOP cut off.
func (l *crashLoad) checkList(rdb *redis.Client) error {
	items, err := rdb.LRange(context.Background(), crashList, 0, -1).Result()
	if err != nil {
		return err
	}
	inList := map[string]bool{}
	for _, job := range items {
		tag, seq, ok := crashParse(job)
		switch {
		case !ok || seq >= l.sent[tag]:
			return fmt.Errorf("list holds %.80q: torn or never pushed", job)
		case inList[job]:
			return fmt.Errorf("job %.40q in the list twice", job)
		case l.received[job] > 0:
			return fmt.Errorf("job %.40q was popped and received, yet is back in the list", job)
		}
		inList[job] = true
	}
	l.missing = 0
	for job := range l.pushAcked {
		if l.received[job] == 0 && !inList[job] {
			l.missing++
		}
	}
	for job := range l.listSeen {
		if !l.pushAcked[job] && l.received[job] == 0 && !inList[job] {
			l.missing++
		}
	}
	if l.missing > l.popsLost {
		return fmt.Errorf("%d pushed jobs neither received nor in the list; only %d BRPOPs were cut off by kills", l.missing, l.popsLost)
	}
	for job := range inList {
		l.listSeen[job] = true
	}
	return nil
}

// drain reads and acks, as consumer "drain", whatever the group has not
// delivered, then claims and acks whatever is still pending.
func (l *crashLoad) drain(rdb *redis.Client) {
	ctx := context.Background()
	for {
		res, err := rdb.XReadGroup(ctx, &redis.XReadGroupArgs{Group: crashGroup, Consumer: "drain",
			Streams: []string{crashStream, ">"}, Count: 1000, Block: -1}).Result()
		if errors.Is(err, redis.Nil) || (err == nil && len(res) == 0) {
			break
		}
		if err != nil || l.ackAll(ctx, rdb, res[0].Messages) != nil {
			l.t.Fatalf("drain: XREADGROUP: %v", err)
		}
	}
	for start := "0-0"; ; {
		msgs, next, err := rdb.XAutoClaim(ctx, &redis.XAutoClaimArgs{Stream: crashStream, Group: crashGroup,
			Consumer: "drain", Start: start, Count: 1000}).Result()
		if err != nil || l.ackAll(ctx, rdb, msgs) != nil {
			l.t.Fatalf("drain: XAUTOCLAIM: %v", err)
		}
		if next == "0-0" {
			break
		}
		start = next
	}
}

// verifyDrained: after the drain the group has delivered every entry and
// has none pending, and every entry reached a consumer at least once.
func (l *crashLoad) verifyDrained(rdb *redis.Client) {
	ctx := context.Background()
	if p, err := rdb.XPending(ctx, crashStream, crashGroup).Result(); err != nil || p.Count != 0 {
		l.t.Errorf("after the drain XPENDING = %+v, %v", p, err)
	}
	last := "0-0"
	for id := range l.entries {
		if crashIDLess(last, id) {
			last = id
		}
		if l.delivered[id] == 0 || !l.ackSent[id] {
			l.t.Errorf("entry %s never delivered or never XACKed", id)
		}
	}
	g, err := rdb.XInfoGroups(ctx, crashStream).Result()
	if err != nil || len(g) != 1 || g[0].LastDeliveredID != last || g[0].Lag != 0 {
		l.t.Errorf("after the drain XINFO GROUPS = %+v, %v; want last-delivered-id %s, lag 0", g, err, last)
	}
}

// duplicates counts deliveries beyond the first (at-least-once).
func (l *crashLoad) duplicates() int {
	n := 0
	for _, d := range l.delivered {
		n += d - 1
	}
	return n
}

// crashValue is write seq of tag: "tag:seq:" and a body of repeated
// "tag.seq;" of 1 to 40 copies, so that a torn or mixed-up value never
// passes for a whole one.
func crashValue(tag string, seq int) string {
	s := strconv.Itoa(seq)
	return tag + ":" + s + ":" + strings.Repeat(tag+"."+s+";", 1+seq*7%40)
}

// crashParse is crashValue's inverse; ok is false unless v is exactly the
// value it names.
func crashParse(v string) (tag string, seq int, ok bool) {
	tag, rest, _ := strings.Cut(v, ":")
	s, _, _ := strings.Cut(rest, ":")
	seq, err := strconv.Atoi(s)
	return tag, seq, err == nil && seq >= 0 && v == crashValue(tag, seq)
}

func crashFields(tag string, seq int) []string {
	return []string{"v", crashValue(tag, seq), "tag", tag}
}

// crashEntry is one entry of an XRANGE reply.
type crashEntry struct {
	id     string
	fields []string
}

// crashXRange reads the whole stream at key.
func crashXRange(ctx context.Context, rdb *redis.Client, key string) ([]crashEntry, error) {
	reply, err := rdb.Do(ctx, "XRANGE", key, "-", "+").Slice()
	if err != nil {
		return nil, err
	}
	out := make([]crashEntry, 0, len(reply))
	for _, e := range reply {
		pair, _ := e.([]any)
		if len(pair) != 2 {
			return nil, fmt.Errorf("XRANGE entry %v", e)
		}
		id, _ := pair[0].(string)
		out = append(out, crashEntry{id, crashStrings(pair[1])})
	}
	return out, nil
}

func crashStrings(v any) []string {
	items, _ := v.([]any)
	out := make([]string, len(items))
	for i, it := range items {
		out[i], _ = it.(string)
	}
	return out
}

// crashIDLess compares stream IDs "ms-seq".
func crashIDLess(a, b string) bool {
	parse := func(id string) (uint64, uint64) {
		ms, seq, _ := strings.Cut(id, "-")
		m, _ := strconv.ParseUint(ms, 10, 64)
		s, _ := strconv.ParseUint(seq, 10, 64)
		return m, s
	}
	am, as := parse(a)
	bm, bs := parse(b)
	return am < bm || am == bm && as < bs
}
