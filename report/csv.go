package report

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
)

// CSVHeader is the header row of CSV and WriteCSV.
var CSVHeader = []string{"team", "week", "section", "name", "value"}

// CSV renders the report as one long table, a row per figure, with the
// columns of CSVHeader, so that a spreadsheet can pivot it. Sections named
// sprint_* cover the sprint to date, the others this week; durations are
// in minutes and rates are fractions. Every value is a number except the
// budget's unit (section budget, name unit). The rules overridden most are
// rows of section overridden_rule, named by rule; answers solved and
// offered are section answers; and section rules_suggest names the command
// that proposes rule edits, its value how many rules were overridden this
// week (0: nothing to suggest). It may be called concurrently.
func (w *Weekly) CSV() ([]byte, error) {
	var b bytes.Buffer
	if err := WriteCSV(&b, w); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// WriteCSV writes the header and the rows of each report, so that several
// teams' reports make one table. It may be called concurrently.
func WriteCSV(out io.Writer, reports ...*Weekly) error {
	cw := csv.NewWriter(out)
	if err := cw.Write(CSVHeader); err != nil {
		return fmt.Errorf("write CSV: %w", err)
	}
	for _, w := range reports {
		for _, r := range w.csvRows() {
			if err := cw.Write([]string{csvText(w.Team), w.Week, r[0], csvText(r[1]), r[2]}); err != nil {
				return fmt.Errorf("write CSV: %w", err)
			}
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write CSV: %w", err)
	}
	return nil
}

// csvRows returns the report's section, name and value triples.
func (w *Weekly) csvRows() [][3]string {
	var rows [][3]string
	add := func(section, name, value string) { rows = append(rows, [3]string{section, name, value}) }
	for _, p := range []struct {
		prefix string
		p      Period
	}{{"", w.ThisWeek}, {"sprint_", w.Sprint}} {
		add(p.prefix+"volume", "total", strconv.Itoa(p.p.Requests))
		for _, k := range []string{"P1", "P2", "P3", "P4"} {
			add(p.prefix+"volume", k, strconv.Itoa(p.p.ByUrgency[k]))
		}
		if n := p.p.ByUrgency["P?"]; n > 0 {
			add(p.prefix+"volume", "unknown", strconv.Itoa(n))
		}
		for _, c := range p.p.ByCategory {
			add(p.prefix+"category", c.Name, strconv.Itoa(c.N))
		}
		for _, c := range p.p.ByRequesterTeam {
			add(p.prefix+"requester_team", c.Name, strconv.Itoa(c.N))
		}
		for _, c := range p.p.TopRequesters {
			add(p.prefix+"top_requester", c.Name, strconv.Itoa(c.N))
			add(p.prefix+"top_requester_budget", c.Name, num(c.Budget))
		}
		for _, o := range outcomeOrder {
			add(p.prefix+"outcome", o[0], strconv.Itoa(p.p.Outcomes[o[0]]))
		}
		for _, o := range ticketedOrder {
			add(p.prefix+"ticketed_by", o[0], strconv.Itoa(p.p.TicketedBy[o[0]]))
		}
		add(p.prefix+"charged", "total", num(p.p.BudgetUsed))
		for _, d := range []struct {
			name string
			d    Durations
		}{{"ack_minutes", p.p.Ack}, {"resolve_minutes", p.p.Resolve}} {
			add(p.prefix+d.name, "count", strconv.Itoa(d.d.N))
			if d.d.N > 0 {
				add(p.prefix+d.name, "median", minutes(d.d.Median))
				add(p.prefix+d.name, "p90", minutes(d.d.P90))
			}
		}
		add(p.prefix+"sla_breaches", "ack", strconv.Itoa(p.p.SLABreaches.Ack))
		add(p.prefix+"sla_breaches", "resolve", strconv.Itoa(p.p.SLABreaches.Resolve))
		add(p.prefix+"overrides", "changed", strconv.Itoa(p.p.Overridden))
		add(p.prefix+"overrides", "rate", ratio(p.p.OverrideRate))
		add(p.prefix+"false_emergencies", "count", strconv.Itoa(len(p.p.FalseEmergencies)))
		for _, c := range p.p.OverriddenRules {
			add(p.prefix+"overridden_rule", c.Name, strconv.Itoa(c.N))
		}
		add(p.prefix+"answers", "solved", strconv.Itoa(p.p.Deflected))
		add(p.prefix+"answers", "offered", strconv.Itoa(p.p.AnswersOffered))
		add(p.prefix+"learned_estimates", "count", strconv.Itoa(p.p.LearnedEstimates))
	}
	// The pointer the other formats print under the overridden rules: the
	// command is the name, so that the value stays a number.
	add("rules_suggest", w.suggestCommand(), strconv.Itoa(len(w.ThisWeek.OverriddenRules)))
	if s := w.SprintInfo; !s.Start.IsZero() {
		add("budget", "sprint", strconv.Itoa(s.N))
		add("budget", "plan", num(s.Budget))
		add("budget", "used", num(s.Used))
		add("budget", "left", num(s.Left))
		add("budget", "used_ratio", ratio(s.UsedRatio))
		add("budget", "days_left", strconv.Itoa(s.DaysLeft))
		add("budget", "accepted_over_budget", strconv.Itoa(s.OverBudget))
		add("budget", "unit", unitOr(s.Unit))
	}
	for _, d := range w.Days {
		add("day", d.Date, strconv.Itoa(d.Requests))
		for _, k := range []string{"P1", "P2", "P3", "P4"} {
			add("day_"+k, d.Date, strconv.Itoa(d.ByUrgency[k]))
		}
	}
	for _, p := range w.Trend {
		add("trend", p.Week, strconv.Itoa(p.Requests))
		add("trend_P1", p.Week, strconv.Itoa(p.ByUrgency["P1"]))
		add("trend_P2", p.Week, strconv.Itoa(p.ByUrgency["P2"]))
		add("trend_used", p.Week, num(p.BudgetUsed))
		add("trend_plan", p.Week, num(p.Plan))
	}
	for _, b := range w.BurnUp {
		add("burn_used", b.Date, num(b.Used))
		add("burn_plan", b.Date, num(b.Plan))
	}
	return rows
}

func minutes(d time.Duration) string {
	return strconv.FormatFloat(math.Round(d.Minutes()*100)/100, 'f', -1, 64)
}

func ratio(r float64) string {
	return strconv.FormatFloat(math.Round(r*10000)/10000, 'f', -1, 64)
}

// csvText keeps user text (team, category and requester names) from being
// run as a formula by a spreadsheet that opens the file: a leading = + - @
// or control character gets a quote in front, as OWASP recommends.
func csvText(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
