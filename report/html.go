package report

import (
	"bytes"
	_ "embed"
	"encoding/base64"
	"fmt"
	"html/template"
	"strings"
)

//go:embed html.tmpl
var htmlSource string

// htmlTemplate escapes every value for its context, so user text such as a
// summary with <script> comes out as text. Execute may run concurrently.
var htmlTemplate = template.Must(template.New("report").Parse(htmlSource))

// htmlSummaryRunes bounds user text in the page's tables: wider than the
// text report's, since table cells wrap there.
const htmlSummaryRunes = 120

// HTML renders the report as one self-contained page: no external styles,
// scripts or fonts, with the chart inlined as a PNG data URL, and tables
// that scroll sideways rather than widen the page on a phone. Every section
// of Text is there, as a table with a caption and an id. It may be called
// concurrently.
func (w *Weekly) HTML() ([]byte, error) {
	return w.html(ChartWidth, ChartHeight)
}

// html renders the page with a chart of the given size.
func (w *Weekly) html(chartWidth, chartHeight int) ([]byte, error) {
	chart, err := w.PNG(chartWidth, chartHeight)
	if err != nil {
		return nil, fmt.Errorf("render HTML: %w", err)
	}
	page := w.htmlPage()
	page.ChartWidth, page.ChartHeight = chartWidth, chartHeight
	// The data URL is built here from our own PNG, so it is safe to mark
	// as a URL; html/template would otherwise refuse the data: scheme.
	page.Chart = template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(chart))
	var b bytes.Buffer
	if err := htmlTemplate.Execute(&b, page); err != nil {
		return nil, fmt.Errorf("render HTML: %w", err)
	}
	return b.Bytes(), nil
}

type htmlPage struct {
	Title, Period, InProgress string
	Facts                     []htmlFact
	Budget                    htmlGauge
	Chart                     template.URL
	ChartWidth, ChartHeight   int
	ChartAlt                  string
	Sections                  []htmlSection
	Footer                    string
}

type htmlFact struct{ Label, Value string }

// htmlGauge is the budget as a <meter>: at most 80% of the budget shows as
// fine, up to 100% as a warning, beyond as over.
type htmlGauge struct {
	Shown                 bool
	Max, Value, Low, High string
	Text                  string
}

type htmlSection struct {
	ID, Heading string
	Notes       []string
	Tables      []htmlTable
}

type htmlTable struct {
	ID, Caption, Empty string
	Head               []htmlCell
	Rows               [][]htmlCell
}

type htmlCell struct{ Text, Class string }

func htmlCellText(s string) string { return clean(s, htmlSummaryRunes) }

func (w *Weekly) htmlPage() htmlPage {
	p := htmlPage{
		Title: fmt.Sprintf("Interrupt report: %s, %s", oneLineName(w.Team), w.Week),
		Period: fmt.Sprintf("%s – %s %d (%s)", day(w.Start), day(lastDay(w.End)), lastDay(w.End).Year(),
			w.TimeZone),
		ChartAlt: w.chartAlt(),
		Footer: fmt.Sprintf("Generated %s by sprintguard. Times are in %s.",
			w.Generated.In(w.Start.Location()).Format("Mon 02 Jan 2006 15:04 MST"), w.TimeZone),
	}
	if w.Cutoff.Before(w.End) {
		p.InProgress = "Week in progress: counted up to " + w.Cutoff.Format("Mon 02 Jan 15:04 MST")
	}
	p.Facts = []htmlFact{
		{"Requests this week", fmt.Sprintf("%d (%s)", w.ThisWeek.Requests, urgencies(w.ThisWeek.ByUrgency))},
		{"Sprint to date", fmt.Sprintf("%d (%s)", w.Sprint.Requests, urgencies(w.Sprint.ByUrgency))},
		{"Outcomes this week", listed(w.ThisWeek.Outcomes, outcomeOrder)},
		{"Tickets made by", listed(w.ThisWeek.TicketedBy, ticketedOrder)},
		{"Budget", htmlBudgetLine(w.SprintInfo)},
		{"Urgency changed by a person", fmt.Sprintf("%s this week, %s in the sprint", overrides(w.ThisWeek), overrides(w.Sprint))},
		{"SLA breaches", strings.TrimPrefix(breachHeadline(w), "SLA breaches: ")},
		{"Emergencies that weren't", fmt.Sprintf("%d this week (claimed P1/P2, classified lower)", len(w.ThisWeek.FalseEmergencies))},
	}
	p.Budget = gauge(w.SprintInfo)
	unit := unitOr(w.SprintInfo.Unit)
	burnCaption := "Sprint burn-up (" + unit + ")"
	if !w.SprintInfo.Start.IsZero() {
		burnCaption = fmt.Sprintf("Sprint %d burn-up (%s): used by the end of each day against the plan", w.SprintInfo.N, unit)
	}
	p.Sections = []htmlSection{
		{ID: "volume", Heading: "Volume", Tables: []htmlTable{
			htmlFrom("by-urgency", "Requests by urgency", urgencyTable(w)),
			htmlFrom("by-category", "Requests by category", countTable("category", w.ThisWeek.ByCategory, w.Sprint.ByCategory, htmlCellText)),
			htmlFrom("by-requester-team", "Requests by requesting team", countTable("team", w.ThisWeek.ByRequesterTeam, w.Sprint.ByRequesterTeam, htmlCellText)),
			htmlFrom("top-requesters", "Top 5 requesters this week", topTable(w.ThisWeek.TopRequesters, w.SprintInfo.Unit, htmlCellText)),
		}},
		{ID: "outcomes-section", Heading: "Outcomes", Tables: []htmlTable{
			htmlFrom("outcomes", "Accepted, deferred and declined", mapTable("outcome", w.ThisWeek.Outcomes, w.Sprint.Outcomes, outcomeOrder)),
			htmlFrom("ticketed-by", "Tickets made by", mapTable("made by", w.ThisWeek.TicketedBy, w.Sprint.TicketedBy, ticketedOrder)),
		}},
		{ID: "budget-section", Heading: "Budget", Tables: []htmlTable{
			htmlFrom("budget", "Interrupt budget of the sprint", budgetTable(w.SprintInfo)),
			htmlFrom("trend", "8-week trend: requests and budget used against the plan", trendTable(w.Trend, w.SprintInfo.Unit)),
			htmlFrom("burn-up", burnCaption, burnTable(w.BurnUp)),
		}},
		{ID: "times", Heading: "Response times", Tables: []htmlTable{
			htmlFrom("response-times", "Time to acknowledge and to resolve", timesTable(w)),
		}},
		{ID: "breaches", Heading: "SLA breaches", Notes: []string{breachHeadline(w)}, Tables: []htmlTable{
			htmlFrom("sla-breaches", "SLA breaches this week, most overdue first", breachTable(w.ThisWeek.SLABreaches.Items)),
		}},
		{ID: "overrides-section", Heading: "Human overrides", Tables: []htmlTable{
			htmlFrom("overrides", "Urgency changed by a person", overrideTable(w)),
		}},
		{ID: "emergencies", Heading: "Emergencies that weren't", Notes: []string{emergencyHeadline(w.ThisWeek)}, Tables: []htmlTable{
			htmlFrom("false-emergencies", "Claimed P1 or P2, classified lower by the rules", emergencyTable(w.ThisWeek.FalseEmergencies, htmlCellText)),
		}},
		{ID: "days", Heading: "Requests per day", Tables: []htmlTable{
			htmlFrom("per-day", "Requests per day by urgency", daysTable(w.Days)),
		}},
	}
	if w.SprintInfo.Start.IsZero() {
		p.Sections[2].Tables[0].Empty = "No sprint calendar configured."
		p.Sections[2].Tables[2].Empty = "No sprint calendar configured."
	}
	return p
}

// htmlFrom turns a table of the text report into an HTML table, so that
// both show the same figures. Columns of user text may wrap.
func htmlFrom(id, caption string, t table) htmlTable {
	h := htmlTable{ID: id, Caption: caption, Empty: "None."}
	for i, c := range t.head {
		h.Head = append(h.Head, htmlCell{Text: c, Class: numClass(t.right[i])})
	}
	for _, row := range t.rows {
		cells := make([]htmlCell, len(row))
		for i, c := range row {
			cells[i] = htmlCell{Text: c, Class: numClass(t.right[i])}
			if t.head[i] == "summary" {
				cells[i].Class = "long"
			}
		}
		h.Rows = append(h.Rows, cells)
	}
	return h
}

func numClass(right bool) string {
	if right {
		return "num"
	}
	return ""
}

func urgencyTable(w *Weekly) table {
	t := table{head: []string{"urgency", "week", "sprint"}, right: []bool{false, true, true}}
	for _, k := range []string{"P1", "P2", "P3", "P4"} {
		t.add(k, fmt.Sprint(w.ThisWeek.ByUrgency[k]), fmt.Sprint(w.Sprint.ByUrgency[k]))
	}
	if w.ThisWeek.ByUrgency["P?"] > 0 || w.Sprint.ByUrgency["P?"] > 0 {
		t.add("unknown", fmt.Sprint(w.ThisWeek.ByUrgency["P?"]), fmt.Sprint(w.Sprint.ByUrgency["P?"]))
	}
	t.add("total", fmt.Sprint(w.ThisWeek.Requests), fmt.Sprint(w.Sprint.Requests))
	return t
}

func mapTable(what string, week, sprint map[string]int, order [][2]string) table {
	t := table{head: []string{what, "week", "sprint"}, right: []bool{false, true, true}}
	for _, o := range order {
		t.add(o[1], fmt.Sprint(week[o[0]]), fmt.Sprint(sprint[o[0]]))
	}
	return t
}

func budgetTable(s SprintStatus) table {
	t := table{head: []string{"", "sprint " + fmt.Sprint(s.N)}, right: []bool{false, true}}
	if s.Start.IsZero() {
		return t
	}
	u := " (" + unitOr(s.Unit) + ")"
	t.add("days", s.Start.Format("02 Jan")+" – "+lastDay(s.End).Format("02 Jan"))
	t.add("budget"+u, num(s.Budget))
	t.add("used"+u, num(s.Used))
	if s.Left >= 0 {
		t.add("left"+u, num(s.Left))
	} else {
		t.add("over budget by"+u, num(-s.Left))
	}
	t.add("used of budget", percent(s.UsedRatio))
	t.add("days left", fmt.Sprint(s.DaysLeft))
	t.add("accepted over budget", fmt.Sprint(s.OverBudget))
	return t
}

func overrideTable(w *Weekly) table {
	t := table{head: []string{"", "changed", "requests", "rate"}, right: []bool{false, true, true, true}}
	for _, r := range []struct {
		name string
		p    Period
	}{{"this week", w.ThisWeek}, {"sprint to date", w.Sprint}} {
		t.add(r.name, fmt.Sprint(r.p.Overridden), fmt.Sprint(r.p.Requests), percent(r.p.OverrideRate))
	}
	return t
}

// htmlBudgetLine is the text report's budget line without its ASCII bar,
// which the page shows as a meter instead.
func htmlBudgetLine(s SprintStatus) string {
	line := budgetLine(s)
	if s.Start.IsZero() {
		return strings.TrimPrefix(line, "Budget: ")
	}
	line = strings.Replace(strings.TrimPrefix(line, "Budget ("), "): ", ": ", 1)
	return strings.Replace(line, " "+bar(s.UsedRatio)+"  ", ", ", 1)
}

func gauge(s SprintStatus) htmlGauge {
	if s.Start.IsZero() {
		return htmlGauge{}
	}
	top := max(s.Budget, s.Used)
	if top <= 0 {
		top = 1
	}
	return htmlGauge{Shown: true, Max: num(top), Value: num(s.Used), Low: num(s.Budget * 0.8), High: num(s.Budget),
		Text: fmt.Sprintf("%s of %s (%s)", num(s.Used), amount(s.Budget, s.Unit), percent(s.UsedRatio))}
}

// chartAlt describes the chart in words for screen readers and for when
// images are off.
func (w *Weekly) chartAlt() string {
	var days []string
	for _, d := range w.Days {
		days = append(days, fmt.Sprintf("%s %d", day(d.Start), d.Requests))
	}
	alt := "Chart of requests per day: " + strings.Join(days, ", ") + "."
	s := w.SprintInfo
	if s.Start.IsZero() || len(w.BurnUp) == 0 {
		return alt
	}
	last := w.BurnUp[len(w.BurnUp)-1]
	return alt + fmt.Sprintf(" Sprint %d budget burn-up: %s of %s used by %s, against %s planned.",
		s.N, num(last.Used), amount(s.Budget, s.Unit), last.Date, num(last.Plan))
}
