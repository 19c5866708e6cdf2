package wal

import (
	"errors"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"
)

// switchFault is a fault that can be turned on and off while the log
// runs; partial, when set, appends bytes to the tail segment before the
// failure, as a write(2) that wrote part of a batch would.
type switchFault struct {
	mu      sync.Mutex
	err     error
	partial func()
}

func (f *switchFault) set(err error, partial func()) {
	f.mu.Lock()
	f.err, f.partial = err, partial
	f.mu.Unlock()
}

func (f *switchFault) fail() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil && f.partial != nil {
		f.partial()
	}
	return f.err
}

// waitRecovered polls until the log has cleared its failure.
func waitRecovered(t *testing.T, l *Log) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for l.Err() != nil {
		if time.Now().After(deadline) {
			t.Fatalf("the log did not recover: %v", l.Err())
		}
		<-time.After(5 * time.Millisecond)
	}
}

// TestLogRecoversAfterFailure fails writes or fsyncs for a while, then
// lets them succeed: the log must clear its failure by itself, never
// acknowledge a record whose write failed, and end up holding every
// record appended, acknowledged or not, exactly once and in order (the
// keyspace holds their effects).
func TestLogRecoversAfterFailure(t *testing.T) {
	for _, tt := range []struct {
		name   string
		policy Policy
		which  string // "write" or "sync"
		torn   bool   // the failing write leaves part of a record behind
	}{
		{"write fails", Always, "write", false},
		{"write fails after writing part", Always, "write", true},
		{"write fails, everysec", EverySec, "write", true},
		{"fsync fails", Always, "sync", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var f switchFault
			faults := &Faults{}
			if tt.which == "write" {
				faults.Write = f.fail
			} else {
				faults.Sync = f.fail
			}
			dir := t.TempDir()
			opts := Options{Fsync: tt.policy, SegmentSize: tinySegments, RetryInterval: time.Millisecond, Faults: faults}
			l := mustOpen(t, dir, opts)
			want := appendAll(t, l, 0, 10) // acknowledged before the fault

			var partial func()
			if tt.torn {
				partial = func() {
					l.fs.Lock()
					name := l.fs.tail.Name()
					l.fs.Unlock()
					fh, err := os.OpenFile(name, os.O_WRONLY|os.O_APPEND, 0)
					if err == nil {
						fh.Write([]byte{0x40, 1, 1, 9, 9}) // a length prefix and part of a record
						fh.Close()
					}
				}
			}
			boom := errors.New("no space left on device")
			f.set(boom, partial)
			for i := 10; i < 13; i++ {
				idx := l.NextIndex()
				if err := l.Append(testOps(i)).Wait(); !errors.Is(err, boom) {
					t.Fatalf("record %d: Wait = %v, want the failure", i, err)
				}
				want = append(want, record{idx, copyOps(testOps(i))})
			}
			if l.Err() == nil {
				t.Fatal("Err is nil while writes fail")
			}
			f.set(nil, nil)
			waitRecovered(t, l)
			want = append(want, appendAll(t, l, 13, 20)...)
			if err := l.Close(); err != nil {
				t.Fatal(err)
			}
			if st := l.Stats(); st.WriteErrors == 0 || st.LastWriteErr == nil {
				t.Errorf("Stats = %+v, want the failure counted", st)
			}
			l = mustOpen(t, dir, Options{SegmentSize: tinySegments})
			defer l.Close()
			checkRecords(t, replayAll(t, l), want)
		})
	}
}

// TestCloseRetriesAFailedLog: Close makes one more attempt, so records
// appended while failed are not lost when the disk is back by then.
func TestCloseRetriesAFailedLog(t *testing.T) {
	var f switchFault
	dir := t.TempDir()
	l := mustOpen(t, dir, Options{RetryInterval: time.Hour, Faults: &Faults{Write: f.fail}})
	want := appendAll(t, l, 0, 3)
	f.set(errors.New("EIO"), nil)
	idx := l.NextIndex()
	if err := l.Append(testOps(3)).Wait(); err == nil {
		t.Fatal("Wait succeeded during the fault")
	}
	want = append(want, record{idx, copyOps(testOps(3))})
	f.set(nil, nil)
	if err := l.Close(); err != nil {
		t.Fatalf("Close = %v", err)
	}
	l = mustOpen(t, dir, Options{})
	defer l.Close()
	checkRecords(t, replayAll(t, l), want)
}

// TestFailedLogStaysFailedWhileFaultLasts: retries against a disk that
// still fails keep the log failed and count the failures.
func TestFailedLogStaysFailedWhileFaultLasts(t *testing.T) {
	var f switchFault
	l := mustOpen(t, t.TempDir(), Options{RetryInterval: time.Millisecond, Faults: &Faults{Write: f.fail}})
	defer l.Close()
	f.set(fmt.Errorf("disk full"), nil)
	l.Append(testOps(1)).Wait()
	deadline := time.Now().Add(10 * time.Second)
	for l.Stats().WriteErrors < 3 {
		if time.Now().After(deadline) {
			t.Fatal("no retries")
		}
		<-time.After(time.Millisecond)
	}
	if l.Err() == nil {
		t.Fatal("the log recovered while writes still fail")
	}
	f.set(nil, nil)
	waitRecovered(t, l)
}
