package wal

import (
	"errors"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"testing/synctest"
	"time"
)

// TestGroupCommitBatchesWhileWriting holds the writer inside a write and
// checks that what is appended meanwhile becomes the next batch: one
// Pending, one write, one fsync, for all of it.
func TestGroupCommitBatchesWhileWriting(t *testing.T) {
	entered, release := make(chan struct{}), make(chan struct{})
	first := true
	opts := Options{Fsync: Always, Faults: &Faults{Write: func() error {
		if first {
			first = false
			entered <- struct{}{}
			<-release
		}
		return nil
	}}}
	dir := t.TempDir()
	l := mustOpen(t, dir, opts)
	p1 := l.Append(testOps(1))
	<-entered // the writer has taken batch 1 and is writing it
	p2 := l.Append(testOps(2))
	p3 := l.Append(testOps(3))
	p4 := l.Append(testOps(4))
	if p2 != p3 || p3 != p4 {
		t.Error("records appended during a write do not share one Pending")
	}
	if p1 == p2 {
		t.Error("the batch being written took records appended after it started")
	}
	select {
	case <-p2.Done():
		t.Fatal("batch 2 completed while batch 1 was still being written")
	default:
	}
	close(release)
	for _, p := range []*Pending{p1, p2, p3, p4} {
		if err := p.Wait(); err != nil {
			t.Fatal(err)
		}
	}
	if st := l.Stats(); st.Syncs != 2 || st.LastIndex != 4 {
		t.Errorf("Stats = %+v, want 2 fsyncs for 2 batches and LastIndex 4", st)
	}
	l.Close()
}

// TestWaitWritesItsOwnBatch checks who writes: a Wait that finds the
// commit token free writes the batch on its own goroutine, with no
// handover to the writer goroutine; a Wait that finds it busy gets its
// record written once the holder is done; a record nobody waits for is
// written by the writer goroutine.
func TestWaitWritesItsOwnBatch(t *testing.T) {
	var writers []string
	entered, release := make(chan struct{}), make(chan struct{})
	block := false
	opts := Options{Fsync: Always, Faults: &Faults{Write: func() error {
		buf := make([]byte, 64<<10)
		stack := string(buf[:runtime.Stack(buf, false)])
		if strings.Contains(stack, "runWriter") {
			writers = append(writers, "writer goroutine")
		} else {
			writers = append(writers, "waiter")
		}
		if block {
			block = false
			entered <- struct{}{}
			<-release
		}
		return nil
	}}}
	l := mustOpen(t, t.TempDir(), opts)
	defer l.Close()

	if err := l.Append(testOps(1)).Wait(); err != nil {
		t.Fatal(err)
	}
	block = true
	first := make(chan error)
	go func() { first <- l.Append(testOps(2)).Wait() }()
	<-entered // the first waiter holds the token, inside its write
	p := l.Append(testOps(3))
	waited := make(chan error)
	go func() { waited <- p.Wait() }()
	select {
	case <-p.Done():
		t.Fatal("record 3 was written while the token's holder was still writing record 2")
	case <-time.After(50 * time.Millisecond):
	}
	close(release)
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	if err := <-waited; err != nil {
		t.Fatal(err)
	}

	unwaited := l.Append(testOps(4))
	select {
	case <-unwaited.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("a record nobody waits for was not written")
	}
	// Record 3 goes to the writer goroutine, or to its own waiter if that
	// came to Wait only after the holder was done: either is right.
	if len(writers) != 4 || writers[0] != "waiter" || writers[1] != "waiter" || writers[3] != "writer goroutine" {
		t.Errorf("batches written by %q, want the waiters for 1 and 2 and the writer goroutine for 4", writers)
	}
	if st := l.Stats(); st.LastIndex != 4 || st.Syncs != 4 {
		t.Errorf("Stats = %+v, want LastIndex 4 after 4 fsyncs", st)
	}
}

func TestPolicyDecidesWhatWaitCovers(t *testing.T) {
	for _, tt := range []struct {
		policy Policy
		syncs  uint64
	}{{Always, 1}, {No, 0}} { // EverySec: TestEverySecSyncsOnlyWhenDirty
		t.Run(tt.policy.String(), func(t *testing.T) {
			l := mustOpen(t, t.TempDir(), Options{Fsync: tt.policy})
			defer l.Close()
			if err := l.Append(testOps(1)).Wait(); err != nil {
				t.Fatal(err)
			}
			if st := l.Stats(); st.Syncs != tt.syncs || st.LastIndex != 1 {
				t.Errorf("after Wait: Stats = %+v, want %d fsyncs", st, tt.syncs)
			}
		})
	}
}

func TestWriteFailureFailsBatchAndLog(t *testing.T) {
	for _, tt := range []struct {
		name   string
		faults func(error) *Faults
	}{
		{"write", func(err error) *Faults { return &Faults{Write: func() error { return err }} }},
		{"fsync", func(err error) *Faults { return &Faults{Sync: func() error { return err }} }},
	} {
		t.Run(tt.name+" fails", func(t *testing.T) {
			boom := errors.New("disk on fire")
			dir := t.TempDir()
			l := mustOpen(t, dir, Options{Fsync: Always, Faults: tt.faults(boom)})
			if err := l.Append(testOps(1)).Wait(); !errors.Is(err, boom) {
				t.Fatalf("Wait = %v, want %v", err, boom)
			}
			if err := l.Err(); !errors.Is(err, boom) {
				t.Errorf("Err = %v, want %v", err, boom)
			}
			p := l.Append(testOps(2))
			select {
			case <-p.Done():
			default:
				t.Fatal("Append on a failed log returned a Pending that is not done")
			}
			if err := p.Wait(); !errors.Is(err, boom) {
				t.Errorf("Append after failure: Wait = %v, want %v", err, boom)
			}
			if err := l.Sync(); !errors.Is(err, boom) {
				t.Errorf("Sync after failure = %v, want %v", err, boom)
			}
			if st := l.Stats(); !errors.Is(st.LastWriteErr, boom) {
				t.Errorf("Stats.LastWriteErr = %v", st.LastWriteErr)
			}
			if err := l.Close(); !errors.Is(err, boom) {
				t.Errorf("Close = %v, want %v", err, boom)
			}
			// The lock is released: the log can be opened again.
			l = mustOpen(t, dir, Options{})
			l.Close()
		})
	}
}

// TestEverySecSyncsOnlyWhenDirty runs the background fsync on synctest's
// fake clock, so that the ticker, not a measured time, decides the outcome.
func TestEverySecSyncsOnlyWhenDirty(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		l := mustOpen(t, t.TempDir(), Options{Fsync: EverySec})
		if err := l.Append(testOps(1)).Wait(); err != nil {
			t.Fatal(err)
		}
		synctest.Wait()
		if st := l.Stats(); st.Syncs != 0 {
			t.Fatalf("before the first tick: %d fsyncs", st.Syncs)
		}
		tick := func() {
			<-time.After(time.Second)
			synctest.Wait() // the syncer has done this tick's work
		}
		tick()
		if st := l.Stats(); st.Syncs != 1 {
			t.Fatalf("after a tick with a write: %d fsyncs, want 1", st.Syncs)
		}
		tick()
		tick()
		if st := l.Stats(); st.Syncs != 1 {
			t.Fatalf("after ticks without writes: %d fsyncs, want still 1", st.Syncs)
		}
		l.Append(testOps(2)).Wait()
		tick()
		if st := l.Stats(); st.Syncs != 2 {
			t.Fatalf("after another write and a tick: %d fsyncs, want 2", st.Syncs)
		}
		if err := l.Close(); err != nil {
			t.Fatal(err)
		}
	})
}

// TestTailFollowsSegments checks the tail mirror against the files
// tidwall/wal really creates, with records of many sizes.
func TestTailFollowsSegments(t *testing.T) {
	dir := t.TempDir()
	l := mustOpen(t, dir, Options{Fsync: No, SegmentSize: tinySegments})
	for i := 0; i < 200; i++ {
		var ps []*Pending
		for j := 0; j <= i%4; j++ { // one to four appends per wait
			ps = append(ps, l.Append(testOps(i*7+j)))
		}
		for _, p := range ps {
			if err := p.Wait(); err != nil {
				t.Fatal(err)
			}
		}
		segs := segmentFiles(t, dir)
		l.fs.Lock()
		tail := filepath.Base(l.fs.tail.Name())
		l.fs.Unlock()
		if want := segs[len(segs)-1]; tail != want {
			t.Fatalf("after batch %d: syncing %s, but the current segment is %s", i, tail, want)
		}
	}
	l.Close()
}
