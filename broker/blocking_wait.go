package broker

import (
	"errors"
	"os"
	"syscall"
	"time"

	"github.com/brokerd/brokerd/wal"
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
		// A hand-off leaves the client's goroutine in its read, where
		// redcon cannot set the idle deadline again: a client accepted
		// with an idle timeout gets its reply the ordinary way.
		direct := cl.sub == nil && cl.idleTimeout() == 0 && nothingOwed(cl, conn)
		end = s.awaitRead(cl.guard, w, direct)
	} else {
		end = s.awaitSignal(w)
	}
	hungUp := end == waitClosed
	if hungUp {
		cl.hungUp.Store(true) // serves pass it over while leave waits for the lock
	}
	served := end == waitServed || s.leave(w)
	if served && hungUp {
		// The serve came first: the client goes on with what it sent
		// before it closed, and its later waits must be served.
		cl.hungUp.Store(false)
	}
	if served && w.handed {
		w.written.Wait() // the serving client's goroutine is done with the socket
	}
	if cl.guard != nil {
		// No serve can interrupt the read any more (w left its queues,
		// and a hand-off is done), so this deadline is the last word:
		// none, as redcon expects unless it sets its idle timeout itself.
		cl.guard.Conn.SetReadDeadline(time.Time{})
	}
	if served {
		cl.pending, cl.visible = w.pending, w.visible
		if w.handed {
			cl.out.Raw(w.rest) // usually written already: nothing
		} else {
			cl.out.Raw(w.out.Bytes())
		}
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
)

// aLongTimeAgo is a read deadline in the past: it interrupts a read at
// once.
var aLongTimeAgo = time.Unix(1, 0)

// awaitRead waits for w by reading the client's socket on the client's
// own goroutine, with the block's deadline as the read deadline. A serve
// interrupts the read with a past deadline (retry, under w.wake), so one
// goroutine wake-up ends the wait; there is no second goroutine to start
// and stop per blocking call, and no timer. Reading on notices a peer that
// closes the connection at once, so the waiter leaves its queues (a client
// killed with CLIENT KILL is passed over by serves until it has left:
// serveReadyFor); whatever the client sends
// meanwhile waits in g.ready for redcon, in order. At shutdown redcon
// closes the connection, which ends the read.
//
// direct says that the client is owed nothing but w's reply (see
// nothingOwed), so a serve may write that reply itself and leave this
// goroutine asleep in its read; the first bytes the client sends revoke
// it, since they must be run once w is served.
func (s *Server) awaitRead(g *guardedConn, w *waiter, direct bool) waitEnd {
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
	w.reading, w.direct = true, direct
	w.wake.Unlock()
	end := readUntilWoken(g, w)
	w.wake.Lock()
	w.reading, w.direct = false, false
	w.wake.Unlock()
	return end
}

// readUntilWoken reads the client's socket into g.ready until w is
// served or the read fails (a serve's wake or the deadline: waitTimeout,
// and leave decides; anything else: waitClosed). Like Redis with a
// blocked client's query buffer, it reads whatever the client sends, and
// closes it past client-query-buffer-limit.
func readUntilWoken(g *guardedConn, w *waiter) waitEnd {
	for {
		select {
		case <-w.done:
			return waitServed
		default:
		}
		var pe *protocolError
		if g.err != nil && !errors.As(g.err, &pe) {
			// The peer closed before this wait began (an earlier wait's
			// serve won the race with reading the close): Redis frees
			// the client at once, so nothing may be served to it.
			return waitClosed
		}
		before := len(g.ready)
		var err error
		if g.err != nil {
			// A protocol error ends what will run, but the socket is
			// read on so that a close is noticed at once.
			err = g.discardOnce()
		} else {
			err = g.readOnce()
		}
		if len(g.ready) > maxQueryBuffer {
			// Redis closes such a client: nothing of it runs, even if a
			// serve wins the race and the client goes on.
			g.ready, g.readyInBuf, g.err = nil, false, errQueryBufferLimit
			return waitClosed
		}
		if len(g.ready) != before || g.err != nil {
			// The client sent more: it runs once w is served, so
			// this goroutine must be woken for the serve.
			w.wake.Lock()
			w.direct = false
			w.wake.Unlock()
		}
		if err != nil {
			if errors.Is(err, os.ErrDeadlineExceeded) {
				return waitTimeout
			}
			g.err = err
			return waitClosed
		}
	}
}

// nothingOwed reports whether every byte the client sent has been run as
// a command: nothing is left in redcon's parsed pipeline, in its read
// buffers (bytes handed to redcon equal the raw bytes of the commands
// served, counted only while every request was a multibulk, whose raw
// form is the bytes received) or read ahead, and no protocol error waits
// for its reply.
func nothingOwed(cl *client, conn redcon.Conn) bool {
	g := cl.guard
	return g.err == nil && !g.guard.sawInline && len(conn.PeekPipeline()) == 0 && len(g.ready) == 0 && g.handed == cl.consumed
}

// writeNow writes as much of p to w's socket as it takes without waiting
// and returns how much that was.
func (w *waiter) writeNow(c *guardedConn, p []byte) int {
	sc, ok := c.Conn.(syscall.Conn)
	if !ok {
		return 0
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return 0
	}
	sw := &w.sw
	if sw.fn == nil {
		sw.fn = sw.write // bound once per pooled waiter, not per write
	}
	sw.p, sw.n = p, 0
	c.writeMu.Lock()
	rc.Write(sw.fn)
	c.writeMu.Unlock()
	n := sw.n
	sw.p = nil
	c.stats.netOutput.Add(int64(n))
	return n
}

// socketWriter is the callback of writeNow's syscall.RawConn.Write.
type socketWriter struct {
	p  []byte
	n  int
	fn func(fd uintptr) bool
}

func (sw *socketWriter) write(fd uintptr) bool {
	for sw.n < len(sw.p) {
		m, err := syscall.Write(int(fd), sw.p[sw.n:])
		if err == syscall.EINTR {
			continue
		}
		if err != nil || m <= 0 {
			break
		}
		sw.n += m
	}
	return true // never wait for the socket to drain
}

// handOff writes the replies of the waiters cl's last command served
// straight to their sockets (see waiter.direct), each once the log holds
// its delivery. A reply that cannot be written at once, in full, goes
// back to its client's goroutine, which is woken to send the rest: a slow
// reader never holds up this client. Caller holds no lock.
func (s *Server) handOff(cl *client) {
	for i, w := range cl.handoffs {
		cl.handoffs[i] = nil
		out := w.out.Bytes()
		awaitShown(w.visible, (*wal.Pending).Wait)
		if w.pending != nil && w.pending.Wait() != nil {
			// Not durable: the client's goroutine drops the connection
			// (awaitDurable) rather than acknowledge it.
		} else {
			out = out[w.writeNow(w.cl.guard, out):]
		}
		if len(out) > 0 {
			w.rest = out
			w.cl.guard.Conn.SetReadDeadline(aLongTimeAgo)
		}
		w.written.Done()
	}
	cl.handoffs = cl.handoffs[:0]
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

// tryLeave is leave for the event loop, which never waits for the
// keyspace lock: it reports false, having done nothing, when the lock is
// taken.
func (s *Server) tryLeave(w *waiter) bool {
	if !s.mu.TryLock() {
		return false
	}
	if !w.served {
		s.blocking.unpark(w)
	}
	s.mu.Unlock()
	return true
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
