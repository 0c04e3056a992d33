package triage

import (
	"cmp"
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/sprintguard/sprintguard/internal/plural"
)

// JobSimilar finds a new request's similar past requests and, with enough
// of them resolved, its learned estimate. Intake queues it, so that the
// lookup runs in the outbox worker and never in the ack path.
const JobSimilar = "similar"

// SimilarFinder looks up a request's similar earlier requests of its team
// and what they teach. Implementations must be safe for concurrent use.
type SimilarFinder interface {
	// Find reads only what TextOf keeps of r: the handler reads no more
	// of the stored request (see RequestText).
	Find(ctx context.Context, r *Request) (Learned, error)
}

// TextOf is what the similar-request job reads of r: its id, team and
// text, whether retention purged the text, and, for SetSimilar to tell
// whether it only records the list, whether the lookup was recorded
// already and whether the time spent was.
func TextOf(r *Request) *Request {
	return &Request{ID: r.ID, Team: r.Team, Summary: r.Summary, Details: r.Details, Purged: r.Purged,
		SimilarDone: r.SimilarDone, HasActual: r.HasActual}
}

// textReader is a transaction that reads a request as TextOf without
// decoding it whole (the bbolt store's does).
type textReader interface {
	RequestText(id int64) (*Request, error)
}

// RequestText reads request id as TextOf, through tx's own reader when it
// has one: a store without one is read with Request, so that every store
// keeps the same contract.
func RequestText(tx Tx, id int64) (*Request, error) {
	if tr, ok := tx.(textReader); ok {
		return tr.RequestText(id)
	}
	r, err := tx.Request(id)
	if err != nil {
		return nil, err
	}
	return TextOf(r), nil
}

// SimilarHandlers returns the outbox handler of JobSimilar, which asks
// s.Finder. Intake queues the job only while s.Finder is set.
func (s *Service) SimilarHandlers() map[string]Handler {
	return map[string]Handler{
		JobSimilar: func(ctx context.Context, j *Job) (func(Tx) error, error) {
			if s.Finder == nil {
				return nil, nil
			}
			var r *Request
			err := s.store.View(func(tx Tx) error {
				var err error
				r, err = RequestText(tx, j.RequestID)
				return err
			})
			if err != nil {
				return nil, fmt.Errorf("similar requests: %w", err)
			}
			l, err := s.Finder.Find(ctx, r)
			if err != nil {
				return nil, fmt.Errorf("similar requests of %d: %w", r.ID, err)
			}
			return func(tx Tx) error { return s.SetSimilar(tx, r.ID, l, s.now()) }, nil
		},
	}
}

// Similar is an earlier request like this one, as the on-call sees it.
type Similar struct {
	ID       int64   `json:"id"`
	Ref      string  `json:"ref"` // ticket key, or "request N"
	Summary  string  `json:"summary"`
	Urgency  Urgency `json:"urgency"`
	Status   Status  `json:"status"`
	Resolver string  `json:"resolver,omitempty"`
	// Assignee is who has it while it is not resolved.
	Assignee  string  `json:"assignee,omitempty"`
	Actual    float64 `json:"actual,omitempty"`
	HasActual bool    `json:"has_actual,omitempty"`
	// AnsweredBy names the rule whose answer solved the request, when
	// the requester said it did: it never had a ticket or an on-call.
	AnsweredBy string `json:"answered_by,omitempty"`
}

// SimilarOf is r as a similar request, as it stands now.
func SimilarOf(r *Request) Similar {
	s := Similar{ID: r.ID, Ref: Ref(r), Summary: r.Summary, Urgency: r.Urgency, Status: r.Status,
		Resolver: Resolver(r), Actual: r.Actual, HasActual: r.HasActual}
	if r.Status != StatusResolved {
		s.Assignee = r.Assignee
	}
	if r.Deflection == DeflectSolved {
		s.AnsweredBy = r.Decision.AnswerBy()
	}
	return s
}

// Ref is how people know a request: its ticket key once it has one, else
// "request N".
func Ref(r *Request) string {
	if r.Ticket.Key != "" {
		return r.Ticket.Key
	}
	return fmt.Sprintf("request %d", r.ID)
}

// Resolver is who resolved r, from its events: the last person to
// resolve it, in case it was reopened; "" when nobody did.
func Resolver(r *Request) string {
	who := ""
	for _, e := range r.Events {
		if e.Kind == ActResolve {
			who = e.Actor
		}
	}
	return who
}

// Learned is what SetSimilar records: the similar requests, and the
// estimate learned from those resolved with time spent, when Estimate is
// set (the median of From).
type Learned struct {
	Similar     []Similar
	Estimate    float64
	HasEstimate bool
	From        []string // refs of the requests the estimate comes from
}

// Why explains a learned estimate: "estimate 2h: median of REQ-12,
// REQ-40, REQ-77", or "estimate 2 points: ..." for a team counting points.
// Hours are written short, as people write an estimate in hours.
func (l Learned) Why(unit string) string {
	amount := plural.Amount(l.Estimate, cmp.Or(unit, "points"))
	if unit == "hours" {
		amount = plural.Num(l.Estimate) + "h"
	}
	return fmt.Sprintf("estimate %s: median of %s", amount, strings.Join(l.From, ", "))
}

// SetSimilar records what the lookup found for request id. A learned
// estimate replaces the rule's (or the default) estimate, and the budget
// is charged with it instead, while the request is charged and nobody has
// recorded the time spent yet. Running it twice changes nothing the second
// time, as a retried job must.
func (s *Service) SetSimilar(tx Tx, id int64, l Learned, at time.Time) error {
	r, err := RequestText(tx, id)
	if err != nil {
		return err
	}
	team := s.Settings().Team(r.Team)
	if r.SimilarDone || team == nil {
		return nil
	}
	if !l.HasEstimate || team.NoLearnedEstimates || r.HasActual || l.Estimate <= 0 {
		// Most lookups change nothing but the list: it is kept beside the
		// request, which is not decoded whole, nor encoded again, for it.
		return tx.PutSimilar(id, l.Similar)
	}
	if r, err = tx.Request(id); err != nil {
		return err
	}
	r.SimilarDone, r.Similar = true, l.Similar
	r.RuleEstimate, r.Estimate = r.Estimate, l.Estimate
	r.EstimateWhy = l.Why(team.Budget.Unit)
	r.record(at, "estimated", "", r.EstimateWhy)
	if r.Charged() {
		led, err := s.ledger(tx, team, r.Sprint, r)
		if err != nil {
			return err
		}
		if err := s.charge(tx, team, led, r, at); err != nil {
			return err
		}
	}
	// A message already posted about r explains the rule's estimate:
	// the lead's approval is asked at intake, before the lookup runs.
	if len(r.Posts) > 0 {
		if err := s.notify(tx, r, NoticeEstimated, "", at, ""); err != nil {
			return err
		}
	}
	return tx.PutRequest(r)
}
