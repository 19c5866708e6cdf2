// Package command is the contract between the broker and the command
// families (kv, streams, consumergroups, pubsub). A family describes each of
// its commands with a Spec and implements it as a Handler over a Ctx; the
// broker owns every cross-cutting check (arity, auth, locking, MULTI, WAL
// emission, stats) and reads it from the Spec. Families never import the
// broker, and handlers never check len(args): the Spec's Arity has already
// been enforced when a handler runs.
package command

import "strings"

// Flag is a property of a command that the dispatcher acts on. The names
// follow Redis's command flags (COMMAND INFO reports them).
type Flag uint32

const (
	// Write commands may change the keyspace; they run under the keyspace
	// write lock and their effects go to the WAL.
	Write Flag = 1 << iota
	// ReadOnly commands only read data and run under the shared read lock.
	ReadOnly
	// DenyOOM commands are refused when memory is over its limit.
	DenyOOM
	// Admin commands change server configuration or state.
	Admin
	// PubSub commands belong to the publish/subscribe machinery.
	PubSub
	// NoScript commands cannot be called from a Lua script.
	NoScript
	// Blocking commands may wait for data.
	Blocking
	// Loading commands are allowed while the dataset is loading.
	Loading
	// Stale commands are allowed on a stale replica.
	Stale
	// SkipMonitor commands are not shown by MONITOR.
	SkipMonitor
	// SkipSlowlog commands are not put in the slow log (EXEC: the
	// commands it runs are, each on its own).
	SkipSlowlog
	// Fast commands run in O(1) or O(log N).
	Fast
	// NoAuth commands are allowed before the client has authenticated.
	NoAuth
	// AllowBusy commands run while a script is busy.
	AllowBusy
	// NoMulti commands are refused inside MULTI.
	NoMulti
	// SubscribedOK commands are allowed on a RESP2 connection in subscribed
	// state (Redis allows only (P|S)SUBSCRIBE, (P|S)UNSUBSCRIBE, PING, QUIT
	// and RESET there).
	SubscribedOK
	// Random commands reply differently for the same arguments.
	Random
	// Keyless commands touch no keys but are still dispatched with a DB.
	Keyless
	// MayReplicate commands may cause writes or propagation though they
	// are not write commands (EVAL, PUBLISH). Redis keeps the flag out of
	// COMMAND INFO; it refuses them, as keyspace commands, to a replica
	// or a monitor.
	MayReplicate
	// MovableKeys is not set on a Spec: COMMAND INFO derives it from the
	// command's key specs (command.LegacyRange) and prints it in its place
	// among the flags.
	MovableKeys
)

// flagNames is the order COMMAND INFO prints flags in.
var flagNames = []struct {
	f    Flag
	name string
}{
	{Write, "write"}, {ReadOnly, "readonly"}, {DenyOOM, "denyoom"},
	{Admin, "admin"}, {PubSub, "pubsub"}, {NoScript, "noscript"},
	{Blocking, "blocking"}, {Loading, "loading"}, {Stale, "stale"},
	{SkipMonitor, "skip_monitor"}, {SkipSlowlog, "skip_slowlog"}, {Fast, "fast"}, {NoAuth, "no_auth"},
	{NoMulti, "no_multi"}, {MovableKeys, "movablekeys"}, {AllowBusy, "allow_busy"},
}

// Names returns the flags in Redis's spelling, for COMMAND INFO.
func (f Flag) Names() []string {
	var out []string
	for _, n := range flagNames {
		if f&n.f != 0 {
			out = append(out, n.name)
		}
	}
	return out
}

// Keys says where a command's key arguments are, as Redis's legacy
// (firstkey, lastkey, step) triple. Last is -1 for "to the end" and -2 for
// "all but the last one" (as in BLPOP key... timeout).
type Keys struct {
	First, Last, Step int
}

// Common key layouts.
var (
	NoKeys   = Keys{}
	FirstKey = Keys{1, 1, 1}
	AllKeys  = Keys{1, -1, 1}
	KeyPairs = Keys{1, -1, 2}
	TwoKeys  = Keys{1, 2, 1}
)

// Positions returns the indexes of the key arguments in args (args[0] is the
// command name).
func (k Keys) Positions(args [][]byte) []int {
	if k.First == 0 {
		return nil
	}
	last := k.Last
	if last < 0 {
		last = len(args) + last
	}
	var out []int
	for i := k.First; i <= last && i < len(args); i += k.Step {
		out = append(out, i)
	}
	return out
}

// Handler runs one command. Whatever it writes to c.Out is the reply. A
// returned error is written as the reply instead (see Error); a handler that
// returns an error must not have written anything.
type Handler func(c *Ctx) error

// Spec describes one command: the single source of truth for dispatch,
// arity errors, locking, WAL emission and COMMAND output.
type Spec struct {
	// Name is the command name in upper case ("XADD"). A subcommand is
	// named "PARENT|SUB" ("OBJECT|ENCODING"), as COMMAND reports it.
	Name string
	// Arity is Redis's arity: positive means exactly that many arguments
	// (the name included), negative means at least -Arity.
	Arity int
	// MaxArgs, when non-zero, caps the argument count (name included) for
	// commands whose Redis arity is "at least N" but which reject more than
	// a few (PING, AUTH); the dispatcher answers the arity error.
	MaxArgs int
	Flags   Flag
	Keys    Keys
	// ACLCategories as Redis reports them ("@keyspace", "@string", ...).
	ACLCategories []string
	Run           Handler
	// ExclusiveLock runs the command under the keyspace write lock though
	// it writes no data (EXEC runs queued writes, WATCH registers the
	// client with the writers). Blocking commands get the write lock
	// anyway.
	ExclusiveLock bool
	// Subcommands, for container commands such as CLIENT and CONFIG:
	// dispatch goes to the subcommand named by the second argument, whose
	// Arity counts the parent's name too ("OBJECT ENCODING key" is 3). Run,
	// if set, handles the container called with no subcommand (COMMAND).
	Subcommands []Spec
	// Summary is the one-line description COMMAND DOCS prints.
	Summary string
	// Since is the Redis version that introduced the command.
	Since string
	// Group is COMMAND DOCS' group ("string", "generic", "server", ...).
	Group string
}

// LowerName is the name as COMMAND replies it ("xadd", "client|list").
func (s *Spec) LowerName() string { return strings.ToLower(s.Name) }

// ArityOK reports whether n arguments (command name included) fit Arity.
func (s *Spec) ArityOK(n int) bool {
	if s.Arity >= 0 {
		return n == s.Arity
	}
	return n >= -s.Arity && (s.MaxArgs == 0 || n <= s.MaxArgs)
}

// Has reports whether every flag in f is set.
func (s *Spec) Has(f Flag) bool { return s.Flags&f == f }
