package triage

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/sprintguard/sprintguard/classifier"
)

// ClaimState is where a requester's claim of a higher urgency than the
// rules gave ("This is an emergency") stands.
type ClaimState string

// Claim states. A claim is pending from intake until the on-call confirms
// it or keeps the rules' urgency.
const (
	ClaimPending   ClaimState = "pending"
	ClaimConfirmed ClaimState = "confirmed"
	ClaimKept      ClaimState = "kept"
)

// Claim actions: the on-call's two answers to a pending claim.
const (
	ActConfirmClaim = "confirm_claim"
	ActKeepClaim    = "keep_claim"
)

// JobClaimDue runs when a pending claim's acknowledgement SLA runs out, to
// escalate it if nobody answered.
const JobClaimDue = "claim.due"

// ClaimOpen reports whether r carries a claim nobody has answered yet.
func (r *Request) ClaimOpen() bool { return r.ClaimState == ClaimPending }

// AckSLA is how long the on-call has to answer r: the P1 acknowledgement
// SLA while an emergency claim is pending, else its rule's.
func (r *Request) AckSLA() time.Duration {
	if r.ClaimOpen() {
		return r.ClaimSLA.Ack
	}
	return r.Decision.SLA.Ack
}

// ackSLAOf returns the team's acknowledgement SLA for urgency u: the
// tightest one its rules of that urgency set, 0 when none sets one.
func ackSLAOf(team *Team, u Urgency) time.Duration {
	var ack time.Duration
	for _, rule := range team.Rules.Rules() {
		if rule.Urgency == u && rule.SLA.Ack > 0 && (ack == 0 || rule.SLA.Ack < ack) {
			ack = rule.SLA.Ack
		}
	}
	return ack
}

// claim marks a request whose requester claimed more urgency than the
// rules gave, and makes sure the on-call hears of it at once, whatever the
// policy did with the rules' urgency: the claim is the on-call's to answer,
// under the claimed urgency's acknowledgement SLA. Called in r's intake
// transaction, after route; the caller saves r.
func (s *Service) claim(tx Tx, team *Team, r *Request, at time.Time) error {
	if !r.Claimed.Valid() || r.Claimed >= r.Decision.Urgency {
		return nil
	}
	r.ClaimState = ClaimPending
	r.ClaimSLA = classifier.SLA{Ack: ackSLAOf(team, r.Claimed)}
	if r.Assignee == "" {
		if err := s.assign(tx, team, r, at); err != nil {
			return err
		}
	}
	r.record(at, "claimed", r.User, fmt.Sprintf("claimed %s, rules say %s (rule %s)", r.Claimed, r.Decision.Urgency, r.Decision.Rule))
	if err := s.notify(tx, r, NoticeClaim, r.User, at, ""); err != nil {
		return err
	}
	if r.ClaimSLA.Ack <= 0 {
		return nil
	}
	due := at.Add(r.ClaimSLA.Ack)
	j := &Job{Kind: JobClaimDue, Key: JobClaimDue + ":" + r.IDString(), RequestID: r.ID, Team: r.Team, CreatedAt: at, NextAt: due}
	_, err := tx.Enqueue(j)
	return err
}

// answerClaim applies the on-call's answer to r's pending claim: confirm
// raises r to the claimed urgency through the same path as any urgency
// change, and counts as the acknowledgement; keep records that the rules'
// urgency stands. An answered claim changes nothing again.
func (s *Service) answerClaim(tx Tx, team *Team, r *Request, c Change, at time.Time) (bool, error) {
	if !r.ClaimOpen() {
		return false, nil
	}
	if c.Action == ActKeepClaim {
		r.ClaimState = ClaimKept
		return true, nil
	}
	r.ClaimState = ClaimConfirmed
	if _, err := s.setUrgency(tx, team, r, r.Claimed, c.Actor, at); err != nil {
		return false, err
	}
	if r.Status == StatusOpen {
		r.Status, r.AckedAt = StatusAcknowledged, at
	}
	return true, nil
}

// claimDue escalates a claim still unanswered when its acknowledgement SLA
// ran out. It is safe to run twice: an answered or escalated claim is left
// alone.
func (s *Service) claimDue(_ context.Context, j *Job) (func(Tx) error, error) {
	return func(tx Tx) error {
		r, err := tx.Request(j.RequestID)
		if errors.Is(err, ErrNotFound) {
			return nil
		} else if err != nil {
			return fmt.Errorf("claim due: %w", err)
		}
		team := s.Settings().Team(r.Team)
		if team == nil || !r.ClaimOpen() || !r.EscalatedAt.IsZero() {
			return nil
		}
		return s.escalate(tx, team, r, s.now())
	}, nil
}
