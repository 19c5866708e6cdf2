package pubsub

import (
	"bytes"
	"context"
	"errors"
	"sync"
	"sync/atomic"

	"github.com/brokerd/brokerd/internal/glob"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// exportEntry is one stream entry to export, copied out of the log
// record: key, id and fields share one allocation.
type exportEntry struct {
	key, id []byte
	fields  [][]byte
}

// exportQueue is the bounded FIFO between the Appended tap and the
// exporter goroutine. Entries leave it only once NATS took them, so a
// failed export is retried from the same place and order is kept.
type exportQueue struct {
	mu    sync.Mutex
	items []exportEntry // guarded by mu; items[head:] are pending
	head  int           // guarded by mu
	max   int
	kick  chan struct{} // capacity 1: "items were added"
	// resetModes is set on every (re)connect: the JetStream-or-not
	// answers cached per subject are asked again.
	resetModes atomic.Bool
}

func (q *exportQueue) init(max int) {
	q.max = max
	q.kick = make(chan struct{}, 1)
}

// push adds e, or reports false when the queue is full.
func (q *exportQueue) push(e exportEntry) bool {
	q.mu.Lock()
	ok := len(q.items)-q.head < q.max
	if ok {
		q.items = append(q.items, e)
	}
	q.mu.Unlock()
	if ok {
		select {
		case q.kick <- struct{}{}:
		default:
		}
	}
	return ok
}

// peek returns up to n pending entries without removing them. Only the
// exporter calls peek and pop, so the view stays valid until its pop:
// push only appends beyond it.
func (q *exportQueue) peek(n int) []exportEntry {
	q.mu.Lock()
	defer q.mu.Unlock()
	end := min(q.head+n, len(q.items))
	return q.items[q.head:end:end]
}

// pop removes the first n pending entries.
func (q *exportQueue) pop(n int) {
	if n == 0 {
		return
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	clear(q.items[q.head : q.head+n])
	q.head += n
	switch {
	case q.head == len(q.items):
		q.items, q.head = q.items[:0], 0
	case q.head >= 1024 && q.head*2 >= len(q.items):
		k := copy(q.items, q.items[q.head:])
		clear(q.items[k:])
		q.items, q.head = q.items[:k], 0
	}
}

func (q *exportQueue) len() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.items) - q.head
}

// Appended is the server's tap for one logged effect (database, args).
// An XADD effect (XADD key <concrete-id> field value ...) on an exported
// key is copied into the export queue; a full queue drops it (counted).
// It runs under the keyspace lock and never blocks.
func (b *Bridge) Appended(db int, args [][]byte) {
	if db != 0 || len(args) < 5 || len(b.cfg.Export) == 0 || !bytes.EqualFold(args[0], []byte("XADD")) {
		return
	}
	key := args[1]
	if !b.exports(key) {
		return
	}
	n := 0
	for _, a := range args[1:] {
		n += len(a)
	}
	arena := make([]byte, 0, n)
	take := func(a []byte) []byte {
		arena = append(arena, a...)
		return arena[len(arena)-len(a) : len(arena) : len(arena)]
	}
	e := exportEntry{key: take(key), id: take(args[2]), fields: make([][]byte, len(args)-3)}
	for i, f := range args[3:] {
		e.fields[i] = take(f)
	}
	if !b.exp.push(e) {
		b.c.expDropped.Add(1)
	}
}

func (b *Bridge) exports(key []byte) bool {
	if b.imported[string(key)] {
		return false
	}
	for _, g := range b.cfg.Export {
		if glob.Match([]byte(g), key, false) {
			return true
		}
	}
	return false
}

// exportBatch is how many entries one round hands NATS before waiting
// for JetStream's acks.
const exportBatch = 256

// maxModes bounds the exporter's per-subject JetStream cache.
const maxModes = 4096

var errDisconnected = errors.New("pubsub: not connected to NATS")

// runExporter drains the export queue in order. A round that fails
// leaves what was not taken in the queue and backs off; reconnecting
// ends the back-off early.
func (b *Bridge) runExporter() {
	defer b.wg.Done()
	ex := exporter{b: b, modes: map[string]bool{}}
	attempt := 0
	for {
		batch := b.exp.peek(exportBatch)
		if len(batch) == 0 {
			select {
			case <-b.exp.kick:
				continue
			case <-b.stop:
				return
			}
		}
		n, err := ex.send(batch)
		b.exp.pop(n)
		b.c.exported.Add(uint64(n))
		if err == nil {
			attempt = 0
			continue
		}
		attempt++
		b.c.exportRetries.Add(1)
		if attempt == 1 {
			b.log.Warn("exporting stream entries to NATS failed; retrying", "err", err, "queued", b.exp.len())
		}
		if !b.wait(attempt) {
			return
		}
	}
}

// exporter is the exporter goroutine's own state.
type exporter struct {
	b     *Bridge
	modes map[string]bool // subject → captured by a JetStream stream
	msg   nats.Msg
	subj  []byte
	ids   []byte
}

// send publishes batch and returns how many leading entries NATS took.
// Plain subjects are published at once; JetStream ones asynchronously,
// then their acks are awaited in order. A failed publish is retried with
// the same Nats-Msg-Id, so JetStream drops the copy of an entry whose
// ack (not publish) was lost. NB: if an entry fails while a later one in
// the same round is stored, the retried entry lands after it; this needs
// a publish to fail without the connection failing (an ack timeout).
func (ex *exporter) send(batch []exportEntry) (int, error) {
	b := ex.b
	if !b.nc.IsConnected() {
		return 0, errDisconnected
	}
	if b.exp.resetModes.Swap(false) {
		clear(ex.modes)
	}
	futures := make([]jetstream.PubAckFuture, len(batch))
	for i, e := range batch {
		msg := ex.message(e)
		js, err := ex.jetStream(msg.Subject)
		if err == nil && js {
			futures[i], err = b.js.PublishMsgAsync(msg, jetstream.WithMsgID(ex.msgID(e)))
		} else if err == nil {
			err = b.nc.PublishMsg(msg)
		}
		if err != nil {
			return ex.await(futures[:i], err)
		}
	}
	return ex.await(futures, nil)
}

// await waits for the acks of futures (nil for plain publishes) in order
// and returns how many leading entries succeeded.
func (ex *exporter) await(futures []jetstream.PubAckFuture, failed error) (int, error) {
	for i, f := range futures {
		if f == nil {
			continue
		}
		select {
		case <-f.Ok():
		case err := <-f.Err():
			return i, err
		case <-ex.b.stop:
			return i, errDisconnected
		}
	}
	return len(futures), failed
}

// message builds the NATS message for e. It is fresh each time because
// asynchronous JetStream publishes keep it until acknowledged.
func (ex *exporter) message(e exportEntry) *nats.Msg {
	ex.subj = appendName(append(ex.subj[:0], ex.b.prefix+".stream."...), e.key)
	return &nats.Msg{
		Subject: string(ex.subj),
		Header: nats.Header{
			HeaderNode:     []string{ex.b.node},
			HeaderStreamID: []string{string(e.id)},
			HeaderFields:   []string{fieldsRESP},
		},
		Data: EncodeFields(nil, e.fields),
	}
}

func (ex *exporter) msgID(e exportEntry) string {
	ex.ids = append(ex.ids[:0], ex.b.node...)
	ex.ids = append(ex.ids, ':')
	ex.ids = appendName(ex.ids, e.key)
	ex.ids = append(ex.ids, ':')
	ex.ids = append(ex.ids, e.id...)
	return string(ex.ids)
}

// jetStream reports whether a JetStream stream captures subject, asking
// NATS once per subject (and again after a reconnect).
func (ex *exporter) jetStream(subject string) (bool, error) {
	if ex.b.cfg.ExportJetStream {
		return true, nil
	}
	if js, ok := ex.modes[subject]; ok {
		return js, nil
	}
	if len(ex.modes) >= maxModes {
		clear(ex.modes) // many exported keys: ask again rather than grow
	}
	ctx, cancel := context.WithTimeout(ex.b.ctx, natsRequestTimeout)
	defer cancel()
	_, err := ex.b.js.StreamNameBySubject(ctx, subject)
	switch {
	case err == nil:
		ex.modes[subject] = true
	case errors.Is(err, jetstream.ErrStreamNotFound):
		ex.modes[subject] = false
	case errors.Is(err, nats.ErrNoResponders), errors.Is(err, jetstream.ErrJetStreamNotEnabled),
		errors.Is(err, jetstream.ErrJetStreamNotEnabledForAccount):
		ex.modes[subject] = false // no JetStream at all
	default:
		return false, err
	}
	return ex.modes[subject], nil
}
