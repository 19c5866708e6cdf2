package wal

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Snapshot files; the format is in the package documentation.

// ErrNoSnapshot is wrapped by the error for a log whose first records were
// removed after a snapshot, when no intact snapshot covers them.
var ErrNoSnapshot = errors.New("wal: no intact snapshot covers the start of the log")

const (
	snapshotDirName = "snapshots"
	snapshotPrefix  = "snap-"
	snapshotSuffix  = ".brs"
	snapshotTemp    = ".tmp"

	// snapshotBufSize is the write and read buffer of a snapshot file.
	snapshotBufSize = 1 << 20
)

// SnapshotDir is where the snapshots of the log in dir are kept.
func SnapshotDir(dir string) string { return filepath.Join(dir, snapshotDirName) }

func snapshotName(index uint64) string {
	return fmt.Sprintf("%s%020d%s", snapshotPrefix, index, snapshotSuffix)
}

// SnapshotFile is one snapshot file of a log directory.
type SnapshotFile struct {
	Name  string
	Path  string
	Index uint64 // from the name: the last log record it holds
}

// ListSnapshots returns the snapshots of the log in dir, newest (highest
// index) first. Temporary files of unfinished snapshots are left out.
func ListSnapshots(dir string) ([]SnapshotFile, error) {
	sdir := SnapshotDir(dir)
	ents, err := os.ReadDir(sdir)
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("wal: %w", err)
	}
	var out []SnapshotFile
	for _, e := range ents {
		name := e.Name()
		digits, ok := strings.CutPrefix(name, snapshotPrefix)
		if !ok || e.IsDir() {
			continue
		}
		digits, ok = strings.CutSuffix(digits, snapshotSuffix)
		if !ok || len(digits) != 20 {
			continue
		}
		index, err := strconv.ParseUint(digits, 10, 64)
		if err != nil {
			continue
		}
		out = append(out, SnapshotFile{Name: name, Path: filepath.Join(sdir, name), Index: index})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Index > out[j].Index })
	return out, nil
}

// SnapshotInfo describes a snapshot file.
type SnapshotInfo struct {
	Path    string
	Index   uint64    // the last log record the snapshot holds
	Created time.Time // when its state was captured
	Records uint64    // ops records, head and end not counted
	Ops     uint64
	Size    int64 // bytes
}

// SnapshotWriter writes one snapshot file: CreateSnapshot, Write for each
// record, then Commit (or Abort). Not safe for concurrent use; it does no
// I/O under any lock of the Log, so it may run while the log is written.
type SnapshotWriter struct {
	info SnapshotInfo
	tmp  string
	f    *os.File
	bw   *bufio.Writer
	rec  []byte
	err  error // sticky: the first write error
}

// CreateSnapshot starts the snapshot of the state that holds every log
// record up to index, captured at created. It writes to a temporary file
// in the snapshot directory, removing those an interrupted snapshot left.
// The caller must hold the log directory (an open Log).
func CreateSnapshot(dir string, index uint64, created time.Time) (*SnapshotWriter, error) {
	sdir := SnapshotDir(dir)
	_, statErr := os.Stat(sdir)
	if err := os.MkdirAll(sdir, dirPerm); err != nil {
		return nil, fmt.Errorf("wal: snapshot: %w", err)
	}
	if os.IsNotExist(statErr) {
		if err := syncDir(dir); err != nil {
			return nil, err
		}
	}
	if olds, err := filepath.Glob(filepath.Join(sdir, "*"+snapshotTemp)); err == nil {
		for _, o := range olds {
			os.Remove(o)
		}
	}
	final := filepath.Join(sdir, snapshotName(index))
	tmp := final + snapshotTemp
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, filePerm)
	if err != nil {
		return nil, fmt.Errorf("wal: snapshot: %w", err)
	}
	w := &SnapshotWriter{
		info: SnapshotInfo{Path: final, Index: index, Created: created},
		tmp:  tmp,
		f:    f,
		bw:   bufio.NewWriterSize(f, snapshotBufSize),
	}
	w.writeRecord(appendMeta(w.rec[:0], recordTypeSnapHead, index, uint64(created.UnixMilli())))
	return w, w.err
}

// writeRecord frames rec as a tidwall/wal entry does: uvarint length, then
// the record.
func (w *SnapshotWriter) writeRecord(rec []byte) {
	if w.err != nil {
		return
	}
	var lenBuf [binary.MaxVarintLen64]byte
	n := binary.PutUvarint(lenBuf[:], uint64(len(rec)))
	if _, err := w.bw.Write(lenBuf[:n]); err != nil {
		w.err = fmt.Errorf("wal: snapshot: %w", err)
		return
	}
	if _, err := w.bw.Write(rec); err != nil {
		w.err = fmt.Errorf("wal: snapshot: %w", err)
		return
	}
	w.info.Size += int64(n + len(rec))
	w.rec = rec
}

// Write adds one record holding ops, the same record a log entry holds.
// Loading a snapshot applies its records' ops in order. ops is not
// retained.
func (w *SnapshotWriter) Write(ops []Op) error {
	for i := range ops {
		if ops[i].DB < 0 {
			return errNegativeDB
		}
	}
	w.writeRecord(appendRecord(w.rec[:0], ops))
	w.info.Records++
	w.info.Ops += uint64(len(ops))
	return w.err
}

// Commit ends the snapshot: it writes the end record, fsyncs the file,
// renames it to its final name and fsyncs the directory, so that a crash at
// any point leaves either no snapshot or a whole one.
func (w *SnapshotWriter) Commit() (SnapshotInfo, error) {
	w.writeRecord(appendMeta(w.rec[:0], recordTypeSnapEnd, w.info.Records, w.info.Ops))
	err := w.err
	if err == nil {
		err = w.bw.Flush()
	}
	if err == nil {
		err = w.f.Sync()
	}
	if cerr := w.f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(w.tmp, w.info.Path)
	}
	if err != nil {
		os.Remove(w.tmp)
		return w.info, fmt.Errorf("wal: snapshot: %w", err)
	}
	return w.info, syncDir(filepath.Dir(w.info.Path))
}

// Abort gives the snapshot up and removes its temporary file.
func (w *SnapshotWriter) Abort() {
	w.f.Close()
	os.Remove(w.tmp)
}

// PruneSnapshots removes all but the newest keep snapshots of the log in
// dir.
func PruneSnapshots(dir string, keep int) error {
	snaps, err := ListSnapshots(dir)
	if err != nil || len(snaps) <= keep {
		return err
	}
	for _, s := range snaps[keep:] {
		if err := os.Remove(s.Path); err != nil {
			return fmt.Errorf("wal: prune snapshots: %w", err)
		}
	}
	return syncDir(SnapshotDir(dir))
}

// ReadSnapshot reads the snapshot at path and calls fn with the ops of
// each record, in order. Any damage (a bad record, a missing end record,
// bytes after it, a head that does not match the name) fails it with an
// error wrapping ErrCorrupt that names the file and the record: fn may
// then have seen part of the snapshot, and the caller must discard what it
// built. The ops alias a buffer valid only during fn. fn may be nil to
// only verify the file.
func ReadSnapshot(path string, fn func(ops []Op) error) (SnapshotInfo, error) {
	return readSnapshot(path, nil, fn)
}

func readSnapshot(path string, prog *progress, fn func(ops []Op) error) (SnapshotInfo, error) {
	sr := snapshotRead{info: SnapshotInfo{Path: path}, name: filepath.Base(path)}
	f, err := os.Open(path)
	if err != nil {
		return sr.info, fmt.Errorf("wal: snapshot: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return sr.info, fmt.Errorf("wal: snapshot: %w", err)
	}
	sr.info.Size = fi.Size()
	sr.r = bufio.NewReaderSize(f, snapshotBufSize)
	// The reading goroutine decodes the next records while fn applies
	// these (see runPipe).
	err = runPipe(sr.read, func(b *replayBatch) error {
		if prog != nil {
			for range b.read {
				prog.record(b.file)
			}
		}
		if fn != nil {
			if err := b.records(func(_ int, ops []Op) error { return fn(ops) }); err != nil {
				return err
			}
		}
		return b.err
	})
	return sr.info, err
}

// snapshotBatchBytes is the size of a snapshot replay's batches.
const snapshotBatchBytes = 1 << 20

// snapshotRead is one reading of a snapshot file.
type snapshotRead struct {
	name string
	r    *bufio.Reader
	info SnapshotInfo // set by the reading goroutine before it ends
}

// read is the reading goroutine of readSnapshot: it checks and decodes the
// records into batches of about snapshotBatchBytes, the last one carrying
// the error that ended the reading, if any.
func (sr *snapshotRead) read(p *pipe) {
	info, name := &sr.info, sr.name
	bad := func(n uint64, why string) error {
		return fmt.Errorf("%w: snapshot %s record %d: %s", ErrCorrupt, name, n, why)
	}
	b, ok := p.get(name)
	if !ok {
		return
	}
	fail := func(err error) {
		b.err = err
		p.send(b)
	}
	remaining := info.Size
	for n := uint64(0); ; n++ {
		size, err := binary.ReadUvarint(sr.r)
		switch {
		case err == io.EOF && n > 0:
			fail(bad(n, "the file ends before its end record (an incomplete snapshot)"))
			return
		case err == io.EOF || err == io.ErrUnexpectedEOF:
			fail(bad(n, "entry length cut short"))
			return
		case err != nil:
			fail(bad(n, "malformed entry length: "+err.Error()))
			return
		}
		remaining -= int64(uvarintLen(size))
		if size > uint64(remaining) {
			fail(bad(n, "entry cut short"))
			return
		}
		remaining -= int64(size)
		// The ops of the batch alias its data, which must not move: a
		// record that does not fit goes to the next batch.
		if used := len(b.data); uint64(cap(b.data)-used) < size {
			if used > 0 {
				if !p.send(b) {
					return
				}
				if b, ok = p.get(name); !ok {
					return
				}
			}
			if uint64(cap(b.data)) < size {
				b.data = make([]byte, 0, max(size, snapshotBatchBytes))
			}
		}
		used := len(b.data)
		rec := b.data[used : used+int(size)]
		if _, err := io.ReadFull(sr.r, rec); err != nil {
			fail(fmt.Errorf("wal: snapshot: %w", err))
			return
		}
		b.data = b.data[:used+int(size)]
		b.read++
		if n == 0 {
			v, err := checkMeta(rec, recordTypeSnapHead, 2)
			if err != nil {
				fail(bad(n, "bad head record: "+reason(err)))
				return
			}
			info.Index, info.Created = v[0], time.UnixMilli(int64(v[1]))
			if want := snapshotName(info.Index); name != want && name != want+snapshotTemp {
				fail(bad(n, fmt.Sprintf("head says index %d, which does not match the file name", info.Index)))
				return
			}
			continue
		}
		if len(rec) > 1 && rec[1] == recordTypeSnapEnd {
			v, err := checkMeta(rec, recordTypeSnapEnd, 2)
			switch {
			case err != nil:
				fail(bad(n, "bad end record: "+reason(err)))
			case v[0] != info.Records || v[1] != info.Ops:
				fail(bad(n, fmt.Sprintf("end record counts %d records and %d ops, the file has %d and %d",
					v[0], v[1], info.Records, info.Ops)))
			case remaining != 0:
				fail(bad(n+1, fmt.Sprintf("%d bytes after the end record", remaining)))
			default:
				p.send(b)
			}
			return
		}
		ops := len(b.ops)
		if err := b.add(rec, int(size)); err != nil {
			fail(bad(n, reason(err)))
			return
		}
		info.Records++
		info.Ops += uint64(len(b.ops) - ops)
	}
}

// SnapshotReport is what Check found in one snapshot file.
type SnapshotReport struct {
	Name   string
	Info   SnapshotInfo
	Err    error // nil if intact
	Usable bool  // intact, and the log holds every record after it
}

// checkSnapshots reads every snapshot of rep's log and notes the first
// problem: a damaged snapshot, or a log whose first records were removed
// with no intact snapshot covering them. Caller holds the directory lock.
func checkSnapshots(rep *Report, prog *progress) error {
	snaps, err := ListSnapshots(rep.Dir)
	if err != nil {
		return err
	}
	covered := rep.FirstIndex <= 1 || len(rep.Segments) == 0
	for _, s := range snaps {
		info, err := readSnapshot(s.Path, prog, nil)
		if err != nil && !errors.Is(err, ErrCorrupt) {
			return err
		}
		sr := SnapshotReport{Name: s.Name, Info: info, Err: err}
		sr.Usable = err == nil && info.Index+1 >= rep.FirstIndex
		if sr.Usable {
			covered = true
		}
		if err != nil && rep.SnapshotProblem == nil {
			rep.SnapshotProblem = err
		}
		rep.Snapshots = append(rep.Snapshots, sr)
	}
	if !covered && rep.SnapshotProblem == nil {
		rep.SnapshotProblem = fmt.Errorf("%w: the log starts at index %d", ErrNoSnapshot, rep.FirstIndex)
	}
	return nil
}
