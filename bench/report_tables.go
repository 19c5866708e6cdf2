package bench

import (
	"fmt"
	"math"
)

// metric is one figure of a table: its column title, its formatter, and
// which of a table row's results it is read from.
type metric struct {
	title string
	get   func(Figures) float64
	fmt   func(float64) string
	src   int // index in tableRow.results
	// within makes the cells the figure of result 0 over that of result 1
	// on each side (always over everysec), with no ratio between sides.
	within bool
}

// tableRow is one line of a table: the results its metrics read. Most
// lines show one report row; the durability table sets two side by side.
type tableRow struct {
	name    string
	results []RowResult
}

// lines makes each row a table line of its own.
func lines(rows []RowResult) []tableRow {
	out := make([]tableRow, len(rows))
	for i, r := range rows {
		out[i] = tableRow{name: r.Name, results: []RowResult{r}}
	}
	return out
}

func fig(title string, format func(float64) string, f func(Figures) float64) metric {
	return metric{title: title, get: f, fmt: format}
}

var (
	mOps      = fig("ops/s", FormatOps, func(f Figures) float64 { return f.Ops })
	mP50      = fig("p50", FormatLatency, func(f Figures) float64 { return f.P50 })
	mP99      = fig("p99", FormatLatency, func(f Figures) float64 { return f.P99 })
	mP999     = fig("p999", FormatLatency, func(f Figures) float64 { return f.P999 })
	mMax      = fig("max", FormatLatency, func(f Figures) float64 { return f.Max })
	mRSS      = fig("RSS", FormatBytes, func(f Figures) float64 { return f.RSS })
	mCPU      = fig("CPU µs/op", FormatCPU, func(f Figures) float64 { return f.CPU })
	mStartup  = fig("start-up", FormatLatency, func(f Figures) float64 { return f.Startup })
	mDisk     = fig("data dir", FormatBytes, func(f Figures) float64 { return f.Disk })
	mSnapshot = fig("snapshot took", FormatLatency, func(f Figures) float64 { return f.Snapshot })
	mPause    = fig("server pause", FormatLatency, func(f Figures) float64 { return f.Pause })
)

// titled is m with another title.
func (m metric) titled(t string) metric { m.title = t; return m }

// from is m read from result src of each table row.
func (m metric) from(src int) metric { m.src = src; return m }

// Tables builds the report's tables from a suite result: throughput and
// latency, server resources, pub/sub deliveries, durability, start-up,
// snapshot pause and memory growth. With two sides each figure gets a
// ratio column, first side over second (brokerd/redis).
func Tables(r *Result) []Table {
	mem := []metric{
		fig("RSS per 1M", FormatBytes, func(f Figures) float64 { return f.Mem }),
		fig("bytes/item", func(v float64) string {
			if math.IsNaN(v) {
				return "–"
			}
			return fmt.Sprintf("%.0f", v)
		}, func(f Figures) float64 { return f.Mem / 1e6 }),
		mOps.titled("load ops/s"),
	}
	deliv := []metric{fig("delivered/s", FormatOps, func(f Figures) float64 { return f.Delivered })}
	byKind := map[string][]RowResult{}
	var pubRows []RowResult
	for _, row := range r.Rows {
		byKind[row.Kind] = append(byKind[row.Kind], row)
		if delivers(row) {
			pubRows = append(pubRows, row)
		}
	}
	var out []Table
	if perf := lines(byKind[KindPerf]); len(perf) > 0 {
		out = append(out,
			buildTable("Throughput and latency (median of rounds)", r.Sides, perf, []metric{mOps, mP50, mP99, mP999}),
			buildTable("Server resources (RSS at the end of a run; server CPU per operation)", r.Sides, perf, []metric{mRSS, mCPU}))
	}
	if len(pubRows) > 0 {
		out = append(out, buildTable("Pub/sub deliveries (messages received per second by all subscribers together; ops/s above counts messages published)", r.Sides, lines(pubRows), deliv))
	}
	if dur := durabilityRows(r); len(dur) > 0 {
		out = append(out, buildTable("Durability: appendfsync always beside the raw rows (the suite's policy); kept = always ÷ raw, per server", r.Sides, dur, []metric{
			mOps.titled("ops/s always"), mOps.titled("ops/s raw").from(1),
			{title: "kept", get: mOps.get, fmt: formatKept, within: true},
			mP99.titled("p99 always"),
		}))
	}
	if rows := lines(byKind[KindStartup]); len(rows) > 0 {
		out = append(out, buildTable("Start-up: process start to the first PONG, and the data directory it loaded", r.Sides, rows, []metric{mStartup, mDisk}))
	}
	if rows := lines(byKind[KindSnapshot]); len(rows) > 0 {
		out = append(out, buildTable("Snapshot pause: SET, pipeline 1, without and during a BGREWRITEAOF (the window lasts until it ends)", r.Sides, rows, []metric{mOps, mP99, mMax, mPause, mSnapshot}))
	}
	if rows := lines(byKind[KindMem]); len(rows) > 0 {
		out = append(out, buildTable("Memory growth per 1,000,000 items (RSS)", r.Sides, rows, mem))
	}
	return out
}

// formatKept formats a ratio computed already.
func formatKept(r float64) string { return FormatRatio(r, 1) }

func buildTable(title string, sides []string, rows []tableRow, ms []metric) Table {
	t := Table{Title: title, Header: []string{"workload"}}
	ratios := len(sides) == 2
	for _, m := range ms {
		for _, s := range sides {
			t.Header = append(t.Header, m.title+" "+s)
		}
		if ratios && !m.within {
			t.Header = append(t.Header, "ratio")
		}
	}
	for _, row := range rows {
		// figs[result][side]
		figs := make([][]Figures, len(row.results))
		for ri, res := range row.results {
			figs[ri] = make([]Figures, len(sides))
			for si := range sides {
				figs[ri][si] = Figures{Status: "not run"}
				if si < len(res.Samples) {
					figs[ri][si] = Aggregate(res.Samples[si])
				}
			}
		}
		cells := []string{row.name}
		for mi, m := range ms {
			vals := make([]float64, len(sides))
			for si := range sides {
				f := figs[m.src][si]
				vals[si] = math.NaN()
				switch {
				case m.within:
					if a, b := figs[0][si], figs[1][si]; a.OK() && b.OK() {
						vals[si] = m.get(a) / m.get(b)
					}
					cells = append(cells, m.fmt(vals[si]))
				case f.OK():
					vals[si] = m.get(f)
					cells = append(cells, m.fmt(vals[si]))
				case mi == 0:
					cells = append(cells, shortStatus(f.Status))
				default:
					cells = append(cells, "–")
				}
			}
			if ratios && !m.within {
				cells = append(cells, FormatRatio(vals[0], vals[1]))
			}
		}
		t.Rows = append(t.Rows, cells)
	}
	return t
}

// delivers reports whether a row measured pub/sub deliveries on some
// side.
func delivers(row RowResult) bool {
	for _, side := range row.Samples {
		for _, s := range side {
			if s.OK() && s.Delivered > 0 {
				return true
			}
		}
	}
	return false
}
