package learn

import (
	"fmt"

	"github.com/sprintguard/sprintguard/classifier"
	"github.com/sprintguard/sprintguard/triage"
)

// text is the text the rules and the index read.
func text(e *Example) string { return e.Input.Summary + "\n" + e.Input.Details }

// FromRequest returns r as an example labelled with its urgency and
// category now, after whatever the on-call changed.
func FromRequest(r *triage.Request, team *triage.Team) Example {
	in := classifier.Input{
		Summary: r.Summary, Details: r.Details, Type: r.Type, Impact: r.Impact,
		Channel: r.Channel, ChannelName: r.ChannelName, Requester: r.User,
		At: r.CreatedAt, NeededBy: r.NeededBy,
	}
	if team != nil {
		in.BusinessHours = team.Hours.Contains(r.CreatedAt)
	}
	return Example{
		ID: ref(r), RequestID: r.ID, Team: r.Team, Input: in, Rule: r.Decision.Rule,
		Urgency: r.Urgency, Category: r.CategoryNow(),
		Overridden: len(r.Overrides) > 0 || r.Category != "" && r.Category != r.Decision.Category,
		Actual:     r.Actual, HasActual: r.HasActual, Resolver: resolver(r),
	}
}

// ref is how people know a request: its ticket key once it has one.
func ref(r *triage.Request) string {
	if r.Ticket.Key != "" {
		return r.Ticket.Key
	}
	return fmt.Sprintf("request %d", r.ID)
}

// resolver is who resolved r, from its events: the last person to resolve
// it, in case it was reopened.
func resolver(r *triage.Request) string {
	who := ""
	for _, e := range r.Events {
		if e.Kind == triage.ActResolve {
			who = e.Actor
		}
	}
	return who
}

// History returns the team's labelled requests (every team's when team is
// ""), oldest label first, one example per request however many labels it
// has, and the overrides counted per rule. Requests purged by retention
// have no text left and are skipped.
func History(tx triage.Tx, st *triage.Settings, team string) ([]Example, error) {
	seen := map[int64]bool{}
	var ids []int64
	err := tx.Labels(team, func(l triage.Label) error {
		if !seen[l.RequestID] {
			seen[l.RequestID] = true
			ids = append(ids, l.RequestID)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read labels: %w", err)
	}
	out := make([]Example, 0, len(ids))
	for _, id := range ids {
		r, err := tx.Request(id)
		if err != nil {
			return nil, fmt.Errorf("read labelled request: %w", err)
		}
		if r.Purged {
			continue
		}
		out = append(out, FromRequest(r, st.Team(r.Team)))
	}
	return out, nil
}
