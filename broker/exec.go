package broker

import (
	"errors"
	"sync"

	"github.com/brokerd/brokerd/command"
	"github.com/brokerd/brokerd/wal"
)

// Taps let an extension inside the server (the NATS bridge) see what
// happens without being on any client's path. Both run synchronously and
// must only copy what they need and hand it to their own goroutine: they
// must never block.
type Taps struct {
	// Published sees every PUBLISH (not SPUBLISH): channel and payload.
	// The slices are valid only during the call.
	Published func(channel, payload []byte)
	// Logged sees every WAL record as it is appended, in log order, under
	// the keyspace write lock. The ops are valid only during the call.
	Logged func(ops []wal.Op)
}

// SetTaps installs taps; call it before Serve.
func (s *Server) SetTaps(t Taps) { s.taps = t }

// ErrNotForInternal is Exec's error for commands that need a real
// connection (SUBSCRIBE and the like).
var ErrNotForInternal = errors.New("broker: command needs a client connection")

// internalExec runs commands for the server's own components, as a client
// that is always authenticated, never blocks and has no socket.
type internalExec struct {
	mu sync.Mutex
	cl *client
}

// Exec runs one command against database db as an internal client and
// returns its RESP2 reply once the write it made is durable (under every
// fsync policy the record is at least written). A reply that is a Redis
// error is returned as the reply, not as err; err is for a failed log.
func (s *Server) Exec(db int, args ...[]byte) ([]byte, error) {
	ie := &s.internal
	ie.mu.Lock()
	defer ie.mu.Unlock()
	if ie.cl == nil {
		ie.cl = s.newInternalClient()
	}
	cl := ie.cl
	spec, err := s.table.Resolve(args)
	if err == nil && subscribes(spec) {
		return nil, ErrNotForInternal
	}
	cl.out.Reset()
	cl.selectDB(db)
	if w := s.execute(cl, args); w != nil {
		// Unreachable: internal clients are never blockable.
		s.leave(w)
	}
	if err := cl.awaitReplied((*wal.Pending).Wait); err != nil {
		return nil, err
	}
	return append([]byte(nil), cl.out.Bytes()...), nil
}

func (s *Server) newInternalClient() *client {
	cl := &client{
		id:       s.clients.nextID.Add(1),
		srv:      s,
		out:      command.NewReply(2),
		proto:    2,
		internal: true,
	}
	cl.authed.Store(true)
	s.bindContext(cl)
	cl.out.OnError(s.cmdstats.noteError)
	cl.multiQueued.Store(-1)
	now := timeNow()
	cl.info.addr, cl.info.created, cl.info.lastTime = "internal", now, now
	return cl
}

// PublishLocal delivers a message to this node's subscribers only, without
// the Published tap: for messages that came from another node.
func (s *Server) PublishLocal(channel, payload []byte) int {
	return s.pubsub.Publish(channel, payload)
}
