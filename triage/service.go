package triage

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/sprintguard/sprintguard/classifier"
	"github.com/sprintguard/sprintguard/sprint"
)

// Service is the domain: it turns requests into decisions, state and
// outbox jobs. It is safe for concurrent use; the store serialises writes.
type Service struct {
	store    Store
	now      func() time.Time
	settings atomic.Pointer[Settings]
	// DedupeTTL is how long event ids and message keys are remembered.
	DedupeTTL time.Duration
	// Silent drops notices instead of queueing them: for a backtest, where
	// nobody is there to tell. Set it before the first call.
	Silent bool
	// Finder, when set, has each new request's similar past requests
	// looked up by the outbox worker (see SimilarHandlers). Set it before
	// the first call.
	Finder SimilarFinder
	// Inline, when set, makes the tickets of the teams whose tracker keeps
	// them in the store inside the intake transaction, instead of queueing
	// a job for them. Set it before the first call.
	Inline InlineTracker

	// words keeps recent summaries' word sets for duplicate detection.
	words wordCache
}

// NewService returns a Service over store. now is the clock; replay passes
// a simulated one.
func NewService(store Store, s *Settings, now func() time.Time) *Service {
	svc := &Service{store: store, now: now, DedupeTTL: 24 * time.Hour}
	svc.settings.Store(s)
	return svc
}

// Settings returns the settings in force.
func (s *Service) Settings() *Settings { return s.settings.Load() }

// Reload replaces the settings; requests already decided keep their decisions.
func (s *Service) Reload(st *Settings) { s.settings.Store(st) }

// Now returns the service clock's time.
func (s *Service) Now() time.Time { return s.now() }

// NewRequest is what a way in knows about a request.
type NewRequest struct {
	Team        string // optional when Channel is an intake channel
	Source      Source
	Channel     string
	ChannelName string
	TS          string // the Slack message the request came from, if any
	ThreadTS    string
	User        string
	UserName    string
	Summary     string
	Details     string
	Type        string
	Impact      string
	NeededBy    time.Time
	Links       []string
	Claimed     Urgency
	TicketedBy  TicketedBy
	// EventKey is the delivery's dedupe key (Slack event_id, or trigger_id
	// and action_ts); a second Intake with the same key changes nothing.
	EventKey string
	// Delivery, when set, is the Seq of the stored delivery the request
	// comes from: a store that can (see DeliveryFinisher) takes it out of
	// the inbox in the intake's transaction, and IntakeResult.Finished
	// says so.
	Delivery uint64
	// At is when the request was asked; zero means now.
	At time.Time
	// Classified, when set, is Service.Classify's answer for this same
	// request, worked out ahead of Intake (a replay classifies on other
	// CPUs than its intake's). Intake takes it only while the settings it
	// was made with are still in force, and classifies again otherwise.
	Classified *Classified
	// UnlessClaimed, when set, is a claim key that withdraws the request:
	// while the claim is held, Intake makes nothing and returns
	// ErrWithdrawn. It is checked in the intake's own transaction, so a
	// withdrawal that commits first is never overtaken by the request.
	UnlessClaimed string
}

// Classified is a request's team and decision, as Intake would work them
// out (see NewRequest.Classified).
type Classified struct {
	settings *Settings
	team     *Team
	dec      classifier.Decision
}

// Classify works out in's team and decision with the settings in force,
// as Intake does, so that a caller can classify ahead of Intake, on other
// goroutines, and pass the answer in in.Classified. It needs in.At
// (without it, the zero Classified, which Intake ignores: it classifies at
// its own now). It is safe for concurrent use.
func (s *Service) Classify(in NewRequest) (Classified, error) {
	if in.At.IsZero() {
		return Classified{}, nil
	}
	st := s.Settings()
	team, dec, err := classify(st, in, in.At)
	if err != nil {
		return Classified{}, err
	}
	return Classified{settings: st, team: team, dec: dec}, nil
}

// Offers reports whether Intake would hold the request back with a rule's
// answer before anyone on call sees it, the requester claiming no urgency.
func (c Classified) Offers() bool { return c.team != nil && deflects(c.dec, 0) }

// classify picks in's team and decides it with that team's rules; a rule
// may send it on to another team. The summary must be trimmed already.
func classify(st *Settings, in NewRequest, at time.Time) (*Team, classifier.Decision, error) {
	team := st.Team(in.Team)
	if team == nil {
		team = st.TeamForChannel(in.Channel, in.ChannelName)
	}
	if team == nil {
		return nil, classifier.Decision{}, Errorf(EINVALID, "no team takes requests in this channel; name a team or ask in an intake channel")
	}
	summary := strings.TrimSpace(in.Summary)
	if summary == "" {
		return nil, classifier.Decision{}, Errorf(EINVALID, "a request needs a summary")
	}
	dec := team.Rules.Classify(classifier.Input{
		Summary: summary, Details: in.Details, Type: in.Type, Impact: in.Impact,
		Channel: in.Channel, ChannelName: strings.TrimPrefix(in.ChannelName, "#"),
		Requester: in.User, BusinessHours: team.Hours.Contains(at), At: at, NeededBy: in.NeededBy,
	})
	if dec.Team != "" && dec.Team != team.Name {
		if other := st.Team(dec.Team); other != nil {
			team = other
		}
	}
	return team, dec, nil
}

// IntakeResult says what Intake did.
type IntakeResult struct {
	Request *Request
	// Repeat is set when the delivery or message was already handled and
	// Request is the one it made.
	Repeat bool
	// DuplicateOf is set when the request was linked to an earlier one of
	// the same requester instead of being opened.
	Duplicate bool
	// Finished is set when NewRequest.Delivery was taken out of the inbox
	// in the intake's transaction, so that it needs no Done.
	Finished bool
}

// DeliveryFinisher is a Tx that can take a processed delivery out of the
// inbox in the transaction that processed it (store.tx can), and reports
// whether it did: a store whose deliveries may not be in its inbox yet
// says no, and the delivery's Done follows as before. Every write waits
// for the store's one writer, so a Done folded into the intake is one
// transaction fewer a request for it.
type DeliveryFinisher interface {
	FinishDelivery(seq uint64) (bool, error)
}

// Intake classifies, applies the policy, routes and records a request, and
// queues its ticket, all in one transaction.
func (s *Service) Intake(ctx context.Context, in NewRequest) (*IntakeResult, error) {
	st := s.Settings()
	in.Summary = strings.TrimSpace(in.Summary)
	at := in.At
	if at.IsZero() {
		at = s.now()
	}
	var team *Team
	var dec classifier.Decision
	if c := in.Classified; c != nil && c.settings == st && !in.At.IsZero() {
		team, dec = c.team, c.dec
	} else {
		var err error
		if team, dec, err = classify(st, in, at); err != nil {
			return nil, err
		}
	}
	var res *IntakeResult
	intake := func(tx Tx) error {
		res = nil
		r, repeat, err := s.seen(tx, in, at)
		if err != nil || repeat {
			res = &IntakeResult{Request: r, Repeat: repeat}
			return err
		}
		if in.UnlessClaimed != "" {
			if _, held, err := tx.Claimed(in.UnlessClaimed, s.now()); err != nil {
				return err
			} else if held {
				return ErrWithdrawn
			}
		}
		if dup, err := findDuplicate(tx, &s.words, team, in, at); err != nil {
			return err
		} else if dup != nil {
			dup.record(at, "duplicate", in.User, in.Summary)
			if err := tx.PutRequest(dup); err != nil {
				return err
			}
			if err := s.remember(tx, in, dup.ID, at); err != nil {
				return err
			}
			res = &IntakeResult{Request: dup, Duplicate: true}
			return s.notify(tx, dup, NoticeDuplicate, in.User, at, "")
		}
		id, err := tx.NextRequestID()
		if err != nil {
			return err
		}
		r = newRequest(id, team, st, in, dec, at)
		if deflects(dec, in.Claimed) {
			if err := s.offer(tx, r, at); err != nil {
				return err
			}
			res = &IntakeResult{Request: r}
			return s.remember(tx, in, r.ID, at)
		}
		// The request is saved once, at the end, with its ticket when the
		// tracker makes it here.
		if err := s.route(tx, team, r, at); err != nil {
			return err
		}
		if err := s.claim(tx, team, r, at); err != nil {
			return err
		}
		if err := s.remember(tx, in, r.ID, at); err != nil {
			return err
		}
		res = &IntakeResult{Request: r}
		if s.Finder != nil {
			if err := s.enqueue(tx, &Job{Kind: JobSimilar, Key: JobSimilar + ":" + r.IDString(), RequestID: r.ID, Team: r.Team}, at); err != nil {
				return err
			}
		}
		ticketed, err := s.ticketNow(tx, r, at)
		if err != nil {
			return err
		}
		if !ticketed {
			if err := s.enqueue(tx, &Job{Kind: JobCreateTicket, Key: JobCreateTicket + ":" + r.IDString(), RequestID: r.ID, Team: r.Team}, at); err != nil {
				return err
			}
		}
		return tx.PutRequest(r)
	}
	err := s.store.Update(func(tx Tx) error {
		if err := intake(tx); err != nil {
			return err
		}
		if f, ok := tx.(DeliveryFinisher); ok && in.Delivery != 0 {
			done, err := f.FinishDelivery(in.Delivery)
			if err != nil {
				return err
			}
			res.Finished = done
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("intake: %w", err)
	}
	return res, nil
}

func newRequest(id int64, team *Team, st *Settings, in NewRequest, dec classifier.Decision, at time.Time) *Request {
	by := in.TicketedBy
	if by == "" {
		by = ByRequester
	}
	est := dec.Estimate
	if est == 0 {
		est = team.DefaultEstimate
	}
	r := &Request{
		ID: id, Team: team.Name, Source: in.Source,
		Channel: in.Channel, ChannelName: strings.TrimPrefix(in.ChannelName, "#"), TS: in.TS, ThreadTS: in.ThreadTS,
		User: in.User, UserName: in.UserName, RequesterTeam: st.RequesterTeam(in.User),
		Summary: in.Summary, Details: in.Details, Type: in.Type, Impact: in.Impact,
		NeededBy: in.NeededBy, Links: in.Links, Claimed: in.Claimed, TicketedBy: by,
		CreatedAt: at, Decision: dec, Urgency: dec.Urgency, Estimate: est,
		// Intake records about five events (received, classified, the
		// policy's outcome, assigned, ticketed): one allocation, not four.
		Events: make([]Event, 0, 6),
	}
	r.Decision.SLA = team.SLAFor(dec)
	r.record(at, "received", in.User, string(in.Source))
	r.record(at, "classified", "", dec.Explain())
	return r
}

// seen reports a delivery or message that was already turned into a request.
func (s *Service) seen(tx Tx, in NewRequest, at time.Time) (*Request, bool, error) {
	if in.EventKey != "" {
		v, ok, err := tx.Claimed(EventClaim(in.EventKey), at)
		if err != nil {
			return nil, false, err
		}
		// An empty claim is the one the delivery's acceptance left: the
		// event was stored, not yet made into anything.
		if ok && v != "" {
			r, err := requestFromClaim(tx, v)
			return r, true, err
		}
	}
	if in.Channel != "" && in.TS != "" {
		r, err := tx.RequestByMessage(in.Channel, in.TS)
		if err == nil {
			return r, true, s.remember(tx, in, r.ID, at)
		}
		if !errors.Is(err, ErrNotFound) {
			return nil, false, err
		}
	}
	return nil, false, nil
}

func requestFromClaim(tx Tx, v string) (*Request, error) {
	var id int64
	if _, err := fmt.Sscan(v, &id); err != nil || id == 0 {
		return nil, nil // claimed by a delivery that made no request
	}
	return tx.Request(id)
}

// remember ties the delivery's key to the request it made, in the claim
// its acceptance took (or a new one, for a delivery that never went
// through an inbox, such as a replayed message).
func (s *Service) remember(tx Tx, in NewRequest, id int64, at time.Time) error {
	if in.EventKey == "" {
		return nil
	}
	_, _, err := tx.Settle(EventClaim(in.EventKey), formatID(id), at, at.Add(s.DedupeTTL))
	return err
}

// EventClaim is the claim key of a delivery's dedupe key, taken once: with
// an empty value when the delivery is accepted into the inbox (a Slack
// retry of it is then dropped), and filled with the request's id when the
// delivery makes one (a delivery run again after a crash then finds it).
func EventClaim(key string) string { return "event:" + key }

// route applies the policy and the budget, and picks the on-call. The
// caller saves r.
func (s *Service) route(tx Tx, team *Team, r *Request, at time.Time) error {
	cur := team.Calendar.At(at)
	r.Sprint, r.SprintStart = cur.N, cur.Start
	led, err := s.ledger(tx, team, cur.N, r)
	if err != nil {
		return err
	}
	r.Outcome, r.OverBudget = team.Policy.Decide(r.Urgency, r.Estimate, led.Left())
	switch r.Outcome {
	case Accepted:
		r.Status = StatusOpen
		if err := s.assign(tx, team, r, at); err != nil {
			return err
		}
		if err := s.charge(tx, team, led, r, at); err != nil {
			return err
		}
		r.NotifyAt = team.HandleAt(r.Urgency, at)
	case NeedsApproval:
		r.Status = StatusPending
	case Deferred:
		next := team.Calendar.Number(cur.N + 1)
		r.Status, r.Sprint, r.SprintStart = StatusDeferred, next.N, next.Start
	case Backlog:
		r.Status = StatusBacklog
	}
	r.record(at, string(r.Outcome), "", policyDetail(r, led))
	if err := s.page(tx, team, r, 0, "", at); err != nil {
		return err
	}
	switch r.Outcome {
	case NeedsApproval:
		return s.notify(tx, r, NoticeApproval, "", at, "")
	case Accepted:
		if r.OverBudget {
			return s.notify(tx, r, NoticeBudget, "", at, "accepted over budget")
		}
	}
	return nil
}

func policyDetail(r *Request, led *sprint.Ledger) string {
	// What fmt's "%s, estimate %g, budget used %g of %g" writes, without
	// fmt: intake records it for every request.
	b := make([]byte, 0, 64)
	b = append(b, r.Urgency.String()...)
	b = append(b, ", estimate "...)
	b = strconv.AppendFloat(b, r.Estimate, 'g', -1, 64)
	b = append(b, ", budget used "...)
	b = strconv.AppendFloat(b, led.Used(), 'g', -1, 64)
	b = append(b, " of "...)
	b = strconv.AppendFloat(b, led.Total, 'g', -1, 64)
	return string(b)
}

// ledger returns the team's ledger for sprint n, new if none was saved,
// for a change to r's charge: from a store that can, it holds only that
// charge, so that its cost does not grow with the sprint.
func (s *Service) ledger(tx Tx, team *Team, n int, r *Request) (*sprint.Ledger, error) {
	p, ok := tx.(partialLedgers)
	if !ok {
		return LedgerOf(tx, team, n)
	}
	l, err := p.LedgerFor(team.Name, n, r.IDString())
	if errors.Is(err, ErrNotFound) {
		return sprint.NewLedger(team.Name, n, team.Budget), nil
	}
	return l, err
}

// partialLedgers is a Tx that reads a ledger with only the charges asked
// for (store.tx does); its Spent still counts them all.
type partialLedgers interface {
	LedgerFor(team string, n int, ids ...string) (*sprint.Ledger, error)
}

// LedgerOf returns the team's ledger for sprint n, or a new, empty one
// when nothing was charged to that sprint yet.
func LedgerOf(tx Tx, team *Team, n int) (*sprint.Ledger, error) {
	l, err := tx.Ledger(team.Name, n)
	if errors.Is(err, ErrNotFound) {
		return sprint.NewLedger(team.Name, n, team.Budget), nil
	}
	return l, err
}

// charge reserves r's estimate and announces each threshold crossed.
func (s *Service) charge(tx Tx, team *Team, led *sprint.Ledger, r *Request, at time.Time) error {
	crossed := led.Reserve(r.IDString(), r.Estimate, at)
	if err := tx.PutLedger(led); err != nil {
		return err
	}
	return s.announce(tx, team, led, crossed, at)
}

func (s *Service) announce(tx Tx, team *Team, led *sprint.Ledger, crossed []float64, at time.Time) error {
	for _, th := range crossed {
		n := Notice{Kind: NoticeBudget, Team: team.Name, Threshold: th, Sprint: led.Sprint, At: at}
		key := fmt.Sprintf("%s:budget:%s:%d:%g", JobNotify, team.Name, led.Sprint, th)
		if err := s.enqueueNotice(tx, key, n, at); err != nil {
			return err
		}
	}
	return nil
}

// assign gives r to whoever is on call at at.
func (s *Service) assign(tx Tx, team *Team, r *Request, at time.Time) error {
	ovs, err := tx.Overrides(team.Name, at)
	if err != nil {
		return err
	}
	if !team.Roster().Configured() {
		return nil
	}
	_, who := s.Settings().OnCall(team, at, ovs)
	if who == "" {
		return nil
	}
	r.Assignee = who
	r.record(at, "assigned", "", who)
	return nil
}

func (s *Service) notify(tx Tx, r *Request, kind, actor string, at time.Time, text string) error {
	if s.Silent {
		return nil // before the key is made: a replay notifies nobody, often
	}
	n := Notice{Kind: kind, RequestID: r.ID, Team: r.Team, Actor: actor, Text: text, At: at}
	key := fmt.Sprintf("%s:%s:%d:%d", JobNotify, kind, r.ID, len(r.Events))
	return s.enqueueNotice(tx, key, n, at)
}

func (s *Service) enqueueNotice(tx Tx, key string, n Notice, at time.Time) error {
	if s.Silent {
		return nil
	}
	p, err := json.Marshal(n)
	if err != nil {
		return err
	}
	j := &Job{Kind: JobNotify, Key: key, RequestID: n.RequestID, Team: n.Team, Payload: p}
	if n.Kind == NoticeOnCall && n.Due.After(at) {
		// A P2 after hours waits for business hours to reach the on-call.
		j.CreatedAt, j.NextAt = at, n.Due
		_, err := tx.Enqueue(j)
		return err
	}
	return s.enqueue(tx, j, at)
}

func (s *Service) enqueue(tx Tx, j *Job, at time.Time) error {
	j.CreatedAt, j.NextAt = at, at
	_, err := tx.Enqueue(j)
	return err
}
