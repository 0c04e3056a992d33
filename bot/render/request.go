package render

import (
	"slices"
	"strings"
	"time"

	"github.com/sprintguard/sprintguard/triage"
)

// ticketRef renders r's ticket as a link when it has a URL, its key when
// not, and the request number before the tracker has answered.
func ticketRef(r *triage.Request) string {
	switch {
	case r.Ticket.Key == "":
		return "request " + idValue(r.ID)
	case r.Ticket.URL == "":
		return Escape(r.Ticket.Key)
	}
	return link(r.Ticket.URL, r.Ticket.Key)
}

// summary returns r's summary as one escaped line, or a note when
// retention removed it.
func summary(r *triage.Request, n int) string {
	if r.Purged || strings.TrimSpace(r.Summary) == "" {
		return "_(no summary)_"
	}
	return short(r.Summary, n)
}

// title renders "*P1* · REQ-12 · summary" for blocks, leaving the key out
// while the ticket does not exist yet.
func title(r *triage.Request) string { return titleWith(r, "*"+r.Urgency.String()+"*") }

// titleText is title for notification text, where bold markers would show.
func titleText(r *triage.Request) string { return titleWith(r, r.Urgency.String()) }

func titleWith(r *triage.Request, urgency string) string {
	parts := []string{urgency}
	if r.Ticket.Key != "" {
		parts = append(parts, ticketRef(r))
	}
	return strings.Join(append(parts, summary(r, maxSummary)), " · ")
}

var statusLabels = map[triage.Status]string{
	triage.StatusOpen:         "open",
	triage.StatusAcknowledged: "acknowledged",
	triage.StatusResolved:     "resolved",
	triage.StatusDeferred:     "deferred to the next sprint",
	triage.StatusBacklog:      "in the backlog",
	triage.StatusPending:      "waiting for approval",
	triage.StatusDeclined:     "declined",
}

func statusLabel(s triage.Status) string {
	if l, ok := statusLabels[s]; ok {
		return l
	}
	return Escape(string(s))
}

// closingKinds are the event kinds that can put a request in a closed
// status: a person's action or the policy's outcome at intake.
var closingKinds = map[triage.Status][]string{
	triage.StatusResolved: {triage.ActResolve},
	triage.StatusDeferred: {triage.ActDeferReq, string(triage.Deferred)},
	triage.StatusDeclined: {triage.ActDecline, string(triage.Declined)},
	triage.StatusBacklog:  {string(triage.Backlog)},
}

// lastEvent returns the latest event of any of kinds.
func lastEvent(r *triage.Request, kinds ...string) (triage.Event, bool) {
	for i := len(r.Events) - 1; i >= 0; i-- {
		if slices.Contains(kinds, r.Events[i].Kind) {
			return r.Events[i], true
		}
	}
	return triage.Event{}, false
}

// byWhom renders who did something: a person, or nobody in particular when
// the policy or sprintguard itself did it.
func byWhom(actor string) string {
	if system, ok := strings.CutPrefix(actor, triage.SystemActor); ok {
		if system == "jira" {
			return " in Jira"
		}
		return ""
	}
	if actor == "" {
		return ""
	}
	return " by " + mention(actor)
}

// closedLine says how r came to be closed: status, who and when, and the
// time spent when it was recorded.
func closedLine(r *triage.Request, loc *time.Location, unit string) string {
	line := capital(statusLabel(r.Status))
	if ev, ok := lastEvent(r, closingKinds[r.Status]...); ok {
		line += byWhom(ev.Actor) + " on " + stamp(ev.At, loc)
	}
	if r.Status == triage.StatusDeferred && !r.SprintStart.IsZero() {
		line += " (next sprint starts " + day(r.SprintStart, loc) + ")"
	}
	if r.HasActual {
		line += " · " + amount(r.Actual, unit) + " spent"
	}
	return line
}

// assignee renders who has r.
func assignee(r *triage.Request) string {
	if r.Assignee == "" {
		return "unassigned"
	}
	return mention(r.Assignee)
}

// slaStart is when r's SLA clock starts: when the on-call was to hear of
// it, which for a P2 after hours is the next business morning.
func slaStart(r *triage.Request) time.Time {
	if !r.NotifyAt.IsZero() {
		return r.NotifyAt
	}
	return r.CreatedAt
}

// slaBreach names the SLA target r has missed at time at: "ack" or
// "resolve", or "" when none.
func slaBreach(r *triage.Request, at time.Time) string {
	sla := r.Decision.SLA
	start := slaStart(r)
	if sla.Ack > 0 && r.AckedAt.IsZero() && r.Status == triage.StatusOpen && at.After(start.Add(sla.Ack)) {
		return "ack"
	}
	if sla.Resolve > 0 && !r.Status.Closed() && r.Status != triage.StatusPending && at.After(start.Add(sla.Resolve)) {
		return "resolve"
	}
	return ""
}

// capital upper-cases the first letter of an ASCII label.
func capital(s string) string {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}
