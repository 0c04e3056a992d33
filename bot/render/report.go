package render

import (
	"strconv"
	"strings"

	"github.com/slack-go/slack"

	"github.com/sprintguard/sprintguard/report"

	"github.com/sprintguard/sprintguard/internal/plural"
)

// Limits of the weekly report message.
const (
	reportMaxFields = 10   // fields per section
	reportFieldText = 2000 // runes per field
	reportList      = 10   // lines per list of breaches or emergencies
	reportTop       = 5    // rows of a breakdown shown
	reportSummary   = 80   // runes of a quoted request summary
	reportName      = 40   // runes of a category, team or person name
	reportUnit      = 24   // runes of the budget unit
	reportTicket    = 30   // runes of a ticket key
)

// Report returns the weekly interrupt report as a Slack message: the key
// figures of the week and the sprint to date, the budget gauge and its
// 8-week trend, the breakdowns, the top 5 requesters, the SLA breaches,
// the emergencies that weren't, and the rules overridden most with the
// requests rule answers solved. The chart is not part of it; the caller
// uploads Weekly.PNG into the message's thread. Long lists end with "and N
// more", so the message stays within Block Kit's limits however big the
// report. w must not be nil.
func Report(w *report.Weekly) Message {
	loc := w.Start.Location()
	period := day(w.Start, loc) + " – " + day(lastDay(w.End, loc), loc) + " · " + Escape(w.TimeZone)
	if w.Cutoff.Before(w.End) {
		period += " · week in progress, counted up to " + stamp(w.Cutoff, loc)
	}
	tw, sp := w.ThisWeek, w.Sprint
	unit := clipPlain(oneLine(w.SprintInfo.Unit), reportUnit)
	blocks := []slack.Block{
		header("Interrupt report · " + w.Team + " · " + w.Week),
		note(period),
		reportFields(
			"*Requests this week*\n"+itoa(tw.Requests)+" ("+reportUrgencies(tw.ByUrgency)+")",
			"*Sprint to date*\n"+itoa(sp.Requests)+" ("+reportUrgencies(sp.ByUrgency)+")",
			"*Outcomes this week*\n"+reportOutcomes(tw.Outcomes),
			"*Urgency changed by a person*\n"+itoa(tw.Overridden)+" of "+itoa(tw.Requests)+" ("+percent(tw.OverrideRate)+
				"); sprint "+percent(sp.OverrideRate),
			"*Time to acknowledge*\n"+reportTimes(tw.Ack),
			"*Time to resolve*\n"+reportTimes(tw.Resolve),
			"*SLA breaches*\nack "+itoa(tw.SLABreaches.Ack)+", resolve "+itoa(tw.SLABreaches.Resolve)+
				"; sprint to date "+itoa(sp.SLABreaches.Ack)+", "+itoa(sp.SLABreaches.Resolve),
			"*Emergencies that weren't*\n"+itoa(len(tw.FalseEmergencies))+" this week",
		),
		section(reportBudget(w.SprintInfo, unit)),
		section(reportTrend(w.Trend, unit)),
		reportFields(
			"*By category*\n"+reportCounts(tw.ByCategory, reportTop, false, ""),
			"*By requesting team*\n"+reportCounts(tw.ByRequesterTeam, reportTop, false, ""),
		),
		section("*Top requesters this week*\n" + reportCounts(tw.TopRequesters, reportTop, true, unit)),
		section(reportBreaches(w)),
		section(reportEmergencies(tw.FalseEmergencies)),
		section(reportLearned(w)),
	}
	text := "Interrupt report for " + Escape(w.Team) + ", " + w.Week + ": " + plural.Count(tw.Requests, "request") + " (" +
		reportUrgencies(tw.ByUrgency) + ")"
	if s := w.SprintInfo; !s.Start.IsZero() {
		text += "; budget " + num(s.Used) + " of " + amount(s.Budget, unit) + " used"
	}
	return message(text+".", blocks...)
}

// reportLearned is the rules the on-call overrode most this week, with
// the command that proposes rule edits from them, and the requests a
// rule's answer solved.
func reportLearned(w *report.Weekly) string {
	lines := []string{"*Rules that were overridden most*"}
	if len(w.ThisWeek.OverriddenRules) > 0 {
		lines = append(lines, reportCounts(w.ThisWeek.OverriddenRules, reportTop, false, ""))
	}
	return strings.Join(append(lines, Escape(w.OverriddenHint()), Escape(report.DeflectedLine(w.ThisWeek)),
		Escape(report.LearnedLine(w.ThisWeek))), "\n")
}

// reportFields lays texts out as a section's two-column fields, at most
// reportMaxFields of them, each cut to Slack's limit for a field.
func reportFields(texts ...string) *slack.SectionBlock {
	var fields []*slack.TextBlockObject
	for i, t := range texts {
		if i == reportMaxFields {
			break
		}
		fields = append(fields, slack.NewTextBlockObject(slack.MarkdownType, clip(t, reportFieldText), false, false))
	}
	return slack.NewSectionBlock(nil, fields, nil)
}

func reportUrgencies(m map[string]int) string {
	parts := []string{}
	for _, k := range []string{"P1", "P2", "P3", "P4"} {
		parts = append(parts, k+" "+itoa(m[k]))
	}
	if n := m["P?"]; n > 0 {
		parts = append(parts, "unknown "+itoa(n))
	}
	return strings.Join(parts, " · ")
}

func reportOutcomes(m map[string]int) string {
	s := "accepted " + itoa(m["accepted"]) + " · deferred " + itoa(m["deferred"]) + " · declined " + itoa(m["declined"])
	if n := m["needs_approval"]; n > 0 {
		s += " · awaiting approval " + itoa(n)
	}
	if n := m["backlog"]; n > 0 {
		s += " · backlog " + itoa(n)
	}
	return s
}

func reportTimes(d report.Durations) string {
	if d.N == 0 {
		return "none yet"
	}
	return "median " + report.FormatDuration(d.Median) + " · p90 " + report.FormatDuration(d.P90) + " (" + itoa(d.N) + ")"
}

func reportBudget(s report.SprintStatus, unit string) string {
	if s.Start.IsZero() {
		return "*Budget:* no sprint calendar configured."
	}
	loc := s.Start.Location()
	line := "*Budget · sprint " + itoa(s.N) + "* (" + day(s.Start, loc) + " – " + day(lastDay(s.End, loc), loc) + ")\n`" +
		Bar(s.Used, s.Budget, barWidth) + "` " + Escape(unit) + " · " + plural.Count(s.DaysLeft, "day") + " left"
	if s.Left < 0 {
		line += "\n*Over budget by " + amount(-s.Left, unit) + ".*"
	}
	if s.OverBudget > 0 {
		line += "\n" + itoa(s.OverBudget) + " accepted although the budget was spent."
	}
	return line
}

// reportTrend is the 8-week trend as a code block, so that its columns line
// up.
func reportTrend(points []report.TrendPoint, unit string) string {
	if unit == "" {
		unit = "units"
	}
	lines := []string{"*8-week trend* (requests · P1/P2 · " + Escape(unit) + " used of the weekly plan)", "```"}
	for _, p := range points {
		lines = append(lines, p.Week+"  "+reportPad(itoa(p.Requests), 4)+"  "+reportPad(itoa(p.ByUrgency["P1"])+"/"+itoa(p.ByUrgency["P2"]), 5)+
			"  "+num(p.BudgetUsed)+"/"+num(p.Plan))
	}
	return strings.Join(append(lines, "```"), "\n")
}

func reportPad(s string, n int) string {
	if len(s) >= n {
		return s
	}
	return strings.Repeat(" ", n-len(s)) + s
}

// reportCounts lists the first n rows of a breakdown, with what they
// charged when charged is set. People are named rather than mentioned: a weekly
// report should not notify its top requesters.
func reportCounts(cs []report.Count, n int, charged bool, unit string) string {
	if len(cs) == 0 {
		return "none"
	}
	var lines []string
	for i, c := range cs {
		if i == n {
			lines = append(lines, "and "+itoa(len(cs)-n)+" more")
			break
		}
		line := itoa(i+1) + ". " + short(c.Name, reportName) + " — "
		if charged {
			line += plural.Count(c.N, "request") + ", " + amount(c.Budget, unit)
		} else {
			line += itoa(c.N)
		}
		lines = append(lines, line)
	}
	return strings.Join(lines, "\n")
}

func reportBreaches(w *report.Weekly) string {
	b := w.ThisWeek.SLABreaches
	lines := []string{"*SLA breaches this week:* ack " + itoa(b.Ack) + ", resolve " + itoa(b.Resolve)}
	for i, it := range b.Items {
		if i == reportList {
			lines = append(lines, "and "+itoa(b.Ack+b.Resolve-reportList)+" more")
			break
		}
		line := "• " + reportRef(it.Ticket, it.TicketURL, it.ID) + " "
		if it.Urgency.Valid() {
			line += it.Urgency.String() + " "
		}
		line += it.Kind + ": " + report.FormatDuration(it.Took)
		if it.Open {
			line += " and counting"
		}
		lines = append(lines, line+" (target "+report.FormatDuration(it.Target)+")")
	}
	return strings.Join(lines, "\n")
}

// reportRef names a request by its ticket, linked when the tracker gave
// a link (each team's own: Jira, GitHub, GitLab), else by its number.
func reportRef(ticket, url string, id int64) string {
	if ticket != "" && url != "" {
		return link(url, clipPlain(oneLine(ticket), reportTicket))
	}
	if ticket != "" {
		return short(ticket, reportTicket)
	}
	return "#" + strconv.FormatInt(id, 10)
}

func reportEmergencies(items []report.Item) string {
	lines := []string{"*Emergencies that weren't* (claimed P1/P2, the rules said lower): " + itoa(len(items))}
	for i, it := range items {
		if i == reportList {
			lines = append(lines, "and "+itoa(len(items)-reportList)+" more")
			break
		}
		lines = append(lines, "• "+reportRef(it.Ticket, it.TicketURL, it.ID)+" claimed "+it.Claimed.String()+", rules "+it.Classified.String()+
			" — "+short(it.Requester, reportName)+": “"+short(it.Summary, reportSummary)+"”")
	}
	return strings.Join(lines, "\n")
}
