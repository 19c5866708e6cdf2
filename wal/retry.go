package wal

import (
	"fmt"

	tidwal "github.com/tidwall/wal"
)

// Recovery from a failed write or fsync, without a restart.
//
// Redis keeps a failed AOF write in its buffer, answers writes with
// -MISCONF, and retries once a second until a write succeeds. The log does
// the same: it keeps every record not known to be written (writer.retry),
// and every RetryInterval the writer goroutine
//
//  1. closes tidwall/wal, whose in-memory copy of the tail segment already
//     holds the failed batch and so no longer matches the file;
//  2. cuts a torn tail left by a partial write (recoverTail, as at Open);
//  3. reopens tidwall/wal and cuts back to the last record known to be
//     written (records of a batch whose fsync failed are not trusted);
//  4. writes the kept records again and fsyncs them;
//
// and clears the failure once all of that worked. Any step that fails
// leaves the log failed, to try again at the next tick. Records appended
// while failed are never acknowledged (Append returns a failed Pending),
// but they are written once the log recovers, in order, so the log always
// holds every effect the keyspace holds: replaying it gives the live state.

// recover tries to bring a failed log back, writing the kept records and
// then q, the oldest batch not yet kept. On failure q's records are kept
// too. Caller holds the commit token.
func (l *Log) recover(q *batch) error {
	l.w.keep(q)
	if err := l.reopen(); err != nil {
		l.noteRetryFailure(err)
		return l.Err()
	}
	r := &l.w.retry
	if len(r.sizes) > 0 {
		before := l.w.lastIndex
		if err := l.write(r); err != nil {
			if l.w.lastIndex != before {
				r.reset() // written; only following the segment change failed
			}
			l.noteRetryFailure(err)
			return l.Err()
		}
	}
	if err := l.syncTail(); err != nil {
		l.w.lastIndex -= uint64(len(r.sizes))
		l.noteRetryFailure(err)
		return l.Err()
	}
	n := len(r.sizes)
	r.reset()
	l.mu.Lock()
	l.mu.err, l.mu.failed = nil, nil
	l.failed.Store(false)
	if len(l.mu.queue.sizes) > 0 {
		// Appended during this retry, with a failed Pending: write them
		// now rather than when the next Append comes.
		l.joinLocked(l.mu.queue)
		l.wakeWriter()
	}
	l.mu.Unlock()
	l.logger.Warn("wal: writes resumed after a failure", "dir", l.dir, "rewritten_records", n)
	return nil
}

// noteRetryFailure records a failed retry. The first failure was logged
// by fail; the retries are counted, not logged, to keep the log readable
// when the disk stays full for hours.
func (l *Log) noteRetryFailure(err error) {
	l.stats.Lock()
	l.stats.lastErr = err
	l.stats.writeErrors++
	l.stats.Unlock()
}

// reopen closes tidwall/wal and opens it again on what is on disk, cut
// back to the last record known to be written (l.w.lastIndex), and points
// the fsync handle at its tail segment. Caller holds the commit token.
func (l *Log) reopen() error {
	if l.tw != nil {
		l.tw.Close() // it fails if the file cannot be synced; nothing is lost by that
		l.tw = nil
	}
	if _, _, err := recoverTail(l.dir, l.logger); err != nil {
		return err
	}
	tw, err := tidwal.Open(l.dir, twOptions(l.opts))
	if err != nil {
		return fmt.Errorf("wal: reopen %s: %w", l.dir, err)
	}
	last, err := tw.LastIndex()
	if err != nil {
		tw.Close()
		return fmt.Errorf("wal: reopen: %w", err)
	}
	switch {
	case last < l.w.lastIndex:
		tw.Close()
		return fmt.Errorf("wal: reopen: the log ends at index %d, but records up to %d were written", last, l.w.lastIndex)
	case last > l.w.lastIndex:
		if err := tw.TruncateBack(l.w.lastIndex); err != nil {
			tw.Close()
			return fmt.Errorf("wal: cut back to index %d: %w", l.w.lastIndex, err)
		}
	}
	l.tw = tw
	l.fs.Lock()
	old := l.fs.tail
	l.fs.tail = nil
	l.fs.Unlock()
	if old != nil {
		old.Close()
	}
	if err := l.initTail(); err != nil {
		return err
	}
	l.fs.Lock()
	l.fs.dirDirty = true // the cut and the reopen renamed files
	l.fs.Unlock()
	l.stats.Lock()
	l.stats.lastIndex = l.w.lastIndex
	l.stats.Unlock()
	return nil
}
