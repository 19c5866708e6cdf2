package broker

import (
	"errors"
	"syscall"

	"github.com/brokerd/brokerd/wal"
	"github.com/tidwall/redcon"
)

// The event loop's requests and replies: what it reads from a ready
// socket, runs, and sends back once the log holds what the replies show.

// receive reads what lc's socket holds, once, and runs the whole
// requests in it, when the pass's reads are made (readBatch).
func (l *eventLoop) receive(lc *laneConn) {
	if len(l.reading) == loopReadBatch {
		l.readBatch()
	}
	l.reading = append(l.reading, lc)
}

// readBatch makes the reads receive gathered and runs what each got, in
// the order epoll gave: in one system call when there are several and
// the loop has a ring, else with a read(2) each. One read(2) is one
// system call too, without the ring's bookkeeping.
func (l *eventLoop) readBatch() {
	reading := l.reading
	defer func() {
		clear(reading)
		l.reading = reading[:0]
	}()
	res := l.ringBatch(len(reading), func(r *uring, k int) { r.recv(reading[k].fd, l.readBuf(k)) })
	for k, lc := range reading {
		if lc.slot < 0 {
			continue // closed by an earlier connection's request
		}
		if res == nil || res[k] == uringNotMade {
			n, err := syscall.Read(lc.fd, l.buf)
			l.received(lc, l.buf, n, err)
			continue
		}
		n, err := uringResult(res[k])
		l.received(lc, l.readBuf(k), n, err)
	}
}

// ringBatch makes a batch of n reads or writes, which queue puts on the
// ring, in one system call, and returns their results: when there are
// several and the loop has a ring, else nil, and the caller makes each
// with read(2) or write(2), as it makes those the ring did not make. A
// ring that fails is dropped.
func (l *eventLoop) ringBatch(n int, queue func(r *uring, k int)) []int32 {
	if n < 2 || l.ring == nil {
		return nil
	}
	for k := range n {
		queue(l.ring, k)
	}
	var err error
	l.results, err = l.ring.submit(l.results)
	if err != nil {
		l.s.logger.Warn("event loop: io_uring failed; reading and writing without it", "err", err)
		l.ring.close()
		l.ring = nil
	}
	return l.results
}

// readBuf is the buffer of the batch's k-th read, which a read cannot
// overrun and an append cannot grow into the next one's.
func (l *eventLoop) readBuf(k int) []byte {
	return l.readBufs[k*loopReadBytes : (k+1)*loopReadBytes : (k+1)*loopReadBytes]
}

// received runs what a read of lc's socket into buf returned.
func (l *eventLoop) received(lc *laneConn, buf []byte, n int, err error) {
	if err == syscall.EAGAIN || err == syscall.EINTR {
		return
	}
	if n == 0 && err == nil && lc.waiter == nil {
		// The peer stopped sending: it still gets the replies it is
		// owed (under appendfsync always they may wait for their sync),
		// and then the connection closes.
		lc.peerClosed, lc.cl.closeAfterReply = true, true
		if !l.arm(lc) {
			l.close(lc)
			return
		}
		l.markDirty(lc)
		return
	}
	if n <= 0 || err != nil {
		l.close(lc)
		return
	}
	l.s.stats.netInput.Add(int64(n))
	lc.active = l.s.clock.ms.Load()
	g := lc.cl.guard
	if f := g.needsAuth.Load(); f != nil {
		g.guard.needsAuth = *f
	}
	in := buf[:n]
	if lc.waiter != nil {
		l.readAhead(lc, in)
		return
	}
	if len(lc.in) == 0 && g.guard.state == stRequest && g.guard.wholeRequests(in) == n {
		// The common case, whole requests only: one copy of them, which
		// the handlers may keep parts of (see consume).
		l.consume(lc, append([]byte(nil), in...))
		return
	}
	var perr error
	lc.in, perr = g.guard.filter(lc.in, in)
	if perr != nil {
		lc.protoErr = perr
	}
	l.consume(lc, lc.in)
}

// consume runs the whole requests at the start of data and keeps the
// rest in lc.in, unless the connection leaves the loop or a command is
// bounced on the way. As with redcon's reader, a handler may keep an
// argument past its command (a blocked command's readiness check keeps
// its keys): data is never written again once a request in it ran, and
// every command gets its own slice of arguments, from an arena per call.
func (l *eventLoop) consume(lc *laneConn, data []byte) {
	if l.draining {
		return
	}
	cl := lc.cl
	cl.ctx.ResetClock() // a new batch of requests reads the clock afresh
	ran := false
	var arena [][]byte
	for len(data) > 0 {
		if cl.closeAfterReply || cl.killed.Load() {
			data = nil // Redis runs nothing after the request that closes
			break
		}
		if data[0] != '*' {
			// Inline requests are for people at a terminal: redcon's
			// reader splits them as the rest of the server expects.
			l.leave(lc, data)
			return
		}
		complete, parsed, _, left, err := redcon.ReadNextCommand(data, l.args)
		if err != nil {
			// The guard let through only what Redis accepts; redcon's
			// parser agreeing is what makes that hold.
			lc.protoErr = &protocolError{msg: err.Error()}
			data = nil
			break
		}
		if !complete {
			break
		}
		l.args = parsed
		if len(parsed) == 0 {
			data = left
			continue
		}
		if cap(arena)-len(arena) < len(parsed) {
			size := len(parsed) // the common case: one request per read
			if len(left) > 0 {
				size = max(4*len(parsed), 64)
			}
			arena = make([][]byte, 0, size)
		}
		start := len(arena)
		arena = append(arena, parsed...)
		args := arena[start:len(arena):len(arena)]
		if spec, err := l.s.resolve(cl, args); err == nil && leavesEventLoop(cl, spec) {
			l.leave(lc, data)
			return
		}
		lc.more = len(left) > 0
		ran = true
		w, ok := l.s.serveInLoop(cl, args)
		if !ok {
			l.bounce(lc, data)
			return
		}
		l.markDirty(lc)
		data = left
		if w != nil {
			lc.in = append([]byte(nil), data...)
			l.adopt(lc, w)
			return
		}
	}
	if ran {
		lc.in = append([]byte(nil), data...)
	} else {
		lc.in = data
	}
	if lc.protoErr != nil {
		var pe *protocolError
		if errors.As(lc.protoErr, &pe) {
			cl.out.Error("ERR " + pe.Error())
		}
		cl.closeAfterReply = true
		l.markDirty(lc)
	}
}

func (l *eventLoop) markDirty(lc *laneConn) {
	if !lc.dirty {
		lc.dirty = true
		l.dirty = append(l.dirty, lc)
	}
}

// flush sends the replies of the requests run since the last wait, each
// once the log holds the writes it shows (send: its own, or the log's
// tail for a reply that logged nothing, as an XREAD served by an XADD).
// The last marked goes first, as in Redis (its clients_pending_write is
// LIFO): a waiter served by a push is marked after the pusher, so the job
// reaches the worker one write(2) sooner, and that is the handover
// latency queues care about.
func (l *eventLoop) flush() {
	for i := len(l.dirty) - 1; i >= 0; i-- {
		lc := l.dirty[i]
		l.dirty[i] = nil
		lc.dirty = false
		if lc.slot < 0 || !lc.tryLock {
			continue // left the loop, or bounced: the other goroutine owns its replies
		}
		if !l.s.durable(lc.cl, (*wal.Pending).WaitNoYield) {
			l.close(lc)
			continue
		}
		out := lc.cl.out.Bytes()[lc.sent:]
		if len(out) == 0 {
			l.writeRest(lc) // nothing to write; it may have to close
			continue
		}
		if len(l.sending) == loopSendBatch {
			l.sendBatch()
		}
		l.sending = append(l.sending, queuedSend{lc, out})
	}
	l.dirty = l.dirty[:0]
	l.sendBatch()
}

// sendBatch makes the writes flush gathered, as readBatch makes reads,
// and finishes each as send would.
func (l *eventLoop) sendBatch() {
	sending := l.sending
	defer func() {
		clear(sending)
		l.sending = sending[:0]
	}()
	res := l.ringBatch(len(sending), func(r *uring, k int) { r.send(sending[k].lc.fd, sending[k].out) })
	for k, q := range sending {
		if res != nil && res[k] != uringNotMade {
			n, err := uringResult(res[k])
			if n > 0 {
				l.wrote(q.lc, n)
			} else if err != nil && err != syscall.EAGAIN && err != syscall.EINTR {
				l.close(q.lc)
				continue
			}
		}
		l.writeRest(q.lc) // what the ring did not write, or all of it
	}
}

// queuedSend is a write of flush's batch: out is what lc's socket is to
// take.
type queuedSend struct {
	lc  *laneConn
	out []byte
}

// drain sends, as the loop stops, the replies still owed, once the
// bounced commands finished, so that a write acknowledged by the log is
// acknowledged to its client too when it can be.
func (l *eventLoop) drain() {
	l.draining = true
	l.bounces.Wait()
	l.takeHandedIn()
	l.flush()
}

// send writes lc's replies as far as the socket takes them. What it does
// not take is sent when epoll says it may be; lc's requests are not read
// meanwhile, so a client that does not read its replies stops being
// served instead of growing its buffer.
func (l *eventLoop) send(lc *laneConn) {
	if !l.s.durable(lc.cl, (*wal.Pending).WaitNoYield) {
		l.close(lc)
		return
	}
	l.writeRest(lc)
}

// writeRest writes with write(2) what lc's socket has not taken yet, and
// then waits for the socket, for its next requests or for nothing.
func (l *eventLoop) writeRest(lc *laneConn) {
	cl := lc.cl
	out := cl.out.Bytes()[lc.sent:]
	for len(out) > 0 {
		n, err := syscall.Write(lc.fd, out)
		if err == syscall.EINTR {
			continue
		}
		if err == syscall.EAGAIN {
			break
		}
		if err != nil || n <= 0 {
			l.close(lc)
			return
		}
		l.wrote(lc, n)
		out = out[n:]
	}
	if len(out) > 0 {
		lc.writing = true
		if !l.arm(lc) {
			l.close(lc)
		}
		return
	}
	lc.sent = 0
	if cap(cl.out.Bytes()) > maxKeptReplyBuffer {
		cl.out.Adopt(nil)
	}
	cl.out.Reset()
	if cl.closeAfterReply {
		l.close(lc)
		return
	}
	if lc.writing {
		lc.writing = false
		if !l.arm(lc) {
			l.close(lc)
		}
	}
}

func (l *eventLoop) wrote(lc *laneConn, n int) {
	l.s.stats.netOutput.Add(int64(n))
	lc.active = l.s.clock.ms.Load()
	lc.sent += n
}
