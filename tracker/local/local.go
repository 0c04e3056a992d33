// Package local is the tracker that keeps tickets in sprintguard's own
// store: for teams without Jira, for replay, and as the fallback when Jira
// refuses a ticket for good.
package local

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/sprintguard/sprintguard/triage"
)

// Store is what the local tracker needs of the store; *store.DB implements
// it. Implementations must be safe for concurrent use. The callbacks run
// inside a write transaction and must not call the store.
type Store interface {
	// CreateTicket returns the ticket already made for idemKey (created
	// false), or stores the one build makes with the next ticket number
	// (created true). An empty idemKey always makes a new ticket.
	CreateTicket(idemKey string, build func(n int64) Ticket) (Ticket, bool, error)
	// UpdateTicket runs fn on the stored ticket and saves it when fn
	// returns nil. A missing ticket is an error wrapping triage.ErrNotFound.
	UpdateTicket(key string, fn func(*Ticket) error) error
	// Ticket returns the ticket, or an error wrapping triage.ErrNotFound.
	Ticket(key string) (Ticket, error)
	// Tickets calls fn for every ticket in creation order; fn returning
	// triage.ErrStop ends the walk without error.
	Tickets(fn func(Ticket) error) error
}

// TxTickets is a store transaction that can make a ticket within itself;
// the store's transactions are. The tracker makes a request's ticket in the
// transaction that records the request when the transaction is one.
type TxTickets interface {
	// CreateTicketIn is Store.CreateTicket inside the transaction.
	CreateTicketIn(idemKey string, build func(n int64) Ticket) (Ticket, bool, error)
}

// Ticket is a ticket kept in the store. It is a value the store persists;
// it is not safe for concurrent use.
type Ticket struct {
	Key         string    `json:"key"`
	URL         string    `json:"url,omitempty"`
	Team        string    `json:"team"`
	RequestID   int64     `json:"request_id,omitempty"`
	Summary     string    `json:"summary"`
	Description string    `json:"description,omitempty"`
	Status      string    `json:"status"`
	Assignee    string    `json:"assignee,omitempty"`
	Requester   string    `json:"requester,omitempty"`
	Urgency     string    `json:"urgency"`
	Category    string    `json:"category,omitempty"`
	Labels      []string  `json:"labels,omitempty"`
	Deferred    bool      `json:"deferred,omitempty"`
	Due         time.Time `json:"due,omitzero"`
	Permalink   string    `json:"permalink,omitempty"`
	Created     time.Time `json:"created"`
	Updated     time.Time `json:"updated"`
	Comments    []Comment `json:"comments,omitempty"`
	Worklog     []Work    `json:"worklog,omitempty"`
	// Applied holds the keys of the latest changes applied (at most
	// MaxApplied), so that a retried change is not applied twice.
	Applied []string `json:"applied,omitempty"`
}

// Comment is a note on a ticket.
type Comment struct {
	At     time.Time `json:"at"`
	Author string    `json:"author,omitempty"`
	Body   string    `json:"body"`
}

// Work is time spent on a ticket, in the team's budget unit.
type Work struct {
	At     time.Time `json:"at"`
	Author string    `json:"author,omitempty"`
	Amount float64   `json:"amount"`
}

// MaxApplied is how many change keys a ticket remembers. A change is retried
// only until the outbox gives up on it, long before this many newer changes
// reach the same ticket.
const MaxApplied = 100

// DefaultPrefix is the key prefix when New is given none.
const DefaultPrefix = "REQ"

// Tracker implements triage.Tracker with tickets in the store: keys PREFIX-N
// (REQ-42). It is safe for concurrent use.
type Tracker struct {
	store   Store
	prefix  string
	baseURL string
	now     func() time.Time
}

var (
	_ triage.Tracker       = (*Tracker)(nil)
	_ triage.InlineTracker = (*Tracker)(nil)
)

// New returns a tracker making keys prefix-N (DefaultPrefix when prefix is
// empty) and URLs baseURL+key (none when baseURL is empty). Ticket numbers
// come from one sequence in the store, shared by every prefix.
func New(s Store, prefix, baseURL string) *Tracker {
	if prefix == "" {
		prefix = DefaultPrefix
	}
	return &Tracker{store: s, prefix: prefix, baseURL: baseURL, now: time.Now}
}

// WithClock returns a copy of t that stamps tickets with now (replay's
// simulated clock, or a test's).
func (t *Tracker) WithClock(now func() time.Time) *Tracker {
	c := *t
	c.now = now
	return &c
}

// Create makes the ticket for spec, or returns the one already made for
// spec.IdempotencyKey.
func (t *Tracker) Create(ctx context.Context, spec triage.TicketSpec) (triage.Ticket, error) {
	if err := ctx.Err(); err != nil {
		return triage.Ticket{}, fmt.Errorf("create local ticket: %w", err)
	}
	at := t.now()
	tk, _, err := t.store.CreateTicket(spec.IdempotencyKey, func(n int64) Ticket {
		return t.newTicket(n, spec, at)
	})
	if err != nil {
		return triage.Ticket{}, fmt.Errorf("create local ticket: %w", err)
	}
	return triage.Ticket{Key: tk.Key, URL: tk.URL}, nil
}

// CreateIn makes the ticket for spec within tx, stamped at, when tx can
// (see TxTickets); ok is false when it cannot.
func (t *Tracker) CreateIn(tx triage.Tx, spec triage.TicketSpec, at time.Time) (triage.Ticket, bool, error) {
	in, ok := tx.(TxTickets)
	if !ok {
		return triage.Ticket{}, false, nil
	}
	tk, _, err := in.CreateTicketIn(spec.IdempotencyKey, func(n int64) Ticket { return t.newTicket(n, spec, at) })
	if err != nil {
		return triage.Ticket{}, false, fmt.Errorf("create local ticket: %w", err)
	}
	return triage.Ticket{Key: tk.Key, URL: tk.URL}, true, nil
}

// Update applies ch to the ticket unless a change with the same Key was
// already applied. A missing ticket is a permanent error: retrying cannot
// make it appear.
func (t *Tracker) Update(ctx context.Context, key string, ch triage.TicketChange) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("update local ticket %s: %w", key, err)
	}
	at := t.now()
	err := t.store.UpdateTicket(key, func(tk *Ticket) error {
		Apply(tk, ch, at)
		return nil
	})
	if errors.Is(err, triage.ErrNotFound) {
		return triage.Permanent(fmt.Errorf("update local ticket %s: %w", key, err))
	}
	if err != nil {
		return fmt.Errorf("update local ticket %s: %w", key, err)
	}
	return nil
}

func (t *Tracker) newTicket(n int64, spec triage.TicketSpec, at time.Time) Ticket {
	key := t.prefix + "-" + strconv.FormatInt(n, 10)
	tk := Ticket{
		Key: key, Team: spec.Team, RequestID: spec.RequestID,
		Summary: spec.Summary, Description: spec.Description,
		Status: string(triage.StatusOpen), Assignee: spec.Assignee, Requester: spec.Requester,
		Urgency: urgency(spec.Urgency), Category: spec.Category,
		Labels: append([]string(nil), spec.Labels...), Deferred: spec.Deferred,
		Due: spec.Due, Permalink: spec.Permalink, Created: at, Updated: at,
	}
	if spec.Deferred {
		tk.Status = string(triage.StatusBacklog)
	}
	if t.baseURL != "" {
		tk.URL = t.baseURL + key
	}
	return tk
}

// urgency leaves an unset urgency empty instead of writing "P?".
func urgency(u triage.Urgency) string {
	if !u.Valid() {
		return ""
	}
	return u.String()
}
