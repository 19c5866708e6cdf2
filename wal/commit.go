package wal

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	tidwal "github.com/tidwall/wal"
)

// maxRetained caps the buffer capacity a batch keeps between batches, so
// that one burst does not pin its memory for the life of the log.
const maxRetained = 4 << 20

// batch is the set of records appended between two writes. Two batches
// alternate: Append fills one under Log.mu while the commit token's holder
// writes and fsyncs the other (double buffering), so appends never wait for
// I/O and a slow fsync only makes the next batch bigger.
type batch struct {
	data    []byte   // the encoded records, back to back
	sizes   []int    // the length of each record in data
	sync    bool     // Sync or Close asked for an fsync whatever the policy
	pending *Pending // shared by every record of the batch; nil while empty
}

func (b *batch) reset() {
	if cap(b.data) > maxRetained {
		b.data = nil
	}
	b.data = b.data[:0]
	b.sizes = b.sizes[:0]
	b.sync = false
	b.pending = nil
}

// writer is the state only the commit token's holder touches.
type writer struct {
	spare     *batch       // the batch to queue into next; empty
	tb        tidwal.Batch // reused for every WriteBatch
	lastIndex uint64       // index of the last record written
	tail      tailMirror

	// retry holds, while the log has failed, every record not known to be
	// written: the batch whose write or fsync failed and everything
	// appended since, in index order from lastIndex+1. recoverLocked writes
	// them again, so the log never misses an effect the keyspace has,
	// though none of them was acknowledged.
	retry batch
}

// tailMirror tracks which file is tidwall/wal's current segment, which it
// does not expose, by applying its rule for starting segments to the
// entries we write. We need that file to fsync it ourselves, and to know
// when a new segment's directory entry needs an fsync. If the rule ever
// drifts from tidwall/wal's, opening the expected file fails, and the log
// fails loudly rather than fsyncing the wrong file.
type tailMirror struct {
	first   uint64 // index in the current segment's name
	size    int    // bytes in the current segment
	segSize int
}

// advance accounts for entries of the given record sizes written from index
// first on, and reports whether tidwall/wal started a new segment.
func (t *tailMirror) advance(first uint64, sizes []int) bool {
	cycled := false
	// writeBatch closes a segment already past the size before the batch,
	if t.size > t.segSize {
		t.first, t.size, cycled = first, 0, true
	}
	for i, n := range sizes {
		t.size += uvarintLen(uint64(n)) + n
		// and one that reaches the size right after the entry reaching it.
		if t.size >= t.segSize {
			t.first, t.size, cycled = first+uint64(i)+1, 0, true
		}
	}
	return cycled
}

// lazyCommitInterval bounds how long a record nobody waits for (an expired
// key's deletion, say) stays queued: the writer goroutine writes the queue
// that often if nothing else has: on an idle server, a hundred cheap
// wake-ups a second (two uncontended locks each).
const lazyCommitInterval = 10 * time.Millisecond

// runWriter is the writer goroutine. It writes the queue when a waiting
// client found the commit token busy (wake), and what nobody waits for
// every lazyCommitInterval. Close stops it once the queue is empty. While
// the log has failed it tries to write again every RetryInterval.
func (l *Log) runWriter() {
	defer l.wg.Done()
	retry := time.NewTicker(l.opts.RetryInterval)
	defer retry.Stop()
	lazy := time.NewTicker(lazyCommitInterval)
	defer lazy.Stop()
	for {
		select {
		case <-l.wake:
			l.commitQueue()
		case <-lazy.C:
			l.commitQueue()
		case <-retry.C:
			if l.Err() != nil {
				l.token.Lock()
				l.commitNext(true)
				l.token.Unlock()
			}
		case <-l.stop:
			return
		}
	}
}

// commitQueue takes the commit token and writes batches until the queue
// is empty.
func (l *Log) commitQueue() {
	l.token.Lock()
	defer l.token.Unlock()
	for l.commitNext(false) {
	}
}

// commitNext takes the queued batch, if it has anything, commits it and
// completes its Pending; it reports whether there was a batch. With retry,
// a failed log takes the queue even without a Pending (what was appended
// while failed) and tries to write again. Caller holds the commit token.
func (l *Log) commitNext(retry bool) bool {
	l.mu.Lock()
	q := l.mu.queue
	if q.pending == nil && !(retry && l.mu.err != nil) {
		l.mu.Unlock()
		return false
	}
	l.mu.queue = l.w.spare
	l.mu.Unlock()

	err := l.commit(q, retry)
	if q.pending != nil {
		q.pending.complete(err)
	}
	q.reset()
	l.w.spare = q
	return true
}

// commit writes q with one WriteBatch, then fsyncs if the policy or a Sync
// asks for it. A failure fails the whole batch and the log, whose records
// are kept to be written again. On a failed log, commit keeps q's records
// too, unless it is asked to retry (the retry ticker, or Close's final
// batch), when it first tries to bring the log back. Caller holds the
// commit token.
func (l *Log) commit(q *batch, retry bool) error {
	if err := l.Err(); err != nil {
		if !retry && !q.sync {
			l.w.keep(q)
			return err
		}
		return l.recover(q)
	}
	if len(q.sizes) > 0 {
		before := l.w.lastIndex
		if err := l.write(q); err != nil {
			if l.w.lastIndex == before {
				l.w.keep(q)
			}
			return l.fail(err)
		}
	}
	if q.sync || l.Policy() == Always {
		if err := l.syncTail(); err != nil {
			// NB: after a failed fsync the kernel may have dropped the
			// dirty pages of this batch (Linux marks them clean), so its
			// records are cut off and written again, not trusted.
			l.w.lastIndex -= uint64(len(q.sizes))
			l.w.keep(q)
			return l.fail(err)
		}
	}
	return nil
}

// keep adds q's records to the retry batch. Caller holds the commit token.
func (w *writer) keep(q *batch) {
	w.retry.data = append(w.retry.data, q.data...)
	w.retry.sizes = append(w.retry.sizes, q.sizes...)
}

// write hands q's records to tidwall/wal, which writes them with one
// write(2) per segment touched. If the write fails, l.w.lastIndex is
// unchanged (the caller keeps q's records for the retry) and tidwall/wal's
// state is no longer trusted (it has already added the batch to its
// in-memory copy of the segment), so the retry reopens it. Caller holds
// the commit token.
func (l *Log) write(q *batch) error {
	if f := l.opts.Faults; f != nil && f.Write != nil {
		if err := f.Write(); err != nil {
			return fmt.Errorf("wal: write: %w", err)
		}
	}
	first := l.w.lastIndex + 1
	tb := &l.w.tb
	off, bytes := 0, 0
	for i, n := range q.sizes {
		tb.Write(first+uint64(i), q.data[off:off+n])
		off += n
		bytes += uvarintLen(uint64(n)) + n
	}
	if err := l.tw.WriteBatch(tb); err != nil {
		tb.Clear()
		return fmt.Errorf("wal: write: %w", err)
	}
	if off > maxRetained {
		l.w.tb = tidwal.Batch{}
	}
	l.w.lastIndex += uint64(len(q.sizes))
	l.written.Add(1)
	l.stats.Lock()
	l.stats.bytes += uint64(bytes)
	l.stats.size += uint64(bytes)
	l.stats.lastIndex = l.w.lastIndex
	l.stats.Unlock()
	// The records are written whatever happens next; a failure to follow
	// tidwall/wal to its new segment only fails the log.
	if l.w.tail.advance(first, q.sizes) {
		if err := l.openTail(); err != nil {
			return err
		}
	}
	return nil
}

// openTail switches l.fs.tail to the segment tidwall/wal just started. The
// previous one needs no more fsyncs: tidwall/wal fsynced it before starting
// the next. Caller holds the commit token.
func (l *Log) openTail() error {
	f, err := os.OpenFile(filepath.Join(l.dir, segmentName(l.w.tail.first)), os.O_WRONLY, 0)
	if err != nil {
		return fmt.Errorf("wal: open new segment: %w", err)
	}
	l.fs.Lock()
	old := l.fs.tail
	l.fs.tail, l.fs.dirDirty = f, true
	l.fs.Unlock()
	old.Close()
	return nil
}

// syncTail fsyncs the current segment. Caller holds the commit token.
func (l *Log) syncTail() error {
	l.fs.Lock()
	defer l.fs.Unlock()
	return l.syncLocked()
}

// syncLocked fsyncs the current segment, and the directory when a segment
// was created since its last fsync. It covers every batch written before
// it was called. Caller holds l.fs.
func (l *Log) syncLocked() error {
	w := l.written.Load()
	if f := l.opts.Faults; f != nil && f.Sync != nil {
		if err := f.Sync(); err != nil {
			return fmt.Errorf("wal: fsync: %w", err)
		}
	}
	if err := l.fs.tail.Sync(); err != nil {
		return fmt.Errorf("wal: fsync: %w", err)
	}
	if l.fs.dirDirty {
		if err := syncDir(l.dir); err != nil {
			return err
		}
		l.fs.dirDirty = false
	}
	l.fs.synced = w
	l.stats.Lock()
	l.stats.syncs++
	l.stats.lastSync = time.Now()
	l.stats.Unlock()
	return nil
}

// runSyncer is the background fsync goroutine of the EverySec policy. It
// runs under every policy, because SetPolicy can switch to EverySec at any
// time, but does nothing unless the policy is EverySec. Close stops it.
func (l *Log) runSyncer() {
	defer l.wg.Done()
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			if l.Policy() == EverySec {
				l.syncIfDirty()
			}
		case <-l.stop:
			return
		}
	}
}

// syncIfDirty fsyncs if something was written since the last fsync. It
// holds l.fs through the fsync, which only the rare segment change under
// the commit token waits for. Runs on the syncer goroutine.
func (l *Log) syncIfDirty() {
	if l.Err() != nil {
		return
	}
	err := func() error {
		l.fs.Lock()
		defer l.fs.Unlock()
		if l.written.Load() == l.fs.synced && !l.fs.dirDirty {
			return nil
		}
		return l.syncLocked()
	}()
	if err != nil {
		l.fail(err)
	}
}

// fail makes err the log's failure, so that every later Append fails at
// once and the server answers writes with -MISCONF, and returns it. The
// writer goroutine then tries to write again every RetryInterval and
// clears the failure once it can (see recover). Runs under the commit
// token or on the syncer goroutine.
func (l *Log) fail(err error) error {
	l.mu.Lock()
	first := l.mu.err == nil
	if first {
		l.mu.err = err
		l.mu.failed = donePending(err)
		l.failed.Store(true)
	}
	l.mu.Unlock()
	l.stats.Lock()
	l.stats.lastErr = err
	l.stats.writeErrors++
	l.stats.Unlock()
	if first {
		l.logger.Error("wal: write failed; refusing writes until the log can be written again",
			"dir", l.dir, "err", err, "retry_every", l.opts.RetryInterval)
	}
	return err
}
