package learn

import (
	"fmt"
	"strings"

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
		ID: triage.Ref(r), RequestID: r.ID, Team: r.Team, Input: in, Rule: r.Decision.Rule,
		Urgency: r.Urgency, Category: r.CategoryNow(),
		Overridden: len(r.Overrides) > 0 || r.Category != "" && r.Category != r.Decision.Category,
		Actual:     r.Actual, HasActual: r.HasActual, Resolver: triage.Resolver(r),
	}
}

// History returns the team's labelled requests (every team's when team is
// ""), oldest label first, one example per request however many labels it
// has. Requests purged by retention have no text left and are skipped.
//
// An example's label is the request's urgency and category now, after
// whatever a person changed. A defer or a decline says the urgency too
// when nobody set it by hand (Inferred):
//
//   - a defer of a request the rules made P1 or P2 says it could wait for
//     the next sprint, which is what the policy does with P3 once the
//     budget is spent: the label is P3;
//   - a decline says it should not have been sprint work at all: the label
//     is P4, the backlog (a request declined and then reopened is not);
//   - an approval confirms the rules' urgency: the label stays theirs.
//
// An urgency set by hand always wins over what an action says.
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
		out = append(out, Labelled(r, st.Team(r.Team)))
	}
	return out, nil
}

// Labelled returns r as an example labelled with what people did to it,
// as History labels it: FromRequest's label, and the urgency its last
// defer or decline says when nobody set the urgency by hand. The people
// are r's events' actors other than sprintguard itself (jobs, tracker
// sync), the same changes that leave a triage.Label.
func Labelled(r *triage.Request, team *triage.Team) Example {
	e := FromRequest(r, team)
	byHand := false
	for _, ev := range r.Events {
		if strings.HasPrefix(ev.Actor, triage.SystemActor) {
			continue
		}
		switch ev.Kind {
		case triage.ActUrgency, triage.ActConfirmClaim, triage.ActKeepClaim:
			byHand = true
		case triage.ActDeferReq, triage.ActApprove, triage.ActDecline:
			e.Action = ev.Kind
		}
	}
	if e.Action == triage.ActDecline && r.Status != triage.StatusDeclined {
		e.Action = "" // reopened: the decline no longer stands
	}
	if !byHand {
		inferUrgency(&e)
	}
	return e
}

// inferUrgency labels e with the urgency its last action says, when it
// says one; see History.
func inferUrgency(e *Example) {
	u := e.Urgency
	switch {
	case e.Action == triage.ActDeferReq && Interrupts(u):
		u = classifier.P3
	case e.Action == triage.ActDecline:
		u = classifier.P4
	}
	if u != e.Urgency {
		e.Urgency, e.Inferred, e.Overridden = u, true, true
	}
}
