package broker

import (
	"syscall"

	"github.com/tidwall/redcon"
)

// The event loop's connections: their place in the epoll set, what it
// watches for each, how they leave the loop (bounce, leave) and close.

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
	if l.ring != nil {
		l.ring.close()
	}
}
