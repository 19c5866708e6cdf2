package broker

import (
	"math"
	"sync"
	"sync/atomic"
	"time"

	"github.com/brokerd/brokerd/command"
)

// Busy scripts. A script holds the keyspace write lock while it runs, so
// every other client's command would wait for it. Once it has run longer
// than the busy threshold (Redis's busy-reply-threshold, 5 s), the
// dispatcher answers other clients BUSY instead, and SCRIPT KILL, which
// needs no keyspace lock, stops it unless it already wrote. The check
// before the dispatcher takes the lock is one atomic load (busyState's
// running) when no script runs.

// defaultBusyThreshold is Redis's busy-reply-threshold (lua-time-limit).
const defaultBusyThreshold = 5 * time.Second

// busyState is a server's running script, read without the keyspace lock.
type busyState struct {
	running   atomic.Pointer[scriptRun]
	threshold atomic.Int64 // nanoseconds
	ms        atomic.Int64 // the threshold as CONFIG SET gave it
}

func (b *busyState) init() {
	b.threshold.Store(int64(defaultBusyThreshold))
	b.ms.Store(int64(defaultBusyThreshold / time.Millisecond))
}

// setThreshold sets busy-reply-threshold in milliseconds; 0 turns BUSY
// off, so other clients wait for the script however long it runs.
func (b *busyState) setThreshold(ms int64) {
	d := time.Duration(math.MaxInt64)
	if ms < int64(d/time.Millisecond) {
		d = time.Duration(ms) * time.Millisecond
	}
	if ms == 0 {
		d = 0
	}
	b.threshold.Store(int64(d))
	b.ms.Store(ms)
}

// scriptRun is one script's execution.
type scriptRun struct {
	c        *command.Ctx
	cl       *client
	sc       *script
	readOnly bool
	resp     int            // redis.setresp; guarded by the keyspace lock
	reply    *command.Reply // the scratch reply of redis.call
	start    time.Time
	vm       *scriptVM

	mu       sync.Mutex
	wrote    bool          // a write command was called: unkillable
	killed   bool          // SCRIPT KILL stopped it
	finished bool          // it returned
	done     chan struct{} // closed when finished; made by the first waiter
}

// begin publishes a script that starts running. Caller holds the keyspace
// write lock.
func (e *scriptEngine) begin(c *command.Ctx, cl *client, sc *script, readOnly bool) *scriptRun {
	r := &scriptRun{c: c, cl: cl, sc: sc, readOnly: readOnly, resp: 2, start: time.Now(), vm: e.vm}
	if e.vm.reply == nil {
		e.vm.reply = command.NewReply(2)
	}
	r.reply = e.vm.reply
	e.busy.running.Store(r)
	return r
}

// end marks r finished and reports whether it was killed.
func (b *busyState) end(r *scriptRun) bool {
	b.running.Store(nil)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.finished = true
	if r.done != nil {
		close(r.done)
	}
	if cap(r.reply.Bytes()) > maxKeptReplyBuffer {
		r.reply.Adopt(nil)
	}
	return r.killed
}

// markWrite records that the script calls a write command, which makes
// it unkillable; false if it was killed already.
func (r *scriptRun) markWrite() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.killed {
		return false
	}
	r.wrote = true
	return true
}

// waitBusy waits until r is past threshold (true) or finished (false).
// A threshold of 0 (busy-reply-threshold 0) never makes it busy.
func (r *scriptRun) waitBusy(threshold time.Duration) bool {
	left := threshold - time.Since(r.start)
	r.mu.Lock()
	if r.finished {
		r.mu.Unlock()
		return false
	}
	if left <= 0 && threshold > 0 {
		r.mu.Unlock()
		return true
	}
	if r.done == nil {
		r.done = make(chan struct{})
	}
	done := r.done
	r.mu.Unlock()
	if threshold <= 0 {
		<-done
		return false
	}
	t := time.NewTimer(left)
	defer t.Stop()
	select {
	case <-done:
		return false
	case <-t.C:
		return true
	}
}

// kill stops r unless it wrote.
func (r *scriptRun) kill() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	switch {
	case r.finished:
		return errNotBusy
	case r.wrote:
		return errUnkillable
	}
	if !r.killed {
		r.killed = true
		close(r.vm.kill.done)
	}
	return nil
}

// scriptBusy is the dispatcher's check before it takes the keyspace lock
// for cl's command: while another client's script runs, the command waits
// until the script is past the busy threshold and then gets BUSY (SCRIPT
// KILL runs at once, without the lock), or until it finished and then
// runs as usual. It reports whether it replied.
//
// The other allow_busy commands (MULTI, HELLO, AUTH, QUIT, ...) run while
// a script is busy in Redis. Those that need no keyspace lock run here, at
// once; those that take it (DISCARD, WATCH, UNWATCH, RESET: the watch
// registry lives under it) wait for the script.
func (s *Server) scriptBusy(cl *client, spec *command.Spec, args [][]byte) bool {
	kill := spec.Name == "SCRIPT|KILL"
	if spec.Has(command.AllowBusy) && !kill && !runsWhileBusy(cl, spec) {
		return false
	}
	e := s.scripts
	r := e.busy.running.Load()
	if r == nil || r.cl == cl || !r.waitBusy(time.Duration(e.busy.threshold.Load())) {
		return false
	}
	if !kill && spec.Has(command.AllowBusy) {
		cl.ctx.Args = args
		s.runCounted(cl, spec, cl.ctx, sentByClient)
		return true
	}
	if kill {
		start := monotonic()
		err := r.kill()
		if err != nil {
			cl.out.Error(string(err.(command.Error)))
		} else {
			s.logger.Warn("Lua script killed by user with SCRIPT KILL.")
			cl.out.OK()
		}
		s.counted(cl, spec, args, monotonic()-start, err != nil, sentByClient)
		s.feedMonitors(cl, cl.db, args, false) // as runCounted would: neither admin nor skip_monitor
		return true
	}
	s.rejected(cl, args, spec)
	s.reject(cl, args[0], errBusyScript)
	return true
}

// runsWhileBusy reports whether an allow_busy command can run for cl
// without the keyspace lock while another client's script holds it: one
// that takes no lock (the dispatcher would take the read lock only to
// give it a database it does not use) and that cl would not queue in its
// MULTI.
func runsWhileBusy(cl *client, spec *command.Spec) bool {
	switch spec.Name {
	case "MULTI", "HELLO", "AUTH", "QUIT":
		return cl.tx == nil || runsImmediately(spec)
	}
	return false
}

// scriptKill is SCRIPT KILL when no script was busy at the dispatcher's
// check (see scriptBusy).
func (e *scriptEngine) scriptKill(*command.Ctx) error { return errNotBusy }
