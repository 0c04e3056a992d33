package report

import (
	"fmt"
	"math"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/sprintguard/sprintguard/internal/plural"
)

// FormatDuration writes d the way the report does: "45s", "14m", "3h05m",
// "2d4h", rounded to the unit shown; "-" for a negative d. It may be called
// concurrently.
func FormatDuration(d time.Duration) string {
	switch {
	case d < 0:
		return "-"
	case d.Round(time.Second) < time.Minute:
		return fmt.Sprintf("%ds", int64(d.Round(time.Second)/time.Second))
	}
	if m := d.Round(time.Minute); m < time.Hour {
		return fmt.Sprintf("%dm", int64(m/time.Minute))
	} else if m < 24*time.Hour {
		return fmt.Sprintf("%dh%02dm", int64(m/time.Hour), int64(m%time.Hour/time.Minute))
	}
	h := int64(d.Round(time.Hour) / time.Hour)
	if h%24 == 0 {
		return fmt.Sprintf("%dd", h/24)
	}
	return fmt.Sprintf("%dd%dh", h/24, h%24)
}

// num writes a budget figure with at most two decimals and no trailing
// zeros, so sums of estimates such as 0.1+0.2 print as 0.3.
func num(v float64) string { return plural.Num(v) }

// tidy rounds a sum of budget figures to a millionth, so that float error
// from the order of additions neither shows in JSON nor makes two runs of
// the same report differ.
func tidy(v float64) float64 { return math.Round(v*1e6) / 1e6 }

// percent writes a ratio as a whole percentage, rounded.
func percent(r float64) string { return plural.Percent(r) }

// amount writes a budget figure with its unit, singular for 1: "1 point".
func amount(v float64, unit string) string { return plural.Amount(v, unitOr(unit)) }

// barWidth is the number of cells of the budget bar.
const barWidth = 20

// bar draws ratio as "[########------------]"; past 100% the bar is full
// and a "+" follows it.
func bar(ratio float64) string {
	full := int(math.Round(min(max(ratio, 0), 1) * barWidth))
	s := "[" + strings.Repeat("#", full) + strings.Repeat("-", barWidth-full) + "]"
	if ratio > 1 {
		s += "+"
	}
	return s
}

// clean makes user text safe for one table cell: control characters and
// runs of space become one space, and it is cut to limit runes with "…".
func clean(s string, limit int) string {
	s = strings.Join(strings.FieldsFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsControl(r)
	}), " ")
	if utf8.RuneCountInString(s) <= limit {
		return s
	}
	runes := []rune(s)
	return strings.TrimSpace(string(runes[:limit-1])) + "…"
}

// day writes a local date as "Mon 16 Nov".
func day(t time.Time) string { return t.Format("Mon 02 Jan") }

// lastDay is the local date of the last day of a window whose End is
// exclusive and at local midnight.
func lastDay(end time.Time) time.Time { return addDays(end, -1) }

// table is a plain-text table whose columns are padded to their widest
// cell; numeric columns are right-aligned.
type table struct {
	head  []string
	right []bool
	rows  [][]string
}

func (t *table) add(cells ...string) { t.rows = append(t.rows, cells) }

func (t *table) write(b *strings.Builder, indent string) {
	width := make([]int, len(t.head))
	for _, row := range append([][]string{t.head}, t.rows...) {
		for i, c := range row {
			width[i] = max(width[i], utf8.RuneCountInString(c))
		}
	}
	for _, row := range append([][]string{t.head}, t.rows...) {
		line := indent
		for i, c := range row {
			pad := strings.Repeat(" ", width[i]-utf8.RuneCountInString(c))
			if i > 0 {
				line += "  "
			}
			if t.right[i] {
				line += pad + c
			} else {
				line += c + pad
			}
		}
		b.WriteString(strings.TrimRight(line, " ") + "\n")
	}
}

// markdown writes t as a GitHub-flavoured Markdown table; cells must be
// escaped already.
func (t *table) markdown(b *strings.Builder) {
	b.WriteString("| " + strings.Join(t.head, " | ") + " |\n|")
	for _, r := range t.right {
		if r {
			b.WriteString(" ---: |")
		} else {
			b.WriteString(" --- |")
		}
	}
	b.WriteString("\n")
	for _, row := range t.rows {
		b.WriteString("| " + strings.Join(row, " | ") + " |\n")
	}
}

// mdEscape keeps user text from turning into Markdown: links, emphasis,
// HTML and table cell breaks.
var mdEscape = strings.NewReplacer(
	`\`, `\\`, "`", "\\`", "*", `\*`, "_", `\_`, "[", `\[`, "]", `\]`,
	"<", "&lt;", ">", "&gt;", "|", `\|`, "~", `\~`, "#", `\#`,
)
