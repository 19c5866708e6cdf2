package wal

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
)

// corruptor damages the log in dir, whose last segment holds the entries
// ents, in one way a crash or a disk can.
type corruptor func(t *testing.T, path string, ents []entry)

func truncateMidLength(t *testing.T, path string, ents []entry) {
	last := ents[len(ents)-1]
	if last.prefix < 2 {
		t.Fatal("the last record needs a two-byte length prefix")
	}
	truncate(t, path, last.off+1)
}

func truncateMidPayload(t *testing.T, path string, ents []entry) {
	last := ents[len(ents)-1]
	truncate(t, path, last.off+last.prefix+last.size/2)
}

// zeroFillTail is a crash after the file grew but before its last page was
// written: the last record reads as zeros, and so do the bytes after it.
func zeroFillTail(t *testing.T, path string, ents []entry) {
	last := ents[len(ents)-1]
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	clear(data[last.off:])
	data = append(data, make([]byte, 512)...)
	if err := os.WriteFile(path, data, 0o640); err != nil {
		t.Fatal(err)
	}
}

func flipBitInLastRecord(t *testing.T, path string, ents []entry) {
	last := ents[len(ents)-1]
	flipBit(t, path, last.off+last.prefix+headerSize+3, 2)
}

func flipBitInMiddleRecord(t *testing.T, path string, ents []entry) {
	mid := ents[len(ents)/2]
	flipBit(t, path, mid.off+mid.prefix+mid.size-1, 0)
}

// flipBitInMiddleLength damages the framing, so that the records after it
// can only be found by resynchronizing.
func flipBitInMiddleLength(t *testing.T, path string, ents []entry) {
	mid := ents[len(ents)/2]
	flipBit(t, path, mid.off, 3)
}

func truncate(t *testing.T, path string, size int) {
	t.Helper()
	if err := os.Truncate(path, int64(size)); err != nil {
		t.Fatal(err)
	}
}

// TestRepairTornTail covers what a crash leaves at the end of the log:
// Open (and OpenReplay) drops the damaged last record and keeps everything before it, and,
// the failure class that matters most, records appended after the repair
// survive the next restart.
func TestRepairTornTail(t *testing.T) {
	tests := []struct {
		name    string
		corrupt corruptor
	}{
		{"truncateMidLength", truncateMidLength},
		{"truncateMidPayload", truncateMidPayload},
		{"zeroFillTail", zeroFillTail},
		{"flipBitInLastRecord", flipBitInLastRecord},
	}
	for _, tt := range tests {
		for _, seg := range []int{tinySegments, 0} {
			for _, o := range logOpeners {
				t.Run(fmt.Sprintf("%s/segment size %d/%s", tt.name, seg, o.name), func(t *testing.T) {
					dir := t.TempDir()
					opts := Options{Fsync: Always, SegmentSize: seg}
					// The last record, testOps(4), has a two-byte length prefix.
					want := writeLog(t, dir, opts, 5)
					segs := segmentFiles(t, dir)
					if seg == tinySegments && len(segs) < 2 {
						t.Fatalf("tiny segments: %d segment files", len(segs))
					}
					lastSeg := dir + "/" + segs[len(segs)-1]
					ents := entries(t, lastSeg)
					if len(ents) == 0 {
						t.Fatal("the last segment is empty")
					}
					tt.corrupt(t, lastSeg, ents)

					l, got := o.open(t, dir, opts)
					checkRecords(t, got, want[:len(want)-1])
					if st := l.Stats(); st.TornTailsTruncated != 1 || st.LastIndex != uint64(len(want)-1) {
						t.Errorf("Stats = %+v, want one torn tail and LastIndex %d", st, len(want)-1)
					}
					more := appendAll(t, l, 10, 14)
					if err := l.Close(); err != nil {
						t.Fatal(err)
					}

					l, got = o.open(t, dir, opts)
					defer l.Close()
					checkRecords(t, got, append(want[:len(want)-1], more...))
					if st := l.Stats(); st.TornTailsTruncated != 0 {
						t.Errorf("second reopen truncated again: %+v", st)
					}
				})
			}
		}
	}
}

// logOpeners are the two ways a log is opened and read: Open then Replay,
// and OpenReplay, which does both in one reading.
var logOpeners = []struct {
	name string
	open func(t *testing.T, dir string, opts Options) (*Log, []record)
}{
	{"Open", func(t *testing.T, dir string, opts Options) (*Log, []record) {
		l := mustOpen(t, dir, opts)
		return l, replayAll(t, l)
	}},
	{"OpenReplay", openReplay},
}

// midLogDamage is damage that a crash cannot explain, each case with the
// segment and index the error must name.
var midLogDamage = []struct {
	name  string
	seg   int
	setup func(t *testing.T, dir string) (segment string, index uint64)
}{
	{"flipBitInMiddleRecord", 0, func(t *testing.T, dir string) (string, uint64) {
		path := segPath(dir, 1)
		ents := entries(t, path)
		flipBitInMiddleRecord(t, path, ents)
		return segmentName(1), uint64(len(ents)/2) + 1
	}},
	{"flipBitInMiddleLength", 0, func(t *testing.T, dir string) (string, uint64) {
		path := segPath(dir, 1)
		ents := entries(t, path)
		flipBitInMiddleLength(t, path, ents)
		return segmentName(1), uint64(len(ents)/2) + 1
	}},
	{"flipBitInLastRecordOfFirstSegment", tinySegments, func(t *testing.T, dir string) (string, uint64) {
		path := segPath(dir, 1)
		ents := entries(t, path)
		flipBitInLastRecord(t, path, ents)
		return segmentName(1), uint64(len(ents))
	}},
	{"truncateFirstSegment", tinySegments, func(t *testing.T, dir string) (string, uint64) {
		path := segPath(dir, 1)
		ents := entries(t, path)
		truncateMidPayload(t, path, ents)
		return segmentName(1), uint64(len(ents))
	}},
	{"zeroFillSecondSegment", tinySegments, func(t *testing.T, dir string) (string, uint64) {
		name := segmentFiles(t, dir)[1]
		path := dir + "/" + name
		ents := entries(t, path)
		zeroFillTail(t, path, ents)
		first := segFirst(t, name)
		return name, first + uint64(len(ents)) - 1
	}},
	{"missingSegment", tinySegments, func(t *testing.T, dir string) (string, uint64) {
		names := segmentFiles(t, dir)
		if err := os.Remove(dir + "/" + names[1]); err != nil {
			t.Fatal(err)
		}
		return names[2], segFirst(t, names[1])
	}},
}

// TestOpenRefusesMidLogCorruption covers damage that a crash cannot
// explain: Open must fail loudly, naming the segment and the index, and
// leave the files alone.
func TestOpenRefusesMidLogCorruption(t *testing.T) {
	testRefusesMidLogCorruption(t, func(dir string) (*Log, error) {
		return Open(dir, Options{Logger: quietLogger()})
	})
}

// testRefusesMidLogCorruption runs open on each case of midLogDamage: it
// must fail loudly, naming the segment and the index, and leave the files
// and the directory lock alone.
func testRefusesMidLogCorruption(t *testing.T, open func(dir string) (*Log, error)) {
	for _, tt := range midLogDamage {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			opts := Options{Fsync: No, SegmentSize: tt.seg}
			writeLog(t, dir, opts, 30)
			segment, index := tt.setup(t, dir)
			before := snapshotDir(t, dir)

			l, err := open(dir)
			if err == nil {
				l.Close()
				t.Fatal("Open succeeded on a damaged log")
			}
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("Open = %v, want ErrCorrupt", err)
			}
			for _, want := range []string{
				fmt.Sprintf("segment %s index %d", segment, index),
				"brokerd wal repair --dir " + dir,
			} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not contain %q", err, want)
				}
			}
			if after := snapshotDir(t, dir); after != before {
				t.Errorf("a failed Open changed the directory:\nbefore %s\nafter  %s", before, after)
			}
			if _, err := open(dir); !errors.Is(err, ErrCorrupt) {
				t.Errorf("a failed Open left the directory locked: %v", err)
			}
		})
	}
}

// segFirst is the first index of a segment file name.
func segFirst(t *testing.T, name string) uint64 {
	t.Helper()
	var first uint64
	if _, err := fmt.Sscanf(name, "%d", &first); err != nil {
		t.Fatal(err)
	}
	return first
}

// snapshotDir summarizes the names and contents of the segments in dir.
func snapshotDir(t *testing.T, dir string) string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, e := range ents {
		if e.Name() == lockFile {
			continue
		}
		data, err := os.ReadFile(dir + "/" + e.Name())
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "%s:%d:%08x ", e.Name(), len(data), crc32c(data))
	}
	return b.String()
}
