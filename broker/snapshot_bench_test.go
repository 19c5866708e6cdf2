package broker

import (
	"math/rand"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/brokerd/brokerd/kv"
)

// BenchmarkSnapshotWriters1M measures what a background snapshot of
// 1,000,000 string keys costs a writer that overwrites random keys
// throughout (looked up for write, then replaced, as SET does): the
// longest, the 99.9th- and the 99th-percentile time one write took, lock wait
// included, while the snapshot ran, and how long the snapshot took. Run
// with
//
//	go test ./broker -run '^$' -bench SnapshotWriters1M -benchtime 2x -count 3
func BenchmarkSnapshotWriters1M(b *testing.B) {
	const keys = 1_000_000
	s := benchServerWithKeys(b, keys)
	defer s.Close()
	db, val := s.store.DB(0), []byte("value-of-sixteen")
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		// The writer runs on its own goroutine from before the snapshot
		// starts until it ends: before, the start copied everything.
		stop, waitsc := make(chan struct{}), make(chan []time.Duration)
		go func() {
			rng := rand.New(rand.NewSource(1))
			var waits []time.Duration
			for {
				select {
				case <-stop:
					waitsc <- waits
					return
				default:
				}
				key := []byte("key:" + strconv.Itoa(rng.Intn(keys)))
				t0 := time.Now()
				s.mu.Lock()
				db.LookupWrite(key)
				db.Put(key, kv.NewString(val))
				s.mu.Unlock()
				waits = append(waits, time.Since(t0))
			}
		}()
		start := time.Now()
		if running := s.backgroundSnapshot(snapSave); running != "" {
			b.Fatal("busy")
		}
		s.waitIdle()
		close(stop)
		waits := <-waitsc
		took := time.Since(start)
		slices.Sort(waits)
		b.ReportMetric(float64(waits[len(waits)-1].Microseconds())/1000, "write-max-ms")
		b.ReportMetric(float64(waits[len(waits)*99/100].Microseconds())/1000, "write-p99-ms")
		b.ReportMetric(float64(waits[len(waits)*999/1000].Microseconds())/1000, "write-p999-ms")
		b.ReportMetric(float64(len(waits)), "writes")
		b.ReportMetric(float64(took.Milliseconds()), "snapshot-ms")
		b.ReportMetric(float64(s.snap.lastPause.Microseconds())/1000, "pause-ms")
	}
}

// BenchmarkSnapshotCopyHeld1M measures the copy's time under the keyspace
// lock for 1,000,000 string keys, per key (held-ns/key): what writers
// wait for in all. Between two steps of 1024 keys a writer overwrites 16
// random keys (looked up for write, then replaced, as SET does), so the
// copy meets keys saved before a change as it goes. Run with
//
//	go test ./broker -run '^$' -bench SnapshotCopyHeld1M -benchtime 1x -count 5
func BenchmarkSnapshotCopyHeld1M(b *testing.B) {
	const keys = 1_000_000
	s := benchServerWithKeys(b, keys)
	defer s.Close()
	db, val := s.store.DB(0), []byte("value-of-sixteen")
	rng := rand.New(rand.NewSource(1))
	s.snap.stepKeys = 1024
	s.snap.afterStep = func() {
		s.mu.Lock()
		for range 16 {
			key := []byte("key:" + strconv.Itoa(rng.Intn(keys)))
			db.LookupWrite(key)
			db.Put(key, kv.NewString(val))
		}
		s.mu.Unlock()
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if s.beginSnapshot(snapSave) != "" {
			b.Fatal("busy")
		}
		s.mu.RLock()
		img := s.captureLocked(snapSave)
		s.mu.RUnlock()
		err := s.writeSnapshot(img)
		s.finishSnapshot(img, err)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(img.held.Nanoseconds())/keys, "held-ns/key")
	}
}

// benchServerWithKeys starts a server whose database 0 holds n string
// keys "key:0".. of 16 bytes each.
func benchServerWithKeys(b *testing.B, n int) *Server {
	s, err := New(benchConfig(b.TempDir()))
	if err != nil {
		b.Fatal(err)
	}
	val := []byte("value-of-sixteen")
	s.mu.Lock()
	db := s.store.DB(0)
	for i := 0; i < n; i++ {
		db.Put([]byte("key:"+strconv.Itoa(i)), kv.NewString(val))
	}
	s.mu.Unlock()
	return s
}
