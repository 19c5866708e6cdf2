package wal

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"reflect"
	"testing"
	"time"
)

// writeSnapshot writes a snapshot at index holding testOps(0..n-1), one
// record each, and returns them.
func writeSnapshot(t *testing.T, dir string, index uint64, n int) [][]Op {
	t.Helper()
	w, err := CreateSnapshot(dir, index, time.UnixMilli(1700000000123))
	if err != nil {
		t.Fatal(err)
	}
	var want [][]Op
	for i := 0; i < n; i++ {
		if err := w.Write(testOps(i)); err != nil {
			t.Fatal(err)
		}
		want = append(want, copyOps(testOps(i)))
	}
	info, err := w.Commit()
	if err != nil {
		t.Fatal(err)
	}
	if info.Index != index || info.Records != uint64(n) {
		t.Fatalf("Commit = %+v", info)
	}
	return want
}

func readAll(path string) ([][]Op, SnapshotInfo, error) {
	var got [][]Op
	info, err := ReadSnapshot(path, SnapshotHandler{Ops: func(ops []Op) error {
		got = append(got, copyOps(ops))
		return nil
	}})
	return got, info, err
}

func TestSnapshotRoundTrip(t *testing.T) {
	dir := t.TempDir()
	want := writeSnapshot(t, dir, 42, 50)
	snaps, err := ListSnapshots(dir)
	if err != nil || len(snaps) != 1 || snaps[0].Index != 42 || snaps[0].Name != "snap-00000000000000000042.brs" {
		t.Fatalf("ListSnapshots = %+v, %v", snaps, err)
	}
	got, info, err := readAll(snaps[0].Path)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatal("snapshot records differ from what was written")
	}
	if info.Index != 42 || info.Created.UnixMilli() != 1700000000123 || info.Records != 50 {
		t.Errorf("info = %+v", info)
	}
}

// TestSnapshotManyBatches: a snapshot larger than a replay batch, with a
// record larger than one, reads back as written, and an error from fn
// stops the reading with that error.
func TestSnapshotManyBatches(t *testing.T) {
	dir := t.TempDir()
	w, err := CreateSnapshot(dir, 9, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	var want [][]Op
	for i := 0; i < 3000; i++ {
		size := 1000
		if i == 1500 {
			size = 2*snapshotBatchBytes + 1
		}
		ops := []Op{{DB: i % 3, Args: [][]byte{[]byte("SET"), []byte(fmt.Sprint("key:", i)), bytes.Repeat([]byte{byte(i)}, size)}}}
		if err := w.Write(ops); err != nil {
			t.Fatal(err)
		}
		want = append(want, copyOps(ops))
	}
	info, err := w.Commit()
	if err != nil {
		t.Fatal(err)
	}
	got, _, err := readAll(info.Path)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatal("snapshot records differ from what was written")
	}
	stop, n := errors.New("stop"), 0
	if _, err := ReadSnapshot(info.Path, SnapshotHandler{Ops: func([]Op) error {
		if n++; n == 2000 {
			return stop
		}
		return nil
	}}); err != stop || n != 2000 {
		t.Fatalf("ReadSnapshot = %v after %d records, want stop after 2000", err, n)
	}
}

// TestSnapshotCorruption: every kind of damage is refused with ErrCorrupt
// naming the file, never read as a shorter or different snapshot.
func TestSnapshotCorruption(t *testing.T) {
	for _, tt := range []struct {
		name   string
		damage func(data []byte) []byte
	}{
		{"flipped byte in the middle", func(d []byte) []byte { d[len(d)/2] ^= 0x10; return d }},
		{"flipped byte in the head", func(d []byte) []byte { d[3] ^= 1; return d }},
		{"cut in the middle", func(d []byte) []byte { return d[:len(d)/2] }},
		{"end record missing", func(d []byte) []byte { return d[:len(d)-9] }},
		{"bytes after the end", func(d []byte) []byte { return append(d, 0) }},
		{"empty file", func(d []byte) []byte { return nil }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			writeSnapshot(t, dir, 7, 20)
			snaps, _ := ListSnapshots(dir)
			data, err := os.ReadFile(snaps[0].Path)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(snaps[0].Path, tt.damage(data), 0o640); err != nil {
				t.Fatal(err)
			}
			if _, _, err := readAll(snaps[0].Path); !errors.Is(err, ErrCorrupt) {
				t.Fatalf("ReadSnapshot = %v, want ErrCorrupt", err)
			}
			rep, err := Check(dir)
			if !errors.Is(err, ErrCorrupt) || rep.SnapshotProblem == nil {
				t.Fatalf("Check = %v, %v; want the damaged snapshot reported", rep, err)
			}
		})
	}
}

func TestSnapshotNameMustMatchHead(t *testing.T) {
	dir := t.TempDir()
	writeSnapshot(t, dir, 7, 2)
	snaps, _ := ListSnapshots(dir)
	moved := SnapshotDir(dir) + "/" + snapshotName(8)
	if err := os.Rename(snaps[0].Path, moved); err != nil {
		t.Fatal(err)
	}
	if _, _, err := readAll(moved); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("ReadSnapshot of a renamed snapshot = %v", err)
	}
}

func TestPruneKeepsNewest(t *testing.T) {
	dir := t.TempDir()
	for _, idx := range []uint64{5, 50, 10, 30} {
		writeSnapshot(t, dir, idx, 1)
	}
	if err := PruneSnapshots(dir, 2); err != nil {
		t.Fatal(err)
	}
	snaps, _ := ListSnapshots(dir)
	var got []uint64
	for _, s := range snaps {
		got = append(got, s.Index)
	}
	if !reflect.DeepEqual(got, []uint64{50, 30}) {
		t.Errorf("after prune: %v", got)
	}
}

// TestAbortedSnapshotLeavesNothing: an unfinished snapshot is never
// listed, and the next one removes its temporary file.
func TestAbortedSnapshotLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	w, err := CreateSnapshot(dir, 3, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	w.Write(testOps(1))
	if snaps, _ := ListSnapshots(dir); len(snaps) != 0 {
		t.Fatalf("unfinished snapshot listed: %v", snaps)
	}
	// A crash: the temporary file stays until the next snapshot.
	writeSnapshot(t, dir, 4, 1)
	ents, _ := os.ReadDir(SnapshotDir(dir))
	if len(ents) != 1 {
		t.Errorf("snapshot directory holds %d files, want 1", len(ents))
	}
	w.Abort()
}

// TestRemoveBeforeKeepsWholeSegments removes the segments a snapshot made
// unnecessary and replays the rest from the snapshot's index.
func TestRemoveBeforeKeepsWholeSegments(t *testing.T) {
	dir := t.TempDir()
	l := mustOpen(t, dir, Options{SegmentSize: tinySegments})
	want := appendAll(t, l, 0, 40)
	before := len(segmentFiles(t, dir))
	removed, err := l.RemoveBefore(25)
	if err != nil || removed == 0 {
		t.Fatalf("RemoveBefore = %d, %v", removed, err)
	}
	first := l.FirstIndex()
	if first > 25 || first == 1 || len(segmentFiles(t, dir)) >= before {
		t.Fatalf("FirstIndex = %d, segments %d -> %d", first, before, len(segmentFiles(t, dir)))
	}
	more := appendAll(t, l, 40, 45)
	l.Close()

	l = mustOpen(t, dir, Options{SegmentSize: tinySegments})
	defer l.Close()
	var got []record
	if _, err := l.ReplayFrom(25, func(index uint64, ops []Op) error {
		got = append(got, record{index, copyOps(ops)})
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	checkRecords(t, got, append(want[24:], more...))
	if l.FirstIndex() != first {
		t.Errorf("FirstIndex after reopen = %d, want %d", l.FirstIndex(), first)
	}
}

// TestOpenAfterSnapshotAheadOfLog: a snapshot holding records the log
// never got (the writer had not written them at the crash) makes Open
// start the log after it, so new records never reuse its indexes.
func TestOpenAfterSnapshotAheadOfLog(t *testing.T) {
	dir := t.TempDir()
	writeLog(t, dir, Options{}, 5)
	l := mustOpen(t, dir, Options{SnapshotIndex: 9})
	if got := l.NextIndex(); got != 10 {
		t.Fatalf("NextIndex = %d, want 10", got)
	}
	want := appendAll(t, l, 5, 8)
	l.Close()
	l = mustOpen(t, dir, Options{SnapshotIndex: 9})
	defer l.Close()
	checkRecords(t, replayAll(t, l), want)
	if l.FirstIndex() != 10 {
		t.Errorf("FirstIndex = %d, want 10", l.FirstIndex())
	}
}
