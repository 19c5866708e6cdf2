package command

import "strings"

// Ctx is what a handler gets: its arguments, its database, its reply
// writer and the WAL effect sink. The broker fills one per command; under
// the keyspace write lock for Write commands, the read lock otherwise.
type Ctx struct {
	// Args holds the command as received; Args[0] is its name.
	//
	// NB: the slices point into the connection's read buffer and are valid
	// only until the handler returns. Copy anything stored in the keyspace.
	Args [][]byte
	// DB is the client's selected database.
	DB DB
	// Keyspace gives access to every database (SELECT, MOVE, FLUSHALL).
	Keyspace Keyspace
	// Out receives the reply.
	Out *Reply
	// Conn is the broker's per-connection state, for the broker's own
	// handlers; families never look at it.
	Conn any
	// Loading is true while the log is replayed: handlers run exactly as
	// live, but emitted effects are dropped and keys do not expire.
	Loading bool
	// Retrying is true when the broker runs a parked blocking command
	// again because one of its keys was written (see BlockRequest).
	Retrying bool

	sink      EffectSink
	keeper    ArgsKeeper // sink as an ArgsKeeper, or nil
	notifier  Notifier
	blockable bool
	block     *BlockRequest
	// batchClock and batchMs: see CacheClock.
	batchClock bool
	batchMs    int64
}

// CacheClock makes the command clock (CachedMillis/CacheMillis) a
// snapshot taken by the first command that reads it and kept until
// ResetClock. The broker turns it on for connections and resets it at the
// end of every pipeline and after every wait, so the commands of one
// pipeline share one clock read, as Redis's commands share its cached
// command time; a clock read costs as much as a small command here.
// Without it (the families' testers) every read goes to the clock.
func (c *Ctx) CacheClock() { c.batchClock, c.batchMs = true, 0 }

// ResetClock drops the clock snapshot.
func (c *Ctx) ResetClock() { c.batchMs = 0 }

// CachedMillis returns the clock snapshot in Unix milliseconds, if there
// is one. A parked command run again (Retrying) always reads the clock: it
// runs outside its own pipeline, at a later time.
func (c *Ctx) CachedMillis() (int64, bool) { return c.batchMs, c.batchMs != 0 && !c.Retrying }

// CacheMillis records ms, just read from the clock, as the snapshot when
// the context caches its clock.
func (c *Ctx) CacheMillis(ms int64) {
	if c.batchClock && !c.Retrying {
		c.batchMs = ms
	}
}

// EffectSink receives the deterministic effects of write commands, in
// execution order. The broker implements it and frames one WAL record per
// command (or per MULTI/EXEC or script).
type EffectSink interface {
	Emit(db int, args [][]byte)
}

// ArgsKeeper is an EffectSink that can take a command's own arguments
// (EmitArgs) as they are, without copying them: the sink's owner
// guarantees that Ctx.Args stay unchanged until it has encoded the
// effects (the broker encodes them before the command's request is
// released). Handlers never modify Args in place.
type ArgsKeeper interface {
	EmitKept(db int, args [][]byte)
}

// NewCtx builds a context; the broker calls it once per connection and
// reuses it.
func NewCtx(out *Reply, sink EffectSink) *Ctx {
	c := &Ctx{Out: out}
	c.SetSink(sink)
	return c
}

// SetSink replaces the effect sink (for tests and for replay).
func (c *Ctx) SetSink(s EffectSink) {
	c.sink = s
	c.keeper, _ = s.(ArgsKeeper)
}

// Name is the command name in upper case.
func (c *Ctx) Name() string { return strings.ToUpper(string(c.Args[0])) }

// Emit logs args as this command's effect on c.DB. A write command calls
// it once per change it made, with a command whose replay gives the same
// state (XADD * logs the concrete ID, EXPIRE logs PEXPIREAT, ...). The args
// are encoded before Emit returns, so they may alias the read buffer.
func (c *Ctx) Emit(args ...[]byte) {
	if c.sink != nil && !c.Loading {
		c.sink.Emit(c.DB.Index(), args)
	}
}

// EmitArgs logs the command itself as its effect, for commands that are
// already deterministic (SET k v, DEL k, ...).
func (c *Ctx) EmitArgs() {
	switch {
	case c.sink == nil || c.Loading:
	case c.keeper != nil:
		c.keeper.EmitKept(c.DB.Index(), c.Args)
	default:
		c.sink.Emit(c.DB.Index(), c.Args)
	}
}

// EmitIn logs args as an effect on database db (MOVE, COPY ... DB n).
func (c *Ctx) EmitIn(db int, args ...[]byte) {
	if c.sink != nil && !c.Loading {
		c.sink.Emit(db, args)
	}
}

// Value is anything stored under a key.
type Value interface {
	// Type is what TYPE replies: "string", "list", "stream", ...
	Type() string
	// Encoding is what OBJECT ENCODING replies.
	Encoding() string
	// Clone returns a deep copy, for COPY and snapshots.
	Clone() Value
}

// DB is one numbered database as the command families see it. Methods
// that change data require the keyspace write lock; the rest need at least
// the read lock.
type DB interface {
	// Index is the database number (SELECT's argument).
	Index() int
	// Lookup returns the live value at key or nil. It never changes the
	// keyspace: an expired key reads as absent.
	Lookup(key []byte) Value
	// Peek is Lookup for checks the server makes on a client's behalf
	// (is a parked client's command worth running again?): it neither
	// reports a miss nor marks the key as accessed.
	Peek(key []byte) Value
	// LookupWrite is Lookup for write commands: an expired key is removed
	// (and the removal logged) before the command sees the keyspace, so a
	// replay of the log makes the same decisions. Caller holds the write
	// lock.
	LookupWrite(key []byte) Value
	// Put binds key to v, replacing any value and clearing its TTL. The key
	// is copied. Caller holds the write lock.
	Put(key []byte, v Value)
	// Update records that the value at key was changed in place (it keeps
	// its TTL). Every in-place change must call it: it is also what wakes
	// clients blocked on key. Caller holds the write lock.
	Update(key []byte)
	// Delete removes key and reports whether it existed. Caller holds the
	// write lock.
	Delete(key []byte) bool
}

// Keyspace is the set of numbered databases.
type Keyspace interface {
	// DB returns database i; the caller has checked 0 <= i < Len().
	DB(i int) DB
	Len() int
}
