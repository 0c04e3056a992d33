package render

import (
	"time"

	"github.com/sprintguard/sprintguard/classifier"
	"github.com/sprintguard/sprintguard/triage"
)

// RequesterReply returns the reply to the requester after intake (SPEC
// section 3): the ticket, the urgency and the rule that decided it, who has
// it and what happens next. Times are shown in team's zone.
func RequesterReply(r *triage.Request, team *triage.Team) Message {
	loc := zone(team)
	head := "Ticket " + ticketRef(r) + " created."
	if r.Ticket.Key == "" {
		head = "Request " + idValue(r.ID) + " recorded."
	}
	next := nextStep(r, team, loc)
	body := head +
		"\n*Urgency:* " + explanation(r) +
		"\n*Who has it:* " + assignee(r) +
		"\n*Next:* " + capital(next)
	if c := claimForRequester(r, loc); c != "" {
		body += "\n*Your claim:* " + c
	}
	return message(head+" "+r.Urgency.String()+". "+capital(next), section(body))
}

// urgencyWhy explains r's urgency, saying so when a person overrode the
// rules after the fact.
func urgencyWhy(r *triage.Request) string {
	why := Escape(r.Decision.Explain())
	if n := len(r.Overrides); n > 0 && r.Urgency != r.Decision.Urgency {
		last := r.Overrides[n-1]
		return r.Urgency.String() + ", set by " + mention(last.Actor) + " (the rules said " + why + ")"
	}
	return why
}

// explanation is the whole decision about r as people are told it: why
// this urgency and, once similar requests taught one, the learned estimate
// ("...; estimate 2h: median of REQ-12, REQ-40, REQ-77").
func explanation(r *triage.Request) string {
	if r.EstimateWhy == "" {
		return urgencyWhy(r)
	}
	return urgencyWhy(r) + "; " + Escape(r.EstimateWhy)
}

// nextStep says what happens to r now, from its status and the policy's
// outcome.
func nextStep(r *triage.Request, team *triage.Team, loc *time.Location) string {
	switch {
	case r.Status == triage.StatusDeclined || (r.Status == "" && r.Outcome == triage.Declined):
		ev, _ := lastEvent(r, closingKinds[triage.StatusDeclined]...)
		return "declined" + byWhom(ev.Actor) + "."
	case r.Status == triage.StatusResolved:
		ev, _ := lastEvent(r, triage.ActResolve)
		return "resolved" + byWhom(ev.Actor) + "."
	case r.Status == triage.StatusDeferred || (r.Status == "" && r.Outcome == triage.Deferred):
		if r.SprintStart.IsZero() {
			return "queued for the next sprint."
		}
		return "queued for the next sprint, which starts on " + day(r.SprintStart, loc) + "."
	case r.Status == triage.StatusBacklog || (r.Status == "" && r.Outcome == triage.Backlog):
		return "goes to the backlog for sprint planning."
	case r.Status == triage.StatusPending || (r.Status == "" && r.Outcome == triage.NeedsApproval):
		var leads []string
		if team != nil {
			leads = team.Leads
		}
		return "waiting for approval by " + approvers(leads) + "."
	}
	approval, approved := lastEvent(r, triage.ActApprove)
	// The request was taken in when it arrived, or later when a lead
	// approved it or its requester said a rule's answer did not help: only
	// a pickup after that waits for business hours.
	takenIn := r.CreatedAt
	if ev, ok := lastEvent(r, triage.ActApprove, triage.ActNeedHelp); ok {
		takenIn = ev.At
	}
	who := "The on-call"
	if r.Assignee != "" {
		who = mention(r.Assignee) + " is on call and"
	}
	var s string
	switch {
	case r.Status == triage.StatusAcknowledged && r.Assignee != "":
		s = mention(r.Assignee) + " is on it."
	case r.Status == triage.StatusAcknowledged:
		s = "The on-call is on it."
	case r.NotifyAt.After(takenIn):
		s = who + " will pick it up at " + stamp(r.NotifyAt, loc) + ", when business hours start."
	default:
		s = who + " will pick it up now."
	}
	if approved {
		s = "approved into the sprint" + byWhom(approval.Actor) + ". " + s
	} else if r.OverBudget && r.Urgency == classifier.P1 {
		s += " Note: the interrupt budget is spent; the lead has been told."
	}
	return s
}

// approvers renders "<@lead1> (or <@lead2>, <@lead3>)".
func approvers(leads []string) string {
	var ms []string
	for _, l := range leads {
		if l != "" {
			ms = append(ms, mention(l))
		}
	}
	switch len(ms) {
	case 0:
		return "a team lead"
	case 1:
		return ms[0]
	}
	out := ms[0] + " (or "
	for i, m := range ms[1:] {
		if i > 0 {
			out += ", "
		}
		out += m
	}
	return out + ")"
}

// Queued returns the reply to the requester when the tracker cannot be
// reached: the ticket will be made later. cause is a short reason such as
// "timeout"; raw errors are for the logs, not for requesters.
func Queued(r *triage.Request, cause string) Message {
	text := "Ticket queued: the tracker is unreachable right now"
	if c := short(cause, 80); c != "" {
		text += " (" + c + ")"
	}
	text += ". The key will be posted here when it lands."
	return message(text, section(text), note("*Urgency:* "+explanation(r)+" · *Who has it:* "+assignee(r)))
}

// Fallback returns the note to the on-call that the tracker refused r's
// ticket for reason and a local ticket was made instead, so that someone
// can copy it over once the tracker is fixed.
func Fallback(r *triage.Request, reason string) Message {
	text := "The tracker refused the ticket for " + summary(r, 80) + "; a local ticket " + ticketRef(r) + " was made instead."
	body := "*The tracker refused the ticket; a local ticket " + ticketRef(r) + " was made instead.*\n" +
		title(r) + "\n*Reason:* " + short(reason, 500) +
		"\nCreate it in the tracker by hand if it matters there; sprintguard keeps tracking the local one."
	return message(text, section(body))
}

// Duplicate returns the reply to a request that was linked to r, an earlier
// request from the same person, instead of opening a new ticket.
func Duplicate(r *triage.Request) Message {
	text := "This looks like " + ticketRef(r) + ", asked recently, so it was linked to it instead of opening a new one."
	body := text + "\n" + title(r) + "\n*Status:* " + statusLabel(r.Status) + " · *Who has it:* " + assignee(r)
	return message(text, section(body))
}
