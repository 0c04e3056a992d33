package render

import (
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/sprintguard/sprintguard/jobs"
	"github.com/sprintguard/sprintguard/triage"

	"github.com/sprintguard/sprintguard/internal/plural"
)

// handoffOpen caps the open requests a handoff lists.
const handoffOpen = 25

// Handoff renders an on-call handoff for the team channel and the incoming
// engineer: who hands to whom, the shift's figures, every open request
// with its SLA state, the notes left, the budget and the next handoff.
// warnings (an empty rotation, a user Slack does not know) go on top.
func Handoff(h *jobs.Handoff, warnings []string) Message {
	loc, u := zone(h.Team), unit(h.Team)
	j := h.Job
	head := "On-call handoff · " + h.Team.Name
	who := mention(j.Outgoing) + " → " + mention(j.Incoming)
	if j.Outgoing == j.Incoming {
		who = mention(j.Incoming) + " stays on call"
	}
	var blocks []slack.Block
	var text []string
	add := func(s string) {
		blocks = append(blocks, section(s))
		text = append(text, s)
	}
	blocks = append(blocks, header(head))
	text = append(text, "*"+head+"*")
	for _, w := range warnings {
		add(":warning: " + Escape(w))
	}
	add("*" + who + "*\nShift " + stamp(j.ShiftStart, loc) + " – " + stamp(j.At, loc))
	add("*This shift:* " + plural.Count(h.Received, "request") + " in, " + itoa(h.Handled) + " resolved" +
		spent(h.TimeSpent, u) + "; SLA breaches: " + itoa(h.AckBreaches) + " acknowledged late, " +
		itoa(h.ResolveBreaches) + " past their resolve time")
	add("*Open requests (" + itoa(len(h.Open)) + "):*\n" + strings.Join(openLines(h.Open, j.At), "\n"))
	if len(h.Notes) > 0 {
		var notes []string
		for _, n := range h.Notes {
			notes = append(notes, "• "+mention(n.User)+": "+short(n.Text, 400))
		}
		add("*Notes:*\n" + strings.Join(notes, "\n"))
	} else {
		add("*Notes:* none left (`/sg handoff note <text>` adds one)")
	}
	led := h.Ledger
	add("*Sprint " + itoa(h.Sprint.N) + " budget:* `" + Bar(led.Used(), led.Total, 10) + "` " + Escape(u) +
		", until " + day(lastDay(h.Sprint.End, loc), loc))
	add("*Next handoff:* " + stamp(j.NextAt, loc))
	return Message{Text: strings.Join(text, "\n"), Blocks: blocks}
}

// openLines lists open requests, oldest first, with age and SLA state.
func openLines(rs []*triage.Request, at time.Time) []string {
	if len(rs) == 0 {
		return []string{"none"}
	}
	var lines []string
	size := 0
	for i, r := range rs {
		l := listLine(r, at)
		if slaBreach(r, at) == "" && (r.Decision.SLA.Ack > 0 || r.Decision.SLA.Resolve > 0) {
			l += " · within SLA"
		}
		if i == handoffOpen || size+len(l) > maxSectionText-300 {
			return append(lines, "and "+itoa(len(rs)-i)+" more")
		}
		lines = append(lines, l)
		size += len(l) + 1
	}
	return lines
}

func spent(f float64, u string) string {
	if f <= 0 {
		return ""
	}
	return " (" + amount(f, u) + " recorded)"
}

// CarryOver renders the start of a sprint: the requests deferred to it.
func CarryOver(team *triage.Team, n int, deferred []*triage.Request) Message {
	head := "Sprint " + itoa(n) + " of " + team.Name + " has started"
	body := "*Carried over into this sprint (" + itoa(len(deferred)) + "):*\n" + strings.Join(listLines(deferred, handoffOpen, time.Time{}), "\n")
	return Message{Text: head + "\n" + body, Blocks: []slack.Block{header(head), section(body)}}
}
