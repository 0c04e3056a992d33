package render

import "github.com/sprintguard/sprintguard/triage"

// Changed returns the short thread line announcing that actor applied
// action (one of triage's Act* constants) to r, e.g. "Acknowledged by
// <@U>" or "Urgency changed to P1 by <@U>". r is the request after the
// change. Dates are shown in the zone r's times carry, which is the team's
// when they come from its calendar.
func Changed(r *triage.Request, action, actor string) Message {
	by := byWhom(actor)
	var s string
	switch action {
	case triage.ActAcknowledge:
		s = "Acknowledged" + by
	case triage.ActUrgency:
		s = "Urgency changed to " + r.Urgency.String() + by
	case triage.ActCategory:
		s = "Category changed to " + Escape(r.CategoryNow()) + by
	case triage.ActConfirmClaim:
		s = capital(claimed(r)) + " confirmed" + by + ": now " + r.Urgency.String()
	case triage.ActKeepClaim:
		s = "Not confirmed as " + claimedWith(r) + ": " + r.Urgency.String() + " kept" + by
	case triage.ActResolve:
		s = "Resolved" + by
		if r.HasActual {
			s += " (" + num(r.Actual) + " spent)"
		}
	case triage.ActDeferReq:
		s = "Deferred to the next sprint"
		if !r.SprintStart.IsZero() {
			s += " (starts " + r.SprintStart.Format(dayLayout) + ")"
		}
		s += by
	case triage.ActApprove:
		s = "Approved into the sprint" + by
	case triage.ActDecline:
		s = "Declined" + by
	case triage.ActReassign:
		s = "Reassigned to " + assignee(r) + by
	case triage.ActReopen:
		s = "Reopened" + by
	default:
		s = capital(Escape(action)) + by
	}
	return message(s, note(s))
}

// ChangedIn is Changed with the team's zone and budget unit, for "Resolved
// by <@U> (2.5 hours)" and dates in the team's zone.
func ChangedIn(r *triage.Request, team *triage.Team, action, actor string) Message {
	if action == triage.ActResolve && r.HasActual {
		s := "Resolved" + byWhom(actor) + " (" + amount(r.Actual, unit(team)) + ")"
		return message(s, note(s))
	}
	if action == triage.ActDeferReq && !r.SprintStart.IsZero() {
		c := *r
		c.SprintStart = r.SprintStart.In(zone(team))
		return Changed(&c, action, actor)
	}
	return Changed(r, action, actor)
}

// TimeCorrected returns the thread line for a resolve that corrects the
// time spent on a request already resolved, e.g. "Time spent corrected to
// 2 points by <@U>": it is no second resolve, and a thread that said
// "Resolved" twice would read as if the request had been reopened.
func TimeCorrected(r *triage.Request, team *triage.Team, actor string) Message {
	s := "Time spent corrected to " + amount(r.Actual, unit(team)) + byWhom(actor)
	return message(s, note(s))
}
