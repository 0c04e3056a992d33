package jira

import (
	"context"
	"fmt"
	"net/url"
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
// (by category, whatever the workflow's names), a worklog of the time
// spent, and a comment saying who did it. The comment carries the
// change's key and goes last, so a retried change that already landed is
// recognised and skipped.
func (t *Tracker) Update(ctx context.Context, key string, ch triage.TicketChange) error {
	marker := "sprintguard change " + ch.Key
	if done, err := t.hasComment(ctx, key, marker); err != nil || done {
		return err
	}
	if ch.Assignee != "" {
		account, _, err := t.assignee(ctx, ch.Assignee)
		if err != nil {
			return err
		}
		if account != "" {
			if err := t.assign(ctx, key, account); err != nil {
				return err
			}
		}
	}
	if p := t.opt.Projects(ch.Team).Priority[ch.Urgency.String()]; p != "" {
		err := t.call(ctx, "set priority of "+key, func(ctx context.Context) (*gojira.Response, error) {
			return t.put(ctx, "rest/api/2/issue/"+key, map[string]any{"fields": map[string]any{"priority": map[string]string{"name": p}}})
		})
		if err != nil {
			return err
		}
	}
	if cat := category(ch.Status); cat != "" {
		if err := t.moveTo(ctx, key, cat); err != nil {
			return err
		}
	}
	if ch.Status == triage.StatusDeferred || ch.Status == triage.StatusBacklog {
		if board := t.opt.Projects(ch.Team).Board; board != 0 {
			err := t.call(ctx, "move "+key+" to the backlog", func(ctx context.Context) (*gojira.Response, error) {
				req, err := t.client.NewRequestWithContext(ctx, "POST", "rest/agile/1.0/backlog/issue", map[string]any{"issues": []string{key}})
				if err != nil {
					return nil, err
				}
				return t.client.Do(req, nil)
			})
			if err != nil {
				return err
			}
		}
	}
	comment := ch.Comment
	if ch.Status == triage.StatusResolved && ch.TimeSpent > 0 {
		if ch.Unit == "hours" {
			if err := t.worklog(ctx, key, ch.TimeSpent, ch.Comment); err != nil {
				return err
			}
		} else {
			comment += fmt.Sprintf(" Time spent: %g %s.", ch.TimeSpent, ch.Unit)
		}
	}
	return t.comment(ctx, key, strings.TrimSpace(comment), ch.Key)
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
		cur, err := t.statusCategory(ctx, key)
		if err != nil || cur == cat {
			return err
		}
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

func (t *Tracker) statusCategory(ctx context.Context, key string) (string, error) {
	var issue *gojira.Issue
	err := t.call(ctx, "status of "+key, func(ctx context.Context) (*gojira.Response, error) {
		var resp *gojira.Response
		var err error
		issue, resp, err = t.client.Issue.GetWithContext(ctx, key, &gojira.GetQueryOptions{Fields: "status"})
		return resp, err
	})
	if err != nil {
		return "", err
	}
	if issue.Fields == nil || issue.Fields.Status == nil {
		return "", fmt.Errorf("jira: %s has no status", key)
	}
	return issue.Fields.Status.StatusCategory.Key, nil
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
	return t.client.Do(req, nil)
}

func (t *Tracker) worklog(ctx context.Context, key string, hours float64, comment string) error {
	return t.call(ctx, "log work on "+key, func(ctx context.Context) (*gojira.Response, error) {
		req, err := t.client.NewRequestWithContext(ctx, "POST", "rest/api/2/issue/"+key+"/worklog",
			map[string]any{"timeSpentSeconds": int(hours * 3600), "comment": comment})
		if err != nil {
			return nil, err
		}
		return t.client.Do(req, nil)
	})
}

// comment adds text with a marker of changeKey, unless one with that
// marker is there already.
func (t *Tracker) comment(ctx context.Context, key, text, changeKey string) error {
	marker := "sprintguard change " + changeKey
	if done, err := t.hasComment(ctx, key, marker); err != nil || done {
		return err
	}
	body := strings.TrimSpace(text + "\n\n(" + marker + ")")
	return t.call(ctx, "comment on "+key, func(ctx context.Context) (*gojira.Response, error) {
		req, err := t.client.NewRequestWithContext(ctx, "POST", "rest/api/2/issue/"+key+"/comment", map[string]string{"body": body})
		if err != nil {
			return nil, err
		}
		return t.client.Do(req, nil)
	})
}

// hasComment reports whether one of the issue's latest comments holds marker.
func (t *Tracker) hasComment(ctx context.Context, key, marker string) (bool, error) {
	var page struct {
		Comments []struct {
			Body string `json:"body"`
		} `json:"comments"`
	}
	err := t.call(ctx, "comments of "+key, func(ctx context.Context) (*gojira.Response, error) {
		q := url.Values{"orderBy": {"-created"}, "maxResults": {"100"}}
		req, err := t.client.NewRequestWithContext(ctx, "GET", "rest/api/2/issue/"+key+"/comment?"+q.Encode(), nil)
		if err != nil {
			return nil, err
		}
		return t.client.Do(req, &page)
	})
	if err != nil {
		return false, err
	}
	for _, c := range page.Comments {
		if strings.Contains(c.Body, marker) {
			return true, nil
		}
	}
	return false, nil
}
