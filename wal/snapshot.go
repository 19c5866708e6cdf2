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

// Snapshot record types beyond record.go's (format 2). recordTypeSnapHead
// (2) was format 1's head: it is only recognised, to refuse the file.
const (
	recordTypeSnapHeader byte = 4 // wire format, never renumber
	recordTypeSnapValues byte = 5 // wire format, never renumber
)

// SnapshotFormat is the snapshot file format this package writes and the
// only one it reads: it is the first field of the head record. Format 1
// (commands only, head type 2) was never released and is not read.
const SnapshotFormat = 2 // wire format: bump on any change

// ErrSnapshotFormat is wrapped by the error for a snapshot written in a
// format this package does not read. It is not ErrCorrupt: start-up stops
// instead of falling back to an older snapshot.
var ErrSnapshotFormat = errors.New("wal: snapshot format not supported")

// snapshotValuesBytes is the size at which a values record is written out.
const snapshotValuesBytes = 256 << 10

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
	// DBKeys is the number of keys of each database the snapshot holds,
	// from its head (index = database number), as its writer was told.
	DBKeys  []uint64
	Records uint64 // ops and values records, head and end not counted
	Ops     uint64 // in the ops records
	Values  uint64 // in the values records
	Size    int64  // bytes
}

// SnapshotWriter writes one snapshot file: CreateSnapshot, Write and
// Value for the keys, then Commit (or Abort). Not safe for concurrent use; it does no
// I/O under any lock of the Log, so it may run while the log is written.
type SnapshotWriter struct {
	info SnapshotInfo
	tmp  string
	f    *os.File
	bw   *bufio.Writer
	rec  []byte
	vals ValueBuffer // values added by Value, not yet written
	err  error       // sticky: the first write error
}

// CreateSnapshot starts the snapshot of the state that holds every log
// record up to index, captured at created. dbKeys is how many keys of each
// database it will hold (dbKeys[i] for database i), which the loader may
// use to size its tables; it is not checked. It writes to a temporary file
// in the snapshot directory, removing those an interrupted snapshot left.
// The caller must hold the log directory (an open Log).
func CreateSnapshot(dir string, index uint64, created time.Time, dbKeys ...uint64) (*SnapshotWriter, error) {
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
		info: SnapshotInfo{Path: final, Index: index, Created: created, DBKeys: dbKeys},
		tmp:  tmp,
		f:    f,
		bw:   bufio.NewWriterSize(f, snapshotBufSize),
	}
	head := append([]uint64{SnapshotFormat, index, uint64(created.UnixMilli()), uint64(len(dbKeys))}, dbKeys...)
	w.writeRecord(appendMeta(w.rec[:0], recordTypeSnapHeader, head...))
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

// Write adds one record holding ops, the same record a log entry holds,
// after the values added before it. Loading a snapshot applies its
// records in order. ops is not retained.
func (w *SnapshotWriter) Write(ops []Op) error {
	for i := range ops {
		if ops[i].DB < 0 {
			return errNegativeDB
		}
	}
	w.flushValues()
	w.writeRecord(appendRecord(w.rec[:0], ops))
	w.info.Records++
	w.info.Ops += uint64(len(ops))
	return w.err
}

// Value adds one key of database db, as ValueBuffer.Add, after the
// records written before it.
func (w *SnapshotWriter) Value(db int, key []byte, expireAt int64, kind byte, elems ...[]byte) error {
	if err := w.vals.add(db, string(key), expireAt, kind, elems); err != nil {
		return err
	}
	if b := &w.vals; b.n > 1 {
		// The records before the last are complete: write them, and
		// keep the last one open, as the buffer's first.
		w.writeRecords(b.recs[:b.n-1], b.values-b.open)
		b.recs[0], b.recs[b.n-1] = b.recs[b.n-1], b.recs[0]
		b.n, b.values = 1, b.open
	}
	return w.err
}

// WriteValues writes the values in b, after the records written before
// them. b is not retained.
func (w *SnapshotWriter) WriteValues(b *ValueBuffer) error {
	w.flushValues()
	w.writeValues(b)
	return w.err
}

// flushValues writes the values Value added.
func (w *SnapshotWriter) flushValues() {
	w.writeValues(&w.vals)
	w.vals.Reset()
}

func (w *SnapshotWriter) writeValues(b *ValueBuffer) { w.writeRecords(b.recs[:b.n], b.values) }

// writeRecords writes recs, holding values values in all.
func (w *SnapshotWriter) writeRecords(recs []valuesRecord, values uint64) {
	keep := w.rec // writeRecord keeps its record's buffer for reuse
	for i := range recs {
		w.writeRecord(recs[i].finish())
	}
	w.rec = keep
	w.info.Records += uint64(len(recs))
	w.info.Values += values
}

// Commit ends the snapshot: it writes the end record, fsyncs the file,
// renames it to its final name and fsyncs the directory, so that a crash at
// any point leaves either no snapshot or a whole one.
func (w *SnapshotWriter) Commit() (SnapshotInfo, error) {
	w.flushValues()
	w.writeRecord(appendMeta(w.rec[:0], recordTypeSnapEnd, w.info.Records, w.info.Ops, w.info.Values))
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

// SnapshotHandler receives what ReadSnapshot reads; a nil field skips
// that part. The slices alias buffers valid only during the call.
type SnapshotHandler struct {
	// Head is called first, with the head's fields (Index, Created,
	// DBKeys): before any record, so that the loader can size its tables.
	Head func(info SnapshotInfo) error
	// Ops is called with the ops of each ops record, Values with the
	// values of each values record, in file order.
	Ops    func(ops []Op) error
	Values func(vals []Value) error
}

// ReadSnapshot reads the snapshot at path and calls h's functions with its
// head and records, in order. Any damage (a bad record, a missing end
// record, bytes after it, a head that does not match the name) fails it
// with an error wrapping ErrCorrupt that names the file and the record: h
// may then have seen part of the snapshot, and the caller must discard
// what it built. A snapshot of another format fails with ErrSnapshotFormat
// before h sees anything. A zero h only verifies the file.
func ReadSnapshot(path string, h SnapshotHandler) (SnapshotInfo, error) {
	return readSnapshot(path, nil, h)
}

func readSnapshot(path string, prog *progress, h SnapshotHandler) (SnapshotInfo, error) {
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
	sr.info.Size, sr.remaining = fi.Size(), fi.Size()
	sr.r = bufio.NewReaderSize(f, snapshotBufSize)
	if err := sr.readHead(); err != nil {
		return sr.info, err
	}
	if prog != nil {
		prog.record(sr.name)
	}
	if h.Head != nil {
		if err := h.Head(sr.info); err != nil {
			return sr.info, err
		}
	}
	// The reading goroutine decodes the next records while h applies
	// these (see runPipe).
	err = runPipe(sr.read, func(b *replayBatch) error {
		if prog != nil {
			for range b.read {
				prog.record(b.file)
			}
		}
		if err := b.snapshotRecords(h.Ops, h.Values); err != nil {
			return err
		}
		return b.err
	})
	return sr.info, err
}

// snapshotBatchBytes is the size of a snapshot replay's batches.
const snapshotBatchBytes = 1 << 20

// snapshotRead is one reading of a snapshot file.
type snapshotRead struct {
	name      string
	r         *bufio.Reader
	remaining int64        // bytes not yet read
	info      SnapshotInfo // set by the reading goroutine before it ends
}

func (sr *snapshotRead) bad(n uint64, why string) error {
	return fmt.Errorf("%w: snapshot %s record %d: %s", ErrCorrupt, sr.name, n, why)
}

// next reads the length of record n and checks it against the file's size.
func (sr *snapshotRead) next(n uint64) (uint64, error) {
	size, err := binary.ReadUvarint(sr.r)
	switch {
	case err == io.EOF && n > 0:
		return 0, sr.bad(n, "the file ends before its end record (an incomplete snapshot)")
	case err == io.EOF || err == io.ErrUnexpectedEOF:
		return 0, sr.bad(n, "entry length cut short")
	case err != nil:
		return 0, sr.bad(n, "malformed entry length: "+err.Error())
	}
	sr.remaining -= int64(uvarintLen(size))
	if size > uint64(sr.remaining) {
		return 0, sr.bad(n, "entry cut short")
	}
	sr.remaining -= int64(size)
	return size, nil
}

// maxHeadSize bounds the head record: its header and at most 4 + 2^16
// fields of up to 10 bytes.
const maxHeadSize = headerSize + 10*(4+1<<16)

// readHead reads and checks the head record (record 0) into sr.info.
func (sr *snapshotRead) readHead() error {
	size, err := sr.next(0)
	if err != nil {
		return err
	}
	if size > maxHeadSize {
		return sr.bad(0, "head record too long")
	}
	rec := make([]byte, size)
	if _, err := io.ReadFull(sr.r, rec); err != nil {
		return fmt.Errorf("wal: snapshot: %w", err)
	}
	v, err := checkHead(rec)
	if err == errType && rec[1] == recordTypeSnapHead {
		return fmt.Errorf("%w: snapshot %s is in format 1, from before brokerd's first release; this brokerd reads format %d only "+
			"(move the file away: start-up then uses an older snapshot or the whole log)", ErrSnapshotFormat, sr.name, SnapshotFormat)
	}
	if err != nil {
		return sr.bad(0, "bad head record: "+reason(err))
	}
	if len(v) > 0 && v[0] != SnapshotFormat {
		return fmt.Errorf("%w: snapshot %s is in format %d; this brokerd reads format %d only (written by a newer brokerd?)",
			ErrSnapshotFormat, sr.name, v[0], SnapshotFormat)
	}
	if len(v) < 4 || uint64(len(v)-4) != v[3] {
		return sr.bad(0, "bad head record: wrong number of fields")
	}
	info := &sr.info
	info.Index, info.Created, info.DBKeys = v[1], time.UnixMilli(int64(v[2])), v[4:]
	if want := snapshotName(info.Index); sr.name != want && sr.name != want+snapshotTemp {
		return sr.bad(0, fmt.Sprintf("head says index %d, which does not match the file name", info.Index))
	}
	return nil
}

// checkHead verifies a head record: its header, CRC and type, and that its
// payload is shortest-form uvarints only, which it returns.
func checkHead(rec []byte) ([]uint64, error) {
	p, err := checkHeader(rec, recordTypeSnapHeader)
	if err != nil {
		return nil, err
	}
	var out []uint64
	for len(p) > 0 {
		v, err := readUvarint(&p)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// read is the reading goroutine of readSnapshot, after the head: it
// checks and decodes the records into batches of about
// snapshotBatchBytes, the last one carrying the error that ended the
// reading, if any.
func (sr *snapshotRead) read(p *pipe) {
	info, name := &sr.info, sr.name
	b, ok := p.get(name)
	if !ok {
		return
	}
	fail := func(err error) {
		b.err = err
		p.send(b)
	}
	for n := uint64(1); ; n++ {
		size, err := sr.next(n)
		if err != nil {
			fail(err)
			return
		}
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
		if len(rec) > 1 && rec[1] == recordTypeSnapEnd {
			v, err := checkMeta(rec, recordTypeSnapEnd, 3)
			switch {
			case err != nil:
				fail(sr.bad(n, "bad end record: "+reason(err)))
			case v[0] != info.Records || v[1] != info.Ops || v[2] != info.Values:
				fail(sr.bad(n, fmt.Sprintf("end record counts %d records, %d ops and %d values, the file has %d, %d and %d",
					v[0], v[1], v[2], info.Records, info.Ops, info.Values)))
			case sr.remaining != 0:
				fail(sr.bad(n+1, fmt.Sprintf("%d bytes after the end record", sr.remaining)))
			default:
				p.send(b)
			}
			return
		}
		ops, vals := len(b.ops), len(b.vals)
		if len(rec) > 1 && rec[1] == recordTypeSnapValues {
			err = b.addValues(rec, int(size))
		} else {
			err = b.add(rec, int(size))
		}
		if err != nil {
			fail(sr.bad(n, reason(err)))
			return
		}
		info.Records++
		info.Ops += uint64(len(b.ops) - ops)
		info.Values += uint64(len(b.vals) - vals)
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
		info, err := readSnapshot(s.Path, prog, SnapshotHandler{})
		if err != nil && !errors.Is(err, ErrCorrupt) && !errors.Is(err, ErrSnapshotFormat) {
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
