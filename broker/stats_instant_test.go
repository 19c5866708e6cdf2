package broker

import (
	"testing"
	"time"
)

// TestInstantMetric follows Redis's trackInstantaneousMetric: each sample
// is the rate since the previous one, and the figure is the mean of the
// last 16 samples, zeros included until 16 were taken.
func TestInstantMetric(t *testing.T) {
	var m instantMetric
	t0 := time.Unix(1000, 0)
	m.sample(t0, 500) // the first sample only sets the base
	if got := m.rate(); got != 0 {
		t.Fatalf("rate after one sample = %d, want 0", got)
	}
	// 1,600 commands in each 100 ms: 16,000 a second, one sample of 16.
	m.sample(t0.Add(100*time.Millisecond), 2100)
	if got := m.rate(); got != 16000/16 {
		t.Errorf("rate after one interval = %d, want %d", got, 16000/16)
	}
	for i := 2; i <= 20; i++ {
		m.sample(t0.Add(time.Duration(i)*100*time.Millisecond), 500+int64(i)*1600)
	}
	if got := m.rate(); got != 16000 {
		t.Errorf("rate after 20 intervals = %d, want 16000", got)
	}
	// A tick that came late counts over its real length.
	m.sample(t0.Add(2200*time.Millisecond), 500+20*1600+3200)
	if got := m.rate(); got != 16000 {
		t.Errorf("rate after a 200 ms tick = %d, want 16000", got)
	}
	// The counters reset between two samples: no negative rate.
	var r instantMetric
	r.sample(t0, 5000)
	r.sample(t0.Add(100*time.Millisecond), 10)
	if got := r.rate(); got != 0 {
		t.Errorf("rate across a counter reset = %d, want 0", got)
	}
	m.reset()
	if got := m.rate(); got != 0 {
		t.Errorf("rate after reset = %d, want 0", got)
	}
	if kbps(2048) != "2.00" || kbps(0) != "0.00" || kbps(1536) != "1.50" {
		t.Errorf("kbps: %s %s %s", kbps(2048), kbps(0), kbps(1536))
	}
}
