// Package mixed lets teams of one workspace keep tickets in different
// trackers (platform in Jira, data on GitHub): it routes each ticket to
// its team's tracker.
package mixed

import (
	"context"
	"fmt"
	"time"

	"github.com/sprintguard/sprintguard/triage"
)

// Tracker routes creations and updates by team. It is safe for concurrent
// use when the trackers it routes to are.
type Tracker struct {
	// For returns the team's tracker, nil for a team it does not know.
	For func(team string) triage.Tracker
}

var (
	_ triage.Tracker       = (*Tracker)(nil)
	_ triage.InlineTracker = (*Tracker)(nil)
)

// Create makes the ticket in the team's tracker.
func (t *Tracker) Create(ctx context.Context, spec triage.TicketSpec) (triage.Ticket, error) {
	tr := t.For(spec.Team)
	if tr == nil {
		return triage.Ticket{}, triage.Permanent(fmt.Errorf("create ticket: team %q has no tracker", spec.Team))
	}
	return tr.Create(ctx, spec)
}

// CreateIn makes the ticket within tx when the team's tracker can (see
// triage.InlineTracker); ok is false when it cannot.
func (t *Tracker) CreateIn(tx triage.Tx, spec triage.TicketSpec, at time.Time) (triage.Ticket, bool, error) {
	in, ok := t.For(spec.Team).(triage.InlineTracker)
	if !ok {
		return triage.Ticket{}, false, nil
	}
	return in.CreateIn(tx, spec, at)
}

// Update changes the ticket in the team's tracker.
func (t *Tracker) Update(ctx context.Context, key string, ch triage.TicketChange) error {
	tr := t.For(ch.Team)
	if tr == nil {
		return triage.Permanent(fmt.Errorf("update ticket %s: team %q has no tracker", key, ch.Team))
	}
	return tr.Update(ctx, key, ch)
}
