package kv

import (
	"math/rand"
	"slices"
	"strconv"
	"testing"
)

// TestSortScanKeys: the bucket sort gives the order a comparison sort
// gives, with hash collisions (equal hashes, ordered by key) and skewed
// hashes (all in one bucket) too.
func TestSortScanKeys(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	for _, tt := range []struct {
		name string
		n    int
		hash func(i int) uint64
	}{
		{"few", 100, func(int) uint64 { return rng.Uint64() }},
		{"many", 50_000, func(int) uint64 { return rng.Uint64() }},
		{"collisions", 20_000, func(i int) uint64 { return uint64(i%97) << 50 }},
		{"one bucket", 10_000, func(int) uint64 { return rng.Uint64() >> 40 }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ks := make([]scanKey, tt.n)
			for i := range ks {
				ks[i] = scanKey{tt.hash(i), "k" + strconv.Itoa(rng.Intn(tt.n*4))}
			}
			want := slices.Clone(ks)
			slices.SortFunc(want, compareScanKeys)
			sortScanKeys(ks)
			if !slices.Equal(ks, want) {
				t.Fatal("sortScanKeys differs from a comparison sort")
			}
		})
	}
}
