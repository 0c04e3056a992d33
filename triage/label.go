package triage

import (
	"strings"
	"time"
)

// Label is one thing the on-call did to a request that tells what the rules
// should have decided: a changed urgency or category, a defer, an approval
// or a decline, or the time spent given at resolve. Rules suggestions and
// rules evaluation on history learn from labels. A Label is a plain value.
type Label struct {
	RequestID int64     `json:"request_id"`
	Team      string    `json:"team"`
	At        time.Time `json:"at"`
	Actor     string    `json:"actor"`
	// Kind is the lifecycle action: ActUrgency, ActCategory, ActDeferReq,
	// ActApprove, ActDecline or ActResolve.
	Kind string `json:"kind"`
	// Rule is the rule that decided the request.
	Rule string `json:"rule"`
	// From and To are the urgency ("P3" -> "P1") or category before and
	// after the change; empty for the other kinds.
	From string `json:"from,omitempty"`
	To   string `json:"to,omitempty"`
	// Actual is the time spent, in the team's budget unit, with ActResolve
	// when HasActual.
	Actual    float64 `json:"actual,omitempty"`
	HasActual bool    `json:"has_actual,omitempty"`
}

// labelOf returns the label a change made to r says, and whether it says
// one; before is r as it was before the change. Acknowledging, reassigning
// and reopening say nothing about the decision, and neither does sprintguard
// itself: only people label.
func labelOf(before Request, r *Request, c Change, at time.Time) (Label, bool) {
	if c.FromTracker || strings.HasPrefix(c.Actor, SystemActor) {
		return Label{}, false
	}
	l := Label{RequestID: r.ID, Team: r.Team, At: at, Actor: c.Actor, Kind: c.Action, Rule: r.Decision.Rule}
	switch c.Action {
	case ActUrgency, ActConfirmClaim, ActKeepClaim:
		// Answering a claimed emergency says the urgency either way.
		l.Kind = ActUrgency
		l.From, l.To = before.Urgency.String(), r.Urgency.String()
	case ActCategory:
		l.From, l.To = before.CategoryNow(), r.CategoryNow()
	case ActResolve:
		l.Actual, l.HasActual = r.Actual, r.HasActual
	case ActDeferReq, ActApprove, ActDecline:
	default:
		return Label{}, false
	}
	return l, true
}

// CategoryNow returns the request's category: the on-call's when one was
// set, else the rules'.
func (r *Request) CategoryNow() string {
	if r.Category != "" {
		return r.Category
	}
	return r.Decision.Category
}
