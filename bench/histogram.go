package bench

import (
	"math"
	"math/bits"
	"time"
)

// subBits sets the histogram's precision: each power-of-two range of
// values is split into 1<<subBits equal buckets, so a recorded value is
// known to within 1/(1<<subBits) of itself (0.8% at 7 bits) while a full
// range from 1 ns to 2^63 ns needs only 58*128 counters (58 KiB).
const subBits = 7

const (
	subCount  = 1 << subBits // buckets per power of two
	exactBelw = 2 * subCount // values below this are counted exactly
	numBucket = exactBelw + (64-subBits-1)*subCount
)

// Histogram is an HDR-style log-bucketed histogram of non-negative
// values (latencies in nanoseconds). Recording is O(1) and allocation
// free; quantiles are exact for values below 256 and otherwise within a
// relative error of 1/128. It is not safe for concurrent use: give each
// worker its own and Merge them.
type Histogram struct {
	counts   [numBucket]uint64
	n        uint64
	min, max int64
}

// NewHistogram returns an empty histogram.
func NewHistogram() *Histogram { return &Histogram{min: math.MaxInt64} }

// bucketOf maps v >= 0 to its bucket index.
func bucketOf(v int64) int {
	u := uint64(v)
	if u < exactBelw {
		return int(u)
	}
	shift := bits.Len64(u) - (subBits + 1) // >= 1
	top := u >> uint(shift)                // in [subCount, 2*subCount)
	return exactBelw + (shift-1)*subCount + int(top-subCount)
}

// bucketRange returns the smallest and largest value bucket i holds.
func bucketRange(i int) (lo, hi int64) {
	if i < exactBelw {
		return int64(i), int64(i)
	}
	shift := (i-exactBelw)/subCount + 1
	top := uint64((i-exactBelw)%subCount + subCount)
	l := top << uint(shift)
	return int64(l), int64(l + (1 << uint(shift)) - 1)
}

// Record adds one value; negative values count as 0.
func (h *Histogram) Record(v int64) {
	if v < 0 {
		v = 0
	}
	h.counts[bucketOf(v)]++
	h.n++
	if v < h.min {
		h.min = v
	}
	if v > h.max {
		h.max = v
	}
}

// RecordDuration adds a duration.
func (h *Histogram) RecordDuration(d time.Duration) { h.Record(int64(d)) }

// Merge adds every value recorded in o.
func (h *Histogram) Merge(o *Histogram) {
	if o.n == 0 {
		return
	}
	for i, c := range o.counts {
		h.counts[i] += c
	}
	h.n += o.n
	h.min = min(h.min, o.min)
	h.max = max(h.max, o.max)
}

// Count is the number of values recorded.
func (h *Histogram) Count() uint64 { return h.n }

// Max is the largest value recorded (0 when empty).
func (h *Histogram) Max() int64 {
	if h.n == 0 {
		return 0
	}
	return h.max
}

// Quantile returns the value at quantile q in [0, 1]: the value of rank
// ceil(q*n) (the nearest-rank definition), estimated by the midpoint of
// its bucket and clamped to the observed minimum and maximum. It returns
// 0 for an empty histogram.
func (h *Histogram) Quantile(q float64) int64 {
	if h.n == 0 {
		return 0
	}
	rank := uint64(math.Ceil(q * float64(h.n)))
	rank = max(rank, 1)
	rank = min(rank, h.n)
	var seen uint64
	for i, c := range h.counts {
		seen += c
		if seen >= rank {
			lo, hi := bucketRange(i)
			mid := lo + (hi-lo)/2
			return min(max(mid, h.min), h.max)
		}
	}
	return h.max
}

// QuantileDuration is Quantile for durations.
func (h *Histogram) QuantileDuration(q float64) time.Duration {
	return time.Duration(h.Quantile(q))
}
