package broker

import "github.com/brokerd/brokerd/wal"

// effectBuffer collects the effects of the command running under the
// write lock; they become one WAL record when it finishes. Arguments are
// copied into an arena so handlers may emit scratch buffers. Guarded by
// the keyspace write lock.
type effectBuffer struct {
	ops   []wal.Op
	arena []byte
	argv  [][]byte
}

// Emit implements command.EffectSink.
func (e *effectBuffer) Emit(db int, args [][]byte) {
	start := len(e.argv)
	for _, a := range args {
		off := len(e.arena)
		e.arena = append(e.arena, a...)
		e.argv = append(e.argv, e.arena[off:len(e.arena):len(e.arena)])
	}
	e.ops = append(e.ops, wal.Op{DB: db, Args: e.argv[start:len(e.argv):len(e.argv)]})
}

// EmitKept implements command.ArgsKeeper: a command's own arguments are
// kept without a copy. They stay valid until commitEffects, which every
// path that runs a command calls before the request's buffers go: redcon
// allocates each request's, and MULTI and parked commands own copies.
func (e *effectBuffer) EmitKept(db int, args [][]byte) {
	e.ops = append(e.ops, wal.Op{DB: db, Args: args[:len(args):len(args)]})
}

// take returns the collected effects; they stay valid until reset.
func (e *effectBuffer) take() []wal.Op { return e.ops }

// reset forgets the collected effects, keeping the buffers.
func (e *effectBuffer) reset() {
	clear(e.ops) // do not pin requests kept by EmitKept
	e.ops = e.ops[:0]
	e.arena = e.arena[:0]
	e.argv = e.argv[:0]
}
