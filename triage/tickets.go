package triage

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// errNoTicketYet delays an update until the ticket it changes exists.
var errNoTicketYet = errors.New("the ticket is not created yet")

// TicketHandlers returns triage's own outbox handlers: those that push
// requests to tr, and the deadline of an unanswered emergency claim. When
// tr refuses a ticket for good (a field Jira will not take, say) and
// fallback is not nil, the ticket is made there instead, so that no request
// is ever left without one.
func (s *Service) TicketHandlers(tr, fallback Tracker) map[string]Handler {
	return map[string]Handler{
		JobCreateTicket: func(ctx context.Context, j *Job) (func(Tx) error, error) {
			return s.createTicket(ctx, j, tr, fallback)
		},
		JobUpdateTicket: func(ctx context.Context, j *Job) (func(Tx) error, error) {
			return s.updateTicket(ctx, j, tr)
		},
		JobClaimDue: s.claimDue,
	}
}

func (s *Service) load(id int64) (*Request, error) {
	var r *Request
	err := s.store.View(func(tx Tx) error {
		var err error
		r, err = tx.Request(id)
		return err
	})
	return r, err
}

func (s *Service) createTicket(ctx context.Context, j *Job, tr, fallback Tracker) (func(Tx) error, error) {
	r, err := s.load(j.RequestID)
	if err != nil {
		return nil, fmt.Errorf("create ticket: %w", err)
	}
	if r.Ticket.Key != "" {
		return nil, nil
	}
	spec := ticketSpec(r, j.Key)
	t, err := tr.Create(ctx, spec)
	fellBack := ""
	if err != nil && IsPermanent(err) && fallback != nil {
		fellBack = err.Error()
		t, err = fallback.Create(ctx, spec)
	}
	if err != nil {
		// The second failure in a row tells, not the first: under load a
		// single call that timed out made most requesters hear "ticket
		// queued", the ticket following a second or two later.
		if j.Attempts == 1 && !IsPermanent(err) {
			s.tellQueued(r, err)
		}
		return nil, fmt.Errorf("create ticket: %w", err)
	}
	return func(tx Tx) error {
		cur, err := tx.Request(r.ID)
		if err != nil || cur.Ticket.Key != "" {
			return err
		}
		if err := s.recordTicket(tx, cur, t, fellBack, s.now()); err != nil {
			return err
		}
		return tx.PutRequest(cur)
	}, nil
}

// ticketSpec is what the tracker is told to make r's ticket, idempotent on key.
func ticketSpec(r *Request, key string) TicketSpec {
	return TicketSpec{
		IdempotencyKey: key, RequestID: r.ID, Team: r.Team, Summary: r.Summary,
		Description: Describe(r), Urgency: r.Urgency, Category: r.Decision.Category,
		Labels: ticketLabels(r), Requester: r.User, Assignee: r.Assignee,
		Deferred: r.Outcome != Accepted, Due: r.NeededBy,
	}
}

// ticketNow makes r's ticket in its intake transaction when the team's
// tracker keeps tickets in the store (Service.Inline), and reports whether
// it did; otherwise the outbox job will. r is saved by the caller.
func (s *Service) ticketNow(tx Tx, r *Request, at time.Time) (bool, error) {
	if s.Inline == nil {
		return false, nil
	}
	t, ok, err := s.Inline.CreateIn(tx, ticketSpec(r, JobCreateTicket+":"+r.IDString()), at)
	if err != nil || !ok {
		return false, err
	}
	return true, s.recordTicket(tx, r, t, "", at)
}

// recordTicket ties the ticket t to r and queues what follows a ticket:
// the notices, the tracker's follow-up and the on-call's message. The
// caller saves r.
func (s *Service) recordTicket(tx Tx, r *Request, t Ticket, fellBack string, at time.Time) error {
	r.Ticket = t
	r.record(at, "ticketed", "", t.Key)
	if fellBack != "" {
		if err := s.notify(tx, r, NoticeFallback, "", at, fellBack); err != nil {
			return err
		}
	}
	if t.Note != "" {
		if err := s.notify(tx, r, NoticeWarning, "", at, t.Note); err != nil {
			return err
		}
	}
	if t.FollowUp {
		// A follow-up sets no status or urgency (Place says so): retried
		// late, it must not undo a change made in Slack meanwhile.
		ch := TicketChange{Assignee: r.Assignee, Urgency: r.Urgency, Team: r.Team, Comment: t.Note, Place: true,
			Accepted: r.Outcome == Accepted && r.Status != StatusDeferred}
		if team := s.Settings().Team(r.Team); team != nil {
			ch.Unit = team.Budget.Unit
		}
		if err := s.enqueueJSON(tx, JobUpdateTicket, fmt.Sprintf("%s:%d:created", JobUpdateTicket, r.ID), r, ch, at); err != nil {
			return err
		}
	}
	if err := s.notify(tx, r, NoticeTicketed, "", at, ""); err != nil {
		return err
	}
	if r.Outcome == Accepted && !r.Status.Closed() {
		return s.queueOnCall(tx, r, at)
	}
	return nil
}

// queueOnCall queues the on-call's message about r, due when r is to be
// handled (r.NotifyAt). A claimed emergency reached the on-call at intake,
// with its own buttons, so it gets none.
func (s *Service) queueOnCall(tx Tx, r *Request, at time.Time) error {
	if r.ClaimState != "" || s.Silent {
		return nil
	}
	n := Notice{Kind: NoticeOnCall, RequestID: r.ID, Team: r.Team, At: at, Due: r.NotifyAt}
	// One message per time the request is due to be handled: a P2 raised
	// to P1 while it waited for business hours is due again, now.
	return s.enqueueNotice(tx, fmt.Sprintf("%s:%s:%d:%d", JobNotify, NoticeOnCall, r.ID, r.NotifyAt.UnixNano()), n, at)
}

// tellQueued tells the requester once that the ticket is waiting for the
// tracker; its job's key keeps a second run from telling again. It is best
// effort: losing it loses a courtesy, not the request.
func (s *Service) tellQueued(r *Request, cause error) {
	_ = s.store.Update(func(tx Tx) error {
		n := Notice{Kind: NoticeQueued, RequestID: r.ID, Team: r.Team, Text: cause.Error(), At: s.now()}
		return s.enqueueNotice(tx, fmt.Sprintf("%s:%s:%d", JobNotify, NoticeQueued, r.ID), n, s.now())
	})
}

func (s *Service) updateTicket(ctx context.Context, j *Job, tr Tracker) (func(Tx) error, error) {
	r, err := s.load(j.RequestID)
	if err != nil {
		return nil, fmt.Errorf("update ticket: %w", err)
	}
	if r.Ticket.Key == "" {
		return nil, errNoTicketYet
	}
	var ch TicketChange
	if err := json.Unmarshal(j.Payload, &ch); err != nil {
		return nil, Permanent(fmt.Errorf("update ticket: decode change: %w", err))
	}
	ch.Key = j.Key
	if err := tr.Update(ctx, r.Ticket.Key, ch); err != nil {
		return nil, fmt.Errorf("update ticket %s: %w", r.Ticket.Key, err)
	}
	return nil, nil
}

func ticketLabels(r *Request) []string {
	labels := []string{"sprintguard", "sg-" + r.IDString(), "adhoc"}
	if r.Decision.Category != "" {
		labels = append(labels, r.Decision.Category)
	}
	for _, l := range r.Decision.Labels {
		if !slices.Contains(labels, l) {
			labels = append(labels, l)
		}
	}
	return labels
}

// Describe renders a ticket's description: the request text, where it was
// asked, who asked, and why it got its urgency.
func Describe(r *Request) string {
	// Built by hand, not with fmt: a replay describes every request.
	var b strings.Builder
	b.Grow(len(r.Summary) + len(r.Details) + 256)
	b.WriteString(r.Summary)
	if r.Details != "" {
		b.WriteString("\n\n")
		b.WriteString(r.Details)
	}
	b.WriteString("\n\n----\nRequested by: ")
	b.WriteString(requester(r))
	if r.RequesterTeam != "" {
		b.WriteString(" (@")
		b.WriteString(r.RequesterTeam)
		b.WriteString(")")
	}
	b.WriteString("\n")
	if r.ChannelName != "" {
		b.WriteString("Asked in: #")
		b.WriteString(r.ChannelName)
		b.WriteString("\n")
	}
	if p := Permalink(r); p != "" {
		b.WriteString("Slack: ")
		b.WriteString(p)
		b.WriteString("\n")
	}
	b.WriteString("Urgency: ")
	b.WriteString(r.Decision.Explain())
	b.WriteString("\n")
	if r.EstimateWhy != "" {
		b.WriteString("Estimate: ")
		b.WriteString(strings.TrimPrefix(r.EstimateWhy, "estimate "))
		b.WriteString("\n")
	}
	if !r.NeededBy.IsZero() {
		b.WriteString("Needed by: ")
		b.WriteString(r.NeededBy.Format(time.DateOnly))
		b.WriteString("\n")
	}
	for _, l := range r.Links {
		b.WriteString("Link: ")
		b.WriteString(l)
		b.WriteString("\n")
	}
	return b.String()
}

func requester(r *Request) string {
	if r.UserName != "" {
		return r.UserName + " (" + r.User + ")"
	}
	return r.User
}

// Permalink returns the Slack archive path of the request's message, which
// Slack redirects to the message in any workspace; "" without a message.
func Permalink(r *Request) string {
	if r.Channel == "" || r.TS == "" {
		return ""
	}
	return "https://slack.com/archives/" + r.Channel + "/p" + strings.Replace(r.TS, ".", "", 1)
}
