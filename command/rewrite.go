package command

// Rewriter is implemented by a Value that can be written into a snapshot.
// A snapshot holds, for each key, the commands that recreate it, as
// Redis's AOF rewrite does; loading a snapshot runs them through the
// commands' handlers exactly as replaying the log does.
//
// Rewrite calls emit with each command (name first) that, run in order on
// a database where key does not exist, recreates the value at key: for a
// string SET key value, for a list RPUSH key e1 e2 ... in chunks, for a
// stream XADD ... then XSETID and XGROUP CREATE .... The value's TTL is not
// its business: the snapshotter emits PEXPIREAT itself. emit copies its
// arguments before returning, so they may be scratch buffers.
//
// The snapshotter calls Rewrite on a Clone of the value, outside the
// keyspace lock, while the live value keeps changing: Rewrite must only
// read its receiver. A Value that does not implement Rewriter makes every
// snapshot fail (the log is then kept whole), so every type must.
type Rewriter interface {
	Rewrite(key []byte, emit func(args ...[]byte))
}
