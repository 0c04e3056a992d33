package report

import (
	"fmt"
	"strings"
)

// mdCell makes user text safe for one cell of a Markdown table.
func mdCell(s string) string { return mdEscape.Replace(clean(s, summaryRunes)) }

// Markdown renders the report as GitHub-flavoured Markdown with tables, for
// a wiki page, an issue or a pull request. User text is escaped so that it
// cannot add links, markup or table cells. It may be called concurrently.
func (w *Weekly) Markdown() string {
	var b strings.Builder
	fmt.Fprintf(&b, "# Interrupt report: %s, %s\n\n", mdEscape.Replace(w.Team), w.Week)
	fmt.Fprintf(&b, "%s – %s %d (%s)", day(w.Start), day(lastDay(w.End)), lastDay(w.End).Year(), w.TimeZone)
	if w.Cutoff.Before(w.End) {
		fmt.Fprintf(&b, "; week in progress, counted up to %s", w.Cutoff.Format("Mon 02 Jan 15:04 MST"))
	}
	b.WriteString("\n\n")
	fmt.Fprintf(&b, "- **Requests this week:** %d (%s)\n", w.ThisWeek.Requests, urgencies(w.ThisWeek.ByUrgency))
	fmt.Fprintf(&b, "- **Sprint to date:** %d (%s)\n", w.Sprint.Requests, urgencies(w.Sprint.ByUrgency))
	fmt.Fprintf(&b, "- **Outcomes:** %s\n", listed(w.ThisWeek.Outcomes, outcomeOrder))
	fmt.Fprintf(&b, "- **Tickets made by:** %s\n", listed(w.ThisWeek.TicketedBy, ticketedOrder))
	fmt.Fprintf(&b, "- **%s\n", strings.Replace(mdBudget(w.SprintInfo), ":", ":**", 1))
	fmt.Fprintf(&b, "- **Urgency changed by a person:** %s this week, %s in the sprint\n",
		overrides(w.ThisWeek), overrides(w.Sprint))

	mdSection(&b, "By category", countTable("category", w.ThisWeek.ByCategory, w.Sprint.ByCategory, mdCell))
	mdSection(&b, "By requesting team", countTable("team", w.ThisWeek.ByRequesterTeam, w.Sprint.ByRequesterTeam, mdCell))
	mdSection(&b, "Top requesters this week", topTable(w.ThisWeek.TopRequesters, w.SprintInfo.Unit, mdCell))
	mdSection(&b, "Response times", timesTable(w))
	b.WriteString("\n## SLA breaches\n\n" + breachHeadline(w) + "\n")
	if t := breachTable(w.ThisWeek.SLABreaches.Items); len(t.rows) > 0 {
		b.WriteString("\n")
		t.markdown(&b)
	}
	b.WriteString("\n## Emergencies that weren't\n\n" + emergencyHeadline(w.ThisWeek) + "\n")
	if t := emergencyTable(w.ThisWeek.FalseEmergencies, mdCell); len(t.rows) > 0 {
		b.WriteString("\n")
		t.markdown(&b)
	}
	mdLearned(&b, w)
	mdSection(&b, "Requests per day", daysTable(w.Days))
	mdSection(&b, "8-week trend", trendTable(w.Trend, w.SprintInfo.Unit))
	if len(w.BurnUp) > 0 {
		mdSection(&b, fmt.Sprintf("Sprint %d burn-up (%s)", w.SprintInfo.N, unitOr(w.SprintInfo.Unit)), burnTable(w.BurnUp))
	}
	return b.String()
}

// mdBudget is the budget line with its bar as code, so that Markdown
// leaves the '#' and '-' alone.
func mdBudget(s SprintStatus) string {
	line := budgetLine(s)
	if s.Start.IsZero() {
		return line
	}
	b := bar(s.UsedRatio)
	return strings.Replace(line, b, "`"+b+"`", 1)
}

func mdSection(b *strings.Builder, title string, t table) {
	b.WriteString("\n## " + title + "\n\n")
	if len(t.rows) == 0 {
		b.WriteString("None.\n")
		return
	}
	for i, h := range t.head {
		if h == "" {
			t.head[i] = " "
		}
	}
	t.markdown(b)
}
