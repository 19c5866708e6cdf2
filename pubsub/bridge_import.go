package pubsub

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// Imports append NATS messages to a local stream (database 0) with
// XADD key * <fields> (see importFields for the fields).
//
// Plain subjects are at most once, like NATS core: a message that arrives
// while the bridge is disconnected is not seen.
//
// JetStream imports are at least once without duplicates. The last
// JetStream stream sequence applied is kept in the string key
// <prefix>:nats:applied:<stream>:<consumer>, written in the same
// MULTI/EXEC as the XADD, so the entry and the mark are one WAL record:
// a crash keeps both or neither. A message is acknowledged only after
// Exec returned (the record is durable); a redelivered message whose
// sequence is not above the mark was applied already and is only
// acknowledged again.
//
// Why a mark and not an entry ID derived from the sequence (XADD key
// <seq>-1): IDs must grow, so a derived ID would fail as soon as anyone
// else (another import, a local client's XADD *) wrote a larger ID to the
// key, and again whenever the JetStream stream is recreated; it would
// also give XREADGROUP workers IDs that are not times. The mark asks for
// two things instead: messages are applied in sequence order (one
// handler at a time, a failed Exec is retried until it succeeds, never
// skipped), and the durable consumer belongs to this node alone (two
// nodes sharing one durable would each see gaps). After recreating the
// JetStream stream, delete the mark key.

// importCore returns the handler of a plain subject import.
func (b *Bridge) importCore(key string) nats.MsgHandler {
	k := []byte(key)
	return func(m *nats.Msg) {
		if m.Header.Get(HeaderNode) == b.node || !b.enter() {
			return
		}
		defer b.leave()
		args := append([][]byte{[]byte("XADD"), k, []byte("*")}, importFields(m.Header, m.Subject, m.Data)...)
		b.execMu.Lock()
		_, err := b.execLocked(args...)
		b.execMu.Unlock()
		if err != nil {
			b.importFailed(key, err)
			return
		}
		b.c.imported.Add(1)
	}
}

// importFailed counts an import error and logs the 1st, 2nd, 4th, 8th...
func (b *Bridge) importFailed(key string, err error) {
	if n := b.c.importErrors.Add(1); n&(n-1) == 0 {
		b.log.Warn("importing a NATS message failed", "key", key, "err", err, "errors", n)
	}
}

// execLocked runs one command on database 0 and parses its reply; an
// error reply is returned as an error too. Caller holds b.execMu.
func (b *Bridge) execLocked(args ...[]byte) (reply, error) {
	out, err := b.host.Exec(0, args...)
	if err != nil {
		return reply{}, err
	}
	r, _, err := parseReply(out)
	switch {
	case err != nil:
		return reply{}, err
	case r.isError():
		return r, errors.New(string(r.str))
	}
	return r, nil
}

// jsImport is one JetStream import's state, owned by its handler.
type jsImport struct {
	BridgeJSImport
	key     []byte
	markKey []byte
	applied uint64 // the mark: highest stream sequence applied
}

// runJSImport binds (or creates) the durable consumer and consumes it
// until Close, retrying the set-up while NATS or the stream is away.
// nats.go's Consume keeps pulling across reconnects by itself.
func (b *Bridge) runJSImport(cfg BridgeJSImport) {
	defer b.wg.Done()
	imp := &jsImport{
		BridgeJSImport: cfg,
		key:            []byte(cfg.Key),
		markKey:        []byte(b.prefix + ":nats:applied:" + cfg.Stream + ":" + cfg.Consumer),
	}
	for attempt := 1; ; attempt++ {
		err := b.loadMark(imp)
		var cc jetstream.ConsumeContext
		if err == nil {
			cc, err = b.consume(imp)
		}
		if err == nil {
			b.consMu.Lock()
			b.consumers = append(b.consumers, cc)
			b.consMu.Unlock()
			select {
			case <-b.stop:
				cc.Stop() // Close stops it too; Stop is idempotent
			case <-cc.Closed():
			}
			return
		}
		if attempt == 1 && b.ctx.Err() == nil {
			b.log.Warn("JetStream import not ready; retrying", "stream", cfg.Stream, "consumer", cfg.Consumer, "err", err)
		}
		if !b.wait(attempt) {
			return
		}
	}
}

// loadMark reads the mark key (absent means nothing applied yet).
func (b *Bridge) loadMark(imp *jsImport) error {
	b.execMu.Lock()
	r, err := b.execLocked([]byte("GET"), imp.markKey)
	b.execMu.Unlock()
	switch {
	case err != nil:
		return fmt.Errorf("%s: %w", imp.markKey, err)
	case r.str == nil:
		imp.applied = 0
		return nil
	}
	imp.applied, err = strconv.ParseUint(string(r.str), 10, 64)
	if err != nil {
		return fmt.Errorf("%s is not a sequence number: %q", imp.markKey, r.str)
	}
	return nil
}

func (b *Bridge) consume(imp *jsImport) (jetstream.ConsumeContext, error) {
	ctx, cancel := context.WithTimeout(b.ctx, natsRequestTimeout)
	defer cancel()
	cons, err := b.js.Consumer(ctx, imp.Stream, imp.Consumer)
	if errors.Is(err, jetstream.ErrConsumerNotFound) {
		cons, err = b.js.CreateConsumer(ctx, imp.Stream, jetstream.ConsumerConfig{
			Durable:   imp.Consumer,
			AckPolicy: jetstream.AckExplicitPolicy,
		})
	}
	if err != nil {
		return nil, err
	}
	return cons.Consume(func(m jetstream.Msg) { b.importJS(imp, m) },
		jetstream.ConsumeErrHandler(func(_ jetstream.ConsumeContext, err error) {
			b.log.Debug("JetStream consume", "stream", imp.Stream, "consumer", imp.Consumer, "err", err)
		}))
}

// importJS applies one JetStream message. Consume calls it one message
// at a time, in delivery order.
func (b *Bridge) importJS(imp *jsImport, m jetstream.Msg) {
	if !b.enter() {
		return // not acknowledged: redelivered to the next run
	}
	defer b.leave()
	meta, err := m.Metadata()
	if err != nil {
		b.importFailed(imp.Key, err)
		_ = m.Term()
		return
	}
	seq := meta.Sequence.Stream
	if seq <= imp.applied {
		b.c.duplicates.Add(1)
		_ = m.Ack()
		return
	}
	fields := importFields(m.Headers(), m.Subject(), m.Data())
	for attempt := 1; ; attempt++ {
		err := b.applyJS(imp, seq, fields)
		if err == nil {
			break
		}
		if attempt == 1 {
			b.log.Warn("appending a JetStream message failed; retrying", "key", imp.Key, "seq", seq, "err", err)
		}
		_ = m.InProgress() // keep the ack deadline away while retrying
		if !b.wait(attempt) {
			return
		}
	}
	imp.applied = seq
	_ = m.Ack()
}

// applyJS runs MULTI; XADD key * fields; SET mark seq; EXEC. An error
// means nothing was applied and the caller retries. An error reply to
// the XADD alone (WRONGTYPE: the key holds another type) cannot succeed
// on retry: it is counted and the message is passed over, the mark
// having moved in the same transaction.
func (b *Bridge) applyJS(imp *jsImport, seq uint64, fields [][]byte) error {
	b.execMu.Lock()
	defer b.execMu.Unlock()
	if _, err := b.execLocked([]byte("MULTI")); err != nil {
		return err
	}
	xadd := append([][]byte{[]byte("XADD"), imp.key, []byte("*")}, fields...)
	for _, cmd := range [][][]byte{xadd, {[]byte("SET"), imp.markKey, strconv.AppendUint(nil, seq, 10)}} {
		if _, err := b.execLocked(cmd...); err != nil {
			_, _ = b.host.Exec(0, []byte("DISCARD"))
			return err
		}
	}
	r, err := b.execLocked([]byte("EXEC")) // an error: EXECABORT, e.g. the log refuses writes
	switch {
	case err != nil:
		return err
	case len(r.elems) != 2:
		return fmt.Errorf("unexpected EXEC reply %s", r)
	case r.elems[1].isError():
		return errors.New(string(r.elems[1].str))
	case r.elems[0].isError():
		b.importFailed(imp.Key, errors.New(string(r.elems[0].str)))
		return nil
	}
	b.c.imported.Add(1)
	return nil
}
