package report

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"strconv"
	"time"

	xfont "golang.org/x/image/font"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"github.com/sprintguard/sprintguard/internal/plural"
)

// ChartWidth and ChartHeight are the default size of the chart in pixels:
// wide enough to stay sharp when Slack shows it full size, with text large
// enough to read in Slack's smaller in-channel preview.
const (
	ChartWidth  = 1200
	ChartHeight = 700
)

// The chart is laid out on a canvas chartInches wide whatever its pixel
// size, so that text keeps its size relative to the picture and a small
// chart is a scaled-down big one rather than a crowded one.
const chartInches = 7.2

// Bounds of PNG's size: below the minimum the text no longer fits, and the
// maximum keeps a typo from allocating gigabytes.
const (
	minChartWidth, minChartHeight = 320, 200
	maxChartSide                  = 8000
)

// Colours of the urgencies, most urgent the most alarming; P4 is grey
// because it is the least interesting.
var urgencyColors = map[string]color.RGBA{
	"P1": {R: 0xd6, G: 0x27, B: 0x28, A: 0xff}, // red
	"P2": {R: 0xff, G: 0x7f, B: 0x0e, A: 0xff}, // orange
	"P3": {R: 0x1f, G: 0x77, B: 0xb4, A: 0xff}, // blue
	"P4": {R: 0x9e, G: 0x9e, B: 0x9e, A: 0xff}, // grey
	"P?": {R: 0x94, G: 0x67, B: 0xbd, A: 0xff}, // purple
}

var (
	usedColor   = color.RGBA{R: 0x1f, G: 0x77, B: 0xb4, A: 0xff}
	planColor   = color.RGBA{R: 0x55, G: 0x55, B: 0x55, A: 0xff}
	budgetColor = color.RGBA{R: 0xd6, G: 0x27, B: 0x28, A: 0xff}
	mutedColor  = color.RGBA{R: 0x55, G: 0x55, B: 0x55, A: 0xff}
)

var sans = font.Font{Typeface: "Liberation", Variant: "Sans"}

// PNG draws the report's chart: requests per day of the week stacked by
// urgency, beside the sprint's budget burn-up against the plan. width and
// height are in pixels (ChartWidth and ChartHeight when both are zero).
// The same report always gives the same bytes. It may be called
// concurrently.
func (w *Weekly) PNG(width, height int) ([]byte, error) {
	if width == 0 && height == 0 {
		width, height = ChartWidth, ChartHeight
	}
	if width < minChartWidth || height < minChartHeight || width > maxChartSide || height > maxChartSide {
		return nil, fmt.Errorf("draw chart: size %dx%d: want %dx%d to %dx%d pixels",
			width, height, minChartWidth, minChartHeight, maxChartSide, maxChartSide)
	}
	dpi := max(1, int(math.Round(float64(width)/chartInches)))
	img := image.NewRGBA(image.Rect(0, 0, width, height))
	cv := vgimg.NewWith(vgimg.UseImage(img), vgimg.UseDPI(dpi))
	if err := w.drawChart(draw.New(cv)); err != nil {
		return nil, fmt.Errorf("draw chart: %w", err)
	}
	var buf bytes.Buffer
	// A chart of flat colours compresses well even at the fastest level;
	// the slower levels save a few percent at twice the cost.
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	if err := enc.Encode(&buf, cv.Image()); err != nil {
		return nil, fmt.Errorf("encode chart: %w", err)
	}
	return buf.Bytes(), nil
}

func (w *Weekly) drawChart(c draw.Canvas) error {
	const margin = 8
	c = draw.Crop(c, margin, -margin, margin, -margin)
	top := c.Max.Y
	title := style(15, true, color.Black)
	title.XAlign, title.YAlign = draw.XLeft, draw.YTop
	c.FillText(title, vg.Point{X: c.Min.X, Y: top}, fmt.Sprintf("Interrupt report · %s · %s", oneLineName(w.Team), w.Week))
	top -= title.Height("I") + 2
	sub := style(10, false, mutedColor)
	sub.XAlign, sub.YAlign = draw.XLeft, draw.YTop
	c.FillText(sub, vg.Point{X: c.Min.X, Y: top}, w.chartSubtitle())
	top -= sub.Height("I") + 10
	c.Max.Y = top

	tiles := draw.Tiles{Rows: 1, Cols: 2, PadX: 18}
	if err := w.drawDays(tiles.At(c, 0, 0)); err != nil {
		return err
	}
	return w.drawBurnUp(tiles.At(c, 1, 0))
}

func (w *Weekly) chartSubtitle() string {
	s := fmt.Sprintf("%s – %s %d · %s · %s this week", day(w.Start), day(lastDay(w.End)),
		lastDay(w.End).Year(), w.TimeZone, plural.Count(w.ThisWeek.Requests, "request"))
	if w.Cutoff.Before(w.End) {
		s += " · week in progress, up to " + w.Cutoff.Format("Mon 15:04")
	}
	return s
}

// oneLineName keeps a team name with a newline from breaking the title.
func oneLineName(s string) string { return clean(s, 60) }

// dayKeys are the urgencies stacked in the day chart, bottom first: P1 at
// the bottom, where the eye compares bars best.
func (w *Weekly) dayKeys() []string {
	keys := []string{"P1", "P2", "P3", "P4"}
	for _, d := range w.Days {
		if d.ByUrgency["P?"] > 0 {
			return append(keys, "P?")
		}
	}
	return keys
}

func (w *Weekly) drawDays(c draw.Canvas) error {
	keys := w.dayKeys()
	var legend []swatch
	for _, k := range keys {
		name := k
		if k == "P?" {
			name = "unknown"
		}
		legend = append(legend, swatch{name: name, fill: urgencyColors[k]})
	}
	c = panelHeader(c, "Requests per day, by urgency", legend)

	if len(w.Days) == 0 {
		return fmt.Errorf("no days in the report")
	}
	p := newPlot()
	names := make([]string, len(w.Days))
	totals := make(plotter.Values, len(w.Days))
	for i, d := range w.Days {
		names[i] = d.Start.Format("Mon\n2")
		totals[i] = float64(d.Requests)
	}
	barWidth := (c.Max.X - c.Min.X - 40) / vg.Length(len(w.Days)) * 0.7
	var below *plotter.BarChart
	for _, k := range keys {
		vs := make(plotter.Values, len(w.Days))
		for i, d := range w.Days {
			vs[i] = float64(d.ByUrgency[k])
		}
		bars, err := plotter.NewBarChart(vs, max(barWidth, 1))
		if err != nil {
			return fmt.Errorf("bars %s: %w", k, err)
		}
		bars.Color = urgencyColors[k]
		bars.LineStyle = draw.LineStyle{Color: color.White, Width: 0.5}
		if below != nil {
			bars.StackOn(below)
		}
		p.Add(bars)
		below = bars
	}
	peak := 0.0
	for _, t := range totals {
		peak = max(peak, t)
	}
	if err := addTotals(p, totals, peak); err != nil {
		return err
	}
	p.NominalX(names...)
	p.Y.Label.Text = "requests"
	p.Y.Min = 0
	p.Y.Tick.Marker, p.Y.Max = countTicks(peak * 1.15)
	p.Draw(c)
	return nil
}

// addTotals writes each day's total above its bar, so that the figure can
// be read without counting the stack.
func addTotals(p *plot.Plot, totals plotter.Values, peak float64) error {
	var xy plotter.XYLabels
	for i, t := range totals {
		if t == 0 {
			continue
		}
		xy.XYs = append(xy.XYs, plotter.XY{X: float64(i), Y: t})
		xy.Labels = append(xy.Labels, strconv.Itoa(int(t)))
	}
	if len(xy.XYs) == 0 {
		return nil
	}
	labels, err := plotter.NewLabels(xy)
	if err != nil {
		return fmt.Errorf("totals: %w", err)
	}
	for i := range labels.TextStyle {
		s := style(9, true, color.Black)
		s.XAlign, s.YAlign = draw.XCenter, draw.YBottom
		labels.TextStyle[i] = s
	}
	labels.Offset = vg.Point{Y: 2}
	p.Add(labels)
	return nil
}

func (w *Weekly) drawBurnUp(c draw.Canvas) error {
	s := w.SprintInfo
	unit := unitOr(s.Unit)
	if s.Start.IsZero() {
		c = panelHeader(c, "Budget burn-up", nil)
		msg := style(11, false, mutedColor)
		msg.XAlign, msg.YAlign = draw.XCenter, draw.YCenter
		c.FillText(msg, c.Center(), "No sprint calendar configured")
		return nil
	}
	c = panelHeader(c, fmt.Sprintf("Sprint %d budget burn-up (%s)", s.N, unit), []swatch{
		{name: "used", line: draw.LineStyle{Color: usedColor, Width: 2.5}},
		{name: "plan", line: draw.LineStyle{Color: planColor, Width: 1.2, Dashes: []vg.Length{4, 3}}},
		{name: "budget " + num(s.Budget), line: draw.LineStyle{Color: budgetColor, Width: 1, Dashes: []vg.Length{1, 2}}},
	})
	length := max(daysBetween(s.Start, s.End), 1)
	p := newPlot()

	used := plotter.XYs{{X: 0, Y: 0}}
	peak := s.Budget
	for _, b := range w.BurnUp {
		used = append(used, plotter.XY{X: float64(b.Day), Y: b.Used})
		peak = max(peak, b.Used)
	}
	plan := plotter.XYs{{X: 0, Y: 0}, {X: float64(length), Y: s.Budget}}
	budget := plotter.XYs{{X: 0, Y: s.Budget}, {X: float64(length), Y: s.Budget}}
	for _, l := range []struct {
		xy    plotter.XYs
		style draw.LineStyle
	}{
		{budget, draw.LineStyle{Color: budgetColor, Width: 1, Dashes: []vg.Length{1, 2}}},
		{plan, draw.LineStyle{Color: planColor, Width: 1.2, Dashes: []vg.Length{4, 3}}},
		{used, draw.LineStyle{Color: usedColor, Width: 2.5}},
	} {
		line, err := plotter.NewLine(l.xy)
		if err != nil {
			return fmt.Errorf("burn-up line: %w", err)
		}
		line.LineStyle = l.style
		p.Add(line)
	}
	if len(used) > 1 {
		last, err := plotter.NewScatter(used[len(used)-1:])
		if err != nil {
			return fmt.Errorf("burn-up point: %w", err)
		}
		last.GlyphStyle = draw.GlyphStyle{Color: usedColor, Radius: 3, Shape: draw.CircleGlyph{}}
		p.Add(last)
	}
	p.X.Min, p.X.Max = 0, float64(length)
	p.X.Tick.Marker = sprintTicks(s.Start, length)
	p.Y.Label.Text = unit
	p.Y.Min = 0
	p.Y.Tick.Marker, p.Y.Max = valueTicks(peak * 1.08)
	p.Draw(c)
	return nil
}

// newPlot returns a plot with the chart's fonts and no title.
func newPlot() *plot.Plot {
	p := plot.New()
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		// Only the fonts change: the axes align their own text.
		a.Label.TextStyle.Font = style(10, false, nil).Font
		a.Tick.Label.Font = style(10, false, nil).Font
		a.Padding = 2
	}
	p.Y.Label.Padding = 4
	return p
}

// style returns a text style in the chart's typeface; sizes are in points.
func style(size vg.Length, bold bool, col color.Color) text.Style {
	f := sans
	if bold {
		f.Weight = xfont.WeightBold
	}
	return text.Style{Color: col, Font: font.From(f, size), Handler: plot.DefaultTextHandler}
}

// swatch is one legend entry: a filled box or a line sample.
type swatch struct {
	name string
	fill color.Color
	line draw.LineStyle
}

// panelHeader writes a panel's title and its legend on one row each, and
// returns what is left of c for the plot. The legend is drawn outside the
// plot so that it never hides a bar or a line.
func panelHeader(c draw.Canvas, title string, legend []swatch) draw.Canvas {
	top := c.Max.Y
	t := style(12, true, color.Black)
	t.XAlign, t.YAlign = draw.XLeft, draw.YTop
	c.FillText(t, vg.Point{X: c.Min.X, Y: top}, title)
	top -= t.Height("I") + 4
	if len(legend) > 0 {
		l := style(10, false, color.Black)
		l.XAlign, l.YAlign = draw.XLeft, draw.YCenter
		h := l.Height("I")
		x, y := c.Min.X, top-h/2
		for _, s := range legend {
			if s.fill != nil {
				c.FillPolygon(s.fill, []vg.Point{{X: x, Y: y - h/2}, {X: x + h, Y: y - h/2}, {X: x + h, Y: y + h/2}, {X: x, Y: y + h/2}})
				x += h + 3
			} else {
				c.StrokeLine2(s.line, x, y, x+18, y)
				x += 21
			}
			c.FillText(l, vg.Point{X: x, Y: y}, s.name)
			x += l.Width(s.name) + 10
		}
		top -= h + 6
	}
	c.Max.Y = top
	return c
}

// countTicks returns whole-number ticks from 0 to at least top (at least
// 1) and the axis maximum they end at.
func countTicks(top float64) (plot.Ticker, float64) {
	step := niceStep(max(top, 1)/5, true)
	return ticks(step, math.Ceil(max(top, 1)/step)*step)
}

// valueTicks is countTicks for amounts that may have fractions.
func valueTicks(top float64) (plot.Ticker, float64) {
	step := niceStep(max(top, 1)/5, false)
	return ticks(step, math.Ceil(max(top, 1)/step)*step)
}

func ticks(step, end float64) (plot.Ticker, float64) {
	var ts []plot.Tick
	for i := 0; float64(i)*step <= end+step/1e6; i++ {
		v := float64(i) * step
		ts = append(ts, plot.Tick{Value: v, Label: strconv.FormatFloat(v, 'f', -1, 64)})
	}
	return plot.ConstantTicks(ts), end
}

// niceStep rounds raw up to 1, 2 or 5 times a power of ten; whole keeps
// it at 1 or more, for counts.
func niceStep(raw float64, whole bool) float64 {
	if whole && raw <= 1 {
		return 1
	}
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 5, 10} {
		if raw <= m*mag {
			return m * mag
		}
	}
	return 10 * mag
}

// sprintTicks marks the start of every day of the sprint and labels every
// 7th with its date, since a label per day would not fit; the sprint's end
// is labelled too unless that would crowd the last weekly label.
func sprintTicks(start time.Time, length int) plot.Ticker {
	var ts []plot.Tick
	for i := 0; i <= length; i++ {
		label := ""
		if i%7 == 0 || (i == length && i%7 >= 4) {
			label = addDays(start, i).Format("Mon\n2 Jan")
		}
		ts = append(ts, plot.Tick{Value: float64(i), Label: label})
	}
	return plot.ConstantTicks(ts)
}
