package broker

import (
	"strconv"
	"sync"
	"time"
)

// instantSamples is how many samples an instantaneous figure averages:
// Redis's STATS_METRIC_SAMPLES, taken at its cron's 10 Hz as the coarse
// clock ticks (clockTick), so a figure covers the last 1.6 s.
const instantSamples = 16

// instantMetric is one of INFO's instantaneous_* figures: the rate per
// second of a counter, averaged over its last samples, as Redis's
// trackInstantaneousMetric and getInstantaneousMetric compute it.
type instantMetric struct {
	mu        sync.Mutex
	lastAt    time.Time
	lastValue int64
	samples   [instantSamples]int64
	next      int
}

// sample records the counter's value at now.
func (m *instantMetric) sample(now time.Time, value int64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if !m.lastAt.IsZero() {
		// A counter that went down was reset (CONFIG RESETSTAT between
		// two samples): that interval counts as none.
		var perSec int64
		if ms := now.Sub(m.lastAt).Milliseconds(); ms > 0 && value >= m.lastValue {
			perSec = (value - m.lastValue) * 1000 / ms
		}
		m.samples[m.next] = perSec
		m.next = (m.next + 1) % instantSamples
	}
	m.lastAt, m.lastValue = now, value
}

// rate is the mean of the samples, per second.
func (m *instantMetric) rate() int64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	var sum int64
	for _, v := range m.samples {
		sum += v
	}
	return sum / instantSamples
}

// reset forgets every sample (CONFIG RESETSTAT).
func (m *instantMetric) reset() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.lastAt, m.lastValue, m.samples, m.next = time.Time{}, 0, [instantSamples]int64{}, 0
}

// instantRates are INFO stats' instantaneous_ops_per_sec,
// instantaneous_input_kbps and instantaneous_output_kbps.
type instantRates struct {
	ops, input, output instantMetric
}

// sample takes one sample of each counter; the clock goroutine calls it
// every tick.
func (r *instantRates) sample(now time.Time, st *stats) {
	r.ops.sample(now, st.totalCommands.Load())
	r.input.sample(now, st.netInput.Load())
	r.output.sample(now, st.netOutput.Load())
}

func (r *instantRates) reset() {
	r.ops.reset()
	r.input.reset()
	r.output.reset()
}

// kbps formats a bytes-per-second rate as Redis's "%.2f" of KiB/s.
func kbps(bytesPerSec int64) string {
	return strconv.FormatFloat(float64(bytesPerSec)/1024, 'f', 2, 64)
}
