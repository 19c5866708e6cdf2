package kv

import (
	"math/rand"
	"strconv"
	"testing"
	"time"
)

// BenchmarkCaptureVisit1M measures the copy's work under the keyspace
// lock for 1,000,000 string keys while a writer overwrites random keys
// between its steps (16 per step of 256 keys, as SET does: looked up for
// write, then replaced): visit-ns/key is the time inside Visit per key
// of the capture, which is what writers wait for. Run with
//
//	go test ./kv -run '^$' -bench CaptureVisit1M -benchtime 1x -count 5
func BenchmarkCaptureVisit1M(b *testing.B) {
	const keys = 1_000_000
	s := NewStore(1, Hooks{})
	db := s.DB(0)
	val := []byte("value-of-sixteen")
	for i := 0; i < keys; i++ {
		db.Put([]byte("key:"+strconv.Itoa(i)), NewString(val))
	}
	var sink int
	visit := func(_ int, e Entry, _ bool) {
		if v, ok := e.Value.(*String); ok {
			sink += len(v.Bytes())
		}
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		rng := rand.New(rand.NewSource(1))
		c := s.BeginCapture()
		var held time.Duration
		for done := false; !done; {
			for w := 0; w < 16; w++ {
				key := []byte("key:" + strconv.Itoa(rng.Intn(keys)))
				db.LookupWrite(key)
				db.Put(key, NewString(val))
			}
			start := time.Now()
			done = c.Visit(256, visit)
			held += time.Since(start)
		}
		b.ReportMetric(float64(held.Nanoseconds())/keys, "visit-ns/key")
	}
	_ = sink
}
