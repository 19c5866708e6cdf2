package wal

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// newTestLog writes testOps(0..n-1) to a new log in a temporary directory
// and closes it.
func newTestLog(t *testing.T, n, segSize int) (string, []record) {
	t.Helper()
	dir := t.TempDir()
	return dir, writeLog(t, dir, Options{Fsync: No, SegmentSize: segSize}, n)
}

func TestCheckCleanLog(t *testing.T) {
	dir, want := newTestLog(t, 30, tinySegments)
	rep, err := Check(dir)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Problem != nil || rep.Records != 30 || rep.FirstIndex != 1 || rep.LastIndex != 30 {
		t.Errorf("Check = %+v", rep)
	}
	var sum uint64
	for i, s := range rep.Segments {
		sum += s.Records
		if i > 0 && s.FirstIndex != rep.Segments[i-1].FirstIndex+rep.Segments[i-1].Records {
			t.Errorf("segment %s starts at %d after %+v", s.Name, s.FirstIndex, rep.Segments[i-1])
		}
	}
	if sum != 30 || len(rep.Segments) != len(segmentFiles(t, dir)) {
		t.Errorf("segments %+v do not add up to the log", rep.Segments)
	}
	if s := rep.String(); !strings.Contains(s, "30 records") || !strings.HasSuffix(s, "ok") {
		t.Errorf("String() = %q", s)
	}

	var got []record
	err = Dump(dir, func(index uint64, ops []Op) error {
		got = append(got, record{index, copyOps(ops)})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	checkRecords(t, got, want)

	dropped, err := Repair(dir)
	if err != nil || dropped.Problem != nil || len(dropped.Segments) != 0 {
		t.Errorf("Repair of a clean log = %+v, %v", dropped, err)
	}
}

func TestCheckClassifiesDamage(t *testing.T) {
	tests := []struct {
		name    string
		corrupt corruptor
		torn    bool
	}{
		{"torn tail", truncateMidPayload, true},
		{"bit flip in the last record", flipBitInLastRecord, true},
		{"bit flip in the middle", flipBitInMiddleRecord, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir, _ := newTestLog(t, 5, 0)
			path := segPath(dir, 1)
			ents := entries(t, path)
			tt.corrupt(t, path, ents)
			before := snapshotDir(t, dir)
			rep, err := Check(dir)
			if !errors.Is(err, ErrCorrupt) || rep.Problem == nil {
				t.Fatalf("Check = %+v, %v; want a problem wrapping ErrCorrupt", rep, err)
			}
			if rep.Problem.TornTail != tt.torn {
				t.Errorf("TornTail = %v, want %v", rep.Problem.TornTail, tt.torn)
			}
			wantIndex := uint64(len(ents)/2) + 1
			if tt.torn {
				wantIndex = uint64(len(ents))
			}
			p := rep.Problem
			if p.Segment != segmentName(1) || p.Index != wantIndex || rep.LastIndex != wantIndex-1 {
				t.Errorf("Problem = %+v, LastIndex %d; want index %d", p, rep.LastIndex, wantIndex)
			}
			if p.Offset != int64(ents[wantIndex-1].off) {
				t.Errorf("Problem.Offset = %d, want %d", p.Offset, ents[wantIndex-1].off)
			}
			if !strings.Contains(rep.String(), "problem: segment "+segmentName(1)) {
				t.Errorf("String() = %q", rep.String())
			}
			if after := snapshotDir(t, dir); after != before {
				t.Error("Check changed the directory")
			}
			var n uint64
			err = Dump(dir, func(uint64, []Op) error { n++; return nil })
			if !errors.Is(err, ErrCorrupt) || n != wantIndex-1 {
				t.Errorf("Dump = %v after %d records, want ErrCorrupt after %d", err, n, wantIndex-1)
			}
		})
	}
}

// TestRepairMidLog repairs damage in a non-last segment: the segment is
// cut before the damaged record, later segments are moved aside, and the
// report says exactly that. The log then opens, replays the records before
// the damage and takes new records that survive a restart.
func TestRepairMidLog(t *testing.T) {
	dir, want := newTestLog(t, 40, tinySegments)
	names := segmentFiles(t, dir)
	if len(names) < 4 {
		t.Fatalf("only %d segments", len(names))
	}
	bad := names[1]
	path := filepath.Join(dir, bad)
	ents := entries(t, path)
	if len(ents) < 2 {
		t.Fatalf("segment %s holds %d records", bad, len(ents))
	}
	flipBit(t, path, ents[1].off+ents[1].prefix+headerSize, 0) // its second record
	badIndex := segFirst(t, bad) + 1

	if _, err := Open(dir, Options{Logger: quietLogger()}); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("Open = %v, want ErrCorrupt", err)
	}
	dropped, err := Repair(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !dropped.Dropped || dropped.Problem == nil || dropped.Problem.Index != badIndex || dropped.FirstIndex != badIndex {
		t.Errorf("Repair report = %+v", dropped)
	}
	if len(dropped.Segments) != len(names)-1 {
		t.Fatalf("Repair reports %d segments, want %d: %+v", len(dropped.Segments), len(names)-1, dropped.Segments)
	}
	cut := dropped.Segments[0]
	if cut.Name != bad || cut.Removed || cut.Offset != int64(ents[1].off) || cut.Records != uint64(len(ents)-2) {
		t.Errorf("cut segment = %+v, want %s cut at %d with %d intact records dropped", cut, bad, ents[1].off, len(ents)-2)
	}
	total := cut.Records
	for i, s := range dropped.Segments[1:] {
		if s.Name != names[i+2] || !s.Removed || s.Backup != s.Name+".broken" {
			t.Errorf("dropped segment %+v", s)
		}
		if _, err := os.Stat(filepath.Join(dir, s.Backup)); err != nil {
			t.Errorf("backup of %s: %v", s.Name, err)
		}
		total += s.Records
	}
	if total != dropped.Records || dropped.Records != uint64(len(want))-badIndex {
		t.Errorf("dropped %d intact records (report total %d), want %d", total, dropped.Records, uint64(len(want))-badIndex)
	}
	if backup, err := os.ReadFile(filepath.Join(dir, cut.Backup)); err != nil || len(backup) != int(cut.Offset+cut.Size) {
		t.Errorf("backup of the cut segment: %d bytes, %v", len(backup), err)
	}
	if s := dropped.String(); !strings.Contains(s, "cut at segment "+bad) || !strings.Contains(s, "removed whole") {
		t.Errorf("String() = %q", s)
	}

	if rep, err := Check(dir); err != nil || rep.LastIndex != badIndex-1 {
		t.Fatalf("Check after Repair = %+v, %v", rep, err)
	}
	l := mustOpen(t, dir, Options{})
	checkRecords(t, replayAll(t, l), want[:badIndex-1])
	more := appendAll(t, l, 100, 110)
	l.Close()
	l = mustOpen(t, dir, Options{})
	defer l.Close()
	checkRecords(t, replayAll(t, l), append(want[:badIndex-1], reindex(more, badIndex)...))
}

// TestRepairLastSegment cuts a single-segment log at a damaged middle
// record; the intact records after it are reported as dropped.
func TestRepairLastSegment(t *testing.T) {
	dir, want := newTestLog(t, 6, 0)
	path := segPath(dir, 1)
	ents := entries(t, path)
	flipBitInMiddleRecord(t, path, ents) // record 4 of 6
	dropped, err := Repair(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(dropped.Segments) != 1 || dropped.Records != 2 || dropped.Segments[0].Removed || dropped.FirstIndex != 4 {
		t.Errorf("Repair = %+v", dropped)
	}
	// A second repair keeps a second backup rather than overwrite the first.
	l := mustOpen(t, dir, Options{})
	checkRecords(t, replayAll(t, l), want[:3])
	l.Close()
	ents = entries(t, path)
	flipBitInLastRecord(t, path, ents)
	dropped, err = Repair(dir)
	if err != nil || len(dropped.Segments) != 1 || dropped.Segments[0].Backup != segmentName(1)+".broken.1" {
		t.Errorf("second Repair = %+v, %v", dropped, err)
	}
}

func TestToolsNeedAnExistingDirectory(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "missing")
	if _, err := Check(dir); err == nil {
		t.Error("Check of a missing directory succeeded")
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Error("Check created the directory")
	}
}

// TestInterruptedFrontTruncation leaves the files tidwall/wal's
// TruncateFront leaves when it is interrupted after writing its .START
// segment: Check must read the log as tidwall/wal will, and Open must
// accept it.
func TestInterruptedFrontTruncation(t *testing.T) {
	dir, want := newTestLog(t, 30, tinySegments)
	second := segmentFiles(t, dir)[1]
	first := segFirst(t, second)
	path := filepath.Join(dir, second)
	ents := entries(t, path)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	start := filepath.Join(dir, segmentName(first+1)+".START")
	if err := os.WriteFile(start, data[ents[1].off:], 0o640); err != nil {
		t.Fatal(err)
	}

	// Without a snapshot the records before the truncation are lost, and
	// Check says so; with one that holds them, the log is whole.
	if _, err := Check(dir); !errors.Is(err, ErrNoSnapshot) {
		t.Fatalf("Check without a snapshot = %v, want ErrNoSnapshot", err)
	}
	sw, err := CreateSnapshot(dir, first, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sw.Commit(); err != nil {
		t.Fatal(err)
	}
	rep, err := Check(dir)
	if err != nil || rep.FirstIndex != first+1 || rep.LastIndex != 30 {
		t.Fatalf("Check = %+v, %v; want the log from index %d", rep, err, first+1)
	}
	l := mustOpen(t, dir, Options{SegmentSize: tinySegments})
	defer l.Close()
	checkRecords(t, replayAll(t, l), want[first:])
	if _, err := os.Stat(start); !os.IsNotExist(err) {
		t.Errorf("tidwall/wal did not finish the truncation: %v", err)
	}
}
