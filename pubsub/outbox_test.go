package pubsub

import (
	"bytes"
	"io"
	"sync"
	"testing"
	"time"
)

// gate is a writer that holds writes until released, standing in for a
// subscriber that does not read; wrote gets each write's length.
type gate struct {
	mu      sync.Mutex
	buf     bytes.Buffer
	release chan struct{}
	wrote   chan int
}

func newGate() *gate { return &gate{release: make(chan struct{}), wrote: make(chan int, 1024)} }

func (g *gate) Write(p []byte) (int, error) {
	<-g.release
	g.mu.Lock()
	defer g.mu.Unlock()
	g.wrote <- len(p)
	return g.buf.Write(p)
}

func (g *gate) String() string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.buf.String()
}

func TestOutboxDeliversInOrder(t *testing.T) {
	g := newGate()
	close(g.release)
	o := NewOutbox(g, func() Limits { return DefaultLimits }, func() { t.Error("overflow") })
	go o.Run()
	var want bytes.Buffer
	for i := range 1000 {
		f := []byte{byte('a' + i%26)}
		want.Write(f)
		o.Deliver(f)
	}
	for n := 0; n < want.Len(); {
		n += <-g.wrote
	}
	if g.String() != want.String() {
		t.Fatalf("wrote %q, want %q", g.String(), want.String())
	}
	o.Close()
	o.Wait()
}

func TestOutboxHardLimit(t *testing.T) {
	g := newGate()
	overflowed := make(chan struct{})
	o := NewOutbox(g, func() Limits { return Limits{Hard: 1000} }, func() { close(overflowed) })
	go o.Run()
	for range 200 {
		o.Deliver(make([]byte, 10)) // the first write blocks in the gate; the rest queue
	}
	<-overflowed
	if n := o.Len(); n > 1000 {
		t.Fatalf("closed outbox still holds %d bytes", n)
	}
	close(g.release)
	o.Wait()
}

func TestOutboxSoftLimitNeedsToLast(t *testing.T) {
	now := time.Now()
	o := &Outbox{limits: func() Limits { return Limits{Soft: 10, SoftFor: time.Minute} }}
	o.pending = make([]byte, 20)
	if o.overLimit(now) || o.overLimit(now.Add(59*time.Second)) {
		t.Fatal("over the soft limit for less than its time is allowed")
	}
	if !o.overLimit(now.Add(61 * time.Second)) {
		t.Fatal("over the soft limit for longer than its time must disconnect")
	}
	o.pending = o.pending[:5]
	if o.overLimit(now.Add(2*time.Minute)) || !o.softSince.IsZero() {
		t.Fatal("dropping under the soft limit resets its clock")
	}
}

func TestOutboxStopsOnWriteError(t *testing.T) {
	o := NewOutbox(failingWriter{}, func() Limits { return DefaultLimits }, func() {})
	go o.Run()
	o.Deliver([]byte("x"))
	o.Wait()
	o.Deliver([]byte("y")) // dropped, never blocks
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, io.ErrClosedPipe }
