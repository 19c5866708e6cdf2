package consumergroups

import (
	"math/rand"
	"runtime"
	"slices"
	"testing"

	"github.com/brokerd/brokerd/streams"
)

// TestIDSetMatchesModel drives the chunked set with random inserts and
// deletes (in order and out of order) against a sorted slice.
func TestIDSetMatchesModel(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	set := newIDSet[idItem]()
	var model []streams.ID
	for i := 0; i < 20000; i++ {
		id := streams.ID{Ms: uint64(rng.Intn(3000)), Seq: uint64(rng.Intn(3))}
		if i%7 == 0 {
			id = streams.ID{Ms: uint64(3000 + i)} // in-order append
		}
		j, found := slices.BinarySearchFunc(model, id, func(a, b streams.ID) int { return a.Compare(b) })
		if rng.Intn(3) == 0 {
			_, ok := set.Delete(id)
			if ok != found {
				t.Fatalf("Delete(%v) = %v, model has it: %v", id, ok, found)
			}
			if found {
				model = slices.Delete(model, j, j+1)
			}
			continue
		}
		set.Insert(idItem(id))
		if !found {
			model = slices.Insert(model, j, id)
		}
	}
	if set.Len() != len(model) {
		t.Fatalf("Len = %d, model %d", set.Len(), len(model))
	}
	var got []streams.ID
	set.Ascend(streams.ID{}, func(it *idItem) bool { got = append(got, streams.ID(*it)); return true })
	if !slices.Equal(got, model) {
		t.Fatalf("contents differ from the model")
	}
	from := model[len(model)/2]
	if first, ok := set.First(from); !ok || streams.ID(first) != from {
		t.Errorf("First(%v) = %v %v", from, first, ok)
	}
	clone := set.Clone()
	set.Delete(from)
	if clone.Get(from) == nil || clone.Len() != len(model) {
		t.Errorf("Clone shares state with the original")
	}
}

// TestPELHeapPerEntry measures the heap a pending entry costs: 1,000,000
// entries delivered in order to 10 consumers (Redis: ~90 bytes each).
// See the figure with go test ./consumergroups -run PELHeap -v; -short
// skips it (about a second).
func TestPELHeapPerEntry(t *testing.T) {
	if testing.Short() {
		t.Skip("measurement")
	}
	const n, consumers = 1_000_000, 10
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	g := newGroup("g", streams.ID{}, 0)
	cs := make([]*Consumer, consumers)
	for i := range cs {
		cs[i] = g.createConsumer([]byte{byte('a' + i)}, 0)
	}
	for i := 0; i < n; i++ {
		g.deliver(cs[i%consumers], streams.ID{Ms: 1_700_000_000_000 + uint64(i/16), Seq: uint64(i % 16)}, 1)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	perEntry := float64(after.HeapAlloc-before.HeapAlloc) / n
	t.Logf("%d pending entries over %d consumers: %.1f heap bytes per entry", n, consumers, perEntry)
	if perEntry > 90 {
		t.Errorf("a pending entry costs %.1f bytes, more than Redis's ~90", perEntry)
	}
	runtime.KeepAlive(g)
}
