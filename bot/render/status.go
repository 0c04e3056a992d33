package render

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"github.com/sprintguard/sprintguard/oncall"
	"github.com/sprintguard/sprintguard/triage"
)

// maxList bounds the requests in a StatusList.
const maxList = 20

// Help returns the mrkdwn help of the slash command named command (such as
// "/sg"), listing every subcommand, with an example of each one that takes
// arguments. TestEveryHelpExampleRuns runs every example through the
// command. It is safe for concurrent use.
func Help(command string) string {
	c := commandName(command)
	rows := [][3]string{
		{"ask <text>", "open the request form, filled in with the text", "ask the staging deploy is stuck"},
		{"<text>", "the same as ask", ""},
		{"help", "this help", ""},
		{"budget", "the interrupt budget of this sprint: used, left and what consumed it", ""},
		{"oncall", "who is on call now and next", ""},
		{"oncall swap @a @b <from> <to>", "put @b on call instead of @a from <from> to <to>, each a date or a date and time in the team's time zone (leads only)",
			"oncall swap @ann @bob 2026-03-02 10:00 2026-03-09 10:00"},
		{"status [KEY]", "one request by its ticket key, or your open requests", ""},
		{"handoff note <text>", "leave a note for the next on-call's handoff", "handoff note the cert renewal is half done"},
		{"report [last|this|2026-W47]", "the weekly interrupt report: last week, this week or a given ISO week", "report 2026-W47"},
	}
	var b strings.Builder
	b.WriteString("*sprintguard* makes sure every request gets a ticket and the sprint's interrupt budget is respected.\n")
	for _, r := range rows {
		b.WriteString("• `" + Escape(c+" "+r[0]) + "`: " + Escape(r[1]))
		if r[2] != "" {
			b.WriteString(", e.g. `" + Escape(c+" "+r[2]) + "`")
		}
		b.WriteString("\n")
	}
	b.WriteString("You can also mention @sprintguard with your request, send it a direct message, or use the message shortcut \"Create request\".")
	return b.String()
}

// OnCallStatus returns the answer to "/sg oncall": who is on call now and
// until when, and who is next, in team's zone.
func OnCallStatus(team *triage.Team, now, next oncall.Shift) Message {
	loc := zone(team)
	name := now.Team
	if team != nil {
		name = team.Name
	}
	cur := "*On call for " + Escape(name) + ":* " + onCallUser(now) + until(now.End, loc)
	nxt := "*Next:* " + onCallUser(next) + " from " + stamp(next.Start, loc) + until(next.End, loc)
	body := cur + "\n" + nxt
	if team != nil {
		r := team.Roster()
		if src := OnCallSource(r.Source(), r.Timeline(), team.EscalateTo, loc); src != "" {
			body += "\n" + src
		}
	}
	return message(cur+". "+nxt, section(body))
}

// onCallUser renders a shift's person, saying when an override put them
// there.
func onCallUser(s oncall.Shift) string {
	if s.User == "" {
		if s.Name != "" {
			return Escape(s.Name) + " (no Slack user matches)"
		}
		return "nobody"
	}
	who := mention(s.User)
	if o := s.Override; o != nil && o.Replaces != "" && o.Replaces != s.User {
		who += " (covering for " + mention(o.Replaces) + ")"
	}
	return who
}

// Status returns one request's status: ticket, status, urgency, who has it
// and when it was opened, in team's zone.
func Status(r *triage.Request, team *triage.Team) Message {
	loc := zone(team)
	lines := []string{
		title(r),
		"*Status:* " + statusLabel(r.Status) + " · *Urgency:* " + r.Urgency.String() + " · *Who has it:* " + assignee(r),
		"*Opened:* " + stamp(r.CreatedAt, loc) + " by " + mention(r.User),
	}
	if r.Ticket.URL != "" {
		lines = append(lines, "*Ticket:* "+link(r.Ticket.URL, r.Ticket.Key))
	}
	if !r.AckedAt.IsZero() {
		lines = append(lines, "*Acknowledged:* "+stamp(r.AckedAt, loc))
	}
	if r.Status.Closed() {
		lines = append(lines, closedLine(r, loc, unit(team)))
	}
	text := titleText(r) + ": " + statusLabel(r.Status)
	return message(text, section(strings.Join(lines, "\n")))
}

// StatusList returns a short list of requests under title, newest first,
// at most 20 lines, or "none".
func StatusList(title string, rs []*triage.Request) Message {
	head := "*" + short(title, 150) + "*"
	lines := listLines(rs, maxList, time.Time{})
	text := short(title, 150) + ": " + itoa(len(rs))
	if len(rs) == 0 {
		text = short(title, 150) + ": none"
	}
	return message(text, section(head+"\n"+strings.Join(lines, "\n")))
}

// newestFirst returns rs sorted by creation, newest first, without
// reordering the caller's slice.
func newestFirst(rs []*triage.Request) []*triage.Request {
	out := slices.Clone(rs)
	out = slices.DeleteFunc(out, func(r *triage.Request) bool { return r == nil })
	slices.SortStableFunc(out, func(a, b *triage.Request) int {
		if c := b.CreatedAt.Compare(a.CreatedAt); c != 0 {
			return c
		}
		return cmp.Compare(b.ID, a.ID)
	})
	return out
}

// mostUrgentFirst returns rs sorted by urgency, P1 first, then by age,
// oldest first, without nils: the order in which the on-call should take
// them. Requests without a valid urgency go last.
func mostUrgentFirst(rs []*triage.Request) []*triage.Request {
	out := slices.Clone(rs)
	out = slices.DeleteFunc(out, func(r *triage.Request) bool { return r == nil })
	rank := func(r *triage.Request) int {
		if r.Urgency.Valid() {
			return int(r.Urgency)
		}
		return 99
	}
	slices.SortStableFunc(out, func(a, b *triage.Request) int {
		return cmp.Or(cmp.Compare(rank(a), rank(b)), a.CreatedAt.Compare(b.CreatedAt), cmp.Compare(a.ID, b.ID))
	})
	return out
}

// listLines renders up to max requests, newest first, one line each, and
// "and N more" when some are left out; at non-zero at it shows each one's
// age and SLA breach. The lines together stay under a section's limit.
func listLines(rs []*triage.Request, max int, at time.Time) []string {
	return orderedLines(newestFirst(rs), max, at)
}

// orderedLines is listLines for requests already in the order to show.
func orderedLines(rs []*triage.Request, max int, at time.Time) []string {
	if len(rs) == 0 {
		return []string{"none"}
	}
	var lines []string
	size := 0
	for i, r := range rs {
		l := listLine(r, at)
		if i == max || size+len(l) > maxSectionText-300 {
			return append(lines, "and "+itoa(len(rs)-i)+" more")
		}
		lines = append(lines, l)
		size += len(l) + 1
	}
	return lines
}

func listLine(r *triage.Request, at time.Time) string {
	parts := []string{"• *" + r.Urgency.String() + "*"}
	if r.Ticket.Key != "" {
		parts = append(parts, ticketRef(r))
	}
	parts = append(parts, summary(r, 60), statusLabel(r.Status))
	if !at.IsZero() {
		parts = append(parts, age(at.Sub(r.CreatedAt))+" old")
	}
	parts = append(parts, assignee(r))
	line := strings.Join(parts, " · ")
	if !at.IsZero() {
		switch slaBreach(r, at) {
		case "ack":
			line += " · :rotating_light: ack SLA breached"
		case "resolve":
			line += " · :rotating_light: resolve SLA breached"
		}
	}
	return line
}

// commandName is the slash command as configured, "/sg" when unset.
func commandName(command string) string {
	if c := strings.TrimSpace(command); c != "" {
		return c
	}
	return "/sg"
}

// MentionHelp is the short answer to a bare @sprintguard: how to ask.
func MentionHelp(command string) string {
	c := Escape(commandName(command))
	return "Tell me what you need after the mention, e.g. `@sprintguard the staging deploy is stuck`, or use `" + c +
		" ask <text>` to open the request form. `" + c + " help` lists the rest."
}

// AskWhatFor answers a file posted with no words and no name to read a
// request from.
func AskWhatFor(command string) string {
	return "I see a file but no words: what do you need? Say it in a message here, or use `" +
		Escape(commandName(command)) + " ask <text>` to open the request form."
}
