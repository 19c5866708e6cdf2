package gcbudget

import (
	"log/slog"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"testing"
	"time"
)

func TestNextStaysInBandAndBounds(t *testing.T) {
	c := Default()
	steps := []struct {
		share float64
		want  int
	}{
		{0.07, 100}, // inside the band: unchanged
		{0.01, 80},  // cheap: a fifth less headroom
		{0.01, 64},
		{0.01, 51},
		{0.01, 40},
		{0.01, 32},
		{0.01, 25}, // 25.6 rounds down to the floor
		{0.00, 25}, // never below Min
		{0.20, 37}, // expensive: half as much again
		{0.20, 55},
		{0.20, 82},
		{0.20, 100}, // never above Max
		{0.90, 100},
		{0.05, 100}, // the band's edges are inside it
		{0.10, 100},
	}
	for i, s := range steps {
		if got := c.Next(s.share); got != s.want {
			t.Fatalf("step %d: Next(%v) = %d, want %d", i, s.share, got, s.want)
		}
		if c.Percent() != s.want {
			t.Fatalf("step %d: Percent() = %d after Next returned %d", i, c.Percent(), s.want)
		}
	}
}

func TestNextRaisesFromSmallPercents(t *testing.T) {
	c := &Controller{Min: 1, Max: 10, Low: 0.05, High: 0.10, percent: 1}
	if got := c.Next(0.5); got != 2 {
		t.Fatalf("Next from 1 = %d, want 2 (3/2 of 1 rounds to 1, which would never rise)", got)
	}
}

func TestForGivesSmallHeapsHeadroom(t *testing.T) {
	c := &Controller{Min: 25, Max: 100, Headroom: 32 << 20, MaxPercent: 800, percent: 50}
	for _, tt := range []struct {
		live uint64
		want int
	}{
		{1 << 30, 50},   // a big heap: the controller's percent
		{64 << 20, 50},  // 32 MiB is exactly 50% of it
		{32 << 20, 100}, // grows by 32 MiB
		{8 << 20, 400},
		{1 << 20, 800}, // capped
		{0, 800},       // nothing live yet
	} {
		if got := c.For(tt.live); got != tt.want {
			t.Errorf("For(%d MiB live) = %d, want %d", tt.live>>20, got, tt.want)
		}
	}
	c.Headroom = 0
	if got := c.For(1 << 20); got != 50 {
		t.Errorf("without headroom, For = %d, want the controller's 50", got)
	}
}

func TestReadSeesCollections(t *testing.T) {
	samples := make([]metrics.Sample, len(metricNames))
	for i, name := range metricNames {
		samples[i].Name = name
	}
	before := read(samples)
	runtime.GC()
	after := read(samples)
	if after.cycles <= before.cycles {
		t.Fatalf("GC cycles did not advance over runtime.GC(): %d -> %d", before.cycles, after.cycles)
	}
	if after.used < before.used || after.gc < before.gc {
		t.Fatalf("cumulative CPU went backwards: %+v -> %+v", before, after)
	}
	if after.live == 0 {
		t.Fatal("no live heap read after a collection")
	}
	if after.gc > after.used {
		t.Fatalf("GC CPU %v above the CPU used %v", after.gc, after.used)
	}
}

func TestRunStopsAndAppliesPercent(t *testing.T) {
	defer debugSetGCPercent(debugSetGCPercent(100))
	c := Default()
	c.percent, c.Headroom = 70, 0
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		Run(c, 1, stop, slog.New(slog.DiscardHandler))
		close(done)
	}()
	close(stop)
	<-done
	if got := debugSetGCPercent(100); got != 70 {
		t.Fatalf("GC percent after Run = %d, want the controller's 70", got)
	}
}

var debugSetGCPercent = debug.SetGCPercent

var sink [][]byte

func TestRunReturnsFreeHeapWhenQuiet(t *testing.T) {
	defer debugSetGCPercent(debugSetGCPercent(100))
	released := []metrics.Sample{{Name: "/memory/classes/heap/released:bytes"}}
	readReleased := func() uint64 {
		metrics.Read(released)
		return released[0].Value.Uint64()
	}
	// 64 MB of garbage, collected but (with the scavenger's pace) still
	// held from the OS.
	for range 64 {
		sink = append(sink, make([]byte, 1<<20))
	}
	sink = nil
	runtime.GC()
	before := readReleased()

	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		Run(Default(), time.Millisecond, stop, slog.New(slog.DiscardHandler))
		close(done)
	}()
	defer func() { close(stop); <-done }()
	deadline := time.Now().Add(10 * time.Second)
	for readReleased() < before+32<<20 {
		if time.Now().After(deadline) {
			t.Fatalf("released heap went from %d to %d bytes: the quiet process kept its free heap", before, readReleased())
		}
		runtime.Gosched()
	}
}
