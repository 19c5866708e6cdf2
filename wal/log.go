package wal

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	tidwal "github.com/tidwall/wal"
)

var (
	// ErrCorrupt is wrapped by every error about a damaged record; the
	// message names the segment, the index and the repair command.
	ErrCorrupt = errors.New("wal: corrupt record")
	// ErrLocked is wrapped by Open (and Check, Repair, Dump) when another
	// Log, in this process or another, has the directory; the message names
	// the lock file and the holder's pid.
	ErrLocked = errors.New("wal: directory is in use by another process")
	// ErrClosed is returned by operations on a closed Log.
	ErrClosed = errors.New("wal: closed")
)

// Log is an open write-ahead log. Append is safe for concurrent use and
// never blocks on I/O. The writing is done in Append order by whoever holds
// the commit token: a client waiting for its record (Pending.Wait), or the
// writer goroutine, which takes over when the token is busy and writes what
// nobody waits for; each batch's Pending completes per the fsync Policy.
//
// Lock order: token, then fs, then stats; mu is never held while taking
// another lock; nothing does I/O while holding mu.
type Log struct {
	dir    string
	opts   Options
	logger *slog.Logger
	tw     *tidwal.Log
	lock   *dirLock
	policy atomic.Int64 // a Policy; SetPolicy changes it

	tornTails uint64        // set by Open, read-only afterwards
	first     atomic.Uint64 // index of the first record kept; RemoveBefore raises it

	mu struct {
		sync.Mutex
		queue    *batch   // records appended since the writer took the last batch
		err      error    // sticky: the first write or fsync failure
		failed   *Pending // completed with err; what Append returns after a failure
		closed   bool
		appended bool   // Append was called, so Replay is too late
		records  uint64 // Stats.Records
		next     uint64 // index of the next Append's record
	}

	// tail is the Pending of the newest batch: waiting for it waits for
	// every record appended before (batches are written in order).
	tail atomic.Pointer[Pending]

	wake chan struct{} // capacity 1: the queue needs the writer goroutine
	stop chan struct{} // closed by Close after the last batch is committed
	wg   sync.WaitGroup

	// token is the commit token: its holder owns w and writes the next
	// batch. A client whose reply waits on its record takes it when it is
	// free and writes the batch itself, saving the two goroutine switches
	// of a handover to the writer goroutine: BenchmarkAppend/everysec went
	// from 4.4-4.9 to 2.3-2.5 µs per record (see Pending.Wait).
	token sync.Mutex
	w     writer

	// fs is the current segment file, opened by us only to fsync it:
	// tidwall/wal's own Sync holds its mutex through the fsync, which would
	// stop the writer for the background syncer's every fsync.
	fs struct {
		sync.Mutex
		tail     *os.File
		dirDirty bool   // a segment was created since the directory's last fsync
		synced   uint64 // value of written at the last fsync
	}
	written atomic.Uint64 // batches written; compared with fs.synced
	failed  atomic.Bool   // mirrors mu.err != nil, for Err's fast path

	stats struct {
		sync.Mutex
		bytes       uint64
		lastIndex   uint64
		syncs       uint64
		lastSync    time.Time
		lastErr     error
		size        uint64 // bytes in the live segments
		writeErrors uint64
	}

	closeOnce sync.Once
	closeErr  error
}

// Stats are a Log's counters since Open.
type Stats struct {
	Policy             Policy
	Records            uint64    // records appended (queued by Append)
	Bytes              uint64    // bytes written to segment files, framing included
	LastIndex          uint64    // index of the last record written to the OS
	Syncs              uint64    // fsyncs of the log (segment changes not counted)
	TornTailsTruncated uint64    // torn tails Open cut off (0 or 1)
	Size               uint64    // bytes in the live segments: found at Open, plus written, minus removed by RemoveBefore
	WriteErrors        uint64    // failed writes and fsyncs, retries included
	LastWriteErr       error     // the last write or fsync failure, nil if none (it stays after recovery)
	LastSync           time.Time // time of the last fsync; zero if none
}

// Pending is the future of an appended record: Wait returns once the record
// is durable per the log's Policy. All records of one batch share a single
// Pending, so a pipeline of appends costs one Pending and one channel per
// batch, not per record.
type Pending struct {
	done chan struct{}
	err  error // written before done is closed
	log  *Log  // the log whose batch it is; nil when created completed
}

func newPending(l *Log) *Pending { return &Pending{done: make(chan struct{}), log: l} }

func donePending(err error) *Pending {
	p := newPending(nil)
	p.complete(err)
	return p
}

// closedPending is what Append returns on a closed Log.
var closedPending = donePending(ErrClosed)

func (p *Pending) complete(err error) {
	p.err = err
	close(p.done)
}

// Wait blocks until the record is durable per policy: with Always, fsynced;
// with EverySec and No, written to the OS (so it survives kill -9 of the
// process). It returns the write or fsync error if that failed; the record
// must then not be acknowledged. Wait may be called any number of times,
// from any goroutine.
//
// Wait first yields the processor once, so that the clients whose
// requests are ready run their commands and queue their records first:
// the batch then covers them all, as Redis's one AOF write per event-loop
// pass does. Without it each unpipelined client wrote its own record (1.9
// write syscalls per command, against 1.1 after; XADD, SET and LPUSH at
// pipeline 1, 50 clients: server CPU per command 0.90x, throughput
// 1.08x, 1.24x and 1.03x over 5 alternating rounds, p50 and p99 no
// higher). If then the commit token is free, Wait writes the queued batch,
// its own record's, itself; otherwise it hands the queue to the writer
// goroutine, which writes it once the token's holder is done.
func (p *Pending) Wait() error { return p.wait(true) }

// WaitNoYield is Wait for a caller that queued every record it could
// batch before it waits (the event loop, after a pass over its clients):
// it does not yield first. Yielding would also cost a thread hand-off
// for a goroutine locked to its thread.
func (p *Pending) WaitNoYield() error { return p.wait(false) }

func (p *Pending) wait(yield bool) error {
	select {
	case <-p.done:
		return p.err
	default:
	}
	if l := p.log; l != nil {
		if yield {
			runtime.Gosched()
			if p.completed() {
				return p.err // a client that ran meanwhile wrote the batch
			}
		}
		if l.token.TryLock() {
			// p's batch is the queue: every batch taken before it was
			// committed, and its Pending completed, by an earlier holder.
			for !p.completed() && l.commitNext(false) {
			}
			l.token.Unlock()
		}
		if !p.completed() {
			l.wakeWriter()
		}
	}
	<-p.done
	return p.err
}

func (p *Pending) completed() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// Done is closed when Wait would return without blocking.
func (p *Pending) Done() <-chan struct{} { return p.done }

// Open opens the log in dir, creating dir if needed. It takes an exclusive
// lock on dir/LOCK (a second Open of the same directory fails with
// ErrLocked) and reads every segment: a torn tail of the last segment is
// truncated to the last whole record with a warning (see
// Stats.TornTailsTruncated); any other damaged record fails Open with an
// error wrapping ErrCorrupt that names the segment, the index and the
// repair command. It then starts the writer and syncer goroutines, which
// Close stops. Call Replay before the first Append.
func Open(dir string, opts Options) (*Log, error) {
	return openWith(dir, opts, nil)
}

// openWith is Open, and with r OpenReplay.
func openWith(dir string, opts Options, r *logReplay) (*Log, error) {
	opts, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	_, statErr := os.Stat(dir)
	if err := os.MkdirAll(dir, dirPerm); err != nil {
		return nil, fmt.Errorf("wal: %w", err)
	}
	if os.IsNotExist(statErr) {
		// A new directory's entry in its parent must survive a power loss
		// too, or the whole log could vanish with it.
		if err := syncDir(filepath.Dir(filepath.Clean(dir))); err != nil {
			return nil, err
		}
	}
	lk, err := lockDir(dir)
	if err != nil {
		return nil, err
	}
	l, err := open(dir, opts, lk, r)
	if err != nil {
		lk.unlock()
		return nil, err
	}
	return l, nil
}

// open does Open's work once dir is locked, and with r OpenReplay's.
func open(dir string, opts Options, lk *dirLock, r *logReplay) (*Log, error) {
	torn, rep, err := r.recover(dir, opts)
	if err != nil {
		return nil, err
	}
	if n := opts.SnapshotIndex; n > 0 && (len(rep.Segments) == 0 || rep.LastIndex < n) {
		if err := restartAfter(dir, n, rep, opts.Logger); err != nil {
			return nil, err
		}
		rep.Segments = []SegmentReport{{Name: segmentName(n + 1), FirstIndex: n + 1}}
		rep.FirstIndex = n + 1
	}
	tw, err := tidwal.Open(dir, twOptions(opts))
	if err != nil {
		return nil, fmt.Errorf("wal: open %s: %w", dir, err)
	}
	l := &Log{
		dir:    dir,
		opts:   opts,
		logger: opts.Logger,
		tw:     tw,
		lock:   lk,
		wake:   make(chan struct{}, 1),
		stop:   make(chan struct{}),
	}
	if torn {
		l.tornTails = 1
	}
	l.first.Store(rep.FirstIndex)
	for _, sr := range rep.Segments {
		l.stats.size += uint64(sr.Size)
	}
	if len(rep.Segments) == 0 {
		l.first.Store(1) // tidwall/wal creates segment 1
	}
	if err := l.initTail(); err != nil {
		tw.Close()
		return nil, err
	}
	l.policy.Store(int64(opts.Fsync))
	l.mu.queue, l.w.spare = new(batch), new(batch)
	l.mu.next = l.w.lastIndex + 1
	l.stats.lastIndex = l.w.lastIndex
	l.wg.Add(2)
	go l.runWriter()
	go l.runSyncer()
	return l, nil
}

// twOptions are the options tidwall/wal is opened with, at Open and when
// the log reopens it after a failure.
func twOptions(opts Options) *tidwal.Options {
	return &tidwal.Options{
		NoSync:           true, // the commit token's holder fsyncs per policy
		SegmentSize:      opts.SegmentSize,
		SegmentCacheSize: 1,    // we never read through tidwall/wal
		NoCopy:           true, // idem
		AllowEmpty:       true, // a repaired log may hold no record
		DirPerms:         dirPerm,
		FilePerms:        filePerm,
	}
}

// initTail finds tidwall/wal's current segment once it has opened the
// directory, and opens it for fsync.
func (l *Log) initTail() error {
	// tidwall/wal creates the first segment of a new log, and renames the
	// leftovers of an interrupted truncation, without syncing the directory.
	if err := syncDir(l.dir); err != nil {
		return err
	}
	last, err := l.tw.LastIndex()
	if err != nil {
		return fmt.Errorf("wal: %w", err)
	}
	segs, err := listSegments(l.dir)
	if err != nil {
		return err
	}
	if len(segs) == 0 {
		return fmt.Errorf("wal: %s: no segment after open", l.dir)
	}
	tail := segs[len(segs)-1]
	f, err := os.OpenFile(tail.path, os.O_WRONLY, 0)
	if err != nil {
		return fmt.Errorf("wal: %w", err)
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return fmt.Errorf("wal: %w", err)
	}
	l.fs.Lock()
	l.fs.tail = f
	l.fs.Unlock()
	l.w.lastIndex = last
	l.w.tail = tailMirror{first: tail.first, size: int(fi.Size()), segSize: l.opts.SegmentSize}
	return nil
}

// Replay calls fn for every record, from the first to the last, in order,
// and stops at the first error fn returns. Call it once after Open and
// before the first Append. The ops and their Args alias internal buffers
// that are valid only during fn.
func (l *Log) Replay(fn func(index uint64, ops []Op) error) error {
	_, err := l.ReplayFrom(0, fn)
	return err
}

// ReplayFrom is Replay for the records from index from on (those after a
// snapshot); segments that end before from are not even read. It returns
// the bytes of the records it replayed, framing included.
func (l *Log) ReplayFrom(from uint64, fn func(index uint64, ops []Op) error) (uint64, error) {
	l.mu.Lock()
	closed, appended := l.mu.closed, l.mu.appended
	l.mu.Unlock()
	switch {
	case closed:
		return 0, ErrClosed
	case appended:
		return 0, errReplayLate
	}
	return walkLog(l.dir, from, nil, fn)
}

// FirstIndex returns the index of the first record the log keeps: 1 until
// RemoveBefore removed records, or the index after Options.SnapshotIndex
// when Open started the log anew.
func (l *Log) FirstIndex() uint64 { return l.first.Load() }

// RemoveBefore removes the records before index that a snapshot has made
// unnecessary, a whole segment at a time: it removes each segment whose
// records all have smaller indexes, oldest first, so that a crash half-way
// leaves a log that still starts at a segment boundary, and never the
// segment being written. It returns the bytes removed. It may run while
// records are appended.
//
// NB: it does not use tidwall/wal's TruncateFront, which copies the
// segment holding index to a new file and, when that is the segment being
// written, reopens it behind the file the log fsyncs. tidwall/wal never
// reads a segment we remove: it reads only through Read, which the log
// does not use.
func (l *Log) RemoveBefore(index uint64) (uint64, error) {
	segs, err := listSegments(l.dir)
	if err != nil {
		return 0, err
	}
	var removed uint64
	n := 0
	for i := 0; i+1 < len(segs) && segs[i+1].first <= index; i++ {
		fi, err := os.Stat(segs[i].path)
		if err == nil {
			err = os.Remove(segs[i].path)
		}
		if err != nil {
			return removed, fmt.Errorf("wal: remove segment: %w", err)
		}
		removed += uint64(fi.Size())
		l.first.Store(segs[i+1].first)
		n++
	}
	if n == 0 {
		return 0, nil
	}
	l.stats.Lock()
	l.stats.size -= min(l.stats.size, removed)
	l.stats.Unlock()
	return removed, syncDir(l.dir)
}

// Append encodes ops as one record, queues it and returns at once; it never
// does I/O or waits, because it runs under the server's keyspace lock. The
// record is written when the caller (or a later one) waits for its
// Pending, or within lazyCommitInterval if nobody does. Records are
// written in the order of the Append calls. ops is not retained: its Args may be reused as soon as Append
// returns. Every op's DB must be non-negative.
//
// After the log has failed (see Err), or once it is closed, Append returns
// a Pending that already carries the error.
func (l *Log) Append(ops []Op) *Pending {
	for i := range ops {
		if ops[i].DB < 0 {
			return donePending(errNegativeDB)
		}
	}
	l.mu.Lock()
	if l.mu.closed {
		l.mu.Unlock()
		return closedPending
	}
	q := l.mu.queue
	n := len(q.data)
	q.data = appendRecord(q.data, ops)
	q.sizes = append(q.sizes, len(q.data)-n)
	l.mu.records++
	l.mu.next++
	l.mu.appended = true
	var p *Pending
	if l.mu.err != nil {
		// NB: the record is still queued, because the caller has already
		// applied its effect to the keyspace: the log must hold it once it
		// can be written again (see recover). It is never acknowledged.
		p = l.mu.failed
	} else {
		p = l.joinLocked(q)
	}
	l.mu.Unlock()
	return p
}

// joinLocked returns the Pending of the queued batch q, creating it if q
// had none. Caller holds l.mu.
func (l *Log) joinLocked(q *batch) *Pending {
	if q.pending == nil {
		q.pending = newPending(l)
		l.tail.Store(q.pending)
	}
	return q.pending
}

// Tail returns the Pending that covers every record appended so far (nil
// if none was). A reply that shows what others wrote, and wrote nothing
// itself, waits for it: Redis sends no reply before the fsync of the
// writes that came before it. Once the log has failed it is the failed
// batch's, done with the failure, until a batch is appended after the
// recovery: the records appended meanwhile are never acknowledged, so a
// reader waits for none of them, and must ignore its error.
func (l *Log) Tail() *Pending { return l.tail.Load() }

// wakeWriter asks the writer goroutine to write the queue: it empties the
// queue before it sleeps again, so one pending wakeup is enough.
func (l *Log) wakeWriter() {
	select {
	case l.wake <- struct{}{}:
	default: // a wakeup is already pending
	}
}

// Sync writes everything appended so far and fsyncs it, whatever the
// policy (SHUTDOWN, SAVE).
func (l *Log) Sync() error {
	l.mu.Lock()
	if l.mu.closed {
		l.mu.Unlock()
		return ErrClosed
	}
	if err := l.mu.err; err != nil {
		l.mu.Unlock()
		return err
	}
	q := l.mu.queue
	q.sync = true
	p := l.joinLocked(q)
	l.mu.Unlock()
	return p.Wait()
}

// Close writes and fsyncs everything appended, stops the writer and syncer
// goroutines and waits for them, closes the files and releases the
// directory lock. Later calls return the first call's result. If the log
// had failed, Close still releases everything and returns that failure.
func (l *Log) Close() error {
	l.closeOnce.Do(func() { l.closeErr = l.close() })
	return l.closeErr
}

func (l *Log) close() error {
	l.mu.Lock()
	l.mu.closed = true
	q := l.mu.queue
	q.sync = true
	p := l.joinLocked(q)
	l.mu.Unlock()
	err := p.Wait()
	close(l.stop)
	l.wg.Wait()
	if l.tw != nil { // nil if a failed log could not reopen it
		if cerr := l.tw.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("wal: close: %w", cerr)
		}
	}
	if l.fs.tail != nil {
		l.fs.tail.Close() // only ever used to fsync; it has nothing to flush
	}
	if uerr := l.lock.unlock(); uerr != nil && err == nil {
		err = fmt.Errorf("wal: unlock: %w", uerr)
	}
	return err
}

// Err returns the log's failure: non-nil from a failed write or fsync
// until the writer goroutine, retrying every RetryInterval, has written
// everything appended since. The server answers writes with -MISCONF
// meanwhile.
func (l *Log) Err() error {
	// Every write command asks before it runs: the healthy case is one
	// atomic load, not the lock Append and the writer contend for.
	if !l.failed.Load() {
		return nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.mu.err
}

// SetPolicy changes the fsync policy (CONFIG SET appendfsync); it applies
// from the next batch on. Invalid values are ignored.
func (l *Log) SetPolicy(p Policy) {
	if p.valid() {
		l.policy.Store(int64(p))
	}
}

// Policy returns the current fsync policy.
func (l *Log) Policy() Policy { return Policy(l.policy.Load()) }

// NextIndex returns the index the next Append's record will get. A caller
// holding the lock it calls Append under may stamp a snapshot of its state
// with NextIndex()-1, the last record that state contains.
func (l *Log) NextIndex() uint64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.mu.next
}

// Stats returns the log's counters.
func (l *Log) Stats() Stats {
	l.mu.Lock()
	records := l.mu.records
	l.mu.Unlock()
	l.stats.Lock()
	defer l.stats.Unlock()
	return Stats{
		Policy:             l.Policy(),
		Records:            records,
		Bytes:              l.stats.bytes,
		LastIndex:          l.stats.lastIndex,
		Syncs:              l.stats.syncs,
		TornTailsTruncated: l.tornTails,
		Size:               l.stats.size,
		WriteErrors:        l.stats.writeErrors,
		LastWriteErr:       l.stats.lastErr,
		LastSync:           l.stats.lastSync,
	}
}

// Dir returns the log's directory, as given to Open.
func (l *Log) Dir() string { return l.dir }
