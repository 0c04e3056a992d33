package jira

import (
	"context"
	"fmt"
	"strings"
	"time"

	gojira "github.com/andygrunwald/go-jira"

	"github.com/sprintguard/sprintguard/tracker/issuetext"
	"github.com/sprintguard/sprintguard/triage"
)

// Create makes the request's issue, or finds the one an earlier attempt
// made: when an earlier run of the job may have asked Jira for it (the
// outbox job's Attempt says so, and outside a job it is assumed), the
// search on the sg-<id> label runs first, so a crash between Jira's 201
// and our commit never makes a second issue. A job's first run has made
// nothing to find, and skips the search: it was half of every ticket's
// calls. It does as little as it can, so that it succeeds even when Jira
// fails often; moving the issue into the sprint (and assigning a found
// issue) is left to a follow-up update, retried on its own.
//
// A create that got no answer (a timeout, a dropped connection, a 504
// from a gateway) may still be made by a Jira that was only slow, after
// we stopped waiting: its retry waits one call timeout before it
// searches, so that the search finds that issue instead of racing it to
// make a second.
func (t *Tracker) Create(ctx context.Context, spec triage.TicketSpec) (triage.Ticket, error) {
	proj := t.opt.Projects(spec.Team)
	var key string
	if a := triage.AttemptOf(ctx); a == nil || a.Resumed {
		var err error
		if key, err = t.findByLabel(ctx, "sg-"+fmt.Sprint(spec.RequestID)); err != nil {
			return triage.Ticket{}, err
		}
	}
	account, note, err := t.assignee(ctx, spec.Assignee)
	if err != nil {
		return triage.Ticket{}, err
	}
	found := key != ""
	if !found {
		if key, err = t.create(ctx, spec, account); err != nil {
			return triage.Ticket{}, triage.RetryUnanswered(err, t.opt.Timeout)
		}
	}
	followUp := found || note != "" || (!spec.Deferred && proj.Board != 0)
	return triage.Ticket{Key: key, URL: t.url(key), Note: note, FollowUp: followUp}, nil
}

// findByLabel returns the key of the issue carrying label, or "".
func (t *Tracker) findByLabel(ctx context.Context, label string) (string, error) {
	var found []gojira.Issue
	err := t.call(ctx, "find "+label, func(ctx context.Context) (*gojira.Response, error) {
		var resp *gojira.Response
		var err error
		found, resp, err = t.client.Issue.SearchV2JQLWithContext(ctx, fmt.Sprintf("labels = %q", label),
			&gojira.SearchOptionsV2{MaxResults: 2, Fields: []string{"labels"}})
		return resp, err
	})
	if err != nil || len(found) == 0 {
		return "", err
	}
	return found[0].Key, nil
}

func (t *Tracker) create(ctx context.Context, spec triage.TicketSpec, account string) (string, error) {
	proj := t.opt.Projects(spec.Team)
	fields := map[string]any{
		"project":     map[string]string{"key": proj.Project},
		"issuetype":   map[string]string{"name": proj.IssueType},
		"summary":     issuetext.Clip(spec.Summary, 255),
		"description": spec.Description,
		"labels":      labels(spec.Labels, proj.Labels, []string{spec.Category}),
	}
	if p := proj.Priority[spec.Urgency.String()]; p != "" {
		fields["priority"] = map[string]string{"name": p}
	}
	if !spec.Due.IsZero() {
		fields["duedate"] = spec.Due.Format("2006-01-02")
	}
	if account != "" {
		fields["assignee"] = map[string]string{"accountId": account}
	}
	var created struct {
		ID  string `json:"id"`
		Key string `json:"key"`
	}
	err := t.call(ctx, "create issue", func(ctx context.Context) (*gojira.Response, error) {
		req, err := t.client.NewRequestWithContext(ctx, "POST", "rest/api/2/issue", map[string]any{"fields": fields})
		if err != nil {
			return nil, err
		}
		return t.do(req, &created)
	})
	if err != nil {
		return "", err
	}
	if created.Key == "" {
		return "", fmt.Errorf("jira create issue: the answer has no key")
	}
	return created.Key, nil
}

// labels merges label lists in Jira's spelling: no spaces, no duplicates.
func labels(lists ...[]string) []string {
	var out []string
	seen := map[string]bool{}
	for _, list := range lists {
		for _, l := range list {
			l = strings.Join(strings.Fields(l), "-")
			if l != "" && !seen[l] {
				seen[l] = true
				out = append(out, l)
			}
		}
	}
	return out
}

// place moves key into the board's active sprint (when it has one) or to
// the backlog.
func (t *Tracker) place(ctx context.Context, board int, key string, inSprint bool) error {
	path := "rest/agile/1.0/backlog/issue"
	if inSprint {
		id, err := t.activeSprint(ctx, board)
		if err != nil || id == 0 {
			return err
		}
		path = fmt.Sprintf("rest/agile/1.0/sprint/%d/issue", id)
	}
	return t.call(ctx, "move "+key+" on board", func(ctx context.Context) (*gojira.Response, error) {
		req, err := t.client.NewRequestWithContext(ctx, "POST", path, map[string]any{"issues": []string{key}})
		if err != nil {
			return nil, err
		}
		return t.do(req, nil)
	})
}

// activeSprint returns the board's active sprint id (0 when none),
// remembered for a few minutes.
func (t *Tracker) activeSprint(ctx context.Context, board int) (int, error) {
	now := t.opt.Now()
	t.sprintMu.Lock()
	c, ok := t.sprints[board]
	t.sprintMu.Unlock()
	if ok && now.Sub(c.fetched) < 5*time.Minute {
		return c.id, nil
	}
	var list *gojira.SprintsList
	err := t.call(ctx, fmt.Sprintf("active sprint of board %d", board), func(ctx context.Context) (*gojira.Response, error) {
		var resp *gojira.Response
		var err error
		list, resp, err = t.client.Board.GetAllSprintsWithOptionsWithContext(ctx, board, &gojira.GetAllSprintsOptions{State: "active"})
		return resp, err
	})
	if err != nil {
		return 0, err
	}
	id := 0
	for _, s := range list.Values {
		if s.State == "active" {
			id = s.ID
			break
		}
	}
	t.sprintMu.Lock()
	t.sprints[board] = cachedSprint{id: id, fetched: now}
	t.sprintMu.Unlock()
	return id, nil
}
