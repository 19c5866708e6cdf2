// Package gcbudget owns the process's GC percent. It spends a bounded
// share of the process's CPU on garbage collection and turns the rest of
// Go's default headroom back into memory.
//
// Go's default (GOGC=100) lets the heap grow to twice what is live before
// it collects. For brokerd's big values that is pure overhead: a stream's
// blocks and a list's chunks are byte slices without pointers, so marking
// them is nearly free and collecting more often costs little CPU, while the
// headroom doubles the resident memory of a million queued jobs. For a heap
// of a million small string keys the opposite holds: marking is expensive
// and a low GOGC costs a third of the throughput (measured: SET at
// pipeline 16 0.68x with GOGC=25). No fixed GOGC suits both, so the
// controller measures what collection costs and picks the GC percent: lower
// while GC takes less than Low of the CPU the process uses, higher when it
// takes more than High, always within [Min, Max].
//
// A small heap gets at least Headroom bytes of growth between collections
// whatever the percent says. A queue whose live heap is a few MB collects
// every few MB allocated at GOGC 100, and each cycle's fixed costs (its
// phases, scanning every connection's stack) add up: the stream queue
// spent 26% less CPU per message at GOGC 400. Headroom bounds that extra
// memory in bytes, which a small heap can afford, while a large heap keeps
// the controller's percent.
package gcbudget

import (
	"log/slog"
	"runtime/debug"
	"runtime/metrics"
	"time"
)

// Controller decides the GC percent from the GC's share of CPU. The zero
// value is not usable; start from Default.
type Controller struct {
	Min, Max  int     // bounds of the GC percent
	Low, High float64 // band of the GC's share of used CPU
	// Headroom is the heap growth allowed between collections however
	// small the live heap, up to MaxPercent.
	Headroom   uint64
	MaxPercent int
	percent    int
}

// Default starts at Go's own GC percent and may go down to 25 (the heap
// grows by a quarter of what is live between collections) while the GC
// takes under 5% of the CPU the process uses, and back up to 100 above 10%.
// A heap may always grow by 32 MiB, up to a GC percent of 800 (which
// makes Go's own minimum heap, 4 MiB at GOGC 100, 32 MiB too).
func Default() *Controller {
	return &Controller{Min: 25, Max: 100, Low: 0.05, High: 0.10, Headroom: 32 << 20, MaxPercent: 800, percent: 100}
}

// Percent is the GC percent the controller last chose.
func (c *Controller) Percent() int { return c.percent }

// For returns the GC percent to use with live bytes of live heap: the
// controller's, or more if that would give the heap less than Headroom to
// grow by.
func (c *Controller) For(live uint64) int {
	if c.Headroom == 0 {
		return c.percent
	}
	floor := uint64(c.MaxPercent)
	if live > 0 {
		floor = min(floor, c.Headroom*100/live)
	}
	return max(c.percent, int(floor))
}

// Next returns the GC percent for the next period, given the GC's share of
// the CPU the process used in the last one. It moves by a fifth down and
// by half up, so that a rising cost is answered faster than memory is
// reclaimed.
func (c *Controller) Next(share float64) int {
	switch {
	case share > c.High:
		c.percent = min(c.Max, max(c.percent+1, c.percent*3/2))
	case share < c.Low:
		c.percent = max(c.Min, c.percent*4/5)
	}
	return c.percent
}

var metricNames = []string{
	"/cpu/classes/gc/total:cpu-seconds",
	"/cpu/classes/gc/mark/idle:cpu-seconds",
	"/cpu/classes/total:cpu-seconds",
	"/cpu/classes/idle:cpu-seconds",
	"/gc/cycles/total:gc-cycles",
	"/gc/heap/allocs:bytes",
	"/memory/classes/heap/free:bytes",
	"/gc/heap/live:bytes",
}

// sample is the runtime's cumulative accounting at one moment.
type sample struct {
	gc, used float64 // CPU seconds: spent collecting, spent running at all
	cycles   uint64  // completed GC cycles
	allocs   uint64  // bytes ever allocated on the heap
	free     uint64  // heap bytes free and still held from the OS
	live     uint64  // heap bytes marked live by the last collection
}

// read reads the runtime's metrics. Marking done by otherwise idle
// processors is left out of both CPU figures: it only uses time nothing
// else wanted.
func read(samples []metrics.Sample) sample {
	metrics.Read(samples)
	f := func(i int) float64 {
		if samples[i].Value.Kind() == metrics.KindFloat64 {
			return samples[i].Value.Float64()
		}
		return 0
	}
	u := func(i int) uint64 {
		if samples[i].Value.Kind() == metrics.KindUint64 {
			return samples[i].Value.Uint64()
		}
		return 0
	}
	gc, idleMark, total, idle := f(0), f(1), f(2), f(3)
	return sample{gc: gc - idleMark, used: total - idle - idleMark, cycles: u(4), allocs: u(5), free: u(6), live: u(7)}
}

// minUsedCPU is how much CPU a period must have used before it is judged:
// the share of an almost idle process says nothing about the cost of
// collecting under load.
const minUsedCPU = 0.02

// A server is quiet when it allocated less than quietAllocs in one
// interval; then, if more than releaseMin of the heap is free, it is handed
// back to the OS at once rather than over the minutes the runtime's
// background scavenger takes (jemalloc's decay does the same for Redis).
// Once per burst of activity: the release costs a collection.
const (
	quietAllocs = 256 << 10
	releaseMin  = 4 << 20
)

// Run adjusts the GC percent every interval until stop is closed, deciding
// only after at least one collection finished (the runtime updates its CPU
// accounting when a cycle ends), and returns free memory to the OS when the
// server goes quiet.
func Run(c *Controller, interval time.Duration, stop <-chan struct{}, logger *slog.Logger) {
	samples := make([]metrics.Sample, len(metricNames))
	for i, name := range metricNames {
		samples[i].Name = name
	}
	last := read(samples)
	applied := c.For(last.live)
	debug.SetGCPercent(applied)
	prevAllocs, released := last.allocs, false
	every(interval, stop, func() bool {
		now := read(samples)
		quiet := now.allocs-prevAllocs < quietAllocs
		prevAllocs = now.allocs
		switch {
		case !quiet:
			released = false
		case !released && now.free > releaseMin:
			debug.FreeOSMemory()
			released = true
			logger.Debug("returned free heap to the OS", "bytes", now.free)
		}
		if used := now.used - last.used; now.cycles != last.cycles && used >= minUsedCPU {
			// The GC's share says something about the controller's
			// percent only if that was the one in force, not the
			// headroom floor's.
			if applied == c.percent {
				c.Next((now.gc - last.gc) / used)
			}
			last = now
		}
		if p := c.For(now.live); p != applied {
			debug.SetGCPercent(p)
			logger.Debug("gc percent", "from", applied, "to", p, "live_bytes", now.live, "controller", c.percent)
			applied = p
		}
		return false
	})
}

// every calls f every interval until stop is closed or f reports that it
// is done.
func every(interval time.Duration, stop <-chan struct{}, f func() (done bool)) {
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		select {
		case <-stop:
			return
		case <-tick.C:
		}
		if f() {
			return
		}
	}
}
