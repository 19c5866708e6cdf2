package broker

import (
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/brokerd/brokerd/command"
	"github.com/brokerd/brokerd/wal"
)

// Blocking commands (BLPOP, BLMOVE, XREAD BLOCK, ...) park their client
// here when they find nothing to serve (command.BlockRequest). Every
// waited-on key has a FIFO queue of waiters. A write to such a key (the kv
// Written hook) marks the queue ready; before the writer releases the
// keyspace lock, serveReady runs each ready queue's waiters' commands again
// in arrival order. A retry that serves writes the waiter's reply and its
// effects go to the WAL after the writer's, so the log holds the handover
// as the pop or delivery it was. All of it is guarded by the keyspace
// write lock, so an element is handed to exactly one waiter, and a waiter
// that leaves (timeout, disconnect, shutdown) removes itself under the same
// lock first: it is either served or gone, never both.

// waiter is one parked client.
type waiter struct {
	cl        *client
	spec      *command.Spec
	args      [][]byte // owned copy of the command to retry, in arena
	arena     []byte
	db        int
	keys      []*keyQueue
	deadline  time.Time // zero: wait forever
	onTimeout func(*command.Reply)
	ready     func(string, command.Value) bool // BlockRequest.Ready of the latest attempt; nil: always retry
	class     any                              // BlockRequest.ReadyClass of the latest attempt

	// Guarded by the keyspace write lock.
	// out holds the reply a retry writes: the client's own buffer belongs
	// to its goroutine, which may be flushing earlier replies meanwhile.
	out     *command.Reply
	parked  bool
	served  bool
	pending *wal.Pending  // the WAL record of what the retry wrote
	visible *wal.Pending  // without one, the log's tail: what it shows (client.visible)
	done    chan struct{} // closed once served

	// wake guards reading, which is set while the client's goroutine
	// waits for w in a read of its socket (awaitRead): a serve then
	// interrupts that read with a past deadline. The deadline is not
	// socket I/O, so the serve may set it under the keyspace lock.
	// When direct is set, nothing but the reply is owed to the client
	// (it sent nothing after the blocking command), and the serve hands the reply to the serving client's goroutine, which
	// writes it to the socket once durable (handOff) while the parked
	// goroutine sleeps on in its read until the client sends again.
	wake    sync.Mutex
	reading bool
	direct  bool
	// handed is set, under wake, when the serve handed the reply over;
	// written is then done once it was written, and rest holds what
	// could not be (the client's goroutine sends it, or the whole reply
	// when the log failed: awaitDurable then drops the connection).
	handed  bool
	written sync.WaitGroup
	rest    []byte
	sw      socketWriter // handOff's, kept with the pooled waiter
	// inLoop is set when the event loop owns the client: a serve tells
	// the loop (eventLoop.unblock), which sends the reply. seq tells
	// this wait from an earlier one of the same pooled waiter.
	inLoop bool
	seq    uint64
}

// keyQueue is the FIFO of waiters on one key.
type keyQueue struct {
	db      int
	key     string
	waiters []*waiter
	ready   bool // queued in blockingRegistry.ready
}

// blockingRegistry holds every parked client. Guarded by the keyspace
// write lock, except blocked, which INFO reads.
type blockingRegistry struct {
	byDB    []map[string]*keyQueue // per database, so a lookup by []byte key does not allocate
	ready   []*keyQueue
	waiting int     // keys with at least one waiter, so writes skip the lookup when none
	handTo  *client // during serveReadyFor: who writes direct replies
	blocked atomic.Int64
}

func (b *blockingRegistry) init(databases int) {
	b.byDB = make([]map[string]*keyQueue, databases)
	for i := range b.byDB {
		b.byDB[i] = map[string]*keyQueue{}
	}
}

// park registers cl on every key of req. Caller holds the write lock.
func (b *blockingRegistry) park(cl *client, spec *command.Spec, args [][]byte, req *command.BlockRequest) *waiter {
	if req.Args != nil {
		args = req.Args
	}
	w := waiterPool.Get().(*waiter)
	w.cl, w.spec, w.db = cl, spec, cl.db
	w.args, w.arena = copyArgsInto(w.args[:0], w.arena[:0], args)
	w.onTimeout, w.ready, w.class = req.OnTimeout, req.Ready, req.ReadyClass
	if w.out == nil {
		w.out = command.NewReply(cl.proto)
	} else {
		w.out.SetProto(cl.proto)
	}
	w.done = make(chan struct{})
	if lc := cl.lane; lc != nil && lc.owned {
		lc.waitSeq++
		w.inLoop, w.seq = true, lc.waitSeq
	}
	w.deadline = time.Time{}
	if req.Timeout > 0 {
		w.deadline = time.Now().Add(req.Timeout)
	}
	queues := b.byDB[w.db]
	for _, k := range req.Keys {
		q := queues[string(k)]
		if q == nil {
			q = &keyQueue{db: w.db, key: string(k)}
			queues[q.key] = q
			b.waiting++
		}
		if slices.Contains(q.waiters, w) {
			continue // the same key named twice waits once
		}
		q.waiters = append(q.waiters, w)
		w.keys = append(w.keys, q)
	}
	w.parked = true
	b.blocked.Add(1)
	return w
}

// unpark removes w from all its queues. Caller holds the write lock.
func (b *blockingRegistry) unpark(w *waiter) {
	if !w.parked {
		return
	}
	w.parked = false
	for _, q := range w.keys {
		if i := slices.Index(q.waiters, w); i >= 0 {
			q.waiters = slices.Delete(q.waiters, i, i+1)
		}
		if len(q.waiters) == 0 && b.byDB[q.db][q.key] == q {
			delete(b.byDB[q.db], q.key)
			b.waiting--
		}
	}
	clear(w.keys)
	w.keys = w.keys[:0]
	b.blocked.Add(-1)
}

// waiterPool keeps waiters, with their buffers, between blocking calls:
// a job queue's workers park once per job.
var waiterPool = sync.Pool{New: func() any { return new(waiter) }}

// maxKeptWaiterBuffer is the largest reply or argument buffer a pooled
// waiter keeps.
const maxKeptWaiterBuffer = 64 << 10

// releaseWaiter returns w to the pool once its client is done with it: it
// left its queues (served or unparked), so nothing else refers to it.
func releaseWaiter(w *waiter) {
	w.out.Reset()
	if cap(w.out.Bytes()) > maxKeptWaiterBuffer {
		w.out.Adopt(nil)
	}
	if cap(w.arena) > maxKeptWaiterBuffer {
		w.arena = nil
	}
	clear(w.args)
	w.args = w.args[:0]
	w.cl, w.spec, w.onTimeout, w.ready, w.class, w.pending, w.visible, w.done, w.rest = nil, nil, nil, nil, nil, nil, nil, nil, nil
	w.parked, w.served, w.reading, w.direct, w.handed, w.inLoop = false, false, false, false, false, false
	waiterPool.Put(w)
}

// signal marks key ready if anyone waits on it. It is the kv Written hook,
// so it runs under the write lock on every write and must be cheap.
func (b *blockingRegistry) signal(db int, key []byte) {
	if b.waiting == 0 {
		return
	}
	if q := b.byDB[db][string(key)]; q != nil && !q.ready {
		q.ready = true
		b.ready = append(b.ready, q)
	}
}

// signalDB marks every waited-on key of db ready (FLUSHDB, SWAPDB).
func (b *blockingRegistry) signalDB(db int) {
	for _, q := range b.byDB[db] {
		if !q.ready {
			q.ready = true
			b.ready = append(b.ready, q)
		}
	}
}

// serveReady retries the waiters of every ready key, in arrival order,
// until no key is ready: a served retry may itself make keys ready (BLMOVE
// pushes to its destination). Caller holds the write lock and has
// committed the effects of the command that made the keys ready.
func (s *Server) serveReady() { s.serveReadyFor(nil) }

// serveReadyFor is serveReady for a client's command: waiters whose
// replies can go straight to their sockets are handed to cl (see
// waiter.direct), which writes them after the lock (handOff). Only the
// last command of a pipeline takes them, so they wait for no more of the
// log than the client's own replies do; with cl nil every served waiter
// is woken to reply itself.
func (s *Server) serveReadyFor(cl *client) {
	if cl != nil && (cl.internal || cl.morePipelined() || cl.lane != nil && cl.lane.owned) {
		// The event loop waits for no sync of another client's.
		cl = nil
	}
	s.blocking.handTo = cl
	b := &s.blocking
	for i := 0; i < len(b.ready); i++ {
		q := b.ready[i]
		q.ready = false
		db := s.store.DB(q.db)
		v := db.Peek([]byte(q.key))
		var idle any // a ReadyClass found not ready since v last changed
		for j := 0; j < len(q.waiters); {
			w := q.waiters[j]
			if w.class != nil && w.class == idle {
				// Not ready either. A gone one among them is not
				// served, so it may wait for its leave to unpark it.
				j++
				continue
			}
			if w.cl.gone() {
				// CLIENT KILL or the peer closed its socket, and it has
				// not left yet: Redis unblocks such a client at once, so
				// nothing is served to it (its leave finds it unparked).
				s.blocking.unpark(w)
				continue
			}
			if w.ready != nil && !w.ready(q.key, v) {
				idle = w.class
				j++ // a retry would find nothing: it keeps its place
				continue
			}
			served := s.retry(w)
			v = db.Peek([]byte(q.key)) // the retry may have changed it
			idle = nil
			if !served {
				j++
			}
		}
	}
	clear(b.ready)
	b.ready = b.ready[:0]
	b.handTo = nil
}

// retry runs a parked command again for its client and reports whether
// it was served (replied, successfully or with an error).
func (s *Server) retry(w *waiter) bool {
	c := w.cl.ctx
	c.Args = w.args
	c.DB = s.store.DB(w.db)
	c.Retrying, c.Out = true, w.out
	c.SetBlockable(true)
	run(w.spec, c)
	c.Retrying, c.Out = false, w.cl.out
	// Whatever the retry wrote is logged now, served or not, so it never
	// rides along in the next command's record.
	pending := s.commitEffects()
	if req := c.TakeBlock(); req != nil {
		w.out.Truncate(0)
		w.ready, w.class = req.Ready, req.ReadyClass
		return false
	}
	s.blocking.unpark(w)
	w.pending = pending
	if pending == nil {
		// It shows what the push wrote (an XREAD logs nothing itself).
		w.visible = s.log.Tail()
	}
	w.served = true
	// Once done is closed the waiter's owner may pool it: what the
	// loop's notice needs is read first.
	var notice waitNotice
	if w.inLoop {
		notice = waitNotice{w.cl.lane, w, w.seq}
	}
	w.wake.Lock()
	switch {
	case w.reading && w.direct && s.blocking.handTo != nil:
		w.handed = true
		w.written.Add(1)
		to := s.blocking.handTo
		to.handoffs = append(to.handoffs, w)
	case w.reading:
		w.cl.guard.Conn.SetReadDeadline(aLongTimeAgo)
	}
	close(w.done)
	w.wake.Unlock()
	if notice.w != nil {
		s.loop.unblock(notice)
	}
	return true
}

// commitEffects appends what the command just run emitted to the WAL, as
// one record, and returns it (nil when it wrote nothing). Caller holds
// the write lock.
func (s *Server) commitEffects() *wal.Pending {
	var p *wal.Pending
	if ops := s.effects.take(); len(ops) > 0 {
		p = s.log.Append(ops)
		if s.taps.Logged != nil {
			s.taps.Logged(ops)
		}
	}
	s.effects.reset()
	return p
}

func copyArgs(args [][]byte) [][]byte {
	out, _ := copyArgsInto(make([][]byte, 0, len(args)), nil, args)
	return out
}

// copyArgsInto copies args into arena and returns the copies in out, both
// reused (a pooled waiter's).
func copyArgsInto(out [][]byte, arena []byte, args [][]byte) ([][]byte, []byte) {
	n := 0
	for _, a := range args {
		n += len(a)
	}
	arena = slices.Grow(arena[:0], n)
	for _, a := range args {
		arena = append(arena, a...)
		out = append(out, arena[len(arena)-len(a):len(arena):len(arena)])
	}
	return out, arena
}
