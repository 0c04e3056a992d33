package triage

import "github.com/sprintguard/sprintguard/classifier"

// Action is what the policy does with a request of some urgency once the
// sprint's interrupt budget cannot hold it.
type Action string

// Policy actions, as written in the config.
const (
	ActAccept   Action = "accept"
	ActApproval Action = "approval"
	ActDefer    Action = "defer"
	ActBacklog  Action = "backlog"
)

// Policy is a team's answer per urgency when the budget is spent (SPEC
// section 4). The zero value is the default policy.
type Policy struct {
	P1, P2, P3, P4 Action
}

func (p Policy) action(u Urgency) Action {
	pick := func(a, def Action) Action {
		if a == "" {
			return def
		}
		return a
	}
	switch u {
	case classifier.P1:
		return pick(p.P1, ActAccept)
	case classifier.P2:
		return pick(p.P2, ActApproval)
	case classifier.P3:
		return pick(p.P3, ActDefer)
	}
	return pick(p.P4, ActBacklog)
}

// Decide applies the policy to a request of urgency u and the given
// estimate, with left units of budget remaining. P4 never interrupts the
// sprint unless the policy says accept; the others are accepted while the
// estimate fits and get the policy's action when it does not. overBudget
// reports a P1 (or other forced accept) taken beyond the budget.
func (p Policy) Decide(u Urgency, estimate, left float64) (o Outcome, overBudget bool) {
	if u == classifier.P4 && p.action(u) == ActBacklog {
		return Backlog, false
	}
	if estimate <= left || (estimate == 0 && left >= 0) {
		return Accepted, false
	}
	switch p.action(u) {
	case ActAccept:
		return Accepted, true
	case ActApproval:
		return NeedsApproval, false
	case ActBacklog:
		return Backlog, false
	}
	return Deferred, false
}
