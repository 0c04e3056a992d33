package pagerduty

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	pd "github.com/PagerDuty/go-pagerduty"

	"github.com/sprintguard/sprintguard/triage"
)

// Pager sends a team's P1s to PagerDuty through the Events API v2, as the
// outbox handler of triage.JobPage. The dedup_key is the ticket key, so a
// retried job changes nothing at PagerDuty. Handle may run concurrently.
type Pager struct {
	Client *pd.Client
	Store  triage.Store
	// RoutingKey returns the integration key of team's service, "" for none.
	RoutingKey func(team string) string
}

var _ triage.Handler = (*Pager)(nil).Handle

// errNoTicket makes the outbox retry until the request's ticket exists.
var errNoTicket = errors.New("the request has no ticket yet")

// Handle sends the job's event.
func (p *Pager) Handle(ctx context.Context, j *triage.Job) (func(triage.Tx) error, error) {
	var pj triage.PageJob
	if err := json.Unmarshal(j.Payload, &pj); err != nil {
		return nil, triage.Permanent(fmt.Errorf("decode page job: %w", err))
	}
	var r *triage.Request
	if err := p.Store.View(func(tx triage.Tx) error {
		var err error
		r, err = tx.Request(j.RequestID)
		return err
	}); err != nil {
		return nil, fmt.Errorf("page for request %d: %w", j.RequestID, err)
	}
	key := p.RoutingKey(r.Team)
	if key == "" {
		return nil, triage.Permanent(fmt.Errorf("page for request %d: team %s has no pagerduty.routing_key", r.ID, r.Team))
	}
	if r.Ticket.Key == "" {
		return nil, errNoTicket
	}
	ev := &pd.V2Event{RoutingKey: key, Action: pj.Action, DedupKey: r.Ticket.Key, Client: "sprintguard", ClientURL: r.Ticket.URL}
	if pj.Action == triage.PageTrigger {
		ev.Payload = &pd.V2Payload{Summary: fmt.Sprintf("%s %s: %s", r.Urgency, r.Ticket.Key, r.Summary),
			Source: "sprintguard", Severity: "critical", Group: r.Team, Class: r.Decision.Category,
			Details: map[string]any{"ticket": r.Ticket.Key, "requester": r.User, "assignee": r.Assignee}}
	}
	if _, err := p.Client.ManageEventWithContext(ctx, ev); err != nil {
		var apiErr pd.APIError
		if errors.As(err, &apiErr) && apiErr.StatusCode >= 400 && apiErr.StatusCode < 500 && apiErr.StatusCode != http.StatusTooManyRequests {
			return nil, triage.Permanent(fmt.Errorf("page %s for %s: %w", pj.Action, r.Ticket.Key, err))
		}
		return nil, fmt.Errorf("page %s for %s: %w", pj.Action, r.Ticket.Key, err)
	}
	return nil, nil
}
