package broker

import (
	"errors"
	"os"
	"time"

	"github.com/tidwall/redcon"
)

// awaitUnblock parks the connection's goroutine until w is served, times
// out, its connection closes or the server shuts down. The replies the
// client is owed from earlier commands of its pipeline go out first, as
// Redis sends them before blocking. It reports false when the connection
// is done for.
func (s *Server) awaitUnblock(cl *client, conn redcon.Conn, w *waiter) bool {
	defer releaseWaiter(w)
	if !s.flushOwed(cl, conn) {
		s.leave(w)
		return false
	}
	var end waitEnd
	if cl.guard != nil {
		end = s.awaitRead(cl.guard, w)
	} else {
		end = s.awaitSignal(w)
	}
	served := end == waitServed || s.leave(w)
	if cl.guard != nil {
		// No serve can interrupt the read any more (w left its queues),
		// so this deadline is the last word: none, as redcon expects
		// unless it sets its idle timeout itself.
		cl.guard.Conn.SetReadDeadline(time.Time{})
	}
	if served {
		cl.pending = w.pending
		cl.out.Raw(w.out.Bytes())
		return true
	}
	if end == waitClosed || end == waitStopped {
		return false
	}
	if w.onTimeout != nil {
		w.onTimeout(cl.out)
	} else {
		cl.out.NullArray()
	}
	return true
}

// waitEnd says why a parked client stopped waiting.
type waitEnd int

const (
	waitServed  waitEnd = iota // w.done is closed
	waitTimeout                // the deadline passed (or a wake that leave decides)
	waitClosed                 // the connection failed or closed
	waitStopped                // the server shuts down
	waitUnread                 // awaitRead may read no further
)

// maxReadAhead bounds what a parked client may send before awaitRead
// stops reading; past it a disconnect is noticed only at unblock.
const maxReadAhead = 64 << 20

// aLongTimeAgo is a read deadline in the past: it interrupts a read at
// once.
var aLongTimeAgo = time.Unix(1, 0)

// awaitRead waits for w by reading the client's socket on the client's
// own goroutine, with the block's deadline as the read deadline. A serve
// interrupts the read with a past deadline (retry, under w.wake), so one
// goroutine wake-up ends the wait; there is no second goroutine to start
// and stop per blocking call, and no timer. Reading on notices a peer that
// closes the connection (or CLIENT KILL) at once, so the waiter leaves its
// queues before anything is handed to it; whatever the client sends
// meanwhile waits in g.ready for redcon, in order. Past maxReadAhead bytes
// it stops reading and waits for a signal only: a disconnect is then
// noticed at unblock. At shutdown redcon closes the connection, which
// ends the read.
func (s *Server) awaitRead(g *guardedConn, w *waiter) waitEnd {
	w.wake.Lock()
	select {
	case <-w.done:
		w.wake.Unlock()
		return waitServed
	default:
	}
	// A blocked client is not subject to the idle timeout (as in Redis);
	// redcon sets that deadline again before its next read.
	g.Conn.SetReadDeadline(w.deadline)
	w.reading = true
	w.wake.Unlock()
	end := readUntilWoken(g, w)
	w.wake.Lock()
	w.reading = false
	w.wake.Unlock()
	if end == waitUnread {
		return s.awaitSignal(w)
	}
	return end
}

// readUntilWoken reads the client's socket into g.ready until w is
// served, the read fails (a serve's wake or the deadline: waitTimeout, and
// leave decides; anything else: waitClosed) or it may read no further
// (waitUnread).
func readUntilWoken(g *guardedConn, w *waiter) waitEnd {
	for {
		select {
		case <-w.done:
			return waitServed
		default:
		}
		if g.err != nil || len(g.ready) >= maxReadAhead {
			return waitUnread
		}
		if err := g.readOnce(); err != nil {
			if errors.Is(err, os.ErrDeadlineExceeded) {
				return waitTimeout
			}
			g.err = err
			return waitClosed
		}
	}
}

// awaitSignal waits for w without reading the connection: until it is
// served, its deadline passes or the server shuts down.
func (s *Server) awaitSignal(w *waiter) waitEnd {
	var timeout <-chan time.Time
	if !w.deadline.IsZero() {
		t := time.NewTimer(time.Until(w.deadline))
		defer t.Stop()
		timeout = t.C
	}
	select {
	case <-w.done:
		return waitServed
	case <-timeout:
		return waitTimeout
	case <-s.stop:
		return waitStopped
	}
}

// leave takes w off the queues unless it was served meanwhile, and
// reports whether it was served: a serve and a timeout that race are
// decided under the lock, so an element is never both handed over and
// dropped.
func (s *Server) leave(w *waiter) bool {
	select {
	case <-w.done:
		return true // closed under the lock once w was served and unparked
	default:
	}
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
