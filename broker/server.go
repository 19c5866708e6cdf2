// Package broker is the server: it accepts connections, keeps each
// client's state, and runs every command through one dispatcher that reads
// the command's Spec for arity, auth, locking and WAL emission. It knows no
// data type's internals; the families in kv, streams, consumergroups and
// pubsub do.
package broker

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/brokerd/brokerd/command"
	"github.com/brokerd/brokerd/kv"
	"github.com/brokerd/brokerd/pubsub"
	"github.com/brokerd/brokerd/wal"
	"github.com/tidwall/redcon"
)

// Server is one brokerd instance.
type Server struct {
	cfg    Config
	logger *slog.Logger
	table  *command.Table

	// mu is the keyspace lock: write commands hold it exclusively, the rest
	// share it. WAL order is execution order because records are appended
	// while it is held.
	mu       sync.RWMutex
	store    *kv.Store        // guarded by mu
	effects  effectBuffer     // guarded by mu (write)
	blocking blockingRegistry // guarded by mu (write)
	watches  watchRegistry    // guarded by mu (write)
	pubsub   *pubsub.Registry
	taps     Taps
	notify   notifier
	clock    coarseClock
	bridge   *pubsub.Bridge // the NATS bridge, nil when off (bridge.go)
	internal internalExec
	log      *wal.Log
	scripts  *scriptEngine // EVAL and SCRIPT (script.go)
	snap     snapshotState // durability engine (snapshot.go); its own mutex

	settings settings
	clients  clientRegistry
	stats    stats
	cmdstats *commandStats // INFO commandstats and errorstats (cmdstats.go)
	slowlog  slowlog       // SLOWLOG (slowlog.go)
	monitors monitors      // MONITOR (monitor.go)

	rc          *redcon.Server
	listener    net.Listener
	handoffs    *handoffListener // the connections redcon serves (listener.go)
	loop        *eventLoop       // serves the other connections (eventloop_linux.go); nil when off
	started     time.Time
	closing     atomic.Bool
	shutdownReq chan struct{}
	shutdownOne sync.Once
	closeOnce   sync.Once
	closeErr    error
	stop        chan struct{} // closed by Close: stops owned goroutines
	wg          sync.WaitGroup
}

// New opens the data directory, replays the log and returns a server ready
// to Serve. A second server on the same directory fails with an error
// wrapping wal.ErrLocked.
func New(cfg Config) (*Server, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	s := &Server{
		cfg:         cfg,
		logger:      cfg.logger(),
		started:     time.Now(),
		shutdownReq: make(chan struct{}),
		stop:        make(chan struct{}),
	}
	s.settings.init(cfg)
	s.clients.clients = make(map[int64]*client)
	s.table = newCommandTable(s)
	s.cmdstats = newCommandStats(s.table)
	s.slowlog.init()
	s.blocking.init(cfg.Databases)
	s.watches.init(cfg.Databases)
	s.pubsub = pubsub.NewRegistry()
	s.notify.s = s
	s.store = kv.NewStore(cfg.Databases, kv.Hooks{
		Expired: s.keyExpired,
		Written: s.keyWritten,
		Flushed: s.dbFlushed,
		Created: func(db int, key []byte) { s.notify.Notify(db, command.NotifyNew, "new", key) },
		Missed:  func(db int, key []byte) { s.notify.Notify(db, command.NotifyKeyMiss, "keymiss", key) },
	})
	// Durability engine: load the newest snapshot, then open the log and
	// replay it after the snapshot (replay.go), then start the snapshotter.
	s.snap.init()
	err := s.load(filepath.Join(cfg.Dir, "wal"), wal.Options{
		Fsync:       cfg.AppendFsync,
		SegmentSize: cfg.SegmentSize,
		Logger:      s.logger,
		Faults:      cfg.WALFaults,
	})
	if err != nil {
		return nil, err
	}
	s.rc = redcon.NewServerNetwork("tcp", cfg.Addr(), s.serveRESP, s.accept, s.closed)
	s.rc.SetIdleClose(idleProbe) // see guardedConn.SetReadDeadline
	if !cfg.ConnGoroutines {
		// Made here, not in Serve, so that Close, which may run
		// concurrently with Serve, sees it.
		loop, err := newEventLoop(s)
		if err != nil {
			s.logger.Warn("event loop unavailable; serving every connection from its own goroutine", "err", err)
		}
		s.loop = loop
	}
	s.startClock()
	s.store.UseAccessClock(&s.clock.ms)
	s.startActiveExpiry()
	s.startSnapshotter() // durability engine: automatic snapshots
	// NATS bridge (bridge.go): started last, when the keyspace is loaded.
	if err := s.startBridge(); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// ListenAndServe listens on the configured address and serves until Close
// or SHUTDOWN.
func (s *Server) ListenAndServe() error {
	ln, err := net.Listen("tcp", s.cfg.Addr())
	if err != nil {
		return fmt.Errorf("listen on %s: %w", s.cfg.Addr(), err)
	}
	return s.Serve(ln)
}

// Serve serves connections from ln until Close or SHUTDOWN; it returns nil
// after a clean shutdown.
func (s *Server) Serve(ln net.Listener) error {
	s.listener = ln
	s.handoffs = newHandoffListener(ln.Addr())
	errc := make(chan error, 2)
	go func() { errc <- s.rc.Serve(s.handoffs) }()
	go func() { errc <- s.acceptLoop(ln) }()
	select {
	case err := <-errc:
		if s.closing.Load() {
			return s.Close()
		}
		s.handoffs.Close()
		return err
	case <-s.shutdownReq:
		err := s.Close()
		<-errc
		<-errc
		return err
	}
}

// Addr is the address the server listens on, once Serve was called.
func (s *Server) Addr() net.Addr {
	if s.listener == nil {
		return nil
	}
	return s.listener.Addr()
}

// requestShutdown asks Serve to shut the server down (SHUTDOWN).
func (s *Server) requestShutdown() {
	s.shutdownOne.Do(func() { close(s.shutdownReq) })
}

// ShutdownRequested is closed when a client sent SHUTDOWN.
func (s *Server) ShutdownRequested() <-chan struct{} { return s.shutdownReq }

// Close shuts down gracefully: commands in flight finish, new ones are
// refused, the log is flushed and synced, then connections are closed.
// It is idempotent and safe to call from any goroutine.
func (s *Server) Close() error {
	s.closeOnce.Do(func() {
		s.stopBridge() // NATS bridge (bridge.go): its imports write, so before the log closes
		close(s.stop)
		if s.loop != nil {
			s.loop.stop() // its connections close with it
		}
		s.wg.Wait()
		// Taking the write lock waits for every command in flight; those
		// arriving later see closing and are dropped.
		s.mu.Lock()
		s.closing.Store(true)
		s.closeErr = s.log.Close()
		s.mu.Unlock()
		if s.rc != nil {
			if err := s.rc.Close(); err != nil && !errors.Is(err, net.ErrClosed) && s.listener != nil {
				s.logger.Warn("closing listener", "err", err)
			}
		}
		if s.listener != nil {
			s.listener.Close()
		}
		s.logger.Info("server stopped")
	})
	return s.closeErr
}

// accept is redcon's accept callback. Every connection redcon sees is
// already a client (admit, or the event loop's hand-over), which it binds
// to redcon's conn.
func (s *Server) accept(conn redcon.Conn) bool {
	gc, ok := conn.NetConn().(*guardedConn)
	if !ok || gc.adopt == nil {
		return false
	}
	cl := gc.adopt
	gc.adopt = nil
	cl.conn = conn
	conn.SetContext(cl)
	return true
}

func (s *Server) closed(conn redcon.Conn, _ error) {
	if cl, ok := conn.Context().(*client); ok {
		s.forget(cl)
	}
}

// forget drops a client whose connection closed.
func (s *Server) forget(cl *client) {
	s.clients.remove(cl)
	s.dropMonitor(cl)
	s.dropSubscriber(cl)
	if len(cl.watching) > 0 {
		s.mu.Lock()
		s.watches.unwatchAll(cl)
		s.mu.Unlock()
	}
}

// keyWritten is the kv Written hook: clients blocked on the key may now
// be served, and transactions watching it must fail. Caller holds the
// write lock.
func (s *Server) keyWritten(db int, key []byte) {
	s.blocking.signal(db, key)
	s.watches.touch(db, key)
}

// dbFlushed is the kv Flushed hook, keyWritten for a whole database.
func (s *Server) dbFlushed(db int) {
	s.blocking.signalDB(db)
	s.watches.touchDB(db)
}

// keyExpired logs the removal of an expired key as a DEL, in order with
// the command that noticed it. Caller holds the write lock.
func (s *Server) keyExpired(db int, key []byte) {
	s.stats.expiredKeys.Add(1)
	s.notify.Notify(db, command.NotifyExpired, "expired", key)
	s.effects.Emit(db, [][]byte{[]byte("DEL"), key})
}
