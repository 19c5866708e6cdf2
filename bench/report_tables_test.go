package bench

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// issue7Result has the rows of the durability and startup workloads
// beside the raw rows they are compared with.
func issue7Result() *Result {
	perf := func(ops float64, p99 time.Duration) Sample {
		return Sample{Ops: ops, P50: p99 / 4, P99: p99, P999: 2 * p99, Max: 3 * p99, RSS: 20_000_000, CPUPerOp: 1.5}
	}
	rounds := func(s ...Sample) []Sample { return s }
	during := func(ops float64, p99, pause, took time.Duration) Sample {
		s := perf(ops, p99)
		s.Pause, s.Snapshot = pause, took
		return s
	}
	logOnly, base, dur, snap := startupRows(100_000)
	return &Result{
		Sides: []string{"brokerd", "redis"},
		Rows: []RowResult{
			{Name: rawRow("XADD", 1), Samples: [][]Sample{rounds(perf(50_000, time.Millisecond)), rounds(perf(60_000, time.Millisecond))}},
			{Name: rawRow("XADD", 1) + durableSuffix, Samples: [][]Sample{rounds(perf(40_000, 2*time.Millisecond)), rounds(perf(30_000, 4*time.Millisecond))}},
			{Name: rawRow("LPUSH", 16) + durableSuffix, Samples: [][]Sample{rounds(perf(200_000, 8*time.Millisecond)), {{Status: "error: EOF"}}}},
			{Name: logOnly, Kind: KindStartup, Samples: [][]Sample{
				rounds(Sample{Startup: 300 * time.Millisecond, Disk: 5_300_000}, Sample{Startup: 400 * time.Millisecond, Disk: 5_300_000}, Sample{Startup: 350 * time.Millisecond, Disk: 5_300_000}),
				rounds(Sample{Startup: 140 * time.Millisecond, Disk: 6_400_000}),
			}},
			{Name: base, Kind: KindSnapshot, Samples: [][]Sample{rounds(perf(30_000, 10*time.Millisecond)), rounds(perf(50_000, 2*time.Millisecond))}},
			{Name: dur, Kind: KindSnapshot, Samples: [][]Sample{
				rounds(during(13_000, 110*time.Millisecond, 100*time.Millisecond, 240*time.Millisecond)),
				rounds(during(30_000, 8*time.Millisecond, 1500*time.Microsecond, 350*time.Millisecond)),
			}},
			{Name: snap, Kind: KindStartup, Samples: [][]Sample{{{Status: "skipped: needs binaries to start"}}, {{Status: "skipped: needs binaries to start"}}}},
		},
	}
}

func TestIssue7Tables(t *testing.T) {
	tabs := Tables(issue7Result())
	var titles []string
	var b bytes.Buffer
	for _, tab := range tabs {
		titles = append(titles, tab.Title)
		tab.Markdown(&b)
	}
	wantTitles := []string{"Throughput and latency", "Server resources", "Durability:", "Start-up:", "Snapshot pause:"}
	if len(titles) != len(wantTitles) {
		t.Fatalf("tables %q, want %d", titles, len(wantTitles))
	}
	for i, w := range wantTitles {
		if !strings.HasPrefix(titles[i], w) {
			t.Errorf("table %d is %q, want %q…", i, titles[i], w)
		}
	}
	got := b.String()
	for _, want := range []string{
		// Durability: always beside the raw row, kept per server, and the
		// side ratio only between servers.
		"| workload | ops/s always brokerd | ops/s always redis | ratio | ops/s raw brokerd | ops/s raw redis | ratio | kept brokerd | kept redis | p99 always brokerd | p99 always redis | ratio |\n",
		"| XADD, pipeline 1 | 40.0k | 30.0k | 1.33× | 50.0k | 60.0k | 0.83× | 0.80× | 0.50× | 2.00 ms | 4.00 ms | 0.50× |\n",
		// A raw row that did not run, and a failed side.
		"| LPUSH, pipeline 16 | 200.0k | error | – | – | – | – | – | – | 8.00 ms | – | – |\n",
		// Start-up: medians of rounds; a skipped row says so.
		"| start-up, 100k keys: log only | 350.00 ms | 140.00 ms | 2.50× | 5.3 MB | 6.4 MB | 0.83× |\n",
		"| start-up, 100k keys: snapshot + log | skipped: needs binaries to start | skipped: needs binaries to start | – | – | – | – |\n",
		// Snapshot pause: the unmeasured pause of the load alone is "–".
		"| SET on 100k keys, no snapshot | 30.0k | 50.0k | 0.60× | 10.00 ms | 2.00 ms | 5.00× | 30.00 ms | 6.00 ms | 5.00× | – | – | – | – | – | – |\n",
		"| SET on 100k keys, during BGREWRITEAOF | 13.0k | 30.0k | 0.43× | 110.00 ms | 8.00 ms | 13.8× | 330.00 ms | 24.00 ms | 13.8× | 100.00 ms | 1.50 ms | 66.7× | 240.00 ms | 350.00 ms | 0.69× |\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("markdown lacks %q\n--- got:\n%s", want, got)
		}
	}
	// Start-up and snapshot rows stay out of the throughput table.
	if perf := tabs[0]; len(perf.Rows) != 3 {
		t.Errorf("throughput table has %d rows, want the 3 raw and durability rows", len(perf.Rows))
	}
}

func TestFormatCount(t *testing.T) {
	tests := []struct {
		n    int
		want string
	}{
		{2_000_000, "2M"}, {1_500_000, "1.5M"}, {10_000_000, "10M"}, {100_000, "100k"},
		{1_234_567, "1,234,567"}, {999, "999"}, {12_345, "12,345"},
	}
	for _, tc := range tests {
		if got := FormatCount(tc.n); got != tc.want {
			t.Errorf("FormatCount(%d) = %q, want %q", tc.n, got, tc.want)
		}
	}
}
