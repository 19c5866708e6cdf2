package broker

import (
	"runtime"
	"sync"
	"syscall"
	"time"
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
//
// Where the kernel allows, the loop makes a pass's reads, and then its
// replies' writes, in one io_uring system call each instead of one per
// socket (uring_linux.go): raw LPUSH and RPOP at pipeline 1 did 1.12x
// and 1.15x the ops/s of the loop without it (5 alternating rounds).
//
// This file is the loop itself and what other goroutines hand it; how it
// reads, runs and replies is in eventloop_io_linux.go, its connections'
// place in the epoll set and their leaving and closing in
// eventloop_conns_linux.go, and blocking commands in
// eventloop_block_linux.go.
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
	// ring batches the loop's socket reads (receive) and writes (flush);
	// nil where io_uring is off or not to be had, and the loop then makes
	// a read(2) and a write(2) per socket.
	ring     *uring
	reading  []*laneConn  // the connections of the batch of reads
	readBufs []byte       // their buffers, loopReadBytes each
	sending  []queuedSend // the batch of writes
	results  []int32      // of the ring's batch made last, in its order
	timers   waitTimers   // deadlines of the blocking commands clients wait in
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

// loopReadBatch and loopSendBatch are how many reads (receive) and
// writes (flush) the loop makes in one system call, at most the ring's
// size (loopRingSize). The read buffers a batch takes are touched only as
// far as requests fill them.
const (
	loopReadBatch = 64
	loopSendBatch = 256
	loopRingSize  = 256
)

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
	if s.cfg.LoopIOURing {
		if ring, err := newURing(loopRingSize); err == nil {
			l.ring = ring
			l.readBufs = make([]byte, loopReadBatch*loopReadBytes)
		} else {
			s.logger.Info("event loop: no io_uring; reading and writing each socket with read(2) and write(2)", "err", err)
		}
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
		if len(l.reading) > 0 {
			l.readBatch()
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
