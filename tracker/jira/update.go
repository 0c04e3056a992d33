package jira

import (
	"context"
	"fmt"
	"strings"

	gojira "github.com/andygrunwald/go-jira"

	"github.com/sprintguard/sprintguard/triage"
)

// Jira's status categories.
const (
	catNew   = "new"
	catDoing = "indeterminate"
	catDone  = "done"
)

// Update applies a change made in Slack: assignee, priority, the status
// (by category, whatever the workflow's names), the sprint or backlog, a
// worklog of the time spent, and a comment saying who did it. It reads the
// issue once and changes only what differs, so a retry is cheap and
// changes nothing twice. The comment carries the change's key and goes
// last, so a retried change that already commented is not repeated.
func (t *Tracker) Update(ctx context.Context, key string, ch triage.TicketChange) error {
	cur, err := t.state(ctx, key)
	if err != nil {
		return err
	}
	marker := "sprintguard change " + ch.Key
	if ch.Comment != "" && cur.hasComment(marker) {
		return nil
	}
	proj := t.opt.Projects(ch.Team)
	if ch.Assignee != "" && !(ch.Place && cur.assignee != "") {
		account, _, err := t.assignee(ctx, ch.Assignee)
		if err != nil {
			return err
		}
		if account != "" && account != cur.assignee {
			if err := t.assign(ctx, key, account); err != nil {
				return err
			}
		}
	}
	if p := proj.Priority[ch.Urgency.String()]; !ch.Place && p != "" && p != cur.priority {
		err := t.call(ctx, "set priority of "+key, func(ctx context.Context) (*gojira.Response, error) {
			return t.put(ctx, "rest/api/2/issue/"+key, map[string]any{"fields": map[string]any{"priority": map[string]string{"name": p}}})
		})
		if err != nil {
			return err
		}
	}
	if cat := category(ch.Status); !ch.Place && cat != "" && cat != cur.category {
		if err := t.moveTo(ctx, key, cat); err != nil {
			return err
		}
	}
	if proj.Board != 0 {
		switch {
		case ch.Place:
			err = t.place(ctx, proj.Board, key, ch.Accepted)
		case ch.Status == triage.StatusDeferred, ch.Status == triage.StatusBacklog:
			err = t.place(ctx, proj.Board, key, false)
		}
		if err != nil {
			return err
		}
	}
	if ch.Status == triage.StatusResolved && ch.TimeSpent > 0 && ch.Unit == "hours" {
		if err := t.worklog(ctx, key, ch.TimeSpent, ch.Comment); err != nil {
			return err
		}
	}
	if ch.Comment == "" {
		return nil
	}
	return t.comment(ctx, key, strings.TrimSpace(ch.Comment), marker)
}

// issueState is what Update compares a change against.
type issueState struct {
	category, priority, assignee string
	comments                     []string
}

func (s issueState) hasComment(marker string) bool {
	for _, c := range s.comments {
		if strings.Contains(c, marker) {
			return true
		}
	}
	return false
}

// state reads the issue's status category, priority, assignee and
// comments in one call.
func (t *Tracker) state(ctx context.Context, key string) (issueState, error) {
	var issue struct {
		Fields struct {
			Status   *gojira.Status `json:"status"`
			Priority *struct {
				Name string `json:"name"`
			} `json:"priority"`
			Assignee *struct {
				AccountID string `json:"accountId"`
			} `json:"assignee"`
			Comment *struct {
				Comments []struct {
					Body string `json:"body"`
				} `json:"comments"`
			} `json:"comment"`
		} `json:"fields"`
	}
	err := t.call(ctx, "read "+key, func(ctx context.Context) (*gojira.Response, error) {
		req, err := t.client.NewRequestWithContext(ctx, "GET", "rest/api/2/issue/"+key+"?fields=status,priority,assignee,comment", nil)
		if err != nil {
			return nil, err
		}
		return t.do(req, &issue)
	})
	if err != nil {
		return issueState{}, err
	}
	var st issueState
	f := issue.Fields
	if f.Status != nil {
		st.category = f.Status.StatusCategory.Key
	}
	if f.Priority != nil {
		st.priority = f.Priority.Name
	}
	if f.Assignee != nil {
		st.assignee = f.Assignee.AccountID
	}
	if f.Comment != nil {
		for _, c := range f.Comment.Comments {
			st.comments = append(st.comments, c.Body)
		}
	}
	return st, nil
}

// category is the status category a request status maps to in Jira.
func category(s triage.Status) string {
	switch s {
	case triage.StatusOpen, triage.StatusDeferred, triage.StatusBacklog:
		return catNew
	case triage.StatusAcknowledged:
		return catDoing
	case triage.StatusResolved, triage.StatusDeclined:
		return catDone
	}
	return ""
}

// moveTo transitions key into a status of category cat. Workflows differ,
// so it picks transitions by their target's category, and goes through
// "in progress" when a workflow has no direct way to done.
func (t *Tracker) moveTo(ctx context.Context, key, cat string) error {
	for step := 0; step < 3; step++ {
		st, err := t.state(ctx, key)
		if err != nil || st.category == cat {
			return err
		}
		cur := st.category
		var ts []gojira.Transition
		err = t.call(ctx, "transitions of "+key, func(ctx context.Context) (*gojira.Response, error) {
			var resp *gojira.Response
			var err error
			ts, resp, err = t.client.Issue.GetTransitionsWithContext(ctx, key)
			return resp, err
		})
		if err != nil {
			return err
		}
		next := pick(ts, cat)
		if next == nil && cat == catDone && cur == catNew {
			next = pick(ts, catDoing)
		}
		if next == nil {
			return triage.Permanent(fmt.Errorf("jira: no transition of %s leads to a %q status from its current one; add one to the workflow", key, cat))
		}
		err = t.call(ctx, fmt.Sprintf("transition %s via %q", key, next.Name), func(ctx context.Context) (*gojira.Response, error) {
			return t.client.Issue.DoTransitionWithContext(ctx, key, next.ID)
		})
		if err != nil {
			return err
		}
	}
	return fmt.Errorf("jira: %s did not reach a %q status in three transitions", key, cat)
}

func pick(ts []gojira.Transition, cat string) *gojira.Transition {
	for i := range ts {
		if ts[i].To.StatusCategory.Key == cat {
			return &ts[i]
		}
	}
	return nil
}

func (t *Tracker) assign(ctx context.Context, key, account string) error {
	return t.call(ctx, "assign "+key, func(ctx context.Context) (*gojira.Response, error) {
		return t.put(ctx, "rest/api/2/issue/"+key+"/assignee", map[string]string{"accountId": account})
	})
}

func (t *Tracker) put(ctx context.Context, path string, body any) (*gojira.Response, error) {
	req, err := t.client.NewRequestWithContext(ctx, "PUT", path, body)
	if err != nil {
		return nil, err
	}
	return t.do(req, nil)
}

func (t *Tracker) worklog(ctx context.Context, key string, hours float64, comment string) error {
	return t.call(ctx, "log work on "+key, func(ctx context.Context) (*gojira.Response, error) {
		req, err := t.client.NewRequestWithContext(ctx, "POST", "rest/api/2/issue/"+key+"/worklog",
			map[string]any{"timeSpentSeconds": int(hours * 3600), "comment": comment})
		if err != nil {
			return nil, err
		}
		return t.do(req, nil)
	})
}

// comment adds text, ending with the change's marker.
func (t *Tracker) comment(ctx context.Context, key, text, marker string) error {
	body := strings.TrimSpace(text + "\n\n(" + marker + ")")
	return t.call(ctx, "comment on "+key, func(ctx context.Context) (*gojira.Response, error) {
		req, err := t.client.NewRequestWithContext(ctx, "POST", "rest/api/2/issue/"+key+"/comment", map[string]string{"body": body})
		if err != nil {
			return nil, err
		}
		return t.do(req, nil)
	})
}
