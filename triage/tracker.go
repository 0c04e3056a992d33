package triage

import (
	"context"
	"time"
)

// Tracker is where tickets live: tracker/local keeps them in the store,
// tracker/jira in Jira. Implementations must be safe for concurrent use.
type Tracker interface {
	// Create makes the ticket for spec. It must be idempotent on
	// spec.IdempotencyKey: a retry after a crash returns the ticket the
	// first call made instead of making a second one.
	Create(ctx context.Context, spec TicketSpec) (Ticket, error)
	// Update applies a change to an existing ticket. It must be safe to
	// apply the same change twice.
	Update(ctx context.Context, key string, ch TicketChange) error
}

// InlineTracker is a Tracker that keeps its tickets in the store itself
// (tracker/local): it can make a ticket inside the transaction that
// records its request, so that the two commit together, with no outbox
// job and no second commit between them. Implementations must be safe for
// concurrent use.
type InlineTracker interface {
	// CreateIn makes the ticket for spec in tx, stamped at, or returns the
	// one already made for spec.IdempotencyKey. ok is false when it cannot
	// (another tracker takes spec's team, or tx is not of its store): the
	// outbox job makes the ticket then.
	CreateIn(tx Tx, spec TicketSpec, at time.Time) (t Ticket, ok bool, err error)
}

// TicketSpec is everything a tracker needs to make a ticket.
type TicketSpec struct {
	IdempotencyKey string
	RequestID      int64
	Team           string
	Summary        string
	Description    string
	Urgency        Urgency
	Category       string
	Labels         []string
	Requester      string
	Assignee       string // Slack user id; the tracker maps it to its own account
	Deferred       bool   // goes to the backlog, not the active sprint
	Due            time.Time
	Permalink      string
}

// TicketChange is one lifecycle change pushed to the tracker.
type TicketChange struct {
	// Key identifies this change (the outbox job's key), so that a tracker
	// can tell a retried change from a new one.
	Key      string
	Status   Status
	Assignee string
	Urgency  Urgency
	// Comment says the change in words, and a resolve's the whole time
	// spent: trackers post it as it is, adding no figure of their own.
	Comment string
	// TimeSpent is what to add to the ticket's logged total, in the team's
	// budget unit, with Status resolved.
	TimeSpent float64
	Unit      string // the team's budget unit: "points" or "hours"
	// Place marks the follow-up of a creation: put the ticket where the
	// request belongs (the active sprint when Accepted, else the backlog)
	// and assign it if nobody has it; leave status and priority alone.
	Place    bool
	Accepted bool
	Team     string
	Actor    string
}

// Notice is the payload of a JobNotify: something a person should hear of.
type Notice struct {
	Kind      string    `json:"kind"`
	RequestID int64     `json:"request_id,omitempty"`
	Team      string    `json:"team,omitempty"`
	Actor     string    `json:"actor,omitempty"`
	Threshold float64   `json:"threshold,omitempty"`
	Sprint    int       `json:"sprint,omitempty"`
	Text      string    `json:"text,omitempty"`
	At        time.Time `json:"at"`
	// Due is when the notice should be sent, if later than At.
	Due time.Time `json:"due,omitzero"`
}

// Notice kinds.
const (
	NoticeTicketed  = "ticketed"  // tell the requester the ticket, urgency and next step
	NoticeOnCall    = "oncall"    // tell the on-call, with buttons
	NoticeApproval  = "approval"  // ask the lead to approve or defer
	NoticeBudget    = "budget"    // a budget threshold was crossed
	NoticeDuplicate = "duplicate" // the request was linked to an earlier one
	NoticeChanged   = "changed"   // status or urgency changed
	NoticeQueued    = "queued"    // the tracker is unreachable; the ticket is queued
	NoticeFallback  = "fallback"  // the tracker refused the ticket; a local one was made
	NoticeWarning   = "warning"   // the tracker made the ticket but warns of something
	NoticeEscalated = "escalated" // not acknowledged within the SLA; Text is escalate_to
	NoticeClaim     = "claim"     // a requester claimed more urgency than the rules gave
	NoticeEstimated = "estimated" // an estimate was learned after messages about the request were posted: edit them
)
