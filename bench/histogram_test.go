package bench

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// reference is the nearest-rank quantile of sorted values.
func reference(sorted []int64, q float64) int64 {
	r := int(math.Ceil(q * float64(len(sorted))))
	r = min(max(r, 1), len(sorted))
	return sorted[r-1]
}

func TestHistogramQuantilesMatchSortedReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	tests := []struct {
		name string
		gen  func() int64
	}{
		{"small exact values", func() int64 { return rng.Int64N(256) }},
		{"uniform microseconds", func() int64 { return 1000 + rng.Int64N(1_000_000) }},
		{"log-normal latencies", func() int64 { return int64(math.Exp(rng.NormFloat64()*1.5 + 11)) }},
		{"bimodal with stalls", func() int64 {
			if rng.IntN(1000) == 0 {
				return 10_000_000 + rng.Int64N(20_000_000)
			}
			return 20_000 + rng.Int64N(30_000)
		}},
		{"huge values", func() int64 { return rng.Int64N(math.MaxInt64/2) + math.MaxInt64/2 }},
		{"constant", func() int64 { return 123_456 }},
	}
	quantiles := []float64{0, 0.001, 0.1, 0.5, 0.9, 0.99, 0.999, 0.9999, 1}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := NewHistogram()
			vals := make([]int64, 100_000)
			for i := range vals {
				vals[i] = tc.gen()
				h.Record(vals[i])
			}
			slices.Sort(vals)
			for _, q := range quantiles {
				want, got := reference(vals, q), h.Quantile(q)
				if relErr(got, want) > 1.0/subCount {
					t.Errorf("q=%v: got %d, reference %d (relative error %.4f > %.4f)",
						q, got, want, relErr(got, want), 1.0/subCount)
				}
			}
			if h.Count() != uint64(len(vals)) || h.Max() != vals[len(vals)-1] {
				t.Errorf("count/max = %d/%d, want %d/%d", h.Count(), h.Max(), len(vals), vals[len(vals)-1])
			}
		})
	}
}

func relErr(got, want int64) float64 {
	if want == 0 {
		return math.Abs(float64(got))
	}
	return math.Abs(float64(got)-float64(want)) / float64(want)
}

func TestHistogramBucketsCoverEveryValueOnce(t *testing.T) {
	// Adjacent buckets must tile the value range without gaps or overlap,
	// and every value must land in the bucket whose range holds it.
	prevHi := int64(-1)
	for i := 0; i < numBucket; i++ {
		lo, hi := bucketRange(i)
		if lo != prevHi+1 || hi < lo {
			t.Fatalf("bucket %d = [%d, %d], previous ended at %d", i, lo, hi, prevHi)
		}
		for _, v := range []int64{lo, hi, lo + (hi-lo)/2} {
			if b := bucketOf(v); b != i {
				t.Fatalf("bucketOf(%d) = %d, want %d", v, b, i)
			}
		}
		prevHi = hi
		if hi == math.MaxInt64 {
			break
		}
	}
	if prevHi != math.MaxInt64 {
		t.Errorf("buckets end at %d, want MaxInt64", prevHi)
	}
}

func TestHistogramMergeEqualsRecordingEverything(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	a, b, all := NewHistogram(), NewHistogram(), NewHistogram()
	for i := 0; i < 10_000; i++ {
		v := rng.Int64N(50_000_000)
		all.Record(v)
		if i%3 == 0 {
			a.Record(v)
		} else {
			b.Record(v)
		}
	}
	a.Merge(b)
	a.Merge(NewHistogram())
	if *a != *all {
		t.Error("merged histogram differs from one that recorded every value")
	}
}

func TestHistogramEmptyAndNegative(t *testing.T) {
	h := NewHistogram()
	if h.Quantile(0.99) != 0 || h.Max() != 0 {
		t.Error("empty histogram should report 0")
	}
	h.Record(-5)
	if h.Quantile(0.5) != 0 || h.Count() != 1 {
		t.Errorf("negative value: quantile %d count %d, want 0 and 1", h.Quantile(0.5), h.Count())
	}
}
