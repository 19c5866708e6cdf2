package broker

import (
	"sync"
	"syscall"

	"github.com/brokerd/brokerd/command"
	"github.com/brokerd/brokerd/wal"
)

// laneConn is a client's connection while the event loop serves it
// (eventloop_linux.go). The loop's goroutine owns every field but fd,
// which fdMu guards: CLIENT KILL shuts the socket down from other
// goroutines, and the descriptor must not be closed (and its number
// reused) under it.
type laneConn struct {
	cl   *client
	fdMu sync.Mutex
	fd   int // -1 once closed or handed to redcon

	slot     int32 // index in the loop's table; -1 once out of it
	gen      int32 // tells this registration's events from an earlier one's
	in       []byte
	sent     int   // bytes of the client's replies already written
	more     bool  // bytes follow the command being run (see morePipelined)
	dirty    bool  // in the loop's list of replies to send
	writing  bool  // waiting for the socket to take the rest of the replies
	tryLock  bool  // the loop runs its commands: they must not wait for the lock
	active   int64 // the coarse clock when it last sent or was sent something
	owned    bool  // the loop owns the connection (also while a command is bounced)
	protoErr error // the guard's verdict on what follows lc.in
	// waiter is the blocking command the client waits in (see
	// eventloop_block_linux.go); parked is the one a bounced command
	// left, for the loop to take over.
	waiter  *waiter
	parked  *waiter
	waitSeq uint64 // the seq of its latest waiter
	timer   int    // index of its wait's deadline in the loop's heap; -1 for none
	// expiring is set once a goroutine settles its wait's deadline
	// (expireWaits): the waiter is then not pooled again.
	expiring bool
	// peerClosed is set when the client stopped sending: it is closed
	// once its replies are out.
	peerClosed bool
	armed      uint32 // the events the epoll set watches for it; 0: not in it
	// wouldWait is set when a command found the keyspace lock taken and
	// did not run (lockKeyspace).
	wouldWait bool
}

// waitNotice names one wait: a waiter is pooled, and may be waited in
// again by the same client once the loop released it.
type waitNotice struct {
	lc  *laneConn
	w   *waiter
	seq uint64
}

// closeFD closes the socket.
func (lc *laneConn) closeFD() {
	lc.fdMu.Lock()
	if lc.fd >= 0 {
		syscall.Close(lc.fd)
		lc.fd = -1
	}
	lc.fdMu.Unlock()
}

// shutdownFD shuts the socket down from any goroutine, so that its owner
// reads the end of it and closes it; false once the loop no longer owns
// the socket.
func (lc *laneConn) shutdownFD() bool {
	lc.fdMu.Lock()
	defer lc.fdMu.Unlock()
	if lc.fd < 0 {
		return false
	}
	syscall.Shutdown(lc.fd, syscall.SHUT_RDWR)
	return true
}

// fdNumber is the socket's descriptor while the loop owns it.
func (lc *laneConn) fdNumber() (int64, bool) {
	lc.fdMu.Lock()
	defer lc.fdMu.Unlock()
	return int64(lc.fd), lc.fd >= 0
}

// leavesEventLoop reports whether spec may wait for something other than
// the keyspace lock or a blocking command's keys, so that cl must be
// served from a goroutine.
func leavesEventLoop(cl *client, spec *command.Spec) bool {
	switch {
	case spec.Has(command.Admin):
		return true
	case spec.Has(command.PubSub) && !spec.Has(command.MayReplicate):
		return true // subscribing; PUBLISH and SPUBLISH stay
	case isScriptCommand(spec):
		return true
	case cl.tx != nil && spec.Name == "EXEC":
		for _, q := range cl.tx.queued {
			if isScriptCommand(q.spec) {
				return true
			}
		}
	}
	return false
}

func isScriptCommand(spec *command.Spec) bool {
	switch spec.Name {
	case "EVAL", "EVALSHA", "EVAL_RO", "EVALSHA_RO":
		return true
	}
	return false
}

// serveInLoop runs one command of a client the event loop serves and
// returns the waiter it parked the client in, if any. It reports false
// when the command did not run because the keyspace lock was taken (see
// eventLoop.bounce).
func (s *Server) serveInLoop(cl *client, args [][]byte) (*waiter, bool) {
	cl.lane.wouldWait = false
	w := s.execute(cl, args)
	if cl.lane.wouldWait {
		return nil, false
	}
	return w, true
}

// lockKeyspace takes the keyspace lock for cl's command, shared or
// exclusive. A command the event loop runs only tries: on failure it
// sets wouldWait and reports false.
func (s *Server) lockKeyspace(cl *client, exclusive bool) bool {
	if lc := cl.lane; lc != nil && lc.tryLock {
		var ok bool
		if exclusive {
			ok = s.mu.TryLock()
		} else {
			ok = s.mu.TryRLock()
		}
		lc.wouldWait = !ok
		return ok
	}
	if exclusive {
		s.mu.Lock()
	} else {
		s.mu.RLock()
	}
	return true
}

// leaveEventLoop moves a client the event loop gave up (eventLoop.leave)
// to redcon: once the replies it is owed are durable and sent, its
// socket becomes a net.Conn again.
func (s *Server) leaveEventLoop(lc *laneConn) {
	cl := lc.cl
	if !s.durable(cl, (*wal.Pending).Wait) {
		lc.closeFD()
		s.forget(cl)
		return
	}
	lc.fdMu.Lock()
	conn, ok := attachFD(lc.fd)
	lc.fd = -1
	if ok {
		cl.guard.Conn = conn
	}
	lc.fdMu.Unlock()
	if !ok {
		s.forget(cl)
		return
	}
	if cl.out.Len() > 0 {
		_, err := cl.guard.Write(cl.out.Bytes())
		cl.out.Reset()
		if err != nil {
			conn.Close()
			s.forget(cl)
			return
		}
	}
	s.handoffs.push(cl.guard, cl)
}
