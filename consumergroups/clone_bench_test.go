package consumergroups

import (
	"strconv"
	"testing"

	"github.com/brokerd/brokerd/streams"
)

func benchPEL() *idSet[pendingEntry] {
	s := newIDSet[pendingEntry]()
	for i := 1; i <= 1_000_000; i++ {
		s.Insert(pendingEntry{id: streams.ID{Ms: uint64(i)}, deliveryTime: int64(i), deliveries: 1})
	}
	return s
}

// BenchmarkPELClone clones a PEL of 1,000,000 pending entries, as
// Set.Clone does for a group's PEL when a snapshot copies its stream.
func BenchmarkPELClone(b *testing.B) {
	s := benchPEL()
	var sink *idSet[pendingEntry]
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		sink = s.Clone()
	}
	_ = sink
}

// BenchmarkPELCloneThenWork clones a 1,000,000-entry PEL and then works
// the original as a consumer does: 100 deliveries at the end, 100
// acknowledgements at the front and 100 redeliveries (Get) in between.
func BenchmarkPELCloneThenWork(b *testing.B) {
	s := benchPEL()
	next, front := uint64(1_000_001), uint64(1)
	var sink *idSet[pendingEntry]
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		sink = s.Clone()
		for j := 0; j < 100; j++ {
			s.Insert(pendingEntry{id: streams.ID{Ms: next}, deliveries: 1})
			next++
			s.Delete(streams.ID{Ms: front})
			front++
			if p := s.Get(streams.ID{Ms: front + uint64(j)*5000}); p != nil {
				p.deliveries++
			}
		}
	}
	_ = sink
}

// BenchmarkPELDeliverAck is a PEL's hot path with no clone: one
// delivery, one redelivery (Get) and one acknowledgement per op, with
// 10,000 entries pending.
func BenchmarkPELDeliverAck(b *testing.B) {
	s := newIDSet[pendingEntry]()
	const window = 10_000
	for i := 1; i <= window; i++ {
		s.Insert(pendingEntry{id: streams.ID{Ms: uint64(i)}, deliveries: 1})
	}
	next := uint64(window + 1)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		s.Insert(pendingEntry{id: streams.ID{Ms: next}, deliveries: 1})
		if p := s.Get(streams.ID{Ms: next - window/2}); p != nil {
			p.deliveries++
		}
		s.Delete(streams.ID{Ms: next - window})
		next++
	}
}

// BenchmarkRewritePendingStream rewrites (as a snapshot does) a stream
// of 100,000 entries, all pending in one group: the work and garbage of
// gathering the pending IDs that are no longer entries.
func BenchmarkRewritePendingStream(b *testing.B) {
	x := newTester(&testing.T{})
	for i := 1; i <= 100_000; i++ {
		x.do("XADD s " + strconv.Itoa(i) + "-0 f v")
	}
	x.do("XGROUP CREATE s g 0")
	x.do("XREADGROUP GROUP g c STREAMS s >")
	s := x.store.DB(0).Lookup([]byte("s")).(*streams.Stream)
	emit := func(args ...[]byte) {}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		s.Rewrite([]byte("s"), emit)
	}
}
