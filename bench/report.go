package bench

import (
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Figures are one side's medians for one row.
type Figures struct {
	Status                                  string // set when no round was measured
	Rounds                                  int    // rounds measured
	Ops, P50, P99, P999, Max, RSS, CPU, Mem float64
	Delivered                               float64 // pub/sub deliveries per second; 0 for other rows
	// Startup, Snapshot and Pause in nanoseconds, Disk in bytes: NaN
	// when not measured (see Sample).
	Startup, Snapshot, Pause, Disk float64
	Notes                          []string // notes and failures of individual rounds
}

// OK reports whether the figures hold measurements.
func (f Figures) OK() bool { return f.Status == "" }

// Median returns the median of the values that are not NaN (the mean of
// the middle two for an even count), or NaN when there are none.
func Median(xs []float64) float64 {
	v := make([]float64, 0, len(xs))
	for _, x := range xs {
		if !math.IsNaN(x) {
			v = append(v, x)
		}
	}
	if len(v) == 0 {
		return math.NaN()
	}
	slices.Sort(v)
	if len(v)%2 == 1 {
		return v[len(v)/2]
	}
	return (v[len(v)/2-1] + v[len(v)/2]) / 2
}

// Aggregate takes the median of each figure over the measured rounds.
// If no round was measured the first round's status is the result's.
func Aggregate(samples []Sample) Figures {
	var f Figures
	var ops, p50, p99, p999, maxes, rss, cpu, mem, del, startup, snap, pause, disk []float64
	for i, s := range samples {
		if !s.OK() {
			f.Notes = appendUnique(f.Notes, fmt.Sprintf("round %d: %s", i+1, s.Status))
			continue
		}
		if s.Note != "" {
			f.Notes = appendUnique(f.Notes, s.Note)
		}
		f.Rounds++
		ops = append(ops, s.Ops)
		p50 = append(p50, float64(s.P50))
		p99 = append(p99, float64(s.P99))
		p999 = append(p999, float64(s.P999))
		maxes = append(maxes, float64(s.Max))
		startup = append(startup, known(float64(s.Startup)))
		snap = append(snap, known(float64(s.Snapshot)))
		pause = append(pause, known(float64(s.Pause)))
		disk = append(disk, known(float64(s.Disk)))
		rss = append(rss, float64(s.RSS))
		cpu = append(cpu, s.CPUPerOp)
		mem = append(mem, s.MemPer1M)
		del = append(del, s.Delivered)
	}
	if f.Rounds == 0 {
		f.Status = "no rounds"
		if len(samples) > 0 {
			f.Status = samples[0].Status
		}
		f.Notes = nil
	}
	f.Ops, f.P50, f.P99, f.P999 = Median(ops), Median(p50), Median(p99), Median(p999)
	f.RSS, f.CPU, f.Mem, f.Delivered = Median(rss), Median(cpu), Median(mem), Median(del)
	f.Max, f.Startup, f.Snapshot, f.Pause, f.Disk = Median(maxes), Median(startup), Median(snap), Median(pause), Median(disk)
	return f
}

// known is x, or NaN for 0: the figures a Sample leaves at zero when it
// did not measure them.
func known(x float64) float64 {
	if x == 0 {
		return math.NaN()
	}
	return x
}

func appendUnique(xs []string, x string) []string {
	if slices.Contains(xs, x) {
		return xs
	}
	return append(xs, x)
}

// FormatRatio formats a/b as "0.87×"; "–" when either is unknown or b is 0.
func FormatRatio(a, b float64) string {
	if math.IsNaN(a) || math.IsNaN(b) || b == 0 || math.IsInf(a/b, 0) {
		return "–"
	}
	r := a / b
	if r >= 10 {
		return fmt.Sprintf("%.1f×", r)
	}
	return fmt.Sprintf("%.2f×", r)
}

// FormatOps formats a rate: 950, 45.2k, 1.23M.
func FormatOps(v float64) string {
	switch {
	case math.IsNaN(v):
		return "–"
	case v < 1e3:
		return fmt.Sprintf("%.0f", v)
	case v < 1e6:
		return fmt.Sprintf("%.1fk", v/1e3)
	default:
		return fmt.Sprintf("%.2fM", v/1e6)
	}
}

// FormatLatency formats nanoseconds: 850 ns, 4.2 µs, 27 µs, 1.25 ms, 2.10 s.
func FormatLatency(ns float64) string {
	d := time.Duration(ns)
	switch {
	case math.IsNaN(ns):
		return "–"
	case d < time.Microsecond:
		return fmt.Sprintf("%d ns", d.Nanoseconds())
	case d < 10*time.Microsecond:
		return fmt.Sprintf("%.1f µs", ns/1e3)
	case d < time.Millisecond:
		return fmt.Sprintf("%.0f µs", ns/1e3)
	case d < time.Second:
		return fmt.Sprintf("%.2f ms", ns/1e6)
	default:
		return fmt.Sprintf("%.2f s", ns/1e9)
	}
}

// FormatCount formats a count of items: 100k, 2M, 1.5M, 12,345.
func FormatCount(n int) string {
	switch {
	case n >= 1_000_000 && n%100_000 == 0:
		return strconv.FormatFloat(float64(n)/1e6, 'f', -1, 64) + "M"
	case n >= 1_000 && n%1_000 == 0:
		return strconv.Itoa(n/1_000) + "k"
	}
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// FormatBytes formats a size in decimal megabytes: 41.3 MB.
func FormatBytes(b float64) string {
	if math.IsNaN(b) {
		return "–"
	}
	return fmt.Sprintf("%.1f MB", b/1e6)
}

// FormatCPU formats CPU µs per operation.
func FormatCPU(us float64) string {
	if math.IsNaN(us) {
		return "–"
	}
	return fmt.Sprintf("%.2f", us)
}

// Table is a report table: a header and rows of cells. Column 0 is left
// aligned in text output, the rest right aligned.
type Table struct {
	Title  string
	Header []string
	Rows   [][]string
}

// Markdown writes t as a GitHub-flavoured markdown table.
func (t Table) Markdown(w io.Writer) {
	fmt.Fprintf(w, "### %s\n\n", t.Title)
	esc := func(cells []string) string {
		out := make([]string, len(cells))
		for i, c := range cells {
			out[i] = strings.ReplaceAll(c, "|", `\|`)
		}
		return "| " + strings.Join(out, " | ") + " |\n"
	}
	io.WriteString(w, esc(t.Header))
	sep := make([]string, len(t.Header))
	for i := range sep {
		sep[i] = "---:"
		if i == 0 {
			sep[i] = "---"
		}
	}
	io.WriteString(w, "|"+strings.Join(sep, "|")+"|\n")
	for _, r := range t.Rows {
		io.WriteString(w, esc(r))
	}
	io.WriteString(w, "\n")
}

// Text writes t aligned for a terminal.
func (t Table) Text(w io.Writer) {
	width := make([]int, len(t.Header))
	for _, r := range append([][]string{t.Header}, t.Rows...) {
		for i, c := range r {
			width[i] = max(width[i], len([]rune(c)))
		}
	}
	line := func(r []string) {
		var b strings.Builder
		for i, c := range r {
			pad := strings.Repeat(" ", width[i]-len([]rune(c)))
			if i == 0 {
				b.WriteString(c + pad)
			} else {
				b.WriteString("  " + pad + c)
			}
		}
		fmt.Fprintln(w, strings.TrimRight(b.String(), " "))
	}
	fmt.Fprintf(w, "%s\n", t.Title)
	line(t.Header)
	total := 0
	for _, x := range width {
		total += x + 2
	}
	fmt.Fprintln(w, strings.Repeat("─", total-2))
	for _, r := range t.Rows {
		line(r)
	}
	fmt.Fprintln(w)
}

// shortStatus keeps "unsupported by target" and "skipped: why" whole,
// shows a side with no counterpart as "–", and shortens errors to
// "error" (the notes under the tables give the text).
func shortStatus(s string) string {
	switch {
	case strings.HasPrefix(s, "error"):
		return "error"
	case s == errNoCounterpart.Error():
		return "–"
	}
	return s
}

// selfExplained reports whether a status needs no note: the cell shows
// it whole, or it is no failure.
func selfExplained(s string) bool {
	return s == errUnsupported.Error() || s == errNoCounterpart.Error() || strings.HasPrefix(s, "skipped: ")
}

// Notes lists, per row and side, what the reader should know: failed
// rounds, errors, and workload notes.
func Notes(r *Result) []string {
	var out []string
	for _, row := range r.Rows {
		for i, side := range r.Sides {
			f := Aggregate(row.Samples[i])
			if !f.OK() && !selfExplained(f.Status) {
				out = append(out, fmt.Sprintf("%s, %s: %s", row.Name, side, f.Status))
			}
			for _, n := range f.Notes {
				out = append(out, fmt.Sprintf("%s, %s: %s", row.Name, side, n))
			}
		}
	}
	return out
}
