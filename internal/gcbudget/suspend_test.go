package gcbudget

import (
	"math"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"testing"
	"time"
)

// stubMemory makes Suspend see avail bytes available and a cgroup limit
// of cgroup bytes (0: none), until the test ends.
func stubMemory(t *testing.T, avail, cgroup uint64) {
	t.Helper()
	prevAvail, prevCgroup := memAvailable, cgroupLimit
	t.Cleanup(func() { memAvailable, cgroupLimit = prevAvail, prevCgroup })
	memAvailable = func() (uint64, bool) { return avail, avail > 0 }
	cgroupLimit = func() (uint64, bool) { return cgroup, cgroup > 0 }
	prevGC := debugSetGCPercent(100)
	prevLimit := debug.SetMemoryLimit(math.MaxInt64)
	t.Cleanup(func() { debugSetGCPercent(prevGC); debug.SetMemoryLimit(prevLimit) })
}

// gcPercent reads the GC percent without changing it.
func gcPercent() int64 {
	s := []metrics.Sample{{Name: "/gc/gogc:percent"}}
	metrics.Read(s)
	return int64(s[0].Value.Uint64())
}

func TestSuspendTurnsCollectorOffUnderALimitAndRestores(t *testing.T) {
	stubMemory(t, 64<<30, 0) // far above the heap: the watcher stays quiet
	end1 := Suspend()
	end2 := Suspend() // a second load at the same time
	if got := debug.SetMemoryLimit(-1); got != 32<<30 {
		t.Fatalf("memory limit while suspended = %d, want half the 64 GiB available", got)
	}
	end1()
	if got := debugSetGCPercent(-1); got != -1 {
		t.Fatalf("GC percent with one suspension left = %d, want off", got)
	}
	end2()
	if got := debugSetGCPercent(100); got != 100 {
		t.Fatalf("GC percent after the last resume = %d, want the 100 before it", got)
	}
	if got := debug.SetMemoryLimit(-1); got != math.MaxInt64 {
		t.Fatalf("memory limit after the last resume = %d, want none", got)
	}

	debug.SetMemoryLimit(1 << 30) // GOMEMLIMIT=1GiB
	end := Suspend()
	if got := debug.SetMemoryLimit(-1); got != 1<<30 {
		t.Fatalf("memory limit suspended under GOMEMLIMIT = %d, want the lower 1 GiB kept", got)
	}
	end()
}

func TestSuspendBudgetsTheCgroupLimit(t *testing.T) {
	stubMemory(t, 64<<30, 8<<30) // a container's meminfo shows the host
	end := Suspend()
	defer end()
	if got := debug.SetMemoryLimit(-1); got != 4<<30 {
		t.Fatalf("memory limit in an 8 GiB cgroup = %d, want half of it", got)
	}
}

// A heap past three quarters of the budget brings the collector back at
// 400, so a load larger than the budget is not collected without end
// against the limit.
func TestSuspendCollectsAgainNearTheBudget(t *testing.T) {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	stubMemory(t, max(2*ms.HeapAlloc, 2*minLoadBudget), 0) // budget: the heap, or the floor
	keep := make([][]byte, 0, 64)
	end := Suspend()
	defer end()
	deadline := time.Now().Add(10 * time.Second)
	for gcPercent() != loadFallbackPercent {
		if time.Now().After(deadline) {
			t.Fatalf("GC percent = %d with the heap past the budget, want %d", gcPercent(), loadFallbackPercent)
		}
		keep = append(keep, make([]byte, 1<<20)) // grow the heap towards the budget
		if len(keep) == cap(keep) {
			keep = keep[:0]
		}
		runtime.Gosched()
	}
	if got := debug.SetMemoryLimit(-1); got != math.MaxInt64 {
		t.Fatalf("memory limit once collecting again = %d, want the one before", got)
	}
}

// Without a budget the load collects at 400 from the start, unless a
// higher percent was in force.
func TestSuspendWithoutABudget(t *testing.T) {
	for _, tc := range []struct {
		avail         uint64 // 0: unknown
		before, while int
	}{
		{0, 100, loadFallbackPercent},
		{minLoadBudget, 100, loadFallbackPercent}, // too little to spare
		{0, 800, 800},
	} {
		stubMemory(t, tc.avail, 0)
		debugSetGCPercent(tc.before)
		end := Suspend()
		if got := gcPercent(); got != int64(tc.while) {
			t.Errorf("GC percent %d suspended with %d bytes available = %d, want %d", tc.before, tc.avail, got, tc.while)
		}
		end()
	}
}

func TestSuspendKeepsTheUsersGOGC(t *testing.T) {
	t.Setenv("GOGC", "50")
	stubMemory(t, 64<<30, 0)
	debugSetGCPercent(50)
	end := Suspend()
	if got := gcPercent(); got != 50 {
		t.Fatalf("GC percent with GOGC=50 set = %d, want it kept", got)
	}
	end()
}

func TestParseMemAvailable(t *testing.T) {
	got, ok := parseMemAvailable([]byte("MemTotal:       24683584 kB\nMemFree:  1 kB\nMemAvailable:   24206608 kB\n"))
	if !ok || got != 24206608<<10 {
		t.Fatalf("parseMemAvailable = %d, %v; want %d", got, ok, uint64(24206608)<<10)
	}
	if _, ok := parseMemAvailable([]byte("MemTotal: 1 kB\n")); ok {
		t.Fatal("parseMemAvailable found a figure in meminfo without MemAvailable")
	}
}

func TestParseCgroupLimit(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want uint64
		ok   bool
	}{{"2147483648\n", 2 << 30, true}, {"max\n", 0, false}, {"9223372036854771712\n", 0, false}} {
		got, ok := parseCgroupLimit([]byte(tt.in))
		if got != tt.want || ok != tt.ok {
			t.Errorf("parseCgroupLimit(%q) = %d, %v; want %d, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}
