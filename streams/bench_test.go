package streams

import (
	"fmt"
	"runtime"
	"strconv"
	"testing"

	"github.com/brokerd/brokerd/command"
)

// arenaSink copies effects as the broker's effect buffer does, and
// forgets them every so often, so benchmarks pay the logging copy.
type arenaSink struct{ arena []byte }

func (a *arenaSink) Emit(db int, args [][]byte) {
	if len(a.arena) > 1<<20 {
		a.arena = a.arena[:0]
	}
	for _, x := range args {
		a.arena = append(a.arena, x...)
	}
}

// benchCtx is a handler context over the fake keyspace with a clock that
// moves one millisecond every 64 calls, as a busy server's would.
func benchCtx() (*command.Ctx, *fakeStore) {
	calls := int64(0)
	store := newFakeStore(func() int64 { calls++; return 1_700_000_000_000 + calls/64 })
	c := command.NewCtx(command.NewReply(2), &arenaSink{})
	c.DB, c.Keyspace = store.DB(0), store
	return c, store
}

// xaddArgs is the shape the memory target names: event (10 bytes), user
// (8 digits), ts (13 digits).
func xaddArgs(i int) [][]byte {
	return [][]byte{[]byte("XADD"), []byte("s"), []byte("*"),
		[]byte("event"), []byte(fmt.Sprintf("click-%04d", i%10000)),
		[]byte("user"), []byte(strconv.Itoa(10_000_000 + i%90_000_000)),
		[]byte("ts"), []byte(strconv.FormatInt(1_700_000_000_000+int64(i), 10))}
}

func BenchmarkXADD(b *testing.B) { benchXAdd(b, xaddArgs) }

func BenchmarkXADDMaxLenApprox(b *testing.B) {
	benchXAdd(b, func(i int) [][]byte {
		return append([][]byte{[]byte("XADD"), []byte("s"), []byte("MAXLEN"), []byte("~"), []byte("1000")},
			xaddArgs(i)[2:]...)
	})
}

// benchXAdd runs XADD through its handler with 1024 prepared commands.
func benchXAdd(b *testing.B, argsFor func(i int) [][]byte) {
	c, _ := benchCtx()
	args := make([][][]byte, 1024)
	for i := range args {
		args[i] = argsFor(i)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		c.Out.Reset()
		c.Args = args[i%len(args)]
		if err := xadd(c); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkXRANGE100(b *testing.B) {
	c, _ := benchCtx()
	for i := 0; i < 100_000; i++ {
		c.Args = xaddArgs(i)
		if err := xadd(c); err != nil {
			b.Fatal(err)
		}
	}
	s := c.DB.Lookup([]byte("s")).(*Stream)
	starts := make([][]byte, 512)
	for i := range starts {
		it := s.Range(ID{1_700_000_000_000 + uint64(i*3), 0}, MaxID, false)
		e, _ := it.Next()
		starts[i] = []byte(e.ID.String())
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		c.Out.Reset()
		c.Args = [][]byte{[]byte("XRANGE"), []byte("s"), starts[i%len(starts)], []byte("+"), []byte("COUNT"), []byte("100")}
		if err := xrange(c); err != nil {
			b.Fatal(err)
		}
	}
}

// heapPerEntry adds n entries of the target shape through XADD and
// returns the live heap growth per entry, measured after GC.
func heapPerEntry(n int) float64 {
	c, store := benchCtx()
	c.SetSink(nil)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	for i := 0; i < n; i++ {
		c.Out.Reset()
		c.Args = xaddArgs(i)
		if err := xadd(c); err != nil {
			panic(err)
		}
	}
	c.Args, c.Out = nil, nil
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(store)
	return float64(after.HeapAlloc-before.HeapAlloc) / float64(n)
}

// BenchmarkMemory1MEntries reports heap bytes per entry for 1,000,000
// XADDs of three fields (Redis: about 41 bytes per entry).
func BenchmarkMemory1MEntries(b *testing.B) {
	for i := 0; i < b.N; i++ {
		b.ReportMetric(heapPerEntry(1_000_000), "heap-B/entry")
	}
}

// TestMemoryPerEntry keeps storage compact: 100,000 entries of the
// target shape must cost less than Redis's 41 bytes each.
func TestMemoryPerEntry(t *testing.T) {
	if testing.Short() {
		t.Skip("allocates 100,000 entries")
	}
	if got := heapPerEntry(100_000); got > 41 {
		t.Fatalf("%.1f heap bytes per entry, want at most 41", got)
	}
}
