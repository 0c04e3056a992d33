package triage

import (
	"time"

	"github.com/sprintguard/sprintguard/classifier"
)

// Deflection: a rule may carry an answer (a runbook, a link). A request it
// decides is shown the answer first, with [That solved it] and [I still
// need help]; only the second makes a ticket and tells the on-call. A P1,
// or a request its requester calls an emergency, is never held back.
const (
	DeflectOffered  = "offered"
	DeflectSolved   = "solved"
	DeflectNeedHelp = "need_help"

	// StatusOffered is a request waiting for its requester to say whether
	// the rule's answer solved it. It counts as closed: nobody on call
	// works on it.
	StatusOffered Status = "answer_offered"
	// Answered is the outcome of a request offered a rule's answer.
	Answered Outcome = "answered"

	// ActSolved and ActNeedHelp are the requester's two buttons.
	ActSolved   = "solved"
	ActNeedHelp = "need_help"

	// NoticeAnswer shows the requester the rule's answer with the buttons.
	NoticeAnswer = "answer"
)

// deflects reports whether a request decided by dec is offered the rule's
// answer before anyone on call sees it.
func deflects(dec classifier.Decision, claimed Urgency) bool {
	return dec.Answer != "" && dec.Urgency != classifier.P1 && claimed != classifier.P1
}

// offer holds r back with its rule's answer instead of routing it.
func (s *Service) offer(tx Tx, r *Request, at time.Time) error {
	r.Status, r.Outcome, r.Deflection = StatusOffered, Answered, DeflectOffered
	r.record(at, "answer_offered", "", r.Decision.Rule)
	if err := tx.PutRequest(r); err != nil {
		return err
	}
	return s.notify(tx, r, NoticeAnswer, "", at, r.Decision.Answer)
}

// deflection handles the requester's answer to the offer: solved closes
// the request; need-help routes it as if it had just arrived, and queues
// its ticket.
func (s *Service) deflection(tx Tx, team *Team, r *Request, c Change, at time.Time) (bool, error) {
	if r.Deflection != DeflectOffered {
		return false, nil
	}
	if c.Action == ActSolved {
		r.Deflection, r.Status, r.ResolvedAt = DeflectSolved, StatusResolved, at
		return true, nil
	}
	r.Deflection = DeflectNeedHelp
	if err := s.route(tx, team, r, at); err != nil {
		return false, err
	}
	if s.Finder != nil {
		if err := s.enqueue(tx, &Job{Kind: JobSimilar, Key: JobSimilar + ":" + r.IDString(), RequestID: r.ID, Team: r.Team}, at); err != nil {
			return false, err
		}
	}
	return true, s.enqueue(tx, &Job{Kind: JobCreateTicket, Key: JobCreateTicket + ":" + r.IDString(), RequestID: r.ID, Team: r.Team}, at)
}

// allowedOn is allowed, except that the requester answers the offer of a
// rule's answer on their own request.
func allowedOn(team *Team, r *Request, c Change) error {
	if c.Action == ActSolved || c.Action == ActNeedHelp {
		if c.Actor == r.User || team.IsMember(c.Actor) {
			return nil
		}
		return Errorf(EFORBIDDEN, "only the person who asked can say whether the answer helped")
	}
	return allowed(team, c)
}
