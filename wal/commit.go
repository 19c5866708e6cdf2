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
// alternate: Append fills one under Log.mu while the writer goroutine
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

// writer is the state only the writer goroutine touches.
type writer struct {
	spare     *batch       // the batch to queue into next; empty
	tb        tidwal.Batch // reused for every WriteBatch
	lastIndex uint64       // index of the last record written
	tail      tailMirror
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

// runWriter is the writer goroutine, the only caller of tidwall/wal's
// WriteBatch. It owns l.w. Close stops it once the queue is empty.
func (l *Log) runWriter() {
	defer l.wg.Done()
	for {
		select {
		case <-l.wake:
			for l.commitNext() {
			}
		case <-l.stop:
			return
		}
	}
}

// commitNext takes the queued batch, if it has anything, commits it and
// completes its Pending; it reports whether there was a batch. Runs on the
// writer goroutine.
func (l *Log) commitNext() bool {
	l.mu.Lock()
	q := l.mu.queue
	if q.pending == nil {
		l.mu.Unlock()
		return false
	}
	l.mu.queue = l.w.spare
	l.mu.Unlock()

	err := l.commit(q)
	q.pending.complete(err)
	q.reset()
	l.w.spare = q
	return true
}

// commit writes q with one WriteBatch, then fsyncs if the policy or a Sync
// asks for it. A failure fails the whole batch and the log. Runs on the
// writer goroutine.
func (l *Log) commit(q *batch) error {
	if err := l.Err(); err != nil {
		return err
	}
	if len(q.sizes) > 0 {
		if err := l.write(q); err != nil {
			return l.fail(err)
		}
	}
	if q.sync || l.Policy() == Always {
		if err := l.syncTail(); err != nil {
			return l.fail(err)
		}
	}
	return nil
}

// write hands q's records to tidwall/wal, which writes them with one
// write(2) per segment touched. Runs on the writer goroutine.
func (l *Log) write(q *batch) error {
	if f := l.opts.faults; f != nil && f.write != nil {
		if err := f.write(); err != nil {
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
	if l.w.tail.advance(first, q.sizes) {
		if err := l.openTail(); err != nil {
			return err
		}
	}
	l.written.Add(1)
	l.stats.Lock()
	l.stats.bytes += uint64(bytes)
	l.stats.lastIndex = l.w.lastIndex
	l.stats.Unlock()
	return nil
}

// openTail switches l.fs.tail to the segment tidwall/wal just started. The
// previous one needs no more fsyncs: tidwall/wal fsynced it before starting
// the next. Runs on the writer goroutine.
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

// syncTail fsyncs the current segment. Runs on the writer goroutine.
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
	if f := l.opts.faults; f != nil && f.sync != nil {
		if err := f.sync(); err != nil {
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
// holds l.fs through the fsync, which only the rare segment change on the
// writer goroutine waits for. Runs on the syncer goroutine.
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

// fail makes err the log's sticky failure, so that every later Append
// fails at once and the server answers writes with -MISCONF, and returns
// it. Runs on the writer or syncer goroutine.
//
// TODO(wal): recover without a restart, as Redis retries its AOF write and
// clears MISCONF once one succeeds: cut the tail back to the last record
// written whole, reopen tidwall/wal, then clear the error.
func (l *Log) fail(err error) error {
	l.mu.Lock()
	if l.mu.err == nil {
		l.mu.err = err
		l.mu.failed = donePending(err)
	}
	l.mu.Unlock()
	l.stats.Lock()
	l.stats.lastErr = err
	l.stats.Unlock()
	l.logger.Error("wal: write failed; refusing writes until restart", "dir", l.dir, "err", err)
	return err
}
