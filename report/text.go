package report

import (
	"fmt"
	"strings"
	"time"

	"github.com/sprintguard/sprintguard/triage"

	"github.com/sprintguard/sprintguard/internal/plural"
)

// outcomeOrder is the order outcomes are listed in, with their words.
var outcomeOrder = [][2]string{
	{"accepted", "accepted"}, {"deferred", "deferred"}, {"needs_approval", "needs approval"},
	{"backlog", "backlog"}, {"declined", "declined"},
}

// ticketedOrder is the order ticket makers are listed in, with their words.
var ticketedOrder = [][2]string{{"requester", "requester"}, {"member", "team member"}, {"deadline", "deadline"}}

// summaryRunes bounds request summaries quoted in tables.
const summaryRunes = 60

// Text renders the report as plain text with aligned tables, for a
// terminal, an e-mail or a Slack code block. The output depends only on w.
// It may be called concurrently.
func (w *Weekly) Text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Interrupt report: %s, %s (%s – %s %d, %s)\n", w.Team, w.Week,
		day(w.Start), day(lastDay(w.End)), lastDay(w.End).Year(), w.TimeZone)
	if w.Cutoff.Before(w.End) {
		fmt.Fprintf(&b, "Week in progress: counted up to %s\n", w.Cutoff.Format("Mon 02 Jan 15:04 MST"))
	}
	b.WriteString("\n")
	fmt.Fprintf(&b, "Requests this week: %d (%s)   sprint to date: %d (%s)\n",
		w.ThisWeek.Requests, urgencies(w.ThisWeek.ByUrgency), w.Sprint.Requests, urgencies(w.Sprint.ByUrgency))
	fmt.Fprintf(&b, "Outcomes: %s\n", listed(w.ThisWeek.Outcomes, outcomeOrder))
	fmt.Fprintf(&b, "Tickets made by: %s\n", listed(w.ThisWeek.TicketedBy, ticketedOrder))
	fmt.Fprintf(&b, "%s\n", budgetLine(w.SprintInfo))

	section(&b, "By category", countTable("category", w.ThisWeek.ByCategory, w.Sprint.ByCategory, textCell))
	section(&b, "By requesting team", countTable("team", w.ThisWeek.ByRequesterTeam, w.Sprint.ByRequesterTeam, textCell))
	section(&b, "Top requesters this week", topTable(w.ThisWeek.TopRequesters, w.SprintInfo.Unit, textCell))
	section(&b, "Response times", timesTable(w))
	b.WriteString("\n" + breachHeadline(w) + "\n")
	if t := breachTable(w.ThisWeek.SLABreaches.Items); len(t.rows) > 0 {
		t.write(&b, "  ")
	}
	fmt.Fprintf(&b, "\nUrgency changed by a person: %s this week, %s in the sprint\n",
		overrides(w.ThisWeek), overrides(w.Sprint))
	b.WriteString("\n" + emergencyHeadline(w.ThisWeek) + "\n")
	if t := emergencyTable(w.ThisWeek.FalseEmergencies, textCell); len(t.rows) > 0 {
		t.write(&b, "  ")
	}
	section(&b, "Requests per day", daysTable(w.Days))
	section(&b, "8-week trend", trendTable(w.Trend, w.SprintInfo.Unit))
	if len(w.BurnUp) > 0 {
		section(&b, fmt.Sprintf("Sprint %d burn-up (%s)", w.SprintInfo.N, unitOr(w.SprintInfo.Unit)), burnTable(w.BurnUp))
	}
	return b.String()
}

// textCell makes user text fit one cell of a plain-text table.
func textCell(s string) string { return clean(s, summaryRunes) }

func section(b *strings.Builder, title string, t table) {
	b.WriteString("\n" + title + "\n")
	if len(t.rows) == 0 {
		b.WriteString("  (none)\n")
		return
	}
	t.write(b, "  ")
}

func urgencies(m map[string]int) string {
	parts := []string{}
	for _, k := range []string{"P1", "P2", "P3", "P4"} {
		parts = append(parts, fmt.Sprintf("%s %d", k, m[k]))
	}
	if n := m["P?"]; n > 0 {
		parts = append(parts, fmt.Sprintf("unknown %d", n))
	}
	return strings.Join(parts, ", ")
}

func listed(m map[string]int, order [][2]string) string {
	parts := make([]string, 0, len(order))
	for _, o := range order {
		parts = append(parts, fmt.Sprintf("%s %d", o[1], m[o[0]]))
	}
	return strings.Join(parts, ", ")
}

func unitOr(u string) string { return or(u, "units") }

func budgetLine(s SprintStatus) string {
	if s.Start.IsZero() {
		return "Budget: no sprint calendar configured"
	}
	line := fmt.Sprintf("Budget (sprint %d, %s – %s): %s of %s used (%s) %s  %s left",
		s.N, s.Start.Format("02 Jan"), lastDay(s.End).Format("02 Jan"), num(s.Used), amount(s.Budget, s.Unit),
		percent(s.UsedRatio), bar(s.UsedRatio), plural.Count(s.DaysLeft, "day"))
	if s.Left < 0 {
		line += fmt.Sprintf(", over budget by %s", amount(-s.Left, s.Unit))
	}
	if s.OverBudget > 0 {
		line += fmt.Sprintf(", %d accepted over budget", s.OverBudget)
	}
	return line
}

// countTable lists this week's rows first, then rows seen only earlier in
// the sprint.
func countTable(what string, week, sprint []Count, cell func(string) string) table {
	t := table{head: []string{what, "week", "sprint"}, right: []bool{false, true, true}}
	inSprint := map[string]int{}
	for _, c := range sprint {
		inSprint[c.Name] = c.N
	}
	seen := map[string]bool{}
	for _, c := range week {
		seen[c.Name] = true
		t.add(cell(c.Name), fmt.Sprint(c.N), fmt.Sprint(inSprint[c.Name]))
	}
	for _, c := range sprint {
		if !seen[c.Name] {
			t.add(cell(c.Name), "0", fmt.Sprint(c.N))
		}
	}
	return t
}

func topTable(cs []Count, unit string, cell func(string) string) table {
	t := table{head: []string{"requester", "requests", unitOr(unit)}, right: []bool{false, true, true}}
	for _, c := range cs {
		t.add(cell(c.Name), fmt.Sprint(c.N), num(c.Budget))
	}
	return t
}

func timesTable(w *Weekly) table {
	t := table{head: []string{"", "n", "median", "p90"}, right: []bool{false, true, true, true}}
	for _, r := range []struct {
		name string
		d    Durations
	}{{"acknowledge, week", w.ThisWeek.Ack}, {"resolve, week", w.ThisWeek.Resolve},
		{"acknowledge, sprint", w.Sprint.Ack}, {"resolve, sprint", w.Sprint.Resolve}} {
		med, p90 := "-", "-"
		if r.d.N > 0 {
			med, p90 = FormatDuration(r.d.Median), FormatDuration(r.d.P90)
		}
		t.add(r.name, fmt.Sprint(r.d.N), med, p90)
	}
	return t
}

func breachHeadline(w *Weekly) string {
	return fmt.Sprintf("SLA breaches: this week ack %d, resolve %d; sprint ack %d, resolve %d",
		w.ThisWeek.SLABreaches.Ack, w.ThisWeek.SLABreaches.Resolve, w.Sprint.SLABreaches.Ack, w.Sprint.SLABreaches.Resolve)
}

func breachTable(items []Breach) table {
	t := table{head: []string{"request", "ticket", "urgency", "sla", "target", "took"},
		right: []bool{false, false, false, false, true, true}}
	for _, it := range items {
		took := FormatDuration(it.Took)
		if it.Open {
			took += " (open)"
		}
		t.add(fmt.Sprintf("#%d", it.ID), or(it.Ticket, "-"), urgencyOr(it.Urgency), it.Kind, FormatDuration(it.Target), took)
	}
	return t
}

func overrides(p Period) string {
	return fmt.Sprintf("%d of %d (%s)", p.Overridden, p.Requests, percent(p.OverrideRate))
}

func emergencyHeadline(p Period) string {
	return fmt.Sprintf("Emergencies that weren't (claimed P1/P2, classified lower) this week: %d", len(p.FalseEmergencies))
}

func emergencyTable(items []Item, cell func(string) string) table {
	t := table{head: []string{"request", "ticket", "claimed", "rules", "now", "requester", "summary"},
		right: make([]bool, 7)}
	for _, it := range items {
		t.add(fmt.Sprintf("#%d", it.ID), or(it.Ticket, "-"), it.Claimed.String(), it.Classified.String(),
			urgencyOr(it.Final), cell(it.Requester), cell(it.Summary))
	}
	return t
}

func urgencyOr(u triage.Urgency) string {
	if !u.Valid() {
		return "-"
	}
	return u.String()
}

func daysTable(days []DayCount) table {
	t := table{head: []string{"day", "P1", "P2", "P3", "P4", "total"}, right: []bool{false, true, true, true, true, true}}
	for _, d := range days {
		t.add(day(d.Start), fmt.Sprint(d.ByUrgency["P1"]), fmt.Sprint(d.ByUrgency["P2"]),
			fmt.Sprint(d.ByUrgency["P3"]), fmt.Sprint(d.ByUrgency["P4"]), fmt.Sprint(d.Requests))
	}
	return t
}

func trendTable(points []TrendPoint, unit string) table {
	t := table{head: []string{"week", "starts", "requests", "P1", "P2", "used (" + unitOr(unit) + ")", "plan"},
		right: []bool{false, false, true, true, true, true, true}}
	for _, p := range points {
		t.add(p.Week, p.Start.Format(time.DateOnly), fmt.Sprint(p.Requests), fmt.Sprint(p.ByUrgency["P1"]),
			fmt.Sprint(p.ByUrgency["P2"]), num(p.BudgetUsed), num(p.Plan))
	}
	return t
}

func burnTable(points []BurnPoint) table {
	t := table{head: []string{"day", "date", "used", "plan"}, right: []bool{true, false, true, true}}
	for _, p := range points {
		t.add(fmt.Sprint(p.Day), p.Date, num(p.Used), num(p.Plan))
	}
	return t
}
