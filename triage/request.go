package triage

import (
	"slices"
	"time"

	"github.com/sprintguard/sprintguard/classifier"
)

// Urgency is P1 (critical) to P4 (low); the rules language defines it.
type Urgency = classifier.Urgency

// Source says how a request reached the team.
type Source string

// The ways in of SPEC section 3, plus replay for the backtest.
const (
	SourceSlash    Source = "slash"
	SourceChannel  Source = "channel"
	SourceMention  Source = "mention"
	SourceReaction Source = "reaction"
	SourceShortcut Source = "shortcut"
	SourceDM       Source = "dm"
	SourceReplay   Source = "replay"
)

// TicketedBy says who caused the ticket to exist, for the report.
type TicketedBy string

// The three kinds the weekly report counts.
const (
	ByRequester TicketedBy = "requester"
	ByMember    TicketedBy = "member"
	ByDeadline  TicketedBy = "deadline"
)

// Outcome is the policy's answer when the request arrived.
type Outcome string

// Outcomes of SPEC section 4's policy table. Declined is only ever set by a
// person, never by policy.
const (
	Accepted      Outcome = "accepted"
	Deferred      Outcome = "deferred"
	NeedsApproval Outcome = "needs_approval"
	Backlog       Outcome = "backlog"
	Declined      Outcome = "declined"
)

// Status is where a request is in its lifecycle now.
type Status string

// Statuses. Open means ticketed and waiting for the on-call to acknowledge.
const (
	StatusOpen         Status = "open"
	StatusAcknowledged Status = "acknowledged"
	StatusResolved     Status = "resolved"
	StatusDeferred     Status = "deferred"
	StatusBacklog      Status = "backlog"
	StatusPending      Status = "pending_approval"
	StatusDeclined     Status = "declined"
)

// Closed reports whether no more work is expected on a request in status s.
func (s Status) Closed() bool {
	switch s {
	case StatusResolved, StatusDeclined, StatusDeferred, StatusBacklog, StatusOffered:
		return true
	}
	return false
}

// Ticket is a ticket in a tracker.
type Ticket struct {
	Key string `json:"key"`
	URL string `json:"url,omitempty"`
	// Note is a warning from the tracker about the ticket just made (an
	// assignee it could not map, say), told in the request's thread once.
	Note string `json:"-"`
	// FollowUp asks for an update job right after the ticket is recorded,
	// to finish what the tracker does in steps of its own (assignment,
	// sprint placement), each retried apart from the creation.
	FollowUp bool `json:"-"`
}

// Event is one recorded step in a request's life.
type Event struct {
	At     time.Time `json:"at"`
	Kind   string    `json:"kind"`
	Actor  string    `json:"actor,omitempty"`
	Detail string    `json:"detail,omitempty"`
}

// Post is one Slack message sprintguard posted about a request.
type Post struct {
	Kind    string `json:"kind"` // one of the Post* constants
	Channel string `json:"channel"`
	TS      string `json:"ts"`
}

// Kinds of posts.
const (
	PostRoot       = "root"       // the request's own message, when it came from a modal
	PostReply      = "reply"      // the thread reply to the requester
	PostOnCall     = "oncall"     // the on-call's DM with buttons
	PostChannel    = "channel"    // the P1 mention in the team channel
	PostApproval   = "approval"   // a lead's approval DM
	PostEscalation = "escalation" // escalate_to's DM about a late acknowledgement
	PostAnswer     = "answer"     // a rule's answer to the requester, with [That solved it] [I still need help]
)

// Clone copies r with nothing shared: every slice is copied, so that a
// store can hand out a request its caller may change.
// TestCloneRequestSharesNothing (package store) fails when a new field
// is not.
func (r *Request) Clone() *Request {
	c := *r
	c.Links = slices.Clone(r.Links)
	c.Overrides = slices.Clone(r.Overrides)
	c.Events = slices.Clone(r.Events)
	c.Posts = slices.Clone(r.Posts)
	c.Similar = slices.Clone(r.Similar)
	c.Decision.Labels = slices.Clone(r.Decision.Labels)
	c.Decision.Matched = slices.Clone(r.Decision.Matched)
	c.Decision.Also = slices.Clone(r.Decision.Also)
	return &c
}

// Post returns the first post of kind and whether there is one.
func (r *Request) Post(kind string) (Post, bool) {
	for _, p := range r.Posts {
		if p.Kind == kind {
			return p, true
		}
	}
	return Post{}, false
}

// AddPost records p unless a post with the same channel and ts is known.
func (r *Request) AddPost(p Post) {
	for _, q := range r.Posts {
		if q.Channel == p.Channel && q.TS == p.TS {
			return
		}
	}
	r.Posts = append(r.Posts, p)
}

// Thread returns where messages about the request go: its channel and the
// thread's root ts, falling back to the root post sprintguard made.
func (r *Request) Thread() (channel, ts string) {
	switch {
	case r.ThreadTS != "":
		return r.Channel, r.ThreadTS
	case r.TS != "":
		return r.Channel, r.TS
	}
	if p, ok := r.Post(PostRoot); ok {
		return p.Channel, p.TS
	}
	return r.Channel, ""
}

// UrgencyChange is a human override of the rules' urgency.
type UrgencyChange struct {
	At    time.Time `json:"at"`
	Actor string    `json:"actor"`
	From  Urgency   `json:"from"`
	To    Urgency   `json:"to"`
}

// Request is one ad-hoc request and everything decided about it. The store
// persists it whole; it is not safe for concurrent use.
type Request struct {
	ID     int64  `json:"id"`
	Team   string `json:"team"`
	Source Source `json:"source"`

	Channel     string `json:"channel,omitempty"`
	ChannelName string `json:"channel_name,omitempty"`
	TS          string `json:"ts,omitempty"`
	ThreadTS    string `json:"thread_ts,omitempty"`
	User        string `json:"user"`
	UserName    string `json:"user_name,omitempty"`
	// RequesterTeam is the requester's own team (a user group handle), for the report.
	RequesterTeam string `json:"requester_team,omitempty"`

	Summary  string    `json:"summary"`
	Details  string    `json:"details,omitempty"`
	Type     string    `json:"type,omitempty"`
	Impact   string    `json:"impact,omitempty"`
	NeededBy time.Time `json:"needed_by,omitzero"`
	Links    []string  `json:"links,omitempty"`
	// Claimed is the urgency the requester asked for (e.g. "This is an
	// emergency" claims P1); zero when none was claimed.
	Claimed Urgency `json:"claimed,omitempty"`
	// ClaimState is set when the claim was more urgent than the rules: the
	// on-call confirms it or keeps the rules' urgency. ClaimSLA is the
	// claimed urgency's acknowledgement SLA, which holds while it is pending.
	ClaimState ClaimState     `json:"claim_state,omitempty"`
	ClaimSLA   classifier.SLA `json:"claim_sla,omitzero"`
	TicketedBy TicketedBy     `json:"ticketed_by"`

	CreatedAt time.Time           `json:"created_at"`
	Decision  classifier.Decision `json:"decision"`
	Urgency   Urgency             `json:"urgency"`
	Overrides []UrgencyChange     `json:"overrides,omitempty"`
	// Category is the category the on-call set; "" keeps the rules'
	// Decision.Category (see CategoryNow).
	Category string  `json:"category,omitempty"`
	Outcome  Outcome `json:"outcome"`
	Status   Status  `json:"status"`
	// OverBudget is set when a P1 was accepted with the budget already spent.
	OverBudget bool `json:"over_budget,omitempty"`

	Sprint      int       `json:"sprint"`
	SprintStart time.Time `json:"sprint_start"`
	Estimate    float64   `json:"estimate"`
	Actual      float64   `json:"actual,omitempty"`
	HasActual   bool      `json:"has_actual,omitempty"`
	// Logged is the time spent the ticket's tracker already holds: what
	// sprintguard queued to it, or what the tracker said when the ticket
	// was closed there. Trackers add each logged time to a total, so a
	// correction logs only what Actual has above it, and a lower one
	// logs nothing.
	Logged float64 `json:"logged,omitempty"`

	Assignee   string    `json:"assignee,omitempty"`
	Ticket     Ticket    `json:"ticket,omitzero"`
	AckedAt    time.Time `json:"acked_at,omitzero"`
	ResolvedAt time.Time `json:"resolved_at,omitzero"`
	// NotifyAt is when the on-call should hear of it: later than CreatedAt
	// for a P2 that arrives after hours.
	NotifyAt    time.Time `json:"notify_at,omitzero"`
	EscalatedAt time.Time `json:"escalated_at,omitzero"`
	Events      []Event   `json:"events"`
	// Posts are the Slack messages sprintguard posted about the request,
	// so that later changes can edit them in place.
	Posts []Post `json:"posts,omitempty"`
	// Similar are the team's earlier requests most like this one, best
	// first, found by the outbox worker (JobSimilar); SimilarDone says the
	// lookup ran, even when it found nothing.
	Similar     []Similar `json:"similar,omitempty"`
	SimilarDone bool      `json:"similar_done,omitempty"`
	// EstimateWhy explains an estimate learned from similar requests, and
	// RuleEstimate keeps the estimate it replaced; both are empty when the
	// estimate is the rule's.
	EstimateWhy  string  `json:"estimate_why,omitempty"`
	RuleEstimate float64 `json:"rule_estimate,omitempty"`
	// Deflection is where the rule's answer got: DeflectOffered while the
	// requester has it, DeflectSolved when it solved the request,
	// DeflectNeedHelp when it did not; "" when the rule had no answer.
	Deflection string `json:"deflection,omitempty"`
	// Purged is set once retention removed the request's text.
	Purged bool `json:"purged,omitempty"`
}

// logSpent returns the time spent change c, which made r from before, must
// log to the tracker so that the ticket's total reaches Actual, and counts
// it as logged; it is saved with the change's job, so a retried or
// replayed job never logs twice. A resolve read from the tracker logs
// nothing: the tracker holds it.
func (r *Request) logSpent(before *Request, c Change) float64 {
	if c.Action != ActResolve || !r.HasActual {
		return 0
	}
	if before.HasActual && r.Logged < before.Actual {
		// Stored before Logged was kept, when the time stated was logged:
		// every resolve since leaves Logged at least Actual.
		r.Logged = before.Actual
	}
	if c.FromTracker {
		r.Logged = r.Actual
		return 0
	}
	more := max(r.Actual-r.Logged, 0)
	r.Logged += more
	return more
}

// Charge returns what the request costs the budget: the actual time when
// recorded, else the estimate.
func (r *Request) Charge() float64 {
	if r.HasActual {
		return r.Actual
	}
	return r.Estimate
}

// Charged reports whether the request counts against its sprint's budget.
func (r *Request) Charged() bool {
	return r.Outcome == Accepted && r.Status != StatusDeferred && r.Status != StatusDeclined
}

// IDString is the request id as used in ledgers, labels and idempotency keys.
func (r *Request) IDString() string { return formatID(r.ID) }

func (r *Request) record(at time.Time, kind, actor, detail string) {
	r.Events = append(r.Events, Event{At: at, Kind: kind, Actor: actor, Detail: detail})
}
