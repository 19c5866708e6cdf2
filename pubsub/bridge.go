package pubsub

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// The NATS bridge connects brokerd nodes through NATS (see bridge_wire.go
// for the subjects and headers):
//
//   - PUBLISH on one node reaches the SUBSCRIBE and PSUBSCRIBE clients of
//     every other node once: the Published tap hands the message to a
//     publisher goroutine, every node subscribes to <prefix>.pub.> and
//     delivers what other nodes sent with BridgeHost.PublishLocal, which
//     applies that node's channel and pattern subscriptions.
//   - Streams whose keys (database 0) match the export globs publish every
//     new entry to <prefix>.stream.<key>. When that subject belongs to a
//     JetStream stream, publishes wait for JetStream's acknowledgement and
//     are retried with back-off, so a NATS outage loses nothing unless the
//     bounded export queue fills (drops are counted).
//   - Configured NATS subjects, or JetStream durable consumers, are
//     appended to local streams with XADD through BridgeHost.Exec.
//
// The taps never block: a full hand-off queue drops and counts. NATS
// being down never stops local traffic; nats.go reconnects forever.

// BridgeHost is what the bridge needs from the server.
type BridgeHost interface {
	// PublishLocal delivers to this node's subscribers only.
	PublishLocal(channel, payload []byte) int
	// Exec runs a command as an internal client and returns its RESP2
	// reply once durable; err is for a failed log.
	Exec(db int, args ...[]byte) ([]byte, error)
}

// Bridge is a running NATS bridge. Create it with NewBridge, install its
// Published and Appended methods as the server's taps, Close it before
// the server closes its log.
type Bridge struct {
	cfg    BridgeConfig
	host   BridgeHost
	log    *slog.Logger
	node   string // random per process; in HeaderNode
	prefix string
	nc     *nats.Conn
	js     jetstream.JetStream

	pubq     chan pubMsg // Published tap → publisher goroutine
	receiver *nats.Subscription
	exp      exportQueue
	imported map[string]bool // import target keys, never exported; read-only

	// execMu serialises the bridge's Exec calls, since a MULTI ... EXEC
	// spans several of them on the server's one internal client.
	execMu sync.Mutex
	// gate lets Close wait for NATS callbacks that call into the host:
	// they hold it shared; closed is set under it exclusively.
	gate   sync.RWMutex
	closed bool
	// reconnected is kicked (capacity 1) on every (re)connect, to end a
	// back-off wait early.
	reconnected chan struct{}
	stop        chan struct{}
	ctx         context.Context // cancelled by Close: ends NATS requests
	cancel      context.CancelFunc
	wg          sync.WaitGroup
	consumers   []jetstream.ConsumeContext // guarded by consMu
	consMu      sync.Mutex
	closeOnce   sync.Once

	c counters
}

type counters struct {
	published, received, exported, imported atomic.Uint64
	pubDropped, expDropped, importErrors    atomic.Uint64
	exportRetries, duplicates               atomic.Uint64
}

// NewBridge connects to NATS (in the background: NATS being down is not
// an error) and starts the bridge's goroutines.
func NewBridge(cfg BridgeConfig, host BridgeHost) (*Bridge, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if cfg.ExportQueue == 0 {
		cfg.ExportQueue = defaultQueue
	}
	if cfg.PublishQueue == 0 {
		cfg.PublishQueue = defaultQueue
	}
	if cfg.ReconnectWait == 0 {
		cfg.ReconnectWait = defaultReconnect
	}
	b := &Bridge{
		cfg:         cfg,
		host:        host,
		log:         cfg.Logger,
		node:        newNodeID(),
		prefix:      cfg.prefix(),
		pubq:        make(chan pubMsg, cfg.PublishQueue),
		imported:    map[string]bool{},
		reconnected: make(chan struct{}, 1),
		stop:        make(chan struct{}),
	}
	if b.log == nil {
		b.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	b.ctx, b.cancel = context.WithCancel(context.Background())
	b.log = b.log.With("component", "nats", "node", b.node)
	b.exp.init(cfg.ExportQueue)
	for _, imp := range cfg.Imports {
		b.imported[imp.Key] = true
	}
	for _, imp := range cfg.JetStreamImports {
		b.imported[imp.Key] = true
	}
	nc, err := nats.Connect(cfg.URL,
		nats.Name("brokerd "+b.node),
		nats.MaxReconnects(-1),
		nats.RetryOnFailedConnect(true),
		nats.ReconnectWait(cfg.ReconnectWait),
		// The server never sends a node its own messages; the node
		// header check below is the second line (other connections of
		// the same node, bridged NATS clusters).
		nats.NoEcho(),
		nats.ConnectHandler(b.onConnect),
		nats.ReconnectHandler(b.onConnect),
		nats.DisconnectErrHandler(func(_ *nats.Conn, err error) {
			b.log.Warn("disconnected from NATS", "err", err)
		}),
		nats.ErrorHandler(func(_ *nats.Conn, sub *nats.Subscription, err error) {
			b.log.Warn("NATS error", "err", err)
		}),
	)
	if err != nil {
		return nil, fmt.Errorf("nats: %w", err)
	}
	b.nc = nc
	b.js, err = jetstream.New(nc, jetstream.WithPublishAsyncTimeout(natsRequestTimeout))
	if err == nil {
		err = b.subscribe()
	}
	if err != nil {
		nc.Close()
		b.cancel()
		return nil, fmt.Errorf("nats: %w", err)
	}
	b.wg.Add(2)
	go b.runPublisher()
	go b.runExporter()
	for _, imp := range cfg.JetStreamImports {
		b.wg.Add(1)
		go b.runJSImport(imp)
	}
	return b, nil
}

// subscribe sets up the core subscriptions; nats.go replays them on
// every reconnect.
func (b *Bridge) subscribe() error {
	sub, err := b.nc.Subscribe(b.prefix+".pub.>", b.receive)
	if err != nil {
		return err
	}
	b.receiver = sub
	for _, imp := range b.cfg.Imports {
		if _, err := b.nc.Subscribe(imp.Subject, b.importCore(imp.Key)); err != nil {
			return err
		}
	}
	return nil
}

// onConnect runs on nats.go's callback goroutine, possibly before
// NewBridge has set b.nc: it uses only nc.
func (b *Bridge) onConnect(nc *nats.Conn) {
	b.log.Info("connected to NATS", "url", nc.ConnectedUrlRedacted())
	b.exp.resetModes.Store(true)
	select {
	case b.reconnected <- struct{}{}:
	default:
	}
}

// enter is called by NATS callbacks before they touch the host; false
// means the bridge is closing.
func (b *Bridge) enter() bool {
	b.gate.RLock()
	if b.closed {
		b.gate.RUnlock()
		return false
	}
	return true
}

func (b *Bridge) leave() { b.gate.RUnlock() }

// Close stops the bridge: it waits for its goroutines and callbacks,
// forwards the PUBLISHes already handed over, and closes the connection.
// Entries still in the export queue are lost (it is in memory). Call it
// before the host closes its log.
func (b *Bridge) Close() {
	b.closeOnce.Do(func() {
		close(b.stop)
		b.cancel()
		b.consMu.Lock()
		for _, cc := range b.consumers {
			cc.Stop()
		}
		b.consMu.Unlock()
		b.gate.Lock()
		b.closed = true
		b.gate.Unlock()
		b.wg.Wait()
		if b.nc.IsConnected() {
			_ = b.nc.FlushTimeout(time.Second)
		}
		b.nc.Close()
	})
}

// wait pauses for the back-off of a failed attempt (1-based), or less if
// NATS reconnects; false means the bridge is closing.
func (b *Bridge) wait(attempt int) bool {
	d := 50 * time.Millisecond << min(attempt-1, 6) // 50ms … 3.2s
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-b.reconnected:
	case <-b.stop:
		return false
	}
	return true
}

// BridgeStats is what INFO's Nats section shows.
type BridgeStats struct {
	NodeID    string
	Connected bool
	// Published counts PUBLISHes sent to NATS; Received those from other
	// nodes delivered locally.
	Published, Received uint64
	// Exported counts entries NATS took (acknowledged by JetStream on
	// JetStream subjects); ExportQueued is the queue's length now.
	Exported     uint64
	ExportQueued int
	// ExportRetries counts failed export attempts that were retried.
	ExportRetries uint64
	// Imported counts entries appended from NATS; ImportErrors the
	// messages that could not be appended (Exec error replies);
	// Duplicates the JetStream redeliveries skipped.
	Imported, ImportErrors, Duplicates uint64
	// Dropped = PublishDropped + ExportDropped + ReceiveDropped: messages
	// lost because a bounded queue was full.
	Dropped, PublishDropped, ExportDropped, ReceiveDropped uint64
	Reconnects                                             uint64
}

// Stats returns the bridge's state and counters.
func (b *Bridge) Stats() BridgeStats {
	st := BridgeStats{
		NodeID:         b.node,
		Connected:      b.nc.IsConnected(),
		Published:      b.c.published.Load(),
		Received:       b.c.received.Load(),
		Exported:       b.c.exported.Load(),
		ExportQueued:   b.exp.len(),
		ExportRetries:  b.c.exportRetries.Load(),
		Imported:       b.c.imported.Load(),
		ImportErrors:   b.c.importErrors.Load(),
		Duplicates:     b.c.duplicates.Load(),
		PublishDropped: b.c.pubDropped.Load(),
		ExportDropped:  b.c.expDropped.Load(),
		Reconnects:     b.nc.Stats().Reconnects,
	}
	if n, err := b.receiver.Dropped(); err == nil {
		st.ReceiveDropped = uint64(n)
	}
	st.Dropped = st.PublishDropped + st.ExportDropped + st.ReceiveDropped
	return st
}

func newNodeID() string {
	var b [8]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	return hex.EncodeToString(b[:])
}
