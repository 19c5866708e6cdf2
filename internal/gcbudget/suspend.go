package gcbudget

import (
	"bytes"
	"os"
	"runtime/debug"
	"runtime/metrics"
	"strconv"
	"sync"
	"time"
)

// suspended is the state of Suspend: how many suspensions are in force
// (tests run several servers, each loading, in one process), the GC
// percent and memory limit before the first of them, and the watcher.
var suspended struct {
	sync.Mutex
	count     int
	prevGC    int
	prevLimit int64
	stop      chan struct{} // closed to end the watcher; nil when none runs
}

const (
	// loadFallbackPercent is the GC percent of a load once its heap
	// nears the budget, or from the start when there is no budget: the
	// percent loads had before Suspend.
	loadFallbackPercent = 400
	// minLoadBudget: below this much memory to spare, collecting from the
	// start costs less than the risk.
	minLoadBudget = 64 << 20
	// watchInterval is how often the watcher reads the heap. A load
	// allocates well under 1 GB/s, so it overshoots by tens of MB at most,
	// inside the memory limit that backs it.
	watchInterval = 20 * time.Millisecond
)

// Suspend turns the collector off until the function it returns is
// called. A start-up load allocates mostly live data, so every collection
// during it marks the growing keyspace again for little garbage: at the
// 400 loads used before, collection was a third of the start-up CPU
// (2.27M keys from a snapshot and a log: 3.3-3.9 s, 2.4 s with the
// collector off, peak RSS unchanged; time from exec to the first PONG,
// three runs each).
//
// Garbage still accrues (a log replay pops what it pushed), so the heap
// is budgeted: half of the memory available, or of the cgroup's limit if
// lower. A watcher reads the heap every watchInterval and, once it passes
// three quarters of the budget, brings back the collector at 400; a
// memory limit at the budget backs the watcher up in between. A load
// larger than the budget then pays one collection of its heap at the
// switch, instead of a collector that runs without end against a limit
// below the live heap: building 512 MiB of small objects with 512 MiB
// available took 0.99-1.02 s, against 0.51-0.53 s at 400 throughout and
// 0.47-0.50 s with room to spare (a throwaway test, two rounds).
// Without a budget (no /proc/meminfo, or less than minLoadBudget), the
// percent is 400 from the start. A GOGC the user set is kept as it is,
// and a lower GOMEMLIMIT too. The percent and limit in force before the
// first Suspend come back after the last resume.
func Suspend() (resume func()) {
	suspended.Lock()
	defer suspended.Unlock()
	if os.Getenv("GOGC") != "" {
		return func() {}
	}
	if suspended.count == 0 {
		suspended.prevGC = debug.SetGCPercent(-1)
		suspended.prevLimit = debug.SetMemoryLimit(-1)
		budget, ok := loadBudget()
		if ok && budget >= minLoadBudget {
			limit := min(suspended.prevLimit, int64(min(budget, 1<<62)))
			debug.SetMemoryLimit(limit)
			suspended.stop = make(chan struct{})
			go watchHeap(limit/4*3, suspended.stop)
		} else {
			collectAtFallback()
		}
	}
	suspended.count++
	return func() {
		suspended.Lock()
		defer suspended.Unlock()
		suspended.count--
		if suspended.count > 0 {
			return
		}
		if suspended.stop != nil {
			close(suspended.stop)
			suspended.stop = nil
		}
		debug.SetGCPercent(suspended.prevGC)
		debug.SetMemoryLimit(suspended.prevLimit)
	}
}

// collectAtFallback brings the collector back at loadFallbackPercent (or
// the higher percent, or off, in force before) and the limit before.
// Caller holds suspended.
func collectAtFallback() {
	p := loadFallbackPercent
	if suspended.prevGC < 0 || suspended.prevGC > p {
		p = suspended.prevGC
	}
	debug.SetGCPercent(p)
	debug.SetMemoryLimit(suspended.prevLimit)
}

// watchHeap brings the collector back once the heap passes high, unless
// stop was closed first (checked under suspended, which resume closes it
// under).
func watchHeap(high int64, stop <-chan struct{}) {
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	every(watchInterval, stop, func() bool {
		metrics.Read(sample)
		if sample[0].Value.Kind() != metrics.KindUint64 || int64(sample[0].Value.Uint64()) < high {
			return false
		}
		suspended.Lock()
		defer suspended.Unlock()
		select {
		case <-stop:
		default:
			collectAtFallback()
		}
		return true
	})
}

// loadBudget is half the memory the load may use: of MemAvailable, or of
// the cgroup's memory limit when that is lower (a container's
// /proc/meminfo shows the host's).
func loadBudget() (uint64, bool) {
	avail, ok := memAvailable()
	if !ok {
		return 0, false
	}
	if limit, ok := cgroupLimit(); ok {
		avail = min(avail, limit)
	}
	return avail / 2, true
}

// memAvailable is the memory the system can give without swapping
// (Linux's MemAvailable); a variable so tests can replace it.
var memAvailable = func() (uint64, bool) {
	data, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		return 0, false
	}
	return parseMemAvailable(data)
}

// cgroupLimit is the memory limit of this process's cgroup, v2 or v1, if
// one is set; a variable so tests can replace it.
var cgroupLimit = func() (uint64, bool) {
	for _, path := range []string{"/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"} {
		if data, err := os.ReadFile(path); err == nil {
			return parseCgroupLimit(data)
		}
	}
	return 0, false
}

// parseCgroupLimit reads memory.max ("max" when unlimited) or
// memory.limit_in_bytes (a number near 2^63 when unlimited).
func parseCgroupLimit(data []byte) (uint64, bool) {
	n, err := strconv.ParseUint(string(bytes.TrimSpace(data)), 10, 64)
	if err != nil || n >= 1<<62 {
		return 0, false
	}
	return n, true
}

// parseMemAvailable reads the MemAvailable line of /proc/meminfo, in kB.
func parseMemAvailable(meminfo []byte) (uint64, bool) {
	for line := range bytes.Lines(meminfo) {
		rest, ok := bytes.CutPrefix(line, []byte("MemAvailable:"))
		if !ok {
			continue
		}
		kb, err := strconv.ParseUint(string(bytes.TrimSuffix(bytes.TrimSpace(rest), []byte(" kB"))), 10, 64)
		if err != nil {
			return 0, false
		}
		return kb << 10, true
	}
	return 0, false
}
