package kv

import (
	"runtime"
	"strconv"
	"testing"

	"github.com/brokerd/brokerd/command"
)

// listHeapPerElement pushes n distinct jobs of size bytes onto one list,
// as RPUSH does, and returns the heap bytes the list retains per element.
// Redis 7.2 needs about 104 MB of RSS for 1,000,000 jobs of 100 bytes
// (PERFORMANCE.md).
func listHeapPerElement(n, size int) float64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	l := &List{}
	e := make([]byte, size)
	for i := range e {
		e[i] = 'j'
	}
	for i := 0; i < n; i++ {
		strconv.AppendInt(e[:0], int64(i), 36)
		l.grow(len(e))
		l.PushBack(e)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(l)
	return float64(after.HeapAlloc-before.HeapAlloc) / float64(n)
}

// TestListMemoryPerElement: a queue of small jobs costs no more memory
// than in Redis (no heap object per element).
func TestListMemoryPerElement(t *testing.T) {
	if got := listHeapPerElement(1_000_000, 100); got > 104 {
		t.Errorf("1M jobs of 100 bytes use %.1f heap bytes each, want <= 104 (Redis)", got)
	}
}

// BenchmarkListMemory reports the heap bytes per element for 1,000,000
// jobs of 100 bytes.
func BenchmarkListMemory(b *testing.B) {
	for i := 0; i < b.N; i++ {
		b.ReportMetric(listHeapPerElement(1_000_000, 100), "heapB/elem")
	}
}

func benchJob() []byte {
	e := make([]byte, 100)
	for i := range e {
		e[i] = 'j'
	}
	return e
}

func BenchmarkListPushBack(b *testing.B)  { benchPush(b, false) }
func BenchmarkListPushFront(b *testing.B) { benchPush(b, true) }

func benchPush(b *testing.B, front bool) {
	e := benchJob()
	l := &List{}
	b.ReportAllocs()
	b.SetBytes(int64(len(e)))
	for i := 0; i < b.N; i++ {
		l.grow(len(e))
		if front {
			l.PushFront(e)
		} else {
			l.PushBack(e)
		}
	}
}

// BenchmarkListQueue is a steady queue: push at the tail, pop at the head,
// with 1000 jobs waiting.
func BenchmarkListQueue(b *testing.B) {
	e := benchJob()
	l := &List{}
	for i := 0; i < 1000; i++ {
		l.grow(len(e))
		l.PushBack(e)
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(e)))
	for i := 0; i < b.N; i++ {
		l.grow(len(e))
		l.PushBack(e)
		l.PopFront()
	}
}

// BenchmarkListPopBack drains a long list from the tail.
func BenchmarkListPopBack(b *testing.B) {
	e := benchJob()
	l := &List{}
	for i := 0; i < b.N; i++ {
		l.grow(len(e))
		l.PushBack(e)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		l.PopBack()
	}
}

// BenchmarkListRPUSHLPOP runs the command handlers, replies included, on
// a queue that never empties (an empty list is deleted, which costs a key
// removal and insertion per round).
func BenchmarkListRPUSHLPOP(b *testing.B) {
	s := NewStore(1, Hooks{})
	out := command.NewReply(2)
	c := command.NewCtx(out, nil)
	c.DB, c.Keyspace = s.DB(0), s
	push := [][]byte{[]byte("RPUSH"), []byte("q"), benchJob()}
	pop := [][]byte{[]byte("LPOP"), []byte("q")}
	c.Args = push
	if err := rpush(c); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		c.Args = push
		if err := rpush(c); err != nil {
			b.Fatal(err)
		}
		c.Args = pop
		if err := lpop(c); err != nil {
			b.Fatal(err)
		}
		out.Reset()
	}
}

// BenchmarkListCloneThenPush is a snapshot's pre-image of a busy queue:
// clone a list of 100,000 jobs, then push 100 more onto the original.
// The clone shares the nodes, so it costs the node ring, not the jobs.
func BenchmarkListCloneThenPush(b *testing.B) {
	e := benchJob()
	l := &List{}
	for i := 0; i < 100_000; i++ {
		l.grow(len(e))
		l.PushFront(e)
	}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		c := l.Clone()
		for j := 0; j < 100; j++ {
			l.grow(len(e))
			l.PushFront(e)
		}
		for j := 0; j < 100; j++ {
			l.PopFront()
		}
		_ = c
	}
}
