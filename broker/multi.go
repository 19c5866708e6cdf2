package broker

import (
	"strings"

	"github.com/brokerd/brokerd/command"
)

// MULTI/EXEC: a client in MULTI queues its commands; EXEC runs them under
// one hold of the keyspace write lock, so no other client sees a state in
// between, and their effects go to the WAL as one record, so a crash
// never leaves half a transaction. WATCH makes EXEC fail (null reply) if a
// watched key was written since.

const (
	errExecAbort    command.Error = "EXECABORT Transaction discarded because of previous errors."
	errNotInMulti   command.Error = "ERR Command not allowed inside a transaction"
	errNestedMulti  command.Error = "ERR MULTI calls can not be nested"
	errExecNoMulti  command.Error = "ERR EXEC without MULTI"
	errDiscardNoTx  command.Error = "ERR DISCARD without MULTI"
	errWatchInMulti command.Error = "ERR WATCH inside MULTI is not allowed"
)

// transaction is a client's state between MULTI and EXEC.
type transaction struct {
	queued []queuedCommand
	// aborted is set when a command was rejected while queuing (unknown,
	// wrong arity, NOAUTH, MISCONF, not allowed in MULTI): EXEC then
	// discards everything with EXECABORT, as Redis does.
	aborted bool
}

type queuedCommand struct {
	spec *command.Spec
	args [][]byte
}

func transactionSpecs(s *Server) []command.Spec {
	tx := []string{"@fast", "@transaction"}
	flags := command.NoScript | command.Loading | command.Stale | command.Fast | command.AllowBusy
	return []command.Spec{
		{Name: "MULTI", Arity: 1, Flags: flags, ACLCategories: tx, Run: multi,
			Summary: "Starts a transaction.", Since: "1.2.0", Group: "transactions"},
		{Name: "EXEC", Arity: 1, Flags: command.NoScript | command.Loading | command.Stale | command.SkipSlowlog,
			ACLCategories: []string{"@slow", "@transaction"}, Run: s.exec, ExclusiveLock: true,
			Summary: "Executes all commands in a transaction.", Since: "1.2.0", Group: "transactions"},
		{Name: "DISCARD", Arity: 1, Flags: flags, ACLCategories: tx, Run: s.discard, ExclusiveLock: true,
			Summary: "Discards a transaction.", Since: "2.0.0", Group: "transactions"},
		{Name: "WATCH", Arity: -2, Flags: flags, Keys: command.AllKeys, ACLCategories: tx, Run: s.watch, ExclusiveLock: true,
			Summary: "Monitors changes to keys to determine the execution of a transaction.", Since: "2.2.0", Group: "transactions"},
		{Name: "UNWATCH", Arity: 1, Flags: flags, ACLCategories: tx, Run: s.unwatch, ExclusiveLock: true,
			Summary: "Forgets about watched keys of a transaction.", Since: "2.2.0", Group: "transactions"},
	}
}

// runsImmediately lists the commands a client in MULTI runs at once
// instead of queuing (Redis's processCommand).
func runsImmediately(spec *command.Spec) bool {
	switch spec.Name {
	case "EXEC", "DISCARD", "MULTI", "WATCH", "QUIT", "RESET":
		return true
	}
	return false
}

// queue adds a command to cl's transaction, or rejects it; either way it
// writes the reply.
func (s *Server) queue(cl *client, spec *command.Spec, args [][]byte) {
	switch {
	case spec.Has(command.NoMulti):
		s.rejected(cl, args, spec)
		cl.rejectInMulti(errNotInMulti)
	case spec.Has(command.Write) && s.log.Err() != nil:
		s.rejected(cl, args, spec)
		cl.rejectInMulti(misconf(s.log.Err()))
	default:
		cl.tx.queued = append(cl.tx.queued, queuedCommand{spec, copyArgs(args)})
		cl.multiQueued.Store(int32(len(cl.tx.queued)))
		cl.out.Simple("QUEUED")
	}
}

// reject answers a command the dispatcher refused before running it
// (unknown, wrong arity, NOAUTH, BUSY). Inside MULTI it dooms the
// transaction, but a refused EXEC discards the transaction at once with
// Redis's reply naming the refusal (execCommandAbort): "EXECABORT
// Transaction discarded because of: wrong number of arguments for 'exec'
// command". Its watches are dropped by the client's next command that
// takes the keyspace lock (unwatchLater), which a busy script may be
// holding now; until then they can only mark the client dirty, which
// that drop clears.
func (s *Server) reject(cl *client, name []byte, err command.Error) {
	if cl.tx == nil || !strings.EqualFold(string(name), "EXEC") {
		cl.rejectInMulti(err)
		return
	}
	cl.setTransaction(nil)
	cl.unwatchLater = true
	cl.out.Error("EXECABORT Transaction discarded because of: " + strings.TrimPrefix(string(err), "ERR "))
}

// rejectInMulti replies err and, inside MULTI, dooms the transaction.
func (cl *client) rejectInMulti(err command.Error) {
	if cl.tx != nil {
		cl.tx.aborted = true
	}
	cl.out.Error(string(err))
}

func misconf(err error) command.Error {
	return command.Error("MISCONF Errors writing to the AOF file: " + err.Error())
}

func multi(c *command.Ctx) error {
	cl := clientOf(c)
	if cl.tx != nil {
		return errNestedMulti
	}
	cl.setTransaction(&transaction{})
	c.Out.OK()
	return nil
}

// exec runs the queued commands. Caller holds the keyspace write lock
// (ExclusiveLock); the dispatcher commits the effects of all of them as
// one WAL record and then serves clients blocked on what they wrote.
func (s *Server) exec(c *command.Ctx) error {
	cl := clientOf(c)
	tx := cl.tx
	if tx == nil {
		return errExecNoMulti
	}
	cl.setTransaction(nil)
	dirty := cl.watchDirty || cl.expiredSinceWatch()
	s.watches.unwatchAll(cl)
	switch {
	case tx.aborted:
		return errExecAbort
	case dirty:
		c.Out.NullArray()
		return nil
	}
	if err := s.log.Err(); err != nil && tx.writes() {
		return misconf(err)
	}
	// While the queue runs the client still reads as inside MULTI, as
	// Redis clears CLIENT_MULTI only after execCommand: a queued CLIENT
	// INFO shows flags=x and multi=<queued>.
	cl.multiQueued.Store(int32(len(tx.queued)))
	defer cl.multiQueued.Store(-1)
	c.Out.Array(len(tx.queued))
	for _, q := range tx.queued {
		c.Args = q.args
		c.DB = s.store.DB(cl.db)
		c.SetBlockable(false)                     // blocking commands act as their non-blocking forms
		s.runCounted(cl, q.spec, c, sentByClient) // each in the slow log, as Redis logs them
	}
	return nil
}

func (tx *transaction) writes() bool {
	for _, q := range tx.queued {
		if q.spec.Has(command.Write) {
			return true
		}
	}
	return false
}

func (s *Server) discard(c *command.Ctx) error {
	cl := clientOf(c)
	if cl.tx == nil {
		return errDiscardNoTx
	}
	cl.setTransaction(nil)
	s.watches.unwatchAll(cl)
	c.Out.OK()
	return nil
}

func (s *Server) watch(c *command.Ctx) error {
	cl := clientOf(c)
	if cl.tx != nil {
		return errWatchInMulti
	}
	for _, k := range c.Args[1:] {
		s.watches.watch(cl, s.store.Database(cl.db), k)
	}
	c.Out.OK()
	return nil
}

func (s *Server) unwatch(c *command.Ctx) error {
	s.watches.unwatchAll(clientOf(c))
	c.Out.OK()
	return nil
}

// setTransaction opens (tx) or closes (nil) cl's MULTI.
func (cl *client) setTransaction(tx *transaction) {
	cl.tx = tx
	if tx == nil {
		cl.multiQueued.Store(-1)
	} else {
		cl.multiQueued.Store(0)
	}
}
