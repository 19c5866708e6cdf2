package broker

import (
	"strings"

	"github.com/brokerd/brokerd/command"
	"github.com/brokerd/brokerd/wal"
	"github.com/tidwall/redcon"
)

func (s *Server) newClient(gc *guardedConn, addr, laddr string) *client {
	cl := &client{
		id:    s.clients.nextID.Add(1),
		srv:   s,
		guard: gc,
		out:   command.NewReply(2),
		proto: 2,
	}
	s.bindContext(cl)
	cl.out.OnError(s.cmdstats.noteError)
	cl.multiQueued.Store(-1)
	// As in Redis, a client that connects while no password is required
	// is authenticated (as the nopass default user); CONFIG SET
	// requirepass does the same for the clients connected before it.
	cl.authed.Store(s.requirePass() == "")
	gc.owner = cl
	now := timeNow()
	cl.info.addr, cl.info.laddr = addr, laddr
	cl.info.created, cl.info.lastTime = now, now
	cl.info.proto = 2
	f := cl.authRequired
	gc.needsAuth.Store(&f)
	return cl
}

// bindContext gives cl the command context its handlers run with.
func (s *Server) bindContext(cl *client) {
	cl.ctx = command.NewCtx(cl.out, &s.effects)
	cl.ctx.SetNotifier(&s.notify)
	cl.ctx.Conn = cl
	cl.ctx.Keyspace = s.store
	if !cl.internal {
		cl.ctx.CacheClock() // reset per pipeline (handOver) and wait
	}
}

// serveRESP is redcon's handler: it runs one command of a client's
// pipeline. Replies gather in the client's own buffer and are handed to
// redcon once, at the last command of the pipeline, which redcon then
// flushes with one write (redcon's Buffer and SetBuffer copy the whole
// buffer, which per command made a pipeline quadratic). Before that the
// client's writes must be durable, so one fsync covers the whole pipeline
// and nothing unlogged is acknowledged.
func (s *Server) serveRESP(conn redcon.Conn, cmd redcon.Command) {
	cl := conn.Context().(*client)
	cl.consumed += int64(len(cmd.Raw))
	if cl.closeAfterReply || cl.killed.Load() {
		// The connection is closed (QUIT, CLIENT KILL, a client that left
		// while parked, a failed WAL): redcon still hands over the rest of
		// the pipeline it had parsed, which Redis would never run.
		return
	}
	if cl.sub != nil {
		// What the command makes the subscriber receive follows its
		// reply (see Outbox.Hold); a first subscription starts held.
		cl.sub.outbox.Hold()
	}
	wt := s.execute(cl, cmd.Args)
	if len(cl.handoffs) > 0 {
		s.handOff(cl)
	}
	if wt != nil {
		if cl.sub != nil {
			cl.sub.outbox.Release(nil) // messages flow while it waits
		}
		ok := s.awaitUnblock(cl, conn, wt)
		cl.ctx.ResetClock() // time passed while it waited
		if !ok {
			cl.out.Reset()
			cl.closeAfterReply = true
			conn.Close()
			return
		}
	}
	if cl.sub != nil {
		// A subscriber's replies join its messages in the outbox, so a
		// reply never overtakes a confirmation queued before it.
		if !s.awaitDurable(cl, conn) {
			return
		}
		cl.sub.outbox.Release(cl.out.Bytes())
		cl.out.Reset()
	}
	closing := cl.closeAfterReply || s.closing.Load()
	if len(conn.PeekPipeline()) > 0 && !closing {
		return
	}
	if !s.awaitDurable(cl, conn) {
		return
	}
	s.handOver(cl, conn)
	if closing {
		if cl.sub != nil {
			cl.sub.outbox.Drain() // its reply is in the outbox
		}
		conn.Close()
	}
}

// maxKeptReplyBuffer is the largest reply buffer a client keeps between
// pipelines.
const maxKeptReplyBuffer = 1 << 20

// handOver moves the client's buffered replies to redcon's writer, which
// sends them when it flushes.
func (s *Server) handOver(cl *client, conn redcon.Conn) {
	cl.ctx.ResetClock() // the next pipeline reads the clock afresh
	if cl.out.Len() > 0 {
		conn.WriteRaw(cl.out.Bytes())
	}
	if cap(cl.out.Bytes()) > maxKeptReplyBuffer {
		cl.out.Adopt(nil)
	}
	cl.out.Reset()
}

// awaitDurable waits for the client's latest write to be durable. If the
// WAL failed, the write is applied in memory but not durable: the client
// must not get an acknowledgement for it, so every reply buffered since is
// dropped with the connection, and it reports false.
func (s *Server) awaitDurable(cl *client, conn redcon.Conn) bool {
	if !s.durable(cl, (*wal.Pending).Wait) {
		conn.Close()
		return false
	}
	return true
}

// durable is awaitDurable for any owner of the connection, which it
// leaves open: on false the caller closes it. wait is the Pending's Wait
// or, for the event loop, WaitNoYield.
func (s *Server) durable(cl *client, wait func(*wal.Pending) error) bool {
	err := cl.awaitReplied(wait)
	if err == nil {
		return true
	}
	s.logger.Error("WAL write failed; closing client without reply", "client", cl.id, "err", err)
	cl.out.Reset()
	cl.closeAfterReply = true
	return false
}

// awaitReplied waits until the replies cl has buffered may go out: for
// what they show of others' writes, then for cl's own latest write,
// whose failure it returns.
func (cl *client) awaitReplied(wait func(*wal.Pending) error) error {
	awaitShown(cl.visible, wait)
	p := cl.pending
	cl.visible, cl.pending = nil, nil
	if p == nil {
		return nil
	}
	return wait(p)
}

// awaitShown waits for p, the log's tail when a reply or message that
// wrote nothing was made (client.visible), so that it tells of no write
// a crash could still take back. p's failure is ignored: it is its
// writers' to report, and reads go on under MISCONF.
func awaitShown(p *wal.Pending, wait func(*wal.Pending) error) {
	if p != nil {
		_ = wait(p)
	}
}

// execute runs one command for cl: resolve, check, lock, run, log. It
// returns the waiter when the command parked the client.
func (s *Server) execute(cl *client, args [][]byte) *waiter {
	spec, err := s.resolve(cl, args)
	if err != nil {
		s.rejected(cl, args, nil)
		s.reject(cl, args[0], command.Error(command.Translate(err)))
		return nil
	}
	if cl.authRequired() && !spec.Has(command.NoAuth) {
		s.rejected(cl, args, spec)
		s.reject(cl, args[0], command.ErrNoAuth)
		return nil
	}
	cl.noteCommandOnce(spec)
	if cl.subscribedRESP2() && !spec.Has(command.SubscribedOK) {
		s.rejected(cl, args, spec)
		cl.out.Error(string(errSubscribedContext(spec)))
		return nil
	}
	if cl.monitoring.Load() && (spec.Has(command.Write) || spec.Has(command.ReadOnly) || spec.Has(command.MayReplicate)) {
		s.rejected(cl, args, spec)
		cl.out.Error(string(errReplicaKeyspace))
		return nil
	}
	if s.scripts.busy.running.Load() != nil && s.scriptBusy(cl, spec, args) {
		return nil // BUSY, or SCRIPT KILL (script_busy.go)
	}
	if cl.tx != nil && !runsImmediately(spec) {
		s.queue(cl, spec, args)
		return nil
	}
	c := cl.ctx
	c.Args = args
	if spec.Has(command.PubSub) {
		// Pub/sub state has its own lock; the keyspace is not involved.
		// Confirmations are part of the reply (pubsub.Confirmer), which
		// joins the replies owed in the outbox once the client has one.
		s.runCounted(cl, spec, c, sentByClient)
		return nil
	}
	// Blocking commands take the write lock even when they only read
	// (XREAD): parking must be atomic with finding nothing to serve, or a
	// write in between would be missed.
	if !spec.Has(command.Write) && !spec.Has(command.Blocking) && !spec.ExclusiveLock {
		if !s.lockKeyspace(cl, false) {
			return nil
		}
		c.DB = s.store.DB(cl.db)
		s.runCounted(cl, spec, c, sentByClient)
		s.mu.RUnlock()
		cl.visible = s.log.Tail()
		return nil
	}
	if spec.Has(command.Write) {
		if err := s.log.Err(); err != nil {
			s.rejected(cl, args, spec)
			cl.out.Error(string(misconf(err)))
			return nil
		}
	}
	if !s.lockKeyspace(cl, true) {
		return nil
	}
	defer s.mu.Unlock()
	if s.closing.Load() {
		cl.closeAfterReply = true
		return nil
	}
	if cl.unwatchLater {
		s.watches.unwatchAll(cl)
		cl.unwatchLater = false
	}
	c.DB = s.store.DB(cl.db)
	c.SetBlockable(spec.Has(command.Blocking) && !cl.internal)
	s.runCounted(cl, spec, c, sentByClient)
	var w *waiter
	if req := c.TakeBlock(); req != nil {
		w = s.blocking.park(cl, spec, args, req)
		w.out.OnError(s.cmdstats.noteError)
	}
	if p := s.commitEffects(); p != nil {
		cl.pending = p
	} else {
		cl.visible = s.log.Tail()
	}
	s.serveReadyFor(cl)
	return w
}

// resolve is s.table.Resolve with a one-entry cache per client: a
// pipeline mostly repeats one command, and comparing its name with the
// last one costs less than hashing it into the table. Only commands
// resolved by their name alone (no subcommand) are cached; an arity error
// goes through the table for its reply.
func (s *Server) resolve(cl *client, args [][]byte) (*command.Spec, error) {
	if spec := cl.lastSpec; spec != nil && string(args[0]) == string(cl.lastName) && spec.ArityOK(len(args)) {
		return spec, nil
	}
	spec, err := s.table.Resolve(args)
	if err == nil && len(spec.Subcommands) == 0 && !strings.Contains(spec.Name, "|") && len(args[0]) <= maxCachedName {
		cl.lastName = append(cl.lastName[:0], args[0]...)
		cl.lastSpec = spec
	}
	return spec, err
}

// maxCachedName bounds the name resolve keeps (command names are short).
const maxCachedName = 32

// noteCommandOnce is noteCommand for the command path: CLIENT LIST shows
// the last command and its time at the coarse clock's resolution, so the
// info lock is taken only when either changed.
func (cl *client) noteCommandOnce(spec *command.Spec) {
	ms := cl.srv.clock.ms.Load()
	if spec == cl.notedCmd && ms == cl.notedMs {
		return
	}
	cl.notedCmd, cl.notedMs = spec, ms
	cl.noteCommand(spec)
}

// run calls the handler and turns a returned error into the reply, after
// dropping anything the handler wrote before failing.
func run(spec *command.Spec, c *command.Ctx) {
	mark := c.Out.Len()
	if err := spec.Run(c); err != nil {
		c.Out.Truncate(mark)
		c.Out.Error(command.Translate(err))
	}
}
