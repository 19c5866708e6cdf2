package broker

import (
	"errors"
	"runtime"
	"sync"
	"syscall"
	"time"

	"github.com/brokerd/brokerd/wal"
	"github.com/tidwall/redcon"
)

// eventLoop serves connections from one goroutine with epoll, as Redis's
// event loop does: it reads every ready socket, runs the whole requests
// it got, then sends the replies, and only then waits again. With a
// goroutine per connection (redcon's model) every request costs a
// goroutine wake-up, a scheduler round trip and a read that finds
// nothing; at pipeline 1 that cost more server CPU per request than
// Redis spends in total (a bare redcon server 13.7-15.7 µs per SET, an
// epoll loop 7.2-8.7, Redis 10.6-14.2; /tmp/proto in the 2026-12-03
// notes).
//
// The loop waits for no client and no lock, so one slow client
// cannot hold up the others. A blocking command that finds nothing
// parks its client in the loop (eventloop_block_linux.go), as in Redis.
// A command that may wait for something else leaves the loop for good
// with its connection, which redcon then serves from a goroutine
// (leave): (P|S)SUBSCRIBE, admin commands (SHUTDOWN, SAVE, MONITOR, ...)
// and scripts, which the loop must not run because a busy script is
// killed by a SCRIPT KILL the loop has to read. So do inline requests,
// which redcon's reader splits. A command that finds the keyspace lock
// taken runs on a goroutine of its own while the connection stays in the
// loop (bounce): waiting for the lock in the loop would stall every other
// connection behind a busy script. Under appendfsync always the loop
// waits for the sync of a pass's writes before it sends their replies,
// as Redis does: requests gather meanwhile, and the next pass's one sync
// covers them all. Waiting on a goroutine instead, to serve other
// clients during the sync, made smaller passes and cost more than it
// saved (raw XADD and LPUSH at pipeline 1 under always: 1.33x and 1.41x
// the ops/s of that design, 3 alternating rounds).
type eventLoop struct {
	s      *Server
	epfd   int
	wakeR  int // the read end of a pipe in the epoll set (wake)
	events []syscall.EpollEvent
	buf    []byte   // the read buffer every connection shares
	args   [][]byte // the parser's argument slices, reused
	conns  []*laneConn
	free   []int32
	gen    int32
	dirty  []*laneConn // connections with replies to send before waiting
	timers waitTimers  // deadlines of the blocking commands clients wait in
	// idleCheck is when the loop next closes the connections idle for
	// longer than timeout (closeIdle).
	idleCheck int64
	// yielded is when the loop last rescheduled itself (yieldIfDue).
	yielded time.Time

	// mu guards what other goroutines hand the loop.
	mu        sync.Mutex
	wakeW     int  // the pipe's write end; -1 once the loop stopped
	woken     bool // a wake byte is in the pipe and not yet read
	sleeping  bool // in epoll_wait, or about to be: handing in must wake it
	incoming  []*laneConn
	returned  []*laneConn  // bounced connections whose command is done
	unblocked []waitNotice // served blocking commands (unblock)
	timedOut  []waitNotice // blocking commands whose deadline passed unserved
	stopping  bool
	done      chan struct{}
	// tasks counts the goroutines the loop started (bounce, expireWaits,
	// leave, close): stop waits for them. bounces counts the bounced
	// commands, which stop lets finish before it closes connections.
	tasks   sync.WaitGroup
	bounces sync.WaitGroup
	// draining is set while the loop stops (drain): it runs no more
	// requests, and only sends what is owed.
	draining bool
}

// loopReadBytes is how much the loop reads from a socket at a time:
// Redis's PROTO_IOBUF_LEN. Each read is copied for the handlers (see
// consume), and a copy of up to 32 KB is a small object to Go's
// allocator; a bulk load in 64 KB reads made large ones, whose churn
// kept more memory: RSS per 1M list jobs 1.07x Redis's with 64 KB
// reads, 0.97x and 0.94x with 16 KB (two `--memory --rounds 3` runs).
const loopReadBytes = 16 << 10

// wakeSlot marks the wake pipe's events.
const wakeSlot = -1

func newEventLoop(s *Server) (*eventLoop, error) {
	epfd, err := syscall.EpollCreate1(syscall.EPOLL_CLOEXEC)
	if err != nil {
		return nil, err
	}
	var p [2]int
	if err := syscall.Pipe2(p[:], syscall.O_NONBLOCK|syscall.O_CLOEXEC); err != nil {
		syscall.Close(epfd)
		return nil, err
	}
	ev := syscall.EpollEvent{Events: syscall.EPOLLIN, Fd: wakeSlot}
	if err := syscall.EpollCtl(epfd, syscall.EPOLL_CTL_ADD, p[0], &ev); err != nil {
		syscall.Close(epfd)
		syscall.Close(p[0])
		syscall.Close(p[1])
		return nil, err
	}
	l := &eventLoop{
		s: s, epfd: epfd, wakeR: p[0], wakeW: p[1],
		events: make([]syscall.EpollEvent, 256),
		buf:    make([]byte, loopReadBytes),
		done:   make(chan struct{}),
	}
	go l.run()
	return l, nil
}

// add gives the loop a client's socket; false once the loop stopped.
func (l *eventLoop) add(lc *laneConn) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.stopping {
		return false
	}
	l.incoming = append(l.incoming, lc)
	l.wakeLocked()
	return true
}

// stop ends the loop and closes its connections; it returns once the
// loop is gone.
func (l *eventLoop) stop() {
	l.mu.Lock()
	l.stopping = true
	l.wakeLocked()
	l.mu.Unlock()
	<-l.done
	l.tasks.Wait()
}

// spawn runs f on a goroutine of its own, which stop waits for.
func (l *eventLoop) spawn(f func()) {
	l.tasks.Add(1)
	go func() {
		defer l.tasks.Done()
		f()
	}()
}

// poke makes the loop read its settings again (CONFIG SET timeout).
func (l *eventLoop) poke() {
	l.mu.Lock()
	l.wakeLocked()
	l.mu.Unlock()
}

// wakeLocked makes the loop look at what was handed in. A loop that is
// not asleep looks before it sleeps, so only a sleeping one costs a
// write to the pipe.
func (l *eventLoop) wakeLocked() {
	if !l.sleeping || l.woken || l.wakeW < 0 {
		return
	}
	l.woken = true
	syscall.Write(l.wakeW, []byte{0})
}

func (l *eventLoop) run() {
	// The loop spends its idle time in epoll_wait; a thread of its own
	// spares the runtime moving it between threads around each wait
	// (unlocked, raw SET, LPUSH and XADD at pipeline 1 and 16 did
	// 0.85-0.96x the ops/s, 5 alternating rounds). yieldIfDue keeps the
	// price of that, slow preemption, away.
	runtime.LockOSThread()
	defer close(l.done)
	for {
		stopping := l.takeHandedIn()
		l.flush()
		if stopping {
			l.drain()
			l.shutdown()
			return
		}
		l.yieldIfDue()
		if !l.sleep() {
			continue
		}
		n, err := syscall.EpollWait(l.epfd, l.events, l.waitMs())
		l.mu.Lock()
		l.sleeping = false
		l.mu.Unlock()
		if err != nil && err != syscall.EINTR {
			l.s.logger.Error("event loop: epoll_wait failed; closing its connections", "err", err)
			l.shutdown()
			return
		}
		for i := 0; i < n; i++ {
			ev := l.events[i]
			if ev.Fd == wakeSlot {
				l.drainWakes()
				continue
			}
			lc := l.conns[ev.Fd]
			if lc == nil || lc.gen != ev.Pad {
				continue // closed or re-registered earlier in this batch
			}
			if lc.writing {
				if ev.Events&(syscall.EPOLLOUT|syscall.EPOLLERR|syscall.EPOLLHUP) != 0 {
					l.send(lc)
				}
				continue
			}
			l.receive(lc)
		}
		l.expireWaits()
		l.closeIdle()
	}
}

// loopYieldEvery is how often the loop reschedules itself (yieldIfDue):
// well within the 10 ms after which the runtime's monitor preempts a
// goroutine it saw run without one.
const loopYieldEvery = 5 * time.Millisecond

// yieldIfDue reschedules the loop between passes, at most every
// loopYieldEvery. Never parking, the loop would otherwise look to the
// runtime like a goroutine that runs forever, and be preempted every
// 10-25 ms wherever it is; and a preempted goroutine locked to its thread
// resumes only after two thread hand-offs (the thread gives its P to
// another, which finds the goroutine and hands the P back). In a trace of
// the list handover row (1,000 jobs/s) that happened 40 times a second
// and held the loop 115 µs on average, 4.4 ms at worst. Unlocked for the
// moment, it is an ordinary goroutine, which the scheduler resumes on any
// free thread: 12.5 µs on average in the same trace, 79 µs at worst.
func (l *eventLoop) yieldIfDue() {
	now := time.Now()
	if now.Sub(l.yielded) < loopYieldEvery {
		return
	}
	l.yielded = now
	runtime.UnlockOSThread()
	runtime.Gosched()
	runtime.LockOSThread()
}

// waitMs is epoll_wait's timeout: until the earliest deadline of a
// blocking command, or the next idle check.
func (l *eventLoop) waitMs() int {
	ms := l.timers.waitMs()
	if l.s.settings.idleTimeout() > 0 {
		idle := int(max(l.idleCheck-l.s.clock.ms.Load(), 0))
		if ms < 0 || idle < ms {
			ms = idle
		}
	}
	return ms
}

// closeIdle closes, once a second, the connections that sent nothing and
// were sent nothing for longer than timeout (CONFIG SET timeout applies
// to them at once). As in Redis, a client waiting in a blocking command
// is not idle.
func (l *eventLoop) closeIdle() {
	timeout := l.s.settings.idleTimeout()
	now := l.s.clock.ms.Load()
	if timeout <= 0 || now < l.idleCheck {
		return
	}
	l.idleCheck = now + 1000
	for _, lc := range l.conns {
		if lc != nil && lc.waiter == nil && lc.tryLock && now-lc.active > timeout.Milliseconds() {
			l.close(lc)
		}
	}
}

// sleep reports whether the loop may wait in epoll_wait: nothing was
// handed in since it last looked.
func (l *eventLoop) sleep() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.incoming)+len(l.returned)+len(l.unblocked)+len(l.timedOut) > 0 || l.stopping {
		return false
	}
	l.sleeping = true
	return true
}

func (l *eventLoop) drainWakes() {
	var b [64]byte
	for {
		if n, _ := syscall.Read(l.wakeR, b[:]); n <= 0 {
			break
		}
	}
	l.mu.Lock()
	l.woken = false
	l.mu.Unlock()
}

// takeHandedIn registers new connections, resumes bounced ones and ends
// the waits of served and timed-out blocking commands; it reports
// whether the loop must stop.
func (l *eventLoop) takeHandedIn() bool {
	l.mu.Lock()
	incoming, returned, unblocked, timedOut, stopping := l.incoming, l.returned, l.unblocked, l.timedOut, l.stopping
	l.incoming, l.returned, l.unblocked, l.timedOut = nil, nil, nil, nil
	l.mu.Unlock()
	for _, lc := range incoming {
		l.register(lc)
	}
	for _, lc := range returned {
		lc.tryLock = true
		if !l.arm(lc) {
			l.close(lc)
			continue
		}
		l.markDirty(lc)
		if w := lc.parked; w != nil {
			lc.parked = nil
			l.adopt(lc, w)
			continue
		}
		l.consume(lc, lc.in)
	}
	for _, n := range unblocked {
		l.endWait(n, true)
	}
	for _, n := range timedOut {
		l.endWait(n, false)
	}
	return stopping
}

func (l *eventLoop) register(lc *laneConn) {
	if n := len(l.free); n > 0 {
		lc.slot = l.free[n-1]
		l.free = l.free[:n-1]
	} else {
		lc.slot = int32(len(l.conns))
		l.conns = append(l.conns, nil)
	}
	l.conns[lc.slot] = lc
	l.gen++
	lc.gen = l.gen
	lc.tryLock, lc.owned = true, true
	lc.active = l.s.clock.ms.Load()
	if !l.arm(lc) {
		l.close(lc)
	}
}

// arm makes the epoll set watch what lc's state asks for: room for its
// replies while some are left to send, else its requests; nothing while
// one of its commands runs on another goroutine or its peer stopped
// sending.
func (l *eventLoop) arm(lc *laneConn) bool {
	var want uint32
	switch {
	case !lc.tryLock, lc.peerClosed && !lc.writing:
	case lc.writing:
		want = syscall.EPOLLOUT
	default:
		want = syscall.EPOLLIN
	}
	if want == lc.armed {
		return true
	}
	op := syscall.EPOLL_CTL_MOD
	switch {
	case want == 0:
		op = syscall.EPOLL_CTL_DEL
	case lc.armed == 0:
		op = syscall.EPOLL_CTL_ADD
	}
	ev := syscall.EpollEvent{Events: want, Fd: lc.slot, Pad: lc.gen}
	if err := syscall.EpollCtl(l.epfd, op, lc.fd, &ev); err != nil {
		return false
	}
	lc.armed = want
	return true
}

// release takes lc out of the loop's table.
func (l *eventLoop) release(lc *laneConn) {
	if lc.armed != 0 {
		syscall.EpollCtl(l.epfd, syscall.EPOLL_CTL_DEL, lc.fd, nil)
		lc.armed = 0
	}
	l.conns[lc.slot] = nil
	l.free = append(l.free, lc.slot)
	lc.slot = -1
}

// receive reads what lc's socket holds, once, and runs the whole
// requests in it.
func (l *eventLoop) receive(lc *laneConn) {
	n, err := syscall.Read(lc.fd, l.buf)
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
	in := l.buf[:n]
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
		l.send(lc)
	}
	l.dirty = l.dirty[:0]
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
	cl := lc.cl
	if !l.s.durable(cl, (*wal.Pending).WaitNoYield) {
		l.close(lc)
		return
	}
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
		l.s.stats.netOutput.Add(int64(n))
		lc.active = l.s.clock.ms.Load()
		lc.sent += n
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

// bounce runs lc's next command, at the start of data, on a goroutine
// that may wait for the keyspace lock; lc's socket leaves the epoll set
// until it is done (takeHandedIn).
func (l *eventLoop) bounce(lc *laneConn, data []byte) {
	lc.in = append([]byte(nil), data...) // the command's own (see consume)
	lc.tryLock = false
	if !l.arm(lc) {
		// Not watched any more either way; its command still runs and
		// hands it back.
		lc.armed = 0
	}
	l.bounces.Add(1)
	l.spawn(func() {
		defer l.bounces.Done()
		_, args, _, left, _ := redcon.ReadNextCommand(lc.in, nil)
		lc.more = len(left) > 0
		lc.parked, _ = l.s.serveInLoop(lc.cl, args)
		lc.in = append([]byte(nil), left...)
		l.mu.Lock()
		l.returned = append(l.returned, lc)
		l.wakeLocked()
		l.mu.Unlock()
	})
}

// leave hands lc to redcon, with the requests it has not run (data) and
// the replies it is owed, for good.
func (l *eventLoop) leave(lc *laneConn, data []byte) {
	l.release(lc)
	lc.tryLock, lc.owned = false, false
	cl := lc.cl
	g := cl.guard
	g.ready = append([]byte(nil), data...)
	g.readyInBuf = false
	g.handed, cl.consumed = 0, 0 // see nothingOwed
	g.err = lc.protoErr
	// Of the replies owed, the first lc.sent bytes are out already.
	cl.out.Adopt(cl.out.Bytes()[lc.sent:])
	lc.sent, lc.writing = 0, false
	l.spawn(func() { l.s.leaveEventLoop(lc) })
}

// close closes lc's connection and forgets its client.
func (l *eventLoop) close(lc *laneConn) {
	if lc.slot >= 0 {
		l.release(lc)
	}
	lc.closeFD()
	if w := lc.waiter; w != nil {
		lc.cl.hungUp.Store(true) // serves pass it over until it has left
		l.timers.drop(lc)
		// It leaves its queues unless it was served meanwhile; either
		// way no one replies to it. The waiter is not pooled again: a
		// notice of its serve may still be on its way to the loop.
		lc.waiter = nil
		if !l.s.tryLeave(w) {
			l.spawn(func() { l.s.leave(w) })
		}
	}
	cl := lc.cl
	if len(cl.watching) > 0 {
		l.spawn(func() { l.s.forget(cl) }) // it takes the keyspace lock, which the loop never waits for
		return
	}
	l.s.forget(cl)
}

// shutdown closes every connection and the loop's own descriptors.
func (l *eventLoop) shutdown() {
	for _, lc := range l.conns {
		if lc != nil {
			l.close(lc)
		}
	}
	l.mu.Lock()
	incoming := l.incoming
	l.incoming, l.stopping = nil, true
	syscall.Close(l.wakeW)
	l.wakeW = -1
	l.mu.Unlock()
	for _, lc := range incoming {
		lc.closeFD()
		l.s.forget(lc.cl)
	}
	syscall.Close(l.wakeR)
	syscall.Close(l.epfd)
}
