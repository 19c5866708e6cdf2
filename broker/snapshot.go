package broker

import (
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/brokerd/brokerd/command"
	"github.com/brokerd/brokerd/kv"
	"github.com/brokerd/brokerd/wal"
)

// Snapshots bound start-up time and disk use. A snapshot is the keyspace
// at one WAL index, in wal's snapshot file format: strings as values,
// which loading puts straight into the keyspace, and other types as the
// commands that rebuild them (Redis's AOF rewrite; snapshot_values.go).
// Taking one has three parts:
//
//   - start, under the keyspace lock: the WAL index, and a kv.Capture of
//     the keyspace as it is then (Store.BeginCapture, O(databases)).
//   - copy, in the background, a slice of at most captureSlice at a time
//     under the read lock (every write takes the write lock, so reads go
//     on throughout and writes wait at most one slice): the next keys
//     (kv.Capture.Visit), strings encoded straight into a wal.ValueBuffer
//     and other values deep-copied (snapshotStep). Writers in between
//     save the pre-image of any key the copy has not reached before they
//     change it (copy-before-write, kv/capture.go), so the copy is still
//     the keyspace at the WAL index. Each slice is written out before the
//     next slice, so the image is never whole in memory.
//   - write, with no lock: the slice's values, and each copied value's
//     command.Rewriter commands and a PEXPIREAT per TTL; at the end fsync
//     and rename; then older snapshots are pruned and the log segments
//     before the older kept snapshot removed.
//
// snapshot_last_pause_usec is the longest writers waited for the snapshot
// at once: the start or one slice (SAVE: the whole of it). At 1,000,000
// string keys the copy took 480-540 ms in one hold before; now a slice.
// The slices add up to about 0.3-0.5 s under the lock for 1,000,000
// string keys with writers changing random keys throughout
// (BenchmarkSnapshotCopyHeld1M), nearly all of it waiting for memory:
// the table's map lookup of each key, then its entry, value and bytes.

// snapshotsKept is how many snapshot files are kept. The log is kept from
// the older one on, so that a damaged newest snapshot can fall back to it.
const snapshotsKept = 2

// Snapshot kinds: what started it, for Redis's separate RDB and AOF
// fields and error texts (both are the same job here).
const (
	snapSave    = "rdb" // SAVE, BGSAVE
	snapRewrite = "aof" // BGREWRITEAOF, and the automatic one (log size)
)

// Snapshot record batching: ops per record, and argument bytes.
const (
	snapRecordOps   = 512
	snapRecordBytes = 256 << 10
)

// The copy's steps: it holds the read lock for about captureSlice (a
// step may run longer by one batch, or by one large value's copy), and
// checks the time every captureBatch keys. Writers wait at most a slice;
// more slices cost more lock round trips and more copy-before-write (the
// copy takes longer while writers run between slices).
const (
	captureSlice = time.Millisecond
	captureBatch = 256
)

// snapshotState is the snapshotter's bookkeeping, for INFO, LASTSAVE and
// the "already in progress" replies. Guarded by mu, which is never held
// through I/O.
type snapshotState struct {
	mu        sync.Mutex
	running   string        // "" or the kind of the snapshot in progress
	started   time.Time     // of the one in progress
	done      chan struct{} // closed when the one in progress ends
	scheduled struct{ save, rewrite bool }
	keysTotal int // of the one in progress

	lastSave   time.Time // last success (LASTSAVE); start-up counts as one
	lastIndex  uint64    // WAL index of the newest snapshot, loaded or taken
	lastPause  time.Duration
	lastSize   int64
	saves      int64
	rewrites   int64
	loadedKeys int

	status  map[string]error         // by kind: the last one's outcome
	took    map[string]time.Duration // by kind: the last one's duration
	logBase uint64                   // logPos() at the last capture
	// replayed is the bytes of log replayed after the snapshot at start;
	// with the log's Bytes it gives the log written since that snapshot.
	replayed uint64
	// afterStep, when set (tests), is called between two steps of a
	// background copy, with no keyspace lock held; stepKeys, when set,
	// makes each step copy that many keys instead of a captureSlice.
	afterStep func()
	stepKeys  int
}

// logPos is how many bytes of log were written since the snapshot loaded
// at start-up.
func (s *Server) logPos() uint64 {
	return s.snap.replayed + s.log.Stats().Bytes
}

// snapshotImage is a snapshot being taken: its capture of the keyspace,
// copied step by step as it is written.
type snapshotImage struct {
	kind    string
	index   uint64
	at      time.Time
	capture *kv.Capture
	keys    int  // at the start
	copied  bool // the capture reached its end (or was aborted)
	// locked is set when the caller of writeSnapshot holds the keyspace
	// lock (SAVE): the copy then takes no lock of its own.
	locked bool
	// pause is the longest the snapshot kept writers waiting at once;
	// held is the copy's time under the lock in all (benchmarks).
	pause, held time.Duration
	// stepped is set once copyStep has held the read lock.
	stepped   bool
	afterStep func() // snapshotState.afterStep and stepKeys, for tests
	stepKeys  int
}

// Redis's replies while a snapshot runs (rdb.c bgsaveCommand, aof.c).
var (
	errSaveInProgress    = command.Error("ERR Background save already in progress")
	errRewriteInProgress = command.Error("ERR Background append only file rewriting already in progress")
	errChildActive       = command.Error("ERR Another child process is active (AOF?): can't BGSAVE right now. " +
		"Use BGSAVE SCHEDULE in order to schedule a BGSAVE whenever possible.")
)

// beginSnapshot claims the snapshotter for kind, or reports the kind
// already running.
func (s *Server) beginSnapshot(kind string) (running string) {
	st := &s.snap
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.running != "" {
		return st.running
	}
	st.running, st.started, st.done = kind, time.Now(), make(chan struct{})
	return ""
}

// captureLocked starts a capture of the keyspace at the current WAL
// index; writeSnapshot copies and writes it. Caller holds the keyspace
// lock (read or write) and has claimed the snapshotter.
func (s *Server) captureLocked(kind string) *snapshotImage {
	start := time.Now()
	img := &snapshotImage{kind: kind, index: s.log.NextIndex() - 1, at: start}
	img.capture = s.store.BeginCapture()
	img.keys = img.capture.Keys()
	img.pause = time.Since(start)
	st := &s.snap
	st.mu.Lock()
	st.keysTotal, st.logBase = img.keys, s.logPos()
	img.afterStep, img.stepKeys = st.afterStep, st.stepKeys
	st.mu.Unlock()
	return img
}

// copyStep takes the capture's next keys into st and reports whether the
// copy is complete. Unless img.locked, it takes the read lock for about
// captureSlice.
func (s *Server) copyStep(img *snapshotImage, st *snapshotStep) bool {
	if img.locked {
		img.copied = img.capture.Visit(captureBatch, st.add)
		return img.copied
	}
	if img.stepped {
		// Let the writers that queued during the last slice through
		// first: a write lock round trip. With strings encoded under
		// the lock, what is left to do between two slices is too short
		// for them otherwise: a writer waiting for the lock bars new
		// readers, but when it is done the copy's next RLock comes
		// before the writer after it, so one write got through per
		// slice. sync.Mutex hands itself over in arrival order to
		// waiters that waited over a millisecond (a slice), so the
		// round trip queues behind them.
		s.mu.Lock()
		s.mu.Unlock() // NB: empty on purpose
	}
	s.mu.RLock()
	start := time.Now()
	if img.stepKeys > 0 {
		img.copied = img.capture.Visit(img.stepKeys, st.add)
	}
	for !img.copied && img.stepKeys == 0 && time.Since(start) < captureSlice {
		img.copied = img.capture.Visit(captureBatch, st.add)
	}
	hold := time.Since(start)
	s.mu.RUnlock()
	img.stepped = true
	img.pause, img.held = max(img.pause, hold), img.held+hold
	if img.afterStep != nil && !img.copied {
		img.afterStep()
	}
	return img.copied
}

// endCapture aborts the capture if it did not reach its end, so that
// writers stop saving pre-images for it.
func (s *Server) endCapture(img *snapshotImage) {
	if img.copied {
		return
	}
	if !img.locked {
		s.mu.RLock()
		defer s.mu.RUnlock()
	}
	img.capture.Abort()
	img.copied = true
}

// startBackgroundSnapshot writes img on a goroutine the server owns.
func (s *Server) startBackgroundSnapshot(img *snapshotImage) {
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		s.finishSnapshot(img, s.writeSnapshot(img))
	}()
}

// finishSnapshot records the outcome and frees the snapshotter.
func (s *Server) finishSnapshot(img *snapshotImage, err error) {
	st := &s.snap
	st.mu.Lock()
	defer st.mu.Unlock()
	took := time.Since(st.started)
	if img.locked {
		img.pause = took // SAVE kept writers out throughout
	}
	st.lastPause = img.pause
	st.status[img.kind], st.took[img.kind] = err, took
	if img.kind == snapSave {
		st.saves++
	} else {
		st.rewrites++
	}
	if err == nil {
		st.lastSave, st.lastIndex = img.at, img.index
		s.logger.Info("snapshot written", "index", img.index, "keys", img.keys, "size", st.lastSize,
			"pause", st.lastPause, "took", took.Round(time.Millisecond))
	} else {
		s.logger.Error("snapshot failed; the log is kept whole", "index", img.index, "err", err)
	}
	st.running = ""
	close(st.done)
}

// writeSnapshot copies img's capture and writes it to disk, then prunes
// old snapshots and the log they made unnecessary. Unless img.locked, the
// caller holds no lock of the keyspace: the copy takes the read lock a
// step at a time.
func (s *Server) writeSnapshot(img *snapshotImage) error {
	defer s.endCapture(img)
	w, err := wal.CreateSnapshot(s.log.Dir(), img.index, img.at, img.capture.DBKeys()...)
	if err != nil {
		return err
	}
	if err := s.writeImage(w, img); err != nil {
		w.Abort()
		return err
	}
	info, err := w.Commit()
	if err != nil {
		return err
	}
	s.snap.mu.Lock()
	s.snap.lastSize = info.Size
	s.snap.mu.Unlock()
	if err := wal.PruneSnapshots(s.log.Dir(), snapshotsKept); err != nil {
		s.logger.Warn("pruning old snapshots failed", "err", err)
	}
	return s.truncateLog()
}

// writeImage copies the capture step by step and emits every copied key's
// commands into w, batched into records. It gives up when the server is
// closing.
func (s *Server) writeImage(w *wal.SnapshotWriter, img *snapshotImage) error {
	var buf effectBuffer
	var werr error
	flush := func() {
		if len(buf.ops) > 0 && werr == nil {
			werr = w.Write(buf.take())
		}
		buf.reset()
	}
	st := &snapshotStep{out: make([][]kv.Entry, s.store.Len())}
	for done := false; !done; {
		done = s.copyStep(img, st)
		if st.err != nil {
			return st.err
		}
		if err := w.WriteValues(&st.vals); err != nil {
			return err
		}
		st.vals.Reset()
		for db, ents := range st.out {
			if err := s.writeEntries(db, ents, &buf, flush); err != nil {
				return err
			}
			if werr != nil {
				return werr
			}
			clear(ents) // let the copies go as soon as they are written
			st.out[db] = ents[:0]
		}
		select {
		case <-s.stop:
			return errors.New("snapshot: the server is closing")
		default:
		}
	}
	flush()
	return werr
}

// writeEntries emits the commands of db's copied entries into buf,
// calling flush whenever a record is full.
func (s *Server) writeEntries(db int, ents []kv.Entry, buf *effectBuffer, flush func()) error {
	// A record is flushed as soon as it is full, inside a value's Rewrite
	// too: one stream of a million entries must not gather a million
	// commands in memory first.
	emit := func(args ...[]byte) {
		buf.Emit(db, args)
		if len(buf.ops) >= snapRecordOps || len(buf.arena) >= snapRecordBytes {
			flush()
		}
	}
	for _, e := range ents {
		rw, ok := e.Value.(command.Rewriter)
		if !ok {
			return fmt.Errorf("snapshot: key %q in db %d is a %s, which does not implement command.Rewriter",
				e.Key, db, e.Value.Type())
		}
		key := []byte(e.Key)
		rw.Rewrite(key, emit)
		if e.ExpireAt != 0 {
			emit([]byte("PEXPIREAT"), key, strconv.AppendInt(nil, e.ExpireAt, 10))
		}
	}
	return nil
}

// truncateLog removes the log segments that the older kept snapshot
// holds: the newest one could be damaged later, and falling back to the
// older one needs the log after it.
func (s *Server) truncateLog() error {
	snaps, err := wal.ListSnapshots(s.log.Dir())
	if err != nil || len(snaps) < snapshotsKept {
		return err
	}
	_, err = s.log.RemoveBefore(snaps[snapshotsKept-1].Index + 1)
	return err
}

// startSnapshotter runs the automatic snapshots: once a second it starts
// one when the log written since the last one passes snapshot-log-bytes,
// or one was scheduled (BGSAVE SCHEDULE, BGREWRITEAOF during a snapshot).
func (s *Server) startSnapshotter() {
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			select {
			case <-s.stop:
				return
			case <-t.C:
				if kind := s.snapshotDue(); kind != "" {
					s.backgroundSnapshot(kind)
				}
			}
		}
	}()
}

// snapshotDue says which kind of snapshot should start now, if any.
func (s *Server) snapshotDue() string {
	st := &s.snap
	st.mu.Lock()
	defer st.mu.Unlock()
	switch {
	case st.running != "":
		return ""
	case st.scheduled.save:
		st.scheduled.save = false
		return snapSave
	case st.scheduled.rewrite:
		st.scheduled.rewrite = false
		return snapRewrite
	case s.cfg.SnapshotLogBytes > 0 && s.logPos()-st.logBase >= autoSnapshotAfter(s.cfg.SnapshotLogBytes, st.lastSize):
		return snapRewrite
	}
	return ""
}

// autoSnapshotAfter is how much log starts the next automatic snapshot:
// the configured size, or the last snapshot's size if that is larger, as
// Redis's auto-aof-rewrite-percentage 100 with its min-size. A snapshot
// costs time in proportion to the dataset, so waiting for as much new log
// keeps that cost a constant share of the writes, however big the data.
func autoSnapshotAfter(threshold, lastSnapshot int64) uint64 {
	return uint64(max(threshold, lastSnapshot))
}

// backgroundSnapshot captures under the read lock and writes in the
// background; it reports the kind already running instead, if any.
func (s *Server) backgroundSnapshot(kind string) (running string) {
	if running := s.beginSnapshot(kind); running != "" {
		return running
	}
	s.mu.RLock()
	img := s.captureLocked(kind)
	s.mu.RUnlock()
	s.startBackgroundSnapshot(img)
	return ""
}

// loadSnapshot loads the newest intact snapshot of the log in dir into the
// empty keyspace and returns its index, falling back to older ones when
// the newest is damaged (each failure is logged); 0 when there is none.
// Caller holds the keyspace write lock, in loading mode.
func (s *Server) loadSnapshot(dir string, r *replayer) (uint64, error) {
	snaps, err := wal.ListSnapshots(dir)
	if err != nil {
		return 0, err
	}
	for _, sn := range snaps {
		start := time.Now()
		ld := snapshotLoad{s: s, name: sn.Name, r: r, l: s.store.NewLoader()}
		info, err := ld.read(sn.Path)
		if err == nil {
			s.snap.lastIndex, s.snap.lastSave = info.Index, time.Now()
			s.logger.Info("snapshot loaded", "file", sn.Name, "index", info.Index, "values", info.Values, "ops", info.Ops,
				"took", time.Since(start).Round(time.Millisecond))
			return info.Index, nil
		}
		if !errors.Is(err, wal.ErrCorrupt) {
			return 0, err
		}
		s.logger.Error("snapshot damaged; falling back to an older one", "file", sn.Name, "err", err)
		for i := 0; i < s.store.Len(); i++ {
			s.store.Database(i).Flush()
		}
	}
	return 0, nil
}

func (st *snapshotState) init() {
	st.status = map[string]error{}
	st.took = map[string]time.Duration{}
	st.lastSave = time.Now() // as Redis: at start-up the data counts as saved
}
