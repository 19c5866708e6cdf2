package bench

import (
	"bytes"
	"math"
	"strings"
	"testing"
	"time"
)

func TestMedian(t *testing.T) {
	nan := math.NaN()
	tests := []struct {
		name string
		in   []float64
		want float64
	}{
		{"odd count", []float64{3, 1, 2}, 2},
		{"even count averages the middle two", []float64{4, 1, 3, 2}, 2.5},
		{"one value", []float64{7}, 7},
		{"NaN values are skipped", []float64{nan, 5, nan, 1, 3}, 3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Median(tc.in); got != tc.want {
				t.Errorf("Median(%v) = %v, want %v", tc.in, got, tc.want)
			}
		})
	}
	for _, in := range [][]float64{nil, {nan, nan}} {
		if got := Median(in); !math.IsNaN(got) {
			t.Errorf("Median(%v) = %v, want NaN", in, got)
		}
	}
}

func TestFormatters(t *testing.T) {
	nan := math.NaN()
	tests := []struct {
		name string
		got  string
		want string
	}{
		{"ratio below one", FormatRatio(45_000, 60_000), "0.75×"},
		{"ratio above one", FormatRatio(123, 100), "1.23×"},
		{"ratio of ten or more", FormatRatio(250, 10), "25.0×"},
		{"ratio over zero", FormatRatio(1, 0), "–"},
		{"ratio with unknown side", FormatRatio(nan, 3), "–"},
		{"ops small", FormatOps(950), "950"},
		{"ops thousands", FormatOps(45_230), "45.2k"},
		{"ops millions", FormatOps(1_234_000), "1.23M"},
		{"ops unknown", FormatOps(nan), "–"},
		{"latency ns", FormatLatency(850), "850 ns"},
		{"latency few µs", FormatLatency(4_240), "4.2 µs"},
		{"latency µs", FormatLatency(27_400), "27 µs"},
		{"latency ms", FormatLatency(float64(1250 * time.Microsecond)), "1.25 ms"},
		{"latency s", FormatLatency(float64(2100 * time.Millisecond)), "2.10 s"},
		{"bytes", FormatBytes(41_300_000), "41.3 MB"},
		{"cpu", FormatCPU(1.555), "1.55"},
		{"cpu unknown", FormatCPU(nan), "–"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.got != tc.want {
				t.Errorf("got %q, want %q", tc.got, tc.want)
			}
		})
	}
}

func TestAggregateTakesMediansOfMeasuredRounds(t *testing.T) {
	samples := []Sample{
		{Ops: 100, P99: 3 * time.Millisecond, RSS: 10, CPUPerOp: 2},
		{Status: "error: connection reset"},
		{Ops: 300, P99: 1 * time.Millisecond, RSS: 30, CPUPerOp: math.NaN(), Note: "list ran empty"},
		{Ops: 200, P99: 2 * time.Millisecond, RSS: 20, CPUPerOp: 4},
	}
	f := Aggregate(samples)
	if !f.OK() || f.Rounds != 3 {
		t.Fatalf("status %q rounds %d, want measured with 3 rounds", f.Status, f.Rounds)
	}
	if f.Ops != 200 || f.P99 != float64(2*time.Millisecond) || f.RSS != 20 || f.CPU != 3 {
		t.Errorf("medians ops %v p99 %v rss %v cpu %v, want 200, 2ms, 20, 3", f.Ops, f.P99, f.RSS, f.CPU)
	}
	want := []string{"round 2: error: connection reset", "list ran empty"}
	if strings.Join(f.Notes, "|") != strings.Join(want, "|") {
		t.Errorf("notes %q, want %q", f.Notes, want)
	}

	un := Aggregate([]Sample{{Status: errUnsupported.Error()}, {Status: errUnsupported.Error()}})
	if un.OK() || un.Status != "unsupported by target" || len(un.Notes) != 0 {
		t.Errorf("all rounds unsupported: %+v", un)
	}
}

func testResult() *Result {
	ok := func(ops float64, p99 time.Duration) Sample {
		return Sample{Ops: ops, P50: p99 / 4, P99: p99, P999: 2 * p99, RSS: 20_000_000, CPUPerOp: 1.5}
	}
	return &Result{
		Sides: []string{"brokerd", "redis"},
		Rows: []RowResult{
			{Name: "raw SET, pipeline 1", Samples: [][]Sample{
				{ok(40_000, time.Millisecond), ok(50_000, time.Millisecond), ok(45_000, time.Millisecond)},
				{ok(45_000, 2*time.Millisecond), ok(44_000, 2*time.Millisecond), ok(46_000, 2*time.Millisecond)},
			}},
			{Name: "list queue: LPUSH | BRPOP", Samples: [][]Sample{
				{{Status: "unsupported by target"}},
				{ok(25_500, 5*time.Millisecond)},
			}},
			{Name: "memory: list job", Kind: KindMem, Samples: [][]Sample{
				{{MemPer1M: 120e6, Ops: 1e6}},
				{{MemPer1M: 104e6, Ops: 2e6}},
			}},
		},
	}
}

func TestTablesMarkdown(t *testing.T) {
	var b bytes.Buffer
	for _, tab := range Tables(testResult()) {
		tab.Markdown(&b)
	}
	got := b.String()
	for _, want := range []string{
		"### Throughput and latency (median of rounds)\n",
		"| workload | ops/s brokerd | ops/s redis | ratio | p50 brokerd | p50 redis | ratio | p99 brokerd | p99 redis | ratio | p999 brokerd | p999 redis | ratio |\n",
		"|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n",
		"| raw SET, pipeline 1 | 45.0k | 45.0k | 1.00× | 250 µs | 500 µs | 0.50× | 1.00 ms | 2.00 ms | 0.50× | 2.00 ms | 4.00 ms | 0.50× |\n",
		"| list queue: LPUSH \\| BRPOP | unsupported by target | 25.5k | – | – | 1.25 ms | – |",
		"| raw SET, pipeline 1 | 20.0 MB | 20.0 MB | 1.00× | 1.50 | 1.50 | 1.00× |\n",
		"### Memory growth per 1,000,000 items (RSS)\n",
		"| memory: list job | 120.0 MB | 104.0 MB | 1.15× | 120 | 104 | 1.15× | 1.00M | 2.00M | 0.50× |\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("markdown lacks %q\n--- got:\n%s", want, got)
		}
	}
}

func TestTablesSingleSideHaveNoRatio(t *testing.T) {
	r := testResult()
	r.Sides = r.Sides[:1]
	for i := range r.Rows {
		r.Rows[i].Samples = r.Rows[i].Samples[:1]
	}
	tabs := Tables(r)
	if got := strings.Join(tabs[0].Header, ","); got != "workload,ops/s brokerd,p50 brokerd,p99 brokerd,p999 brokerd" {
		t.Errorf("header %q", got)
	}
	var b bytes.Buffer
	tabs[0].Text(&b)
	lines := strings.Split(b.String(), "\n")
	if len(lines) < 5 || !strings.HasPrefix(lines[3], "raw SET, pipeline 1") || !strings.HasSuffix(lines[3], "2.00 ms") {
		t.Errorf("text table:\n%s", b.String())
	}
}

func TestNotesListFailuresButNotUnsupported(t *testing.T) {
	r := testResult()
	r.Rows[0].Samples[1][1] = Sample{Status: "error: EOF"}
	got := Notes(r)
	want := []string{"raw SET, pipeline 1, redis: round 2: error: EOF"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("notes %q, want %q", got, want)
	}
}
