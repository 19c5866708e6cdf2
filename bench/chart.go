package bench

import (
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"io"
	"math"
	"strings"

	"golang.org/x/image/font"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/math/fixed"
)

// Chart geometry, in pixels. basicfont's 7x13 face keeps the chart
// dependency-free beyond x/image.
const (
	chartLabelW = 340 // workload names
	chartPanelW = 420 // each of the two panels
	chartGap    = 20
	chartRowH   = 36 // two bars and a gap per workload
	chartBarH   = 13
	chartTop    = 64 // title and legend
	chartCharW  = 7
)

var (
	chartBG     = color.RGBA{255, 255, 255, 255}
	chartInk    = color.RGBA{30, 30, 30, 255}
	chartGrid   = color.RGBA{225, 225, 225, 255}
	chartColors = []color.RGBA{{52, 101, 164, 255}, {204, 51, 51, 255}, {120, 120, 120, 255}}
)

// WriteChart draws throughput and p99 latency per workload, one bar per
// side, as a PNG. Bars are scaled per workload (the longest bar of a row
// is the better or worse side, and the value is printed beside it),
// since throughputs of different workloads differ a hundredfold.
func WriteChart(w io.Writer, r *Result) error {
	var rows []RowResult
	for _, row := range r.Rows {
		if row.Kind == KindPerf {
			rows = append(rows, row)
		}
	}
	width := chartLabelW + 2*chartPanelW + 2*chartGap
	height := chartTop + max(len(rows), 1)*chartRowH + 10
	img := image.NewRGBA(image.Rect(0, 0, width, height))
	draw.Draw(img, img.Bounds(), image.NewUniform(chartBG), image.Point{}, draw.Src)

	text(img, 10, 18, chartInk, "brokerbench: throughput (higher is better) and p99 latency (lower is better)")
	x := 10
	for i, s := range r.Sides {
		c := chartColors[min(i, len(chartColors)-1)]
		fill(img, image.Rect(x, 28, x+12, 40), c)
		text(img, x+16, 38, chartInk, s)
		x += 16 + len(s)*chartCharW + 24
	}
	px0 := chartLabelW
	px1 := chartLabelW + chartPanelW + chartGap
	text(img, px0, chartTop-8, chartInk, "throughput (ops/s)")
	text(img, px1, chartTop-8, chartInk, "p99 latency")

	for i, row := range rows {
		y := chartTop + i*chartRowH
		if i%2 == 1 {
			fill(img, image.Rect(0, y, width, y+chartRowH), color.RGBA{247, 247, 247, 255})
		}
		text(img, 10, y+chartRowH/2+4, chartInk, clip(row.Name, (chartLabelW-20)/chartCharW))
		figs := make([]Figures, len(r.Sides))
		for s := range r.Sides {
			figs[s] = Aggregate(row.Samples[s])
		}
		bars(img, px0, y, figs, func(f Figures) float64 { return f.Ops }, FormatOps)
		bars(img, px1, y, figs, func(f Figures) float64 { return f.P99 }, FormatLatency)
	}
	return png.Encode(w, img)
}

// bars draws one row's bars in the panel starting at x0.
func bars(img *image.RGBA, x0, y int, figs []Figures, get func(Figures) float64, format func(float64) string) {
	fill(img, image.Rect(x0, y+2, x0+1, y+chartRowH-2), chartGrid)
	top := 0.0
	for _, f := range figs {
		if f.OK() && !math.IsNaN(get(f)) {
			top = math.Max(top, get(f))
		}
	}
	const labelRoom = 80
	for s, f := range figs {
		by := y + 4 + s*(chartBarH+2)
		if s > 1 {
			break // room for two sides per row
		}
		if !f.OK() {
			text(img, x0+4, by+11, chartInk, clip(shortStatus(f.Status), 40))
			continue
		}
		v := get(f)
		n := 0
		if top > 0 && !math.IsNaN(v) {
			n = int(v / top * float64(chartPanelW-labelRoom))
		}
		fill(img, image.Rect(x0+1, by, x0+1+n, by+chartBarH), chartColors[min(s, len(chartColors)-1)])
		text(img, x0+n+6, by+11, chartInk, format(v))
	}
}

func fill(img *image.RGBA, r image.Rectangle, c color.Color) {
	draw.Draw(img, r, image.NewUniform(c), image.Point{}, draw.Src)
}

func text(img *image.RGBA, x, y int, c color.Color, s string) {
	d := font.Drawer{Dst: img, Src: image.NewUniform(c), Face: basicfont.Face7x13, Dot: fixed.P(x, y)}
	d.DrawString(asciiLabel.Replace(s))
}

// asciiLabel replaces the few non-ASCII characters of labels: basicfont
// covers ASCII only.
var asciiLabel = strings.NewReplacer("→", "->", "µ", "u", "×", "x", "…", "~", "–", "-")

// clip shortens s to n characters, marking the cut.
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
