package wal

import (
	"errors"
	"os"
	"testing"
)

// openReplay is OpenReplay gathering what it replays.
func openReplay(t *testing.T, dir string, opts Options) (*Log, []record) {
	t.Helper()
	if opts.Logger == nil {
		opts.Logger = quietLogger()
	}
	var got []record
	l, _, err := OpenReplay(dir, opts, func(index uint64, ops []Op) error {
		got = append(got, record{index, copyOps(ops)})
		return nil
	})
	if err != nil {
		t.Fatalf("OpenReplay(%s): %v", dir, err)
	}
	return l, got
}

// TestOpenReplay: OpenReplay replays what Open then Replay do, in every
// configuration, and the log it opens takes appends that survive.
func TestOpenReplay(t *testing.T) {
	for _, cfg := range allConfigs() {
		t.Run(cfg.name, func(t *testing.T) {
			dir := t.TempDir()
			l, got := openReplay(t, dir, cfg.opts)
			checkRecords(t, got, nil)
			want := appendAll(t, l, 0, 40)
			if err := l.Close(); err != nil {
				t.Fatal(err)
			}
			l, got = openReplay(t, dir, cfg.opts)
			checkRecords(t, got, want)
			want = append(want, appendAll(t, l, 40, 45)...)
			if err := l.Close(); err != nil {
				t.Fatal(err)
			}
			l, got = openReplay(t, dir, cfg.opts)
			defer l.Close()
			checkRecords(t, got, want)
			if st := l.Stats(); st.LastIndex != uint64(len(want)) {
				t.Errorf("LastIndex %d, want %d", st.LastIndex, len(want))
			}
		})
	}
}

// TestOpenReplayRefusesMidLogCorruption: damage before the tail fails
// OpenReplay as it fails Open.
func TestOpenReplayRefusesMidLogCorruption(t *testing.T) {
	testRefusesMidLogCorruption(t, func(dir string) (*Log, error) {
		l, _, err := OpenReplay(dir, Options{Logger: quietLogger()}, func(uint64, []Op) error { return nil })
		return l, err
	})
}

// TestOpenReplayAfterSnapshot: only the records after the snapshot are
// replayed, the segments they do not reach are not even read, and a log
// that starts after the snapshot's next record replays nothing.
func TestOpenReplayAfterSnapshot(t *testing.T) {
	dir := t.TempDir()
	opts := Options{Fsync: No, SegmentSize: tinySegments}
	want := writeLog(t, dir, opts, 30)
	segs := segmentFiles(t, dir)
	if len(segs) < 4 {
		t.Fatalf("%d segments", len(segs))
	}
	// Damage the first segment, which the snapshot covers.
	path := segPath(dir, 1)
	flipBitInMiddleRecord(t, path, entries(t, path))
	snap := segFirst(t, segs[2]) // records 1 to snap are in the snapshot
	opts.SnapshotIndex = snap

	l, got := openReplay(t, dir, opts)
	checkRecords(t, got, want[snap:])
	if l.FirstIndex() != 1 {
		t.Errorf("FirstIndex %d, want 1", l.FirstIndex())
	}
	l.Close()

	// Without the snapshot, the damage counts.
	if _, _, err := OpenReplay(dir, Options{Logger: quietLogger()}, func(uint64, []Op) error { return nil }); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("OpenReplay with no snapshot = %v, want ErrCorrupt", err)
	}

	// A log that starts after the snapshot's next record: records are
	// missing, and none is replayed.
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	opts.SnapshotIndex = 0
	l, got = openReplay(t, dir, opts)
	defer l.Close()
	if len(got) != 0 || l.FirstIndex() != segFirst(t, segs[1]) {
		t.Errorf("replayed %d records, FirstIndex %d; want none and %d", len(got), l.FirstIndex(), segFirst(t, segs[1]))
	}
}

// TestOpenReplayStops: an error from fn stops the replay and fails
// OpenReplay with it, leaving the directory unlocked.
func TestOpenReplayStops(t *testing.T) {
	dir := t.TempDir()
	opts := Options{Fsync: No, SegmentSize: tinySegments, Logger: quietLogger()}
	writeLog(t, dir, opts, 50)
	stop := errors.New("stop")
	n := 0
	_, _, err := OpenReplay(dir, opts, func(index uint64, ops []Op) error {
		if n++; index == 7 {
			return stop
		}
		return nil
	})
	if err != stop || n != 7 {
		t.Fatalf("OpenReplay = %v after %d records, want stop after 7", err, n)
	}
	l := mustOpen(t, dir, opts)
	l.Close()
}
