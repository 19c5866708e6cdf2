package wal

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// TestLogReopenReplaysEverything is write, close, reopen, compare, in every
// configuration, twice over so that appending to a reopened log is covered.
func TestLogReopenReplaysEverything(t *testing.T) {
	for _, c := range allConfigs() {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			l := mustOpen(t, dir, c.opts)
			if got := replayAll(t, l); len(got) != 0 {
				t.Fatalf("new log replays %d records", len(got))
			}
			want := appendAll(t, l, 0, 40)
			st := l.Stats()
			if st.Records != 40 || st.LastIndex != 40 || st.Bytes == 0 || st.Policy != c.opts.Fsync {
				t.Errorf("Stats = %+v", st)
			}
			if err := l.Close(); err != nil {
				t.Fatal(err)
			}
			if c.opts.SegmentSize == tinySegments && len(segmentFiles(t, dir)) < 10 {
				t.Errorf("tiny segments: only %d segment files", len(segmentFiles(t, dir)))
			}

			l = mustOpen(t, dir, c.opts)
			checkRecords(t, replayAll(t, l), want)
			if st := l.Stats(); st.TornTailsTruncated != 0 || st.Records != 0 || st.LastIndex != 40 {
				t.Errorf("Stats after reopen = %+v", st)
			}
			want = append(want, appendAll(t, l, 40, 70)...)
			if err := l.Close(); err != nil {
				t.Fatal(err)
			}

			l = mustOpen(t, dir, c.opts)
			defer l.Close()
			checkRecords(t, replayAll(t, l), want)
		})
	}
}

func TestOpenLockedDirectory(t *testing.T) {
	dir := t.TempDir()
	l := mustOpen(t, dir, Options{})
	lockPath := filepath.Join(dir, lockFile)

	_, err := Open(dir, Options{})
	if !errors.Is(err, ErrLocked) {
		t.Fatalf("second Open = %v, want ErrLocked", err)
	}
	if !strings.Contains(err.Error(), lockPath) || !strings.Contains(err.Error(), fmt.Sprint(os.Getpid())) {
		t.Errorf("error %q does not name %s and the holder's pid", err, lockPath)
	}
	if _, err := Check(dir); !errors.Is(err, ErrLocked) {
		t.Errorf("Check on an open log = %v, want ErrLocked", err)
	}
	if _, err := Repair(dir); !errors.Is(err, ErrLocked) {
		t.Errorf("Repair on an open log = %v, want ErrLocked", err)
	}
	if err := Dump(dir, func(uint64, []Op) error { return nil }); !errors.Is(err, ErrLocked) {
		t.Errorf("Dump on an open log = %v, want ErrLocked", err)
	}

	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	l = mustOpen(t, dir, Options{})
	l.Close()
}

// TestAppendConcurrentKeepsOrder runs many writers the way the server does:
// Append under a shared lock, Wait after releasing it. Every record must
// replay, in the order of the Append calls, and Append must not keep the
// caller's argument buffer, which the next writer overwrites.
func TestAppendConcurrentKeepsOrder(t *testing.T) {
	for _, p := range []Policy{Always, EverySec, No} {
		t.Run(p.String(), func(t *testing.T) {
			dir := t.TempDir()
			l := mustOpen(t, dir, Options{Fsync: p, SegmentSize: 4096})
			const writers, each = 16, 50
			var (
				mu      sync.Mutex // the keyspace lock
				seq     int
				scratch = make([]byte, 0, 64) // reused by every Append, as the server reuses its effect buffer
				wg      sync.WaitGroup
				errc    = make(chan error, writers*each)
			)
			for w := 0; w < writers; w++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := 0; i < each; i++ {
						mu.Lock()
						seq++
						scratch = fmt.Appendf(scratch[:0], "%06d", seq)
						pend := l.Append([]Op{{DB: w, Args: [][]byte{[]byte("INCR"), scratch}}})
						mu.Unlock()
						if err := pend.Wait(); err != nil {
							errc <- err
						}
					}
				}()
			}
			wg.Wait()
			close(errc)
			for err := range errc {
				t.Fatal(err)
			}
			if err := l.Close(); err != nil {
				t.Fatal(err)
			}
			l = mustOpen(t, dir, Options{Fsync: p, SegmentSize: 4096})
			defer l.Close()
			got := replayAll(t, l)
			if len(got) != writers*each {
				t.Fatalf("replayed %d records, want %d", len(got), writers*each)
			}
			for i, r := range got {
				if want := fmt.Sprintf("%06d", i+1); r.Index != uint64(i+1) || string(r.Ops[0].Args[1]) != want {
					t.Fatalf("record %d = index %d %q, want index %d %q", i, r.Index, r.Ops[0].Args[1], i+1, want)
				}
			}
		})
	}
}

func TestLogClosed(t *testing.T) {
	l := mustOpen(t, t.TempDir(), Options{})
	p := l.Append(testOps(1))
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if err := p.Wait(); err != nil {
		t.Errorf("a record appended before Close: Wait = %v", err)
	}
	if err := l.Close(); err != nil {
		t.Errorf("second Close = %v", err)
	}
	if err := l.Append(testOps(2)).Wait(); !errors.Is(err, ErrClosed) {
		t.Errorf("Append after Close = %v, want ErrClosed", err)
	}
	if err := l.Sync(); !errors.Is(err, ErrClosed) {
		t.Errorf("Sync after Close = %v, want ErrClosed", err)
	}
	if err := l.Replay(func(uint64, []Op) error { return nil }); !errors.Is(err, ErrClosed) {
		t.Errorf("Replay after Close = %v, want ErrClosed", err)
	}
}

func TestReplayAfterAppendFails(t *testing.T) {
	l := mustOpen(t, t.TempDir(), Options{})
	defer l.Close()
	l.Append(testOps(1)).Wait()
	if err := l.Replay(func(uint64, []Op) error { return nil }); err == nil {
		t.Error("Replay after Append succeeded")
	}
}

func TestReplayStopsAtCallbackError(t *testing.T) {
	dir := t.TempDir()
	writeLog(t, dir, Options{}, 5)
	l := mustOpen(t, dir, Options{})
	defer l.Close()
	stop := errors.New("stop")
	calls := 0
	err := l.Replay(func(index uint64, _ []Op) error {
		calls++
		if index == 3 {
			return stop
		}
		return nil
	})
	if err != stop || calls != 3 {
		t.Errorf("Replay = %v after %d calls, want %v after 3", err, calls, stop)
	}
}

func TestAppendRejectsNegativeDB(t *testing.T) {
	l := mustOpen(t, t.TempDir(), Options{})
	defer l.Close()
	if err := l.Append([]Op{{DB: -1, Args: [][]byte{[]byte("PING")}}}).Wait(); err == nil {
		t.Error("Append with DB -1 succeeded")
	}
	if err := l.Err(); err != nil {
		t.Errorf("a rejected Append failed the log: %v", err)
	}
	if got := l.NextIndex(); got != 1 {
		t.Errorf("NextIndex = %d after a rejected Append, want 1", got)
	}
}

func TestSyncWritesAndSyncsEverything(t *testing.T) {
	dir := t.TempDir()
	l := mustOpen(t, dir, Options{Fsync: No})
	for i := 0; i < 10; i++ {
		l.Append(testOps(i)) // not waited for: Sync must cover them
	}
	if err := l.Sync(); err != nil {
		t.Fatal(err)
	}
	st := l.Stats()
	if st.LastIndex != 10 || st.Syncs != 1 || st.LastSync.IsZero() {
		t.Errorf("Stats after Sync = %+v, want LastIndex 10 and one fsync", st)
	}
	l.Close()
}

func TestOpenRejectsBadOptions(t *testing.T) {
	for _, opts := range []Options{{Fsync: Policy(7)}, {SegmentSize: -1}} {
		if l, err := Open(t.TempDir(), opts); err == nil {
			l.Close()
			t.Errorf("Open(%+v) succeeded", opts)
		}
	}
}

func TestSetPolicy(t *testing.T) {
	l := mustOpen(t, t.TempDir(), Options{Fsync: No})
	defer l.Close()
	l.Append(testOps(1)).Wait()
	if st := l.Stats(); st.Syncs != 0 {
		t.Fatalf("policy no: %d fsyncs", st.Syncs)
	}
	l.SetPolicy(Always)
	l.SetPolicy(Policy(42)) // ignored
	if err := l.Append(testOps(2)).Wait(); err != nil {
		t.Fatal(err)
	}
	if st := l.Stats(); st.Policy != Always || st.Syncs != 1 {
		t.Errorf("after SetPolicy(Always): Stats = %+v, want one fsync", st)
	}
}

// Tail covers every record appended so far: nil before the first, then
// the newest batch's Pending, done once that batch is written.
func TestTailCoversEveryAppend(t *testing.T) {
	l := mustOpen(t, t.TempDir(), Options{Fsync: Always})
	defer l.Close()
	if p := l.Tail(); p != nil {
		t.Fatalf("Tail of an empty log = %v, want nil", p)
	}
	first := l.Append([]Op{{Args: [][]byte{[]byte("SET"), []byte("a"), []byte("1")}}})
	if l.Tail() != first {
		t.Fatalf("Tail after one Append is not its Pending")
	}
	if err := first.Wait(); err != nil {
		t.Fatal(err)
	}
	second := l.Append([]Op{{Args: [][]byte{[]byte("SET"), []byte("b"), []byte("2")}}})
	if tail := l.Tail(); tail != second || tail == first {
		t.Fatalf("Tail after a second batch is not the newest Pending")
	}
	if err := l.Tail().Wait(); err != nil || !second.completed() {
		t.Fatalf("waiting for Tail: %v, newest batch done: %v", err, second.completed())
	}
}
