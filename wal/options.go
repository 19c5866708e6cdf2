package wal

import (
	"fmt"
	"log/slog"
	"os"
	"strings"
	"time"
)

// Policy says when records reach stable storage, as Redis's appendfsync.
// Under every policy a record has been handed to the OS with write(2) before
// Pending.Wait returns, so an acknowledged write survives kill -9 of the
// process; the policies differ only in what survives a power loss or an OS
// crash.
type Policy int

const (
	// Always answers a write only after the fsync that covers its record.
	// Concurrent and pipelined writers share one fsync per batch (group
	// commit), so the cost is about one fsync latency per batch, not per
	// command. Always is the zero value.
	Always Policy = iota
	// EverySec fsyncs in the background once a second, when something was
	// written since the last fsync. A power loss can lose about the last
	// second of acknowledged writes.
	EverySec
	// No never fsyncs (except on Sync, Close and segment changes); the OS
	// writes dirty pages back when it likes, typically within 30 seconds.
	No
)

// ParsePolicy parses an appendfsync value: "always", "everysec" or "no", in
// any case.
func ParsePolicy(s string) (Policy, error) {
	switch strings.ToLower(s) {
	case "always":
		return Always, nil
	case "everysec":
		return EverySec, nil
	case "no":
		return No, nil
	}
	return 0, fmt.Errorf("wal: invalid fsync policy %q (want always, everysec or no)", s)
}

// String returns the appendfsync spelling of p.
func (p Policy) String() string {
	switch p {
	case Always:
		return "always"
	case EverySec:
		return "everysec"
	case No:
		return "no"
	}
	return fmt.Sprintf("Policy(%d)", int(p))
}

func (p Policy) valid() bool { return p >= Always && p <= No }

// DefaultSegmentSize is the segment size used when Options.SegmentSize is 0.
// 1 MiB because tidwall/wal holds the current segment and the previous one
// in memory (with append's spare capacity, up to four times this): at 8 MiB
// that was ~20 MB of live heap, a third of the resident memory of 1M
// stream entries. Measured with no loss of throughput (XADD and LPUSH at
// pipeline 16 1.05x and 1.07x of 8 MiB segments, RSS 0.62x).
const DefaultSegmentSize = 1 << 20

// Options configures Open. The zero value is usable: Always, 1 MiB
// segments, slog.Default().
type Options struct {
	// Fsync is the durability policy. Default Always (the zero value). It
	// can be changed later with SetPolicy.
	Fsync Policy

	// SegmentSize is the size in bytes at which tidwall/wal closes a
	// segment file and starts the next one; a segment ends with the first
	// record that reaches it, so it may be a little larger. Default 1 MiB
	// (DefaultSegmentSize). Costs: tidwall/wal keeps the whole current
	// segment in memory, so this is also the log's resident memory; each
	// segment change costs an fsync of the full segment and of the
	// directory, and each segment is one file. Whatever the size, start-up
	// (OpenReplay) reads every segment after the snapshot once, so its time
	// follows the size of the log the snapshot does not cover.
	SegmentSize int

	// Logger receives recovery warnings and write failures. Default
	// slog.Default().
	Logger *slog.Logger

	// SnapshotIndex is the index of the last record held by the snapshot
	// the caller has loaded, 0 if none. When the log on disk ends before
	// it (a crash after the snapshot was written but before the writer
	// had written the records it holds, or a repair that cut them), every
	// record is covered by the snapshot: Open removes the segments and
	// starts an empty log whose first index is SnapshotIndex+1, so that
	// new records never reuse an index the snapshot already holds.
	SnapshotIndex uint64

	// RetryInterval is how often a failed log (see Log.Err) tries to
	// write again. Default 1s (DefaultRetryInterval), as Redis retries a
	// failed AOF write once a second. Each try reopens the tail segment, so
	// a shorter interval costs more I/O against a failing disk.
	RetryInterval time.Duration

	// Faults injects write and fsync failures, for tests of the failure
	// path (a full disk, EIO) in this package and in the server. Nil in
	// production.
	Faults *Faults
}

// DefaultRetryInterval is the RetryInterval used when it is 0.
const DefaultRetryInterval = time.Second

// Faults replaces the outcome of the log's own write and fsync calls, so that
// write and fsync failures can be produced on demand. tidwall/wal opens and
// writes its files itself and takes no file-system hook, so the faults are
// injected at the level of our own writer: a failing Write stands for a
// write(2) that failed (possibly after writing part of the batch, which the
// hook may simulate by appending bytes to the segment), a failing Sync for
// an fsync that failed. The functions are called from the log's
// goroutines, so they must be safe for concurrent use.
type Faults struct {
	// Write is called before each batch is written; a non-nil error fails
	// the write without writing anything more.
	Write func() error
	// Sync is called before each fsync of the log; a non-nil error fails
	// the fsync.
	Sync func() error
}

func (o Options) withDefaults() (Options, error) {
	if !o.Fsync.valid() {
		return o, fmt.Errorf("wal: invalid fsync policy %v", o.Fsync)
	}
	switch {
	case o.SegmentSize < 0:
		return o, fmt.Errorf("wal: negative segment size %d", o.SegmentSize)
	case o.SegmentSize == 0:
		o.SegmentSize = DefaultSegmentSize
	}
	switch {
	case o.RetryInterval < 0:
		return o, fmt.Errorf("wal: negative retry interval %v", o.RetryInterval)
	case o.RetryInterval == 0:
		o.RetryInterval = DefaultRetryInterval
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	return o, nil
}

// File modes for what the log creates: the data is the users' data, so it
// is not world-readable (tidwall/wal's own defaults are the same).
const (
	dirPerm  os.FileMode = 0o750
	filePerm os.FileMode = 0o640
)
