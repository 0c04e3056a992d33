package github

import (
	"context"
	"fmt"
	"slices"
	"strings"

	gh "github.com/google/go-github/v93/github"

	"github.com/sprintguard/sprintguard/triage"
)

// Update applies a change made in Slack: assignee, urgency label, open or
// closed, the sprint milestone (or project iteration), and a comment
// saying who did it. It reads the issue once and sends one edit with what
// differs, so a retry changes nothing twice; the comment carries the
// change's key and goes last, so a retried change that already commented
// is not repeated.
func (t *Tracker) Update(ctx context.Context, key string, ch triage.TicketChange) error {
	owner, name, number, err := ParseKey(key)
	if err != nil {
		return err
	}
	is, err := t.issue(ctx, owner, name, number)
	if err != nil {
		return err
	}
	marker := "sprintguard change " + ch.Key
	if ch.Comment != "" {
		done, err := t.hasComment(ctx, owner, name, number, marker)
		if err != nil || done {
			return err
		}
	}
	var edit gh.UpdateIssueRequest
	changed := false
	if ch.Assignee != "" && !(ch.Place && len(is.Assignees) > 0) {
		if login := t.opt.Login(ch.Assignee); login != "" && !hasAssignee(is, login) {
			edit.Assignees, changed = []string{login}, true
		}
	}
	labels := labelNames(is)
	if want := t.wantLabels(labels, ch); !slices.Equal(want, labels) {
		if err := t.ensureLabels(ctx, owner, name, want); err != nil {
			return err
		}
		edit.Labels, changed = want, true
	}
	if !ch.Place {
		switch state := issueState(ch.Status); {
		case state == "closed" && is.GetState() != "closed":
			reason := "completed"
			if ch.Status == triage.StatusDeclined {
				reason = "not_planned"
			}
			edit.State, edit.StateReason, changed = gh.Ptr("closed"), gh.Ptr(reason), true
		case state == "open" && is.GetState() == "closed":
			edit.State, edit.StateReason, changed = gh.Ptr("open"), gh.Ptr("reopened"), true
		}
	}
	repo := t.opt.Repos(ch.Team)
	if repo.Project == "" && (ch.Place || ch.Status == triage.StatusDeferred) {
		n, err := t.sprintMilestone(ctx, owner, name, ch.Team, ch.Status == triage.StatusDeferred || (ch.Place && !ch.Accepted))
		if err != nil {
			return err
		}
		if n != 0 && is.GetMilestone().GetNumber() != n {
			edit.Milestone, changed = gh.Ptr(n), true
		}
	}
	if changed {
		err := t.call(ctx, "edit "+key, true, func(ctx context.Context) (*gh.Response, error) {
			_, resp, err := t.client.Issues.Update(ctx, owner, name, number, edit)
			return resp, err
		})
		if err != nil {
			return err
		}
	}
	if repo.Project != "" && (ch.Place || ch.Status == triage.StatusDeferred) {
		next := ch.Status == triage.StatusDeferred || (ch.Place && !ch.Accepted)
		if err := t.placeInProject(ctx, repo.Project, repo.IterationField, is, next); err != nil {
			return err
		}
	}
	if strings.TrimSpace(ch.Comment) == "" {
		return nil
	}
	body := strings.TrimSpace(ch.Comment) + "\n\n<sub>(" + marker + ")</sub>"
	return t.call(ctx, "comment on "+key, true, func(ctx context.Context) (*gh.Response, error) {
		_, resp, err := t.client.Issues.CreateComment(ctx, owner, name, number, gh.IssueCommentRequest{Body: body})
		return resp, err
	})
}

// wantLabels is labels with the change's urgency and interrupt/deferred
// kind in place of the old ones, in the same order otherwise.
func (t *Tracker) wantLabels(labels []string, ch triage.TicketChange) []string {
	if ch.Place {
		return labels
	}
	out := slices.Clone(labels)
	if ch.Urgency.Valid() {
		want := UrgencyLabel(ch.Urgency)
		out = slices.DeleteFunc(out, func(l string) bool { return strings.HasPrefix(l, "urgency:") && l != want })
		if !slices.Contains(out, want) {
			out = append(out, want)
		}
	}
	kind := ""
	switch ch.Status {
	case triage.StatusDeferred, triage.StatusBacklog:
		kind = LabelDeferred
	case triage.StatusOpen, triage.StatusAcknowledged:
		if ch.Accepted {
			kind = LabelInterrupt
		}
	}
	if kind != "" {
		other := LabelInterrupt
		if kind == LabelInterrupt {
			other = LabelDeferred
		}
		out = slices.DeleteFunc(out, func(l string) bool { return l == other })
		if !slices.Contains(out, kind) {
			out = append(out, kind)
		}
	}
	return out
}

// issueState is the GitHub state a request status maps to, "" for none.
func issueState(s triage.Status) string {
	switch s {
	case triage.StatusResolved, triage.StatusDeclined:
		return "closed"
	case triage.StatusOpen, triage.StatusAcknowledged, triage.StatusDeferred, triage.StatusBacklog:
		return "open"
	}
	return ""
}

func (t *Tracker) issue(ctx context.Context, owner, name string, number int) (*gh.Issue, error) {
	var is *gh.Issue
	err := t.call(ctx, fmt.Sprintf("read %s/%s#%d", owner, name, number), false, func(ctx context.Context) (*gh.Response, error) {
		var resp *gh.Response
		var err error
		is, resp, err = t.client.Issues.Get(ctx, owner, name, number)
		return resp, err
	})
	return is, err
}

// hasComment reports whether a comment on the issue holds marker.
func (t *Tracker) hasComment(ctx context.Context, owner, name string, number int, marker string) (bool, error) {
	found := false
	err := t.comments(ctx, owner, name, number, func(c *gh.IssueComment) bool {
		found = strings.Contains(c.GetBody(), marker)
		return !found
	})
	return found, err
}

// comments calls fn with each comment of the issue, oldest first, until
// fn returns false.
func (t *Tracker) comments(ctx context.Context, owner, name string, number int, fn func(*gh.IssueComment) bool) error {
	opts := &gh.IssueListCommentsOptions{ListOptions: gh.ListOptions{PerPage: 100}}
	for {
		var list []*gh.IssueComment
		var next int
		err := t.call(ctx, fmt.Sprintf("comments of %s/%s#%d", owner, name, number), false, func(ctx context.Context) (*gh.Response, error) {
			var resp *gh.Response
			var err error
			list, resp, err = t.client.Issues.ListComments(ctx, owner, name, number, opts)
			if resp != nil {
				next = resp.NextPage
			}
			return resp, err
		})
		if err != nil {
			return err
		}
		for _, c := range list {
			if !fn(c) {
				return nil
			}
		}
		if next == 0 {
			return nil
		}
		opts.Page = next
	}
}

func hasAssignee(is *gh.Issue, login string) bool {
	return slices.ContainsFunc(is.Assignees, func(u *gh.User) bool { return strings.EqualFold(u.GetLogin(), login) })
}

func labelNames(is *gh.Issue) []string {
	out := make([]string, 0, len(is.Labels))
	for _, l := range is.Labels {
		out = append(out, l.GetName())
	}
	return out
}
