package triage

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/sprintguard/sprintguard/classifier"
	"github.com/sprintguard/sprintguard/internal/plural"
)

// SystemActor prefixes actors that are sprintguard itself (jobs, tracker
// sync), which skip the team-member check.
const SystemActor = "sg:"

// Change is a lifecycle step asked for by a person or a job.
type Change struct {
	Actor  string
	Action string // one of the Act* constants below
	// Actual is the time spent, with ActResolve; HasActual says it was given.
	Actual    float64
	HasActual bool
	Urgency   Urgency // with ActUrgency
	Assignee  string  // with ActReassign
	Category  string  // with ActCategory
	Reason    string
	// FromTracker marks a change read from the tracker, which must not be
	// pushed back to it.
	FromTracker bool
}

// Lifecycle actions.
const (
	ActAcknowledge = "acknowledge"
	ActResolve     = "resolve"
	ActDeferReq    = "defer"
	ActApprove     = "approve"
	ActDecline     = "decline"
	ActUrgency     = "urgency"
	ActReassign    = "reassign"
	ActReopen      = "reopen"
	ActCategory    = "category"
)

// Apply performs a lifecycle change on request id. Applying the same change
// twice changes nothing the second time: changed is false and the request
// is returned as it is.
func (s *Service) Apply(ctx context.Context, id int64, c Change) (r *Request, changed bool, err error) {
	err = s.store.Update(func(tx Tx) error {
		r, changed = nil, false
		var err error
		if r, err = tx.Request(id); err != nil {
			return err
		}
		team := s.Settings().Team(r.Team)
		if team == nil {
			return Errorf(ECONFLICT, "team %q is no longer configured", r.Team)
		}
		if err := allowedOn(team, r, c); err != nil {
			return err
		}
		at := s.now()
		before := *r
		if changed, err = s.step(tx, team, r, c, at); err != nil || !changed {
			return err
		}
		r.record(at, c.Action, c.Actor, c.Reason)
		spent := r.logSpent(&before, c)
		if err := tx.PutRequest(r); err != nil {
			return err
		}
		if l, ok := labelOf(before, r, c, at); ok {
			if err := tx.AddLabel(l); err != nil {
				return err
			}
		}
		if c.Action == ActSolved || c.Action == ActNeedHelp {
			// No ticket yet to update, and routing told whom it must; the
			// answer's message is edited to say what the requester chose.
			return s.notify(tx, r, NoticeAnswer, c.Actor, at, r.Decision.Answer)
		}
		if !c.FromTracker {
			if err := s.queueUpdate(tx, before, r, team, c, spent, at); err != nil {
				return err
			}
		}
		if err := s.page(tx, team, r, before.Urgency, c.Action, at); err != nil {
			return err
		}
		return s.notify(tx, r, NoticeChanged, c.Actor, at, c.Action)
	})
	if err != nil {
		return nil, false, fmt.Errorf("%s request %d: %w", c.Action, id, err)
	}
	return r, changed, nil
}

func allowed(team *Team, c Change) error {
	if strings.HasPrefix(c.Actor, SystemActor) {
		return nil
	}
	if c.Action == ActApprove || c.Action == ActDecline {
		if !team.IsLead(c.Actor) {
			return Errorf(EFORBIDDEN, "only a lead of team %s can %s requests", team.Name, c.Action)
		}
		return nil
	}
	if !team.IsMember(c.Actor) {
		return Errorf(EFORBIDDEN, "only members of team %s can change its requests", team.Name)
	}
	return nil
}

// step changes r in place and reports whether anything changed.
func (s *Service) step(tx Tx, team *Team, r *Request, c Change, at time.Time) (bool, error) {
	switch c.Action {
	case ActAcknowledge:
		if r.Status != StatusOpen {
			return false, nil
		}
		r.Status, r.AckedAt = StatusAcknowledged, at
	case ActResolve:
		if r.Status == StatusResolved {
			return s.correctActual(tx, team, r, c, at)
		}
		if r.Status == StatusDeclined {
			return false, nil
		}
		if r.AckedAt.IsZero() {
			r.AckedAt = at
		}
		r.Status, r.ResolvedAt = StatusResolved, at
		if c.HasActual {
			if c.Actual < 0 {
				return false, Errorf(EINVALID, "time spent cannot be negative")
			}
			r.Actual, r.HasActual = c.Actual, true
		}
		if r.Outcome == Accepted && c.HasActual {
			return true, s.settle(tx, team, r, at)
		}
	case ActDeferReq:
		if r.Status == StatusDeferred || r.Status == StatusResolved {
			return false, nil
		}
		if err := s.release(tx, team, r); err != nil {
			return false, err
		}
		next := team.Calendar.Number(team.Calendar.At(at).N + 1)
		r.Status, r.Sprint, r.SprintStart = StatusDeferred, next.N, next.Start
	case ActApprove:
		if r.Status != StatusPending {
			return false, nil
		}
		return true, s.approve(tx, team, r, at)
	case ActDecline:
		if r.Status == StatusDeclined || r.Status == StatusResolved {
			return false, nil
		}
		if err := s.release(tx, team, r); err != nil {
			return false, err
		}
		r.Status = StatusDeclined
	case ActUrgency:
		return s.setUrgency(tx, team, r, c.Urgency, c.Actor, at)
	case ActConfirmClaim, ActKeepClaim:
		return s.answerClaim(tx, team, r, c, at)
	case ActCategory:
		// The current category is a no-op even when the rules no longer
		// assign it, so that a second click changes nothing.
		if c.Category != "" && c.Category == r.CategoryNow() {
			return false, nil
		}
		if err := checkCategory(team, c.Category); err != nil {
			return false, err
		}
		r.Category = c.Category
	case ActReassign:
		if c.Assignee == r.Assignee {
			return false, nil
		}
		r.Assignee = c.Assignee
	case ActSolved, ActNeedHelp:
		return s.deflection(tx, team, r, c, at)
	case ActReopen:
		if !r.Status.Closed() || r.Status == StatusOffered {
			return false, nil
		}
		r.Status, r.ResolvedAt = StatusOpen, time.Time{}
	default:
		return false, Errorf(EINVALID, "unknown action %q", c.Action)
	}
	return true, nil
}

// correctActual takes a second resolve of a resolved request as a
// correction of the time spent, since a typo in it would otherwise stay
// in the budget and the learned estimates for good. The same time again,
// or none, changes nothing, so Slack's retry of a resolve is a no-op.
func (s *Service) correctActual(tx Tx, team *Team, r *Request, c Change, at time.Time) (bool, error) {
	if !c.HasActual || r.HasActual && c.Actual == r.Actual {
		return false, nil
	}
	if c.Actual < 0 {
		return false, Errorf(EINVALID, "time spent cannot be negative")
	}
	r.Actual, r.HasActual = c.Actual, true
	if r.Outcome == Accepted {
		return true, s.settle(tx, team, r, at)
	}
	return true, nil
}

// setUrgency is every human change of r's urgency, recorded as an
// override of the rules, including a confirmed emergency claim: every
// raise to P1 after intake passes here, which makes it the place to page. A request raised to P1 that the policy kept out of
// the sprint (backlog, deferred, waiting for approval) is taken into it
// now, over budget if need be, as the policy does with any P1.
func (s *Service) setUrgency(tx Tx, team *Team, r *Request, u Urgency, actor string, at time.Time) (bool, error) {
	if u == r.Urgency {
		return false, nil
	}
	if !u.Valid() {
		return false, Errorf(EINVALID, "urgency must be P1 to P4")
	}
	r.Overrides = append(r.Overrides, UrgencyChange{At: at, Actor: actor, From: r.Urgency, To: u})
	r.Urgency = u
	switch {
	case u != classifier.P1:
	case r.Outcome == Accepted:
		if r.NotifyAt.After(at) && !r.Status.Closed() {
			r.NotifyAt = at // a P1 does not wait for business hours
			if r.Ticket.Key != "" {
				return true, s.queueOnCall(tx, r, at)
			}
		}
	case r.Status == StatusBacklog, r.Status == StatusPending, r.Status == StatusDeferred && r.Outcome == Deferred:
		return true, s.approve(tx, team, r, at)
	}
	return true, nil
}

// approve takes a pending request into the sprint, over budget if need be.
func (s *Service) approve(tx Tx, team *Team, r *Request, at time.Time) error {
	cur := team.Calendar.At(at)
	led, err := s.ledger(tx, team, cur.N, r)
	if err != nil {
		return err
	}
	r.Outcome, r.Status, r.Sprint, r.SprintStart = Accepted, StatusOpen, cur.N, cur.Start
	r.OverBudget = led.Left() < r.Estimate
	r.NotifyAt = team.HandleAt(r.Urgency, at)
	if err := s.assign(tx, team, r, at); err != nil {
		return err
	}
	if err := s.charge(tx, team, led, r, at); err != nil {
		return err
	}
	if r.Ticket.Key == "" {
		return nil // the on-call hears of it once the ticket exists
	}
	return s.queueOnCall(tx, r, at)
}

// release gives back what r reserved in its sprint's ledger.
func (s *Service) release(tx Tx, team *Team, r *Request) error {
	if !r.Charged() {
		return nil
	}
	led, err := s.ledger(tx, team, r.Sprint, r)
	if err != nil {
		return err
	}
	led.Release(r.IDString())
	return tx.PutLedger(led)
}

// settle replaces r's estimate with its actual time in its sprint's ledger.
func (s *Service) settle(tx Tx, team *Team, r *Request, at time.Time) error {
	led, err := s.ledger(tx, team, r.Sprint, r)
	if err != nil {
		return err
	}
	crossed := led.Settle(r.IDString(), r.Actual, at)
	if err := tx.PutLedger(led); err != nil {
		return err
	}
	return s.announce(tx, team, led, crossed, at)
}

// queueUpdate pushes the change to the tracker once the ticket exists; the
// job's handler waits for the ticket when it does not exist yet. spent is
// the time to add to the ticket's total (logSpent).
func (s *Service) queueUpdate(tx Tx, before Request, r *Request, team *Team, c Change, spent float64, at time.Time) error {
	unit := team.Budget.Unit
	ch := TicketChange{Status: r.Status, Assignee: r.Assignee, Urgency: r.Urgency, Actor: c.Actor,
		Comment: changeComment(r, c, unit), Team: r.Team, Unit: unit, TimeSpent: spent}
	if c.Action == ActResolve && before.Status == StatusResolved {
		// A correction: a lower time cannot be taken off the tracker's
		// total, and a higher one adds only what the total lacks, so the
		// comment is where the ticket says the time spent now.
		ch.Comment = fmt.Sprintf("Time spent recorded as %s by %s.", plural.Amount(r.Actual, unit), actorText(c.Actor))
		if before.HasActual {
			ch.Comment = fmt.Sprintf("Time spent corrected from %s to %s by %s.", plural.Num(before.Actual),
				plural.Amount(r.Actual, unit), actorText(c.Actor))
		}
	}
	return s.enqueueJSON(tx, JobUpdateTicket, fmt.Sprintf("%s:%d:%d", JobUpdateTicket, r.ID, len(r.Events)), r, ch, at)
}

// actorText names who made a change, in a ticket's comment.
func actorText(actor string) string {
	if strings.HasPrefix(actor, SystemActor) {
		return actor
	}
	return "<@" + actor + "> in Slack"
}

// changeComment is the tracker's comment on a change. A resolve's states
// the whole time spent in unit, since the amount the tracker logs is only
// what its total lacks (logSpent).
func changeComment(r *Request, c Change, unit string) string {
	who := actorText(c.Actor)
	switch c.Action {
	case ActUrgency:
		return fmt.Sprintf("Urgency changed to %s by %s.", r.Urgency, who)
	case ActCategory:
		return fmt.Sprintf("Category changed to %s by %s.", r.CategoryNow(), who)
	case ActConfirmClaim:
		return fmt.Sprintf("Claimed emergency confirmed by %s: urgency %s.", who, r.Urgency)
	case ActKeepClaim:
		return fmt.Sprintf("Claimed emergency not confirmed by %s: urgency stays %s.", who, r.Urgency)
	case ActResolve:
		if r.HasActual {
			return fmt.Sprintf("Resolved by %s; time spent %s.", who, plural.Amount(r.Actual, unit))
		}
		return fmt.Sprintf("Resolved by %s.", who)
	}
	return fmt.Sprintf("%s by %s.", pastTense[c.Action], who)
}

var pastTense = map[string]string{
	ActAcknowledge: "Acknowledged", ActDeferReq: "Deferred to the next sprint", ActApprove: "Approved into the sprint",
	ActDecline: "Declined", ActReassign: "Reassigned", ActReopen: "Reopened",
}
