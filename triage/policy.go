package triage

import (
	"time"

	"github.com/sprintguard/sprintguard/classifier"
)

// Action is what the policy does with a request of some urgency once the
// sprint's interrupt budget is spent.
type Action string

// Policy actions, as written in the config.
const (
	ActAccept   Action = "accept"
	ActApproval Action = "approval"
	ActDefer    Action = "defer"
	ActBacklog  Action = "backlog"
)

// generosity orders actions from the one that gets a request handled
// soonest to the one that gets it handled last.
var generosity = map[Action]int{ActAccept: 3, ActApproval: 2, ActDefer: 1, ActBacklog: 0}

// Policy is a team's answer per urgency when the budget is spent (SPEC
// section 4). The zero value is the default policy.
type Policy struct {
	P1, P2, P3, P4 Action
}

func (p Policy) written(u Urgency) Action {
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

// action is the policy's action for u, never more generous than the action
// of a more urgent level: with `p2: approval` and `p3: accept`, a P3 needs
// approval too, or it would be handled before a P2 asked at the same moment.
func (p Policy) action(u Urgency) Action {
	a := p.written(u)
	for v := classifier.P1; v < u; v++ {
		if w := p.written(v); generosity[w] < generosity[a] {
			a = w
		}
	}
	return a
}

// Decide applies the policy to a request of urgency u and the given
// estimate, with left units of budget remaining. P4 never interrupts the
// sprint unless the policy says accept. While any budget is left ("P3: yes
// if budget is left"), the others are accepted, even when the estimate
// runs past what is left; once it is spent they get the policy's action.
// The estimate does not decide: a small P3 must not get in where a larger
// P2 of the same moment would wait. overBudget reports a P1 (or other
// forced accept) taken with the budget already spent.
func (p Policy) Decide(u Urgency, estimate, left float64) (o Outcome, overBudget bool) {
	if u == classifier.P4 && p.action(u) == ActBacklog {
		return Backlog, false
	}
	if left > 0 {
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

// HandleAt is when an accepted request of urgency u, taken in at at,
// reaches the on-call, which is also when its SLA clock starts: at once
// for a P1, at the next opening of business hours for every other urgency.
// No urgency waits less than a more urgent one. A calendar that never
// opens hands everything over at once.
func (t *Team) HandleAt(u Urgency, at time.Time) time.Time {
	if u == classifier.P1 {
		return at
	}
	if open := t.Hours.NextOpen(at); !open.IsZero() {
		return open
	}
	return at
}

// SLAFor is the SLA a request of decision dec runs under: its rule's,
// stretched where needed so that it never ends before the SLA of a more
// urgent rule of the team's, which would have a P3 due before a P2 asked at
// the same moment. A target the rule leaves unset stays unset.
func (t *Team) SLAFor(dec classifier.Decision) classifier.SLA {
	sla := dec.SLA
	t.Rules.RuleSLAs(func(u classifier.Urgency, rs classifier.SLA) {
		if !u.Valid() || u >= dec.Urgency {
			return
		}
		if sla.Ack > 0 && rs.Ack > sla.Ack {
			sla.Ack = rs.Ack
		}
		if sla.Resolve > 0 && rs.Resolve > sla.Resolve {
			sla.Resolve = rs.Resolve
		}
	})
	return sla
}
