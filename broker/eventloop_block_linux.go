package broker

import (
	"container/heap"
	"time"
)

// Blocking commands in the event loop. A client whose command parks
// (BLPOP, XREADGROUP BLOCK, ...) stays in the loop, as in Redis: the
// loop stops running its requests, keeps reading what it sends (so a
// disconnect is noticed at once), and ends the wait when a writer serves
// it (unblock, from whichever goroutine holds the keyspace lock; when
// that is the loop itself, the reply goes out in the same pass) or its
// deadline passes (expireWaits). Which of the two won is decided under
// the keyspace lock, as for any waiter (Server.leave), so an element is
// never both handed over and dropped.

// unblock tells the loop that a wait of a client it owns was served.
// Caller holds the keyspace write lock.
func (l *eventLoop) unblock(n waitNotice) {
	l.mu.Lock()
	l.unblocked = append(l.unblocked, n)
	l.wakeLocked()
	l.mu.Unlock()
}

// adopt makes w the wait of lc. A serve may have come first, between the
// command's return and now: its notice is ignored (lc did not wait in w
// yet), so the serve is taken from w itself.
func (l *eventLoop) adopt(lc *laneConn, w *waiter) {
	lc.waiter = w
	select {
	case <-w.done:
		l.endWait(waitNotice{lc, w, w.seq}, true)
		return
	default:
	}
	if !w.deadline.IsZero() {
		heap.Push(&l.timers, waitTimer{at: w.deadline, wait: waitNotice{lc, w, w.seq}})
	}
}

// endWait ends lc's wait in w with its reply (served) or the command's
// timeout reply, and runs what the client sent meanwhile. A notice for a
// wait that already ended, or whose connection closed, is ignored.
func (l *eventLoop) endWait(n waitNotice, served bool) {
	w, lc := n.w, n.lc
	if lc.waiter != w || w.seq != n.seq {
		return // the waiter may be another client's by now: only lc's tells
	}
	lc.waiter = nil
	l.timers.drop(lc)
	cl := lc.cl
	if served {
		cl.pending, cl.visible = w.pending, w.visible
		cl.out.Raw(w.out.Bytes())
	} else if w.onTimeout != nil {
		w.onTimeout(cl.out)
	} else {
		cl.out.NullArray()
	}
	if lc.expiring {
		// The goroutine that settled its deadline may still hold it:
		// not pooled, so no later wait of lc's is in it.
		lc.expiring = false
	} else {
		releaseWaiter(w)
	}
	l.markDirty(lc)
	l.consume(lc, lc.in)
}

// readAhead keeps what a waiting client sends for after its wait. The
// loop reads on whatever it gets, as Redis reads a blocked client's
// query buffer, so that a close is noticed at once and the waiter leaves
// before a push can hand it an element: what follows a protocol error
// is dropped, as nothing after it runs, and a client whose read-ahead
// passes client-query-buffer-limit is closed.
func (l *eventLoop) readAhead(lc *laneConn, in []byte) {
	if lc.protoErr != nil {
		return
	}
	lc.in, lc.protoErr = lc.cl.guard.guard.filter(lc.in, in)
	if len(lc.in) > maxQueryBuffer {
		l.close(lc)
	}
}

// expireWaits times out the waits whose deadline passed. Whether such a
// waiter was served after all is decided under the keyspace lock, which
// the loop does not wait for: a goroutine takes it.
func (l *eventLoop) expireWaits() {
	now := time.Now()
	for len(l.timers) > 0 && !l.timers[0].at.After(now) {
		n := heap.Pop(&l.timers).(waitTimer).wait
		n.lc.expiring = true
		l.spawn(func() {
			if l.s.leave(n.w) {
				return // served meanwhile: its notice ends the wait
			}
			l.mu.Lock()
			l.timedOut = append(l.timedOut, n)
			l.wakeLocked()
			l.mu.Unlock()
		})
	}
}

// waitTimer is a wait's deadline.
type waitTimer struct {
	at   time.Time
	wait waitNotice
}

// waitTimers is a heap of deadlines, the earliest first. A client waits
// in one command at a time, so its laneConn holds the index of its
// deadline (timer, -1 for none), and a wait that ends takes its deadline
// out (drop), as Redis does: a worker's waits are mostly served long
// before their deadline, and would otherwise pile up.
type waitTimers []waitTimer

func (h waitTimers) Len() int           { return len(h) }
func (h waitTimers) Less(i, j int) bool { return h[i].at.Before(h[j].at) }
func (h waitTimers) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].wait.lc.timer, h[j].wait.lc.timer = i, j
}
func (h *waitTimers) Push(x any) {
	t := x.(waitTimer)
	t.wait.lc.timer = len(*h)
	*h = append(*h, t)
}
func (h *waitTimers) Pop() any {
	old := *h
	t := old[len(old)-1]
	old[len(old)-1] = waitTimer{}
	*h = old[:len(old)-1]
	t.wait.lc.timer = -1
	return t
}

// drop takes lc's deadline out, if it has one.
func (h *waitTimers) drop(lc *laneConn) {
	if lc.timer >= 0 {
		heap.Remove(h, lc.timer)
	}
}

// waitMs is epoll_wait's timeout: until the earliest deadline, rounded
// up to the millisecond, or -1 (none).
func (h waitTimers) waitMs() int {
	if len(h) == 0 {
		return -1
	}
	d := time.Until(h[0].at)
	if d <= 0 {
		return 0
	}
	return int((d + time.Millisecond - 1) / time.Millisecond)
}
