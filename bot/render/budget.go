package render

import (
	"math"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/sprintguard/sprintguard/sprint"
	"github.com/sprintguard/sprintguard/triage"

	"github.com/sprintguard/sprintguard/internal/plural"
)

// barWidth is the gauge width used in messages and the App Home.
const barWidth = 10

// maxTop bounds the requests listed in a budget alert.
const maxTop = 10

// Bar renders a budget gauge such as "▓▓▓▓░░░░░░ 4/10 (40%)", width cells
// wide (10 when width <= 0). Usage over the total fills the bar and shows
// the real percentage; any usage of a zero budget fills it too. It is safe
// for concurrent use.
func Bar(used, total float64, width int) string {
	if width <= 0 {
		width = barWidth
	}
	width = min(width, 100)
	used, total = nonNegative(used), nonNegative(total)
	var frac float64
	var pct string
	switch {
	case total > 0:
		frac = used / total
		pct = plural.Percent(frac)
	case used > 0:
		frac, pct = 1, "no budget"
	default:
		pct = "0%"
	}
	filled := int(math.Round(math.Min(frac, 1) * float64(width)))
	switch {
	case used > 0 && filled == 0:
		filled = 1 // any use at all shows
	case frac < 1 && filled == width && width > 1:
		filled = width - 1 // a full bar means spent
	}
	return strings.Repeat("▓", filled) + strings.Repeat("░", width-filled) + " " + num(used) + "/" + num(total) + " (" + pct + ")"
}

func nonNegative(f float64) float64 {
	if math.IsNaN(f) || math.IsInf(f, 0) || f < 0 {
		return 0
	}
	return f
}

// ledgerUnit returns the unit the ledger was kept in, else the team's.
func ledgerUnit(team *triage.Team, led *sprint.Ledger) string {
	if led != nil && led.Unit != "" {
		return led.Unit
	}
	return unit(team)
}

func teamName(team *triage.Team, led *sprint.Ledger) string {
	switch {
	case team != nil:
		return team.Name
	case led != nil:
		return led.Team
	}
	return ""
}

// usedPercent is used/total as a rounded whole percentage, as Bar shows
// it; any use of a zero budget is all of it.
func usedPercent(used, total float64) string {
	switch {
	case total > 0:
		return plural.Percent(used / total)
	case used > 0:
		return "100%"
	}
	return "0%"
}

// BudgetAlert returns the team-channel post for a crossed threshold (a
// fraction such as 0.8): "Interrupt budget 80% used: 8 of 10 points", the
// gauge, and top, the requests that consumed it, in the order given (the
// caller passes them biggest first), up to 10.
func BudgetAlert(team *triage.Team, led *sprint.Ledger, threshold float64, top []*triage.Request) Message {
	if led == nil {
		led = &sprint.Ledger{}
	}
	u := ledgerUnit(team, led)
	used := led.Used()
	// The head says how much is used, which is past the threshold crossed:
	// 5.6 of 10 is "56% used", not the "50%" of the threshold.
	head := "Interrupt budget " + usedPercent(used, led.Total) + " used: " + num(used) + " of " + amount(led.Total, u)
	if p := percent(threshold); p != usedPercent(used, led.Total) {
		head += " (past " + p + ")"
	}
	ctx := "Team " + Escape(teamName(team, led)) + " · sprint " + itoa(led.Sprint)
	if used > led.Total {
		ctx += " · over budget by " + amount(used-led.Total, u)
	}
	blocks := []slack.Block{
		section("*" + head + "*\n`" + Bar(used, led.Total, barWidth) + "`"),
		note(ctx),
	}
	if len(top) > 0 {
		var lines []string
		for i, r := range top {
			if i == maxTop {
				lines = append(lines, "and "+itoa(len(top)-maxTop)+" more")
				break
			}
			lines = append(lines, "• "+consumer(r, led, u))
		}
		blocks = append(blocks, section("*What consumed it:*\n"+strings.Join(lines, "\n")))
	}
	return message(head, blocks...)
}

// consumer renders one request's share of the budget, as the ledger has it
// when it holds the request.
func consumer(r *triage.Request, led *sprint.Ledger, unit string) string {
	charge := r.Charge()
	if c, ok := led.Charges[r.IDString()]; ok {
		charge = c.Amount()
	}
	key := ticketRef(r)
	return key + " " + summary(r, 80) + " — " + amount(charge, unit)
}

// BudgetStatus returns the answer to "/sg budget": sprint n of the team,
// [start, end), its gauge, what is left and the biggest consumers. led may
// be nil when nothing was charged yet.
func BudgetStatus(team *triage.Team, led *sprint.Ledger, sprintN int, start, end time.Time) Message {
	loc := zone(team)
	if led == nil {
		total := 0.0
		if team != nil {
			total = team.Budget.Total()
		}
		led = &sprint.Ledger{Sprint: sprintN, Total: total}
	}
	u := ledgerUnit(team, led)
	used := led.Used()
	head := "Interrupt budget of " + Escape(teamName(team, led)) + ", sprint " + itoa(sprintN)
	lines := []string{"*" + head + "* (" + day(start, loc) + " – " + day(lastDay(end, loc), loc) + ")",
		"`" + Bar(used, led.Total, barWidth) + "` " + Escape(u)}
	if left := led.Total - used; left >= 0 {
		lines = append(lines, "Left: "+amount(left, u)+".")
	} else {
		lines = append(lines, "Over budget by "+amount(-left, u)+".")
	}
	if top := led.Top(5); len(top) > 0 {
		var cs []string
		for _, c := range top {
			cs = append(cs, "request "+Escape(c.ID)+": "+amount(c.Amount, u))
		}
		lines = append(lines, "*Biggest consumers:* "+strings.Join(cs, ", "))
	}
	text := head + ": " + num(used) + " of " + amount(led.Total, u) + " used"
	return message(text, section(strings.Join(lines, "\n")))
}

// lastDay returns the last day of a sprint that ends (exclusive) at end.
func lastDay(end time.Time, loc *time.Location) time.Time {
	e := end.In(loc)
	return time.Date(e.Year(), e.Month(), e.Day()-1, 12, 0, 0, 0, loc)
}
