package gitlab

import (
	"context"
	"fmt"
	"strings"
	"time"

	gl "gitlab.com/gitlab-org/api/client-go/v2"

	"github.com/sprintguard/sprintguard/tracker/issuetext"
	"github.com/sprintguard/sprintguard/triage"
)

// Marker is the hidden line that ties an issue to its creation job.
func Marker(idempotencyKey string) string { return issuetext.Marker(idempotencyKey) }

// UrgencyLabel is the scoped label an urgency goes by, "urgency::P2":
// GitLab keeps one label of a scope on an issue.
func UrgencyLabel(u triage.Urgency) string { return "urgency::" + u.String() }

// Labels every sprintguard issue may carry besides the category and the
// rules' labels.
const (
	LabelInterrupt = issuetext.LabelInterrupt
	LabelDeferred  = issuetext.LabelDeferred
)

// Create makes the request's issue, or finds the one an earlier attempt
// made: an attempt is recorded in the store before the create call, and
// a later attempt that finds the record looks for the marker among the
// issues updated since, so a lost answer or a crash never makes a second
// issue; a create that got no answer is retried no sooner than a call
// timeout later (see triage.RetryUnanswered), so that the search comes
// after the issue a slow GitLab still makes. Labels, assignee and
// milestone go in the create call.
func (t *Tracker) Create(ctx context.Context, spec triage.TicketSpec) (triage.Ticket, error) {
	project := t.opt.Projects(spec.Team).Project
	if project == "" {
		return triage.Ticket{}, triage.Permanent(fmt.Errorf("gitlab: team %s has no project; set gitlab.project", spec.Team))
	}
	marker := Marker(spec.IdempotencyKey)
	pending := "gitlab-create:" + spec.IdempotencyKey
	now := t.opt.Now()
	var since string
	var earlier bool
	if err := t.opt.Store.View(func(tx triage.Tx) error {
		var err error
		since, earlier, err = tx.Claimed(pending, now)
		return err
	}); err != nil {
		return triage.Ticket{}, fmt.Errorf("gitlab create: %w", err)
	}
	if earlier {
		is, err := t.findByMarker(ctx, project, marker, since)
		if err != nil {
			return triage.Ticket{}, err
		}
		if is != nil {
			return triage.Ticket{Key: Key(project, is.IID), URL: is.WebURL, FollowUp: true}, nil
		}
	}
	labels := issuetext.Labels(spec, UrgencyLabel(spec.Urgency))
	if err := t.ensureLabels(ctx, project, labels); err != nil {
		return triage.Ticket{}, err
	}
	opt := &gl.CreateIssueOptions{Title: gl.Ptr(issuetext.Clip(spec.Summary, 255)), Description: gl.Ptr(spec.Description + "\n\n" + marker),
		Labels: (*gl.LabelOptions)(&labels)}
	var note string
	if spec.Assignee != "" {
		id, err := t.userID(ctx, t.opt.Login(spec.Assignee))
		if err != nil {
			return triage.Ticket{}, err
		}
		if id != 0 {
			opt.AssigneeIDs = &[]int64{id}
		} else {
			note = fmt.Sprintf("The issue is unassigned: <@%s> has no `gitlab:` username in the config's `people:` that GitLab knows.", spec.Assignee)
		}
	}
	if !issuetext.Backlog(spec) {
		id, err := t.sprintMilestone(ctx, project, spec.Team, spec.Deferred)
		if err != nil {
			return triage.Ticket{}, err
		}
		if id != 0 {
			opt.MilestoneID = &id
		}
	}
	if !earlier {
		if err := t.opt.Store.Update(func(tx triage.Tx) error {
			_, _, err := tx.Claim(pending, now.UTC().Format(time.RFC3339), now, now.Add(90*24*time.Hour))
			return err
		}); err != nil {
			return triage.Ticket{}, fmt.Errorf("gitlab create: record the attempt: %w", err)
		}
	}
	var is *gl.Issue
	err := t.call(ctx, "create issue in "+project, true, func(o ...gl.RequestOptionFunc) (*gl.Response, error) {
		var resp *gl.Response
		var err error
		is, resp, err = t.client.Issues.CreateIssue(project, opt, o...)
		return resp, err
	})
	if err != nil {
		return triage.Ticket{}, triage.RetryUnanswered(err, t.opt.Timeout)
	}
	return triage.Ticket{Key: Key(project, is.IID), URL: is.WebURL, Note: note}, nil
}

// findByMarker looks for the issue whose description holds marker among
// those updated since the first attempt.
func (t *Tracker) findByMarker(ctx context.Context, project, marker, since string) (*gl.Issue, error) {
	from, err := time.Parse(time.RFC3339, since)
	if err != nil {
		from = t.opt.Now().Add(-24 * time.Hour)
	}
	opt := &gl.ListProjectIssuesOptions{ListOptions: gl.ListOptions{PerPage: 100}, UpdatedAfter: gl.Ptr(from.Add(-time.Minute)),
		OrderBy: gl.Ptr("created_at"), Sort: gl.Ptr("desc")}
	for page := int64(1); page <= 20; page++ {
		opt.Page = page
		var list []*gl.Issue
		var next int64
		err := t.call(ctx, "find "+marker, false, func(o ...gl.RequestOptionFunc) (*gl.Response, error) {
			var resp *gl.Response
			var err error
			list, resp, err = t.client.Issues.ListProjectIssues(project, opt, o...)
			if resp != nil {
				next = resp.NextPage
			}
			return resp, err
		})
		if err != nil {
			return nil, err
		}
		for _, is := range list {
			if strings.Contains(is.Description, marker) {
				return is, nil
			}
		}
		if next == 0 {
			return nil, nil
		}
	}
	return nil, nil
}

// ensureLabels creates the labels the project lacks, once, with colours.
func (t *Tracker) ensureLabels(ctx context.Context, project string, want []string) error {
	return t.labels.Ensure(project, want, func() ([]string, error) { return t.listLabels(ctx, project) }, func(l string) error {
		err := t.call(ctx, "create label "+l, true, func(o ...gl.RequestOptionFunc) (*gl.Response, error) {
			_, resp, err := t.client.Labels.CreateLabel(project, &gl.CreateLabelOptions{Name: gl.Ptr(l),
				Color: gl.Ptr("#" + issuetext.Colour(l)), Description: gl.Ptr("made by sprintguard")}, o...)
			return resp, err
		})
		// 409: made meanwhile by hand or by another attempt.
		if err != nil && !strings.Contains(err.Error(), "HTTP 409") {
			return fmt.Errorf("create label %q in %s: %w", l, project, err)
		}
		return nil
	})
}

func (t *Tracker) listLabels(ctx context.Context, project string) ([]string, error) {
	var names []string
	opt := &gl.ListLabelsOptions{ListOptions: gl.ListOptions{PerPage: 100}}
	for page := int64(1); ; page++ {
		opt.Page = page
		var list []*gl.Label
		var next int64
		err := t.call(ctx, "list labels of "+project, false, func(o ...gl.RequestOptionFunc) (*gl.Response, error) {
			var resp *gl.Response
			var err error
			list, resp, err = t.client.Labels.ListLabels(project, opt, o...)
			if resp != nil {
				next = resp.NextPage
			}
			return resp, err
		})
		if err != nil {
			return nil, err
		}
		for _, l := range list {
			names = append(names, l.Name)
		}
		if next == 0 {
			return names, nil
		}
	}
}

// userID returns the id of the user with username, 0 when none (or no
// username).
func (t *Tracker) userID(ctx context.Context, username string) (int64, error) {
	if username == "" {
		return 0, nil
	}
	t.mu.Lock()
	id, ok := t.users[strings.ToLower(username)]
	t.mu.Unlock()
	if ok {
		return id, nil
	}
	var users []*gl.User
	err := t.call(ctx, "find user "+username, false, func(o ...gl.RequestOptionFunc) (*gl.Response, error) {
		var resp *gl.Response
		var err error
		users, resp, err = t.client.Users.ListUsers(&gl.ListUsersOptions{Username: gl.Ptr(username)}, o...)
		return resp, err
	})
	if err != nil {
		return 0, err
	}
	for _, u := range users {
		if strings.EqualFold(u.Username, username) {
			id = u.ID
		}
	}
	t.mu.Lock()
	t.users[strings.ToLower(username)] = id
	t.mu.Unlock()
	return id, nil
}

// sprintMilestone returns the id of the milestone named after the team's
// current sprint (the next one when next), making it if need be.
func (t *Tracker) sprintMilestone(ctx context.Context, project, team string, next bool) (int64, error) {
	if t.opt.Calendar == nil {
		return 0, nil
	}
	cal, ok := t.opt.Calendar(team)
	if !ok {
		return 0, nil
	}
	s := issuetext.Sprint(cal, t.opt.Now(), next)
	title := s.Label()
	key := project + "\x00" + title
	t.mu.Lock()
	id, ok := t.milestones[key]
	t.mu.Unlock()
	if ok {
		return id, nil
	}
	var list []*gl.Milestone
	err := t.call(ctx, "find milestone "+title, false, func(o ...gl.RequestOptionFunc) (*gl.Response, error) {
		var resp *gl.Response
		var err error
		list, resp, err = t.client.Milestones.ListMilestones(project, &gl.ListMilestonesOptions{Title: gl.Ptr(title)}, o...)
		return resp, err
	})
	if err != nil {
		return 0, err
	}
	for _, m := range list {
		if m.Title == title {
			id = m.ID
		}
	}
	if id == 0 {
		start, due := gl.ISOTime(s.Start), gl.ISOTime(s.End.AddDate(0, 0, -1))
		var m *gl.Milestone
		err := t.call(ctx, "create milestone "+title, true, func(o ...gl.RequestOptionFunc) (*gl.Response, error) {
			var resp *gl.Response
			var err error
			m, resp, err = t.client.Milestones.CreateMilestone(project, &gl.CreateMilestoneOptions{Title: gl.Ptr(title),
				Description: gl.Ptr("Made by sprintguard for the team's sprint."), StartDate: &start, DueDate: &due}, o...)
			return resp, err
		})
		if err != nil {
			return 0, err
		}
		id = m.ID
	}
	t.mu.Lock()
	t.milestones[key] = id
	t.mu.Unlock()
	return id, nil
}
