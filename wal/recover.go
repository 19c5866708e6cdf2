package wal

import (
	"encoding/binary"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// segmentFile is one live segment of a log directory.
type segmentFile struct {
	name  string // base name, as on disk
	path  string
	first uint64 // index of its first record, from the name
}

// segmentName is tidwall/wal's file name for the segment starting at index.
func segmentName(index uint64) string { return fmt.Sprintf("%020d", index) }

// listSegments returns the live segments of dir in log order. It selects
// files exactly as tidwall/wal's load does (20-digit names, and its .START
// and .END markers of an interrupted truncation), so that what we check is
// what tidwall/wal will open, but it changes nothing on disk.
func listSegments(dir string) ([]segmentFile, error) {
	ents, err := os.ReadDir(dir) // sorted by name, hence by index
	if err != nil {
		return nil, fmt.Errorf("wal: %w", err)
	}
	var segs []segmentFile
	start, end := -1, -1
	for _, e := range ents {
		name := e.Name()
		if e.IsDir() || len(name) < 20 {
			continue
		}
		index, err := strconv.ParseUint(name[:20], 10, 64)
		if err != nil || index == 0 {
			continue
		}
		isStart := len(name) == 26 && strings.HasSuffix(name, ".START")
		isEnd := len(name) == 24 && strings.HasSuffix(name, ".END")
		if len(name) != 20 && !isStart && !isEnd {
			continue // LOCK, .broken copies, anything else
		}
		if isStart {
			start = len(segs)
		} else if isEnd && end == -1 {
			end = len(segs)
		}
		segs = append(segs, segmentFile{name: name, path: filepath.Join(dir, name), first: index})
	}
	if start != -1 {
		if end != -1 {
			return nil, errBothStartEnd
		}
		segs = segs[start:]
	}
	if end != -1 {
		segs = segs[:end+1]
		if n := len(segs); n > 1 && segs[n-2].first == segs[n-1].first {
			segs[n-2] = segs[n-1]
			segs = segs[:n-1]
		}
	}
	return segs, nil
}

// readFile reads path into buf, reusing its capacity.
func readFile(path string, buf []byte) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return buf[:0], err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return buf[:0], err
	}
	size := int(fi.Size())
	if cap(buf) < size {
		buf = make([]byte, size)
	}
	buf = buf[:size]
	n, err := io.ReadFull(f, buf)
	return buf[:n], err
}

// entryReader walks the tidwall/wal entries of one segment's bytes.
type entryReader struct {
	data  []byte
	start int // offset of the entry next returned last
	off   int // offset of the entry after it
}

// next returns the record of the next entry, or io.EOF at the end of data.
// An entry cut short by the end of data fails with errTornLength or
// errTornEntry; start is then the offset of that entry.
func (r *entryReader) next() ([]byte, error) {
	r.start = r.off
	if r.off >= len(r.data) {
		return nil, io.EOF
	}
	size, n := binary.Uvarint(r.data[r.off:])
	if n == 0 {
		return nil, errTornLength
	}
	if n < 0 {
		return nil, errVarint
	}
	if size > uint64(len(r.data)-r.off-n) {
		return nil, errTornEntry
	}
	rec := r.data[r.off+n : r.off+n+int(size)]
	r.off += n + int(size)
	return rec, nil
}

// intactEntryAt returns the length of the entry at data[p:] if it frames an
// intact record, else 0. The version and type bytes are tested first, so
// most offsets of garbage cost a varint decode and no CRC.
func intactEntryAt(data []byte, p int) int {
	size, n := binary.Uvarint(data[p:])
	if n <= 0 || size < headerSize || size > uint64(len(data)-p-n) {
		return 0
	}
	rec := data[p+n : p+n+int(size)]
	if rec[0] != recordVersion || rec[1] != recordTypeOps {
		return 0
	}
	if _, _, err := checkRecord(rec); err != nil {
		return 0
	}
	return n + int(size)
}

// intactEntries calls fn with the offset of each intact entry at or after
// from, resynchronizing byte by byte over damage (a damaged length prefix
// hides where the next entry starts), until fn returns false.
//
// NB: this is what separates a torn tail from mid-log damage. Stopping at
// the first bad entry, as tidwall/wal does, would call a flipped bit in a
// length prefix a torn tail and silently drop the acknowledged records
// after it. The scan can in principle find a "record" embedded in a
// damaged record's payload (a value that is itself a WAL record); that
// errs on the safe side: Open refuses and Repair drops the same bytes.
func intactEntries(data []byte, from int, fn func(off int) bool) {
	for p := from; p < len(data); {
		if n := intactEntryAt(data, p); n > 0 {
			if !fn(p) {
				return
			}
			p += n
			continue
		}
		p++
	}
}

// intactAfter reports whether an intact entry starts after offset off.
func intactAfter(data []byte, off int) bool {
	found := false
	intactEntries(data, off+1, func(int) bool { found = true; return false })
	return found
}

// reason strips the ErrCorrupt prefix of a decoding error.
func reason(err error) string {
	return strings.TrimPrefix(err.Error(), ErrCorrupt.Error()+": ")
}

// corruptAt is the error for a damaged record: it matches ErrCorrupt and
// names the segment, the index and the command that repairs the log.
func corruptAt(dir, segment string, index uint64, why string) error {
	return fmt.Errorf("%w: segment %s index %d: %s (run `brokerd wal repair --dir %s`)",
		ErrCorrupt, segment, index, why, dir)
}

// check reads every segment of dir and reports what it found. It does not
// change anything. The error is for I/O only; damage is in the Report.
// Caller holds the directory lock.
func check(dir string, progress *progress) (Report, []segmentFile, error) {
	rep := Report{Dir: dir}
	segs, err := listSegments(dir)
	if err != nil {
		return rep, nil, err
	}
	var buf []byte
	var next uint64 // index the next segment must start at
	for i, s := range segs {
		buf, err = readFile(s.path, buf)
		if err != nil {
			return rep, segs, fmt.Errorf("wal: read segment: %w", err)
		}
		sr := SegmentReport{Name: s.name, Size: int64(len(buf)), FirstIndex: s.first}
		if i == 0 {
			rep.FirstIndex = s.first
		} else if rep.Problem == nil && s.first != next {
			rep.Problem = newProblem(dir, s.name, next, 0,
				fmt.Sprintf("segment starts at index %d, want %d (a segment is missing or misnamed)", s.first, next), false)
			rep.Problem.gap = true
		}
		hadProblem := rep.Problem != nil
		r := entryReader{data: buf}
		for {
			rec, err := r.next()
			if err == io.EOF {
				break
			}
			if err == nil {
				_, _, err = checkRecord(rec)
			}
			progress.record(s.name)
			if err != nil {
				if rep.Problem == nil {
					torn := i == len(segs)-1 && !intactAfter(buf, r.start)
					rep.Problem = newProblem(dir, s.name, s.first+sr.Records, int64(r.start), reason(err), torn)
				}
				break
			}
			sr.Records++
		}
		if !hadProblem {
			rep.Records += sr.Records
		}
		next = s.first + sr.Records
		rep.Segments = append(rep.Segments, sr)
	}
	rep.LastIndex = rep.FirstIndex + rep.Records - 1
	if len(segs) == 0 {
		rep.LastIndex = 0
	}
	return rep, segs, nil
}

func newProblem(dir, segment string, index uint64, off int64, why string, torn bool) *Problem {
	return &Problem{
		Segment:  segment,
		Index:    index,
		Offset:   off,
		Reason:   why,
		TornTail: torn,
		Err:      corruptAt(dir, segment, index, why),
	}
}

// recoverTail checks dir and truncates a torn tail of its last segment to
// its last whole record. It reports whether it truncated, and the log as
// it is afterwards (Records, FirstIndex, LastIndex, Segments with their
// sizes); any other damage is returned as an error wrapping ErrCorrupt.
// Caller holds the directory lock.
func recoverTail(dir string, logger *slog.Logger) (bool, Report, error) {
	rep, _, err := check(dir, nil)
	if err != nil {
		return false, rep, err
	}
	p := rep.Problem
	if p == nil {
		return false, rep, nil
	}
	if !p.TornTail {
		return false, rep, p.Err
	}
	if err := cutTornTail(dir, &rep, p, logger); err != nil {
		return false, rep, err
	}
	rep.Problem = nil
	return true, rep, nil
}

// cutTornTail truncates the torn tail p of the last segment of the log rep
// describes, and sets that segment's size in rep.
func cutTornTail(dir string, rep *Report, p *Problem, logger *slog.Logger) error {
	last := &rep.Segments[len(rep.Segments)-1]
	size := last.Size
	if err := truncateFile(filepath.Join(dir, p.Segment), p.Offset); err != nil {
		return err
	}
	last.Size = p.Offset
	logger.Warn("wal: truncated a torn tail left by a crash",
		"segment", p.Segment, "index", p.Index, "offset", p.Offset,
		"dropped_bytes", size-p.Offset, "reason", p.Reason)
	return nil
}

// truncateFile cuts path to size and fsyncs it, so that a crash right after
// recovery cannot bring the damage back under records appended later.
func truncateFile(path string, size int64) error {
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return fmt.Errorf("wal: truncate: %w", err)
	}
	defer f.Close()
	if err := f.Truncate(size); err != nil {
		return fmt.Errorf("wal: truncate: %w", err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("wal: truncate: %w", err)
	}
	return nil
}

// restartAfter replaces the log in dir, whose records (described by rep)
// all have indexes up to n and are held by a snapshot, with an empty log
// that starts at index n+1: one empty segment named n+1, which tidwall/wal
// opens as a log with no record and n+1 as its next index. Caller holds
// the directory lock.
func restartAfter(dir string, n uint64, rep Report, logger *slog.Logger) error {
	for _, s := range rep.Segments {
		if err := os.Remove(filepath.Join(dir, s.Name)); err != nil {
			return fmt.Errorf("wal: %w", err)
		}
	}
	f, err := os.OpenFile(filepath.Join(dir, segmentName(n+1)), os.O_WRONLY|os.O_CREATE|os.O_EXCL, filePerm)
	if err != nil {
		return fmt.Errorf("wal: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("wal: %w", err)
	}
	if len(rep.Segments) > 0 {
		logger.Warn("wal: the snapshot holds every record of the log; starting the log after it",
			"log_last_index", rep.LastIndex, "snapshot_index", n, "segments_removed", len(rep.Segments))
	}
	return syncDir(dir)
}

// syncDir fsyncs a directory, so that files created, renamed or removed in
// it survive a power loss.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("wal: sync directory: %w", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("wal: sync directory: %w", err)
	}
	return nil
}

// walkLog calls fn for every record of the log in dir from index from on,
// in index order, and returns the bytes of the entries it passed to fn.
// Segments that end before from are not read. It stops at the first
// damaged record and returns its error, which wraps ErrCorrupt. The ops
// and their argument bytes are valid only during fn. progress, if not
// nil, is told about every record read. Caller holds the directory lock,
// and nothing writes to the log meanwhile.
func walkLog(dir string, from uint64, progress *progress, fn func(index uint64, ops []Op) error) (uint64, error) {
	segs, err := listSegments(dir)
	if err != nil {
		return 0, err
	}
	sc := logScan{dir: dir, segs: segs, from: from, skipBefore: true, replay: true}
	return sc.run(progress, fn)
}
