package broker

import (
	"cmp"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/brokerd/brokerd/command"
	"github.com/brokerd/brokerd/wal"
	"github.com/tidwall/redcon"
)

// client is one connection's state. Fields without a note are touched only
// by the connection's own goroutine; the info block is read by CLIENT
// LIST/INFO from other goroutines and is guarded by info.mu.
type client struct {
	id    int64
	srv   *Server
	conn  redcon.Conn // nil while the event loop serves the client
	lane  *laneConn   // set when the event loop served it first (eventloop.go)
	guard *guardedConn
	ctx   *command.Ctx
	out   *command.Reply

	db     int
	proto  int
	authed atomic.Bool
	// pending is the WAL record of this client's latest write that has not
	// been waited for; its reply is held until it is durable.
	pending *wal.Pending
	// closeAfterReply closes the connection once the current reply is out
	// (QUIT, CLIENT KILL of oneself).
	closeAfterReply bool
	// tx is the open transaction between MULTI and EXEC, nil outside.
	tx *transaction
	// watching and watchDirty are the WATCHed keys and whether one was
	// written since; guarded by the keyspace write lock.
	watching   []watchedKey
	watchDirty bool
	// unwatchLater is set when a refused EXEC discarded the transaction
	// without the keyspace lock (a busy script holds it): the next
	// command that takes the lock drops the watches first. Only the
	// client's goroutine touches it.
	unwatchLater bool
	// sub is the client's pub/sub side, nil until it first subscribes;
	// subscriptions counts its channels, patterns and shard channels.
	sub           *subscriber
	subscriptions int
	// subInfo and multiQueued mirror sub and the MULTI queue's length (-1
	// outside MULTI) for CLIENT LIST, which runs on other goroutines.
	subInfo atomic.Pointer[subscriber]
	// monitoring is set once the client sent MONITOR (monitor.go).
	monitoring  atomic.Bool
	multiQueued atomic.Int32
	// internal marks the server's own client (Exec): no socket, never
	// blocks.
	internal bool
	// notedCmd and notedMs are the command and coarse-clock time last
	// written to info (see noteCommandOnce).
	notedCmd *command.Spec
	notedMs  int64
	// lastName and lastSpec are the last command name resolved and its
	// spec (see Server.resolve).
	lastName []byte
	lastSpec *command.Spec
	// consumed counts the raw bytes of the commands redcon handed over
	// (see nothingOwed); handoffs are the waiters whose replies the last
	// command's serve left to this goroutine to write (see handOff).
	consumed int64
	handoffs []*waiter

	info struct {
		mu       sync.Mutex
		name     string
		addr     string
		laddr    string
		created  time.Time
		lastCmd  *command.Spec // nil before the first command
		lastTime time.Time
		db       int
		proto    int
		attrs    clientAttrs
	}
	// visible is the log's tail when the last command that logged
	// nothing ran: its reply may show others' writes, and goes out once
	// they are durable (durable).
	visible *wal.Pending
	killed  atomic.Bool
	// hungUp is set when the connection closes while the client waits in
	// a blocking command, before it could leave the queues (the keyspace
	// lock was taken): serves pass it over, as Redis frees a client the
	// moment it reads the close, so no element goes to a dead socket.
	hungUp atomic.Bool
}

// idleTimeout is the idle timeout that applies to cl now: none for the
// clients Redis exempts, a subscriber and a MONITOR.
func (cl *client) idleTimeout() time.Duration {
	if cl.subscriptions > 0 || cl.monitoring.Load() {
		return 0
	}
	return cl.srv.settings.idleTimeout()
}

// morePipelined reports whether the client sent more than the command
// being run, so that its reply is not the last it is owed.
func (cl *client) morePipelined() bool {
	if cl.conn != nil {
		return len(cl.conn.PeekPipeline()) > 0
	}
	return cl.lane != nil && cl.lane.more
}

// authRequired reports whether cl must authenticate before it runs
// commands. An authenticated client (every client connected while no
// password was required, see newClient) answers without the settings
// lock, which every command would otherwise take.
func (cl *client) authRequired() bool {
	return !cl.authed.Load() && cl.srv.requirePass() != ""
}

// name returns the client's name (CLIENT SETNAME).
func (cl *client) name() string {
	cl.info.mu.Lock()
	defer cl.info.mu.Unlock()
	return cl.info.name
}

func (cl *client) setName(n string) {
	cl.info.mu.Lock()
	cl.info.name = n
	cl.info.mu.Unlock()
}

func (cl *client) selectDB(i int) {
	cl.db = i
	cl.info.mu.Lock()
	cl.info.db = i
	cl.info.mu.Unlock()
}

func (cl *client) setProto(p int) {
	cl.proto = p
	if cl.sub != nil {
		cl.sub.resp3.Store(p == 3)
	}
	cl.out.SetProto(p)
	cl.info.mu.Lock()
	cl.info.proto = p
	cl.info.mu.Unlock()
}

// clientRegistry tracks live clients for CLIENT LIST/KILL and INFO.
type clientRegistry struct {
	mu      sync.Mutex
	clients map[int64]*client
	nextID  atomic.Int64
}

func (r *clientRegistry) add(cl *client) {
	r.mu.Lock()
	r.clients[cl.id] = cl
	r.mu.Unlock()
}

func (r *clientRegistry) remove(cl *client) {
	r.mu.Lock()
	delete(r.clients, cl.id)
	r.mu.Unlock()
}

func (r *clientRegistry) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.clients)
}

// snapshot returns the live clients ordered by id.
func (r *clientRegistry) snapshot() []*client {
	r.mu.Lock()
	out := make([]*client, 0, len(r.clients))
	for _, cl := range r.clients {
		out = append(out, cl)
	}
	r.mu.Unlock()
	slices.SortFunc(out, func(a, b *client) int { return cmp.Compare(a.id, b.id) })
	return out
}

// subscriberForInfo is cl's subscriber, for other goroutines.
func (cl *client) subscriberForInfo() *subscriber { return cl.subInfo.Load() }

// gone reports whether the client's connection is closed or closing:
// nothing may be handed to it any more.
func (cl *client) gone() bool { return cl.killed.Load() || cl.hungUp.Load() }
