package streams

import (
	"strconv"
	"testing"
)

// BenchmarkStreamCloneThenAppend clones a 1,000,000-entry stream (as a
// snapshot's copy, or a writer saving the pre-image, does) and appends
// 100 entries to the original: the cost of a snapshot to a stream being
// written.
func BenchmarkStreamCloneThenAppend(b *testing.B) {
	s := New()
	pairs := [][]byte{[]byte("event"), nil, []byte("user"), nil, []byte("ts"), nil}
	next := ID{Ms: 1_700_000_000_000}
	add := func(i int) {
		pairs[1] = []byte("click-" + strconv.Itoa(1000+i%9000))
		pairs[3] = strconv.AppendInt(pairs[3][:0], int64(10_000_000+i%90_000_000), 10)
		pairs[5] = strconv.AppendUint(pairs[5][:0], next.Ms, 10)
		s.Append(next, pairs)
		next.Ms++
	}
	for i := 0; i < 1_000_000; i++ {
		add(i)
	}
	var sink any
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		sink = s.Clone()
		for j := 0; j < 100; j++ {
			add(j)
		}
	}
	_ = sink
}
