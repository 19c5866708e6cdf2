package wal

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Report describes a log directory. From Check it is the log as found; from
// Repair it is what was cut off (Dropped is true).
type Report struct {
	Dir string

	// Segments lists every live segment (Check), or every segment Repair
	// cut or removed.
	Segments []SegmentReport

	// Records is the number of intact records before the first problem, the
	// ones Open keeps (Check), or the number of intact records among the
	// bytes cut off (Repair; the damaged record itself is not counted).
	Records uint64

	// FirstIndex and LastIndex bound the records Open keeps (Check; LastIndex
	// is FirstIndex-1 when there are none), or the indexes that were cut off
	// from FirstIndex on (Repair; LastIndex is then 0).
	FirstIndex, LastIndex uint64

	// Problem is the first damage found (nil if none), or the damage Repair
	// cut at.
	Problem *Problem

	// Dropped marks a report of what Repair removed.
	Dropped bool

	// Snapshots lists the snapshot files, newest first (Check only).
	Snapshots []SnapshotReport
	// SnapshotProblem is the first damaged snapshot (its error wraps
	// ErrCorrupt), or an error wrapping ErrNoSnapshot when the log's first
	// records were removed and no intact snapshot covers them; nil if
	// neither (Check only).
	SnapshotProblem error
}

// SegmentReport describes one segment file.
type SegmentReport struct {
	Name       string
	Size       int64  // bytes in the file (Check), or bytes cut off (Repair)
	FirstIndex uint64 // index of its first record (Check), or of its first record cut off (Repair)
	Records    uint64 // intact records before its first damaged one (Check), or intact records cut off (Repair)

	// Repair only: the file was cut at Offset (Removed false), or moved
	// away whole (Removed true); Backup is the file that keeps the
	// original bytes.
	Offset  int64
	Removed bool
	Backup  string
}

// Problem is the first damaged record of a log.
type Problem struct {
	Segment string // segment file name
	Index   uint64 // index the damaged record has, or would have
	Offset  int64  // byte offset of its entry in the segment
	Reason  string // what is wrong with it

	// TornTail is true when the damage is confined to the end of the last
	// segment, with no intact record after it: what a crash in the middle of
	// a write leaves. Open truncates such a tail by itself. Anything else is
	// mid-log corruption, which needs Repair and loses the records after it.
	TornTail bool

	// Err is the error Open returns for this problem; it wraps ErrCorrupt.
	Err error

	gap bool // the segment does not start where the previous one ended
}

// String formats the report for `brokerd wal check|repair`.
func (r Report) String() string {
	var b strings.Builder
	if r.Dropped {
		if r.Problem == nil {
			fmt.Fprintf(&b, "wal %s: nothing to repair", r.Dir)
			return b.String()
		}
		fmt.Fprintf(&b, "wal %s: cut at segment %s index %d (%s); dropped %d intact records",
			r.Dir, r.Problem.Segment, r.Problem.Index, r.Problem.Reason, r.Records)
		for _, s := range r.Segments {
			if s.Removed {
				fmt.Fprintf(&b, "\n  %s: removed whole (%d bytes, %d intact records), moved to %s",
					s.Name, s.Size, s.Records, s.Backup)
			} else {
				fmt.Fprintf(&b, "\n  %s: cut at offset %d (%d bytes, %d intact records), original kept in %s",
					s.Name, s.Offset, s.Size, s.Records, s.Backup)
			}
		}
		return b.String()
	}
	fmt.Fprintf(&b, "wal %s: %d segments, %d records", r.Dir, len(r.Segments), r.Records)
	if r.Records > 0 {
		fmt.Fprintf(&b, " (index %d-%d)", r.FirstIndex, r.LastIndex)
	}
	for _, s := range r.Segments {
		fmt.Fprintf(&b, "\n  %s  %d bytes  %d records", s.Name, s.Size, s.Records)
		if s.Records > 0 {
			fmt.Fprintf(&b, " (index %d-%d)", s.FirstIndex, s.FirstIndex+s.Records-1)
		}
	}
	for _, s := range r.Snapshots {
		fmt.Fprintf(&b, "\n  snapshot %s  %d bytes  %d records  %d ops  %d values", s.Name, s.Info.Size, s.Info.Records, s.Info.Ops, s.Info.Values)
		switch {
		case errors.Is(s.Err, ErrSnapshotFormat):
			fmt.Fprintf(&b, "  UNREADABLE: %v", s.Err)
		case s.Err != nil:
			fmt.Fprintf(&b, "  DAMAGED: %v", s.Err)
		case !s.Usable:
			b.WriteString("  (unusable: the log no longer holds the records after it)")
		default:
			fmt.Fprintf(&b, "  (index %d, taken %s)", s.Info.Index, s.Info.Created.UTC().Format(time.RFC3339))
		}
	}
	if r.SnapshotProblem != nil && errors.Is(r.SnapshotProblem, ErrNoSnapshot) {
		fmt.Fprintf(&b, "\nproblem: %v; start-up refuses this log", r.SnapshotProblem)
	}
	if p := r.Problem; p != nil {
		kind := "mid-log corruption: start-up refuses it; `brokerd wal repair` cuts the log there"
		if p.TornTail {
			kind = "torn tail: start-up truncates it by itself"
		}
		fmt.Fprintf(&b, "\nproblem: segment %s index %d offset %d: %s\n  %s", p.Segment, p.Index, p.Offset, p.Reason, kind)
	} else if r.SnapshotProblem == nil {
		b.WriteString("\nok")
	}
	return b.String()
}

// Check reads every record of the log in dir, which must not be open (it
// takes the directory lock), and reports its segments and the first
// problem. It changes nothing. The error is non-nil when the log is damaged
// (it is then Problem.Err and wraps ErrCorrupt, even for a torn tail, which
// Open would repair) or could not be read.
func Check(dir string, opts ...ToolOption) (Report, error) {
	lk, err := lockDir(dir)
	if err != nil {
		return Report{Dir: dir}, err
	}
	defer lk.unlock()
	prog := newProgress(opts)
	rep, _, err := check(dir, prog)
	if err != nil {
		return rep, err
	}
	if err := checkSnapshots(&rep, prog); err != nil {
		return rep, err
	}
	switch {
	case rep.Problem != nil:
		err = rep.Problem.Err
	case rep.SnapshotProblem != nil:
		err = rep.SnapshotProblem
	}
	return rep, err
}

// Repair cuts the log in dir, which must not be open, at its first damaged
// record, so that Open accepts it again; a clean log is left alone. The
// damaged segment is truncated before the damaged record, after its
// original bytes are copied to a .broken file. Only when that segment is not
// the last are the later segments (records that follow the damage and can
// no longer be replayed in order) moved whole to .broken files; nothing is
// deleted. The returned report lists exactly what was cut.
func Repair(dir string, opts ...ToolOption) (dropped Report, err error) {
	dropped = Report{Dir: dir, Dropped: true}
	lk, err := lockDir(dir)
	if err != nil {
		return dropped, err
	}
	defer lk.unlock()
	rep, segs, err := check(dir, newProgress(opts))
	if err != nil || rep.Problem == nil {
		return dropped, err
	}
	p := rep.Problem
	dropped.Problem, dropped.FirstIndex = p, p.Index
	k := 0
	for k < len(segs) && segs[k].name != p.Segment {
		k++
	}
	var buf []byte
	for i := k; i < len(segs); i++ {
		s := segs[i]
		buf, err = readFile(s.path, buf)
		if err != nil {
			return dropped, fmt.Errorf("wal: read segment: %w", err)
		}
		sr := SegmentReport{Name: s.name, FirstIndex: s.first, Size: int64(len(buf)), Removed: true}
		from := 0
		if i == k && !p.gap {
			sr.FirstIndex, sr.Offset, sr.Removed = p.Index, p.Offset, false
			sr.Size -= p.Offset
			from = int(p.Offset)
		}
		intactEntries(buf, from, func(int) bool { sr.Records++; return true })
		if sr.Removed {
			sr.Backup, err = moveAside(s.path)
		} else {
			sr.Backup, err = copyAside(s.path, buf)
			if err == nil {
				err = truncateFile(s.path, p.Offset)
			}
		}
		if err != nil {
			return dropped, err
		}
		dropped.Records += sr.Records
		dropped.Segments = append(dropped.Segments, sr)
	}
	return dropped, syncDir(dir)
}

// backupName returns an unused name for a copy of path: path.broken, or
// path.broken.N when an earlier repair left one.
func backupName(path string) (string, error) {
	name := path + ".broken"
	for n := 1; ; n++ {
		if _, err := os.Lstat(name); os.IsNotExist(err) {
			return name, nil
		} else if err != nil {
			return "", fmt.Errorf("wal: %w", err)
		}
		name = fmt.Sprintf("%s.broken.%d", path, n)
	}
}

// moveAside renames a segment to its backup name, where tidwall/wal no
// longer sees it.
func moveAside(path string) (string, error) {
	dst, err := backupName(path)
	if err != nil {
		return "", err
	}
	if err := os.Rename(path, dst); err != nil {
		return "", fmt.Errorf("wal: %w", err)
	}
	return filepath.Base(dst), nil
}

// copyAside writes data, the bytes of the segment at path, to its backup
// name and fsyncs it before the segment is cut.
func copyAside(path string, data []byte) (string, error) {
	dst, err := backupName(path)
	if err != nil {
		return "", err
	}
	f, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, filePerm)
	if err != nil {
		return "", fmt.Errorf("wal: %w", err)
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", fmt.Errorf("wal: write backup: %w", err)
	}
	return filepath.Base(dst), nil
}

// Dump calls fn for every record of the log in dir, which must not be open
// (it takes the directory lock), in index order, without changing anything.
// It stops at the first damaged record with its ErrCorrupt error, after
// dumping every record before it. The ops' Args alias a buffer that is
// valid only during fn.
func Dump(dir string, fn func(index uint64, ops []Op) error, opts ...ToolOption) error {
	lk, err := lockDir(dir)
	if err != nil {
		return err
	}
	defer lk.unlock()
	_, err = walkLog(dir, 0, newProgress(opts), fn)
	return err
}
