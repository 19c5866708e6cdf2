package broker

import (
	"time"

	"github.com/tidwall/redcon"
)

// awaitUnblock parks the connection's goroutine until w is served, times
// out, its connection closes or the server shuts down. The replies the
// client is owed from earlier commands of its pipeline go out first, as
// Redis sends them before blocking. It reports false when the connection
// is done for.
func (s *Server) awaitUnblock(cl *client, conn redcon.Conn, w *waiter) bool {
	if !s.flushOwed(cl, conn) {
		s.leave(w)
		return false
	}
	var closed <-chan struct{}
	if cl.guard != nil {
		var stopWatch func()
		closed, stopWatch = cl.guard.watch()
		defer stopWatch()
	}
	var timeout <-chan time.Time
	if !w.deadline.IsZero() {
		t := time.NewTimer(time.Until(w.deadline))
		defer t.Stop()
		timeout = t.C
	}
	select {
	case <-w.done:
	case <-timeout:
	case <-closed:
	case <-s.stop:
	}
	if s.leave(w) {
		cl.pending = w.pending
		cl.out.Raw(w.out.Bytes())
		return true
	}
	select {
	case <-closed:
		return false
	case <-s.stop:
		return false
	default:
	}
	if w.onTimeout != nil {
		w.onTimeout(cl.out)
	} else {
		cl.out.NullArray()
	}
	return true
}

// leave takes w off the queues unless it was served meanwhile, and
// reports whether it was served: a serve and a timeout that race are
// decided under the lock, so an element is never both handed over and
// dropped.
func (s *Server) leave(w *waiter) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if w.served {
		return true
	}
	s.blocking.unpark(w)
	return false
}

// flushOwed sends the replies buffered so far, once the writes they
// acknowledge are durable.
func (s *Server) flushOwed(cl *client, conn redcon.Conn) bool {
	if !s.awaitDurable(cl, conn) {
		return false
	}
	if cl.out.Len() == 0 {
		return true // redcon would still make a write(2) of nothing
	}
	s.handOver(cl, conn)
	return redcon.BaseWriter(conn).Flush() == nil
}
