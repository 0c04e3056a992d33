package github

import (
	"context"
	"strings"

	gh "github.com/google/go-github/v93/github"

	"github.com/sprintguard/sprintguard/tracker/issuetext"
)

// sprintMilestone returns the number of the milestone named after the
// team's current sprint (the next one when next), making it if the
// repository lacks it; 0 when the team has no sprint calendar.
func (t *Tracker) sprintMilestone(ctx context.Context, owner, name, team string, next bool) (int, error) {
	if t.opt.Calendar == nil {
		return 0, nil
	}
	cal, ok := t.opt.Calendar(team)
	if !ok {
		return 0, nil
	}
	s := issuetext.Sprint(cal, t.opt.Now(), next)
	title := s.Label()
	key := owner + "/" + name + "\x00" + title
	t.mu.Lock()
	n, ok := t.milestones[key]
	t.mu.Unlock()
	if ok {
		return n, nil
	}
	n, err := t.findMilestone(ctx, owner, name, title)
	if err != nil {
		return 0, err
	}
	if n == 0 {
		var m *gh.Milestone
		err = t.call(ctx, "create milestone "+title, true, func(ctx context.Context) (*gh.Response, error) {
			var resp *gh.Response
			var err error
			m, resp, err = t.client.Issues.CreateMilestone(ctx, owner, name, gh.CreateMilestoneRequest{Title: title,
				Description: gh.Ptr("Made by sprintguard for the team's sprint."), DueOn: &gh.Timestamp{Time: s.End.UTC()}})
			return resp, err
		})
		if err != nil && strings.Contains(err.Error(), "already_exists") {
			// Made meanwhile: find it again.
			n, err = t.findMilestone(ctx, owner, name, title)
		} else if err == nil {
			n = m.GetNumber()
		}
		if err != nil {
			return 0, err
		}
	}
	t.mu.Lock()
	t.milestones[key] = n
	t.mu.Unlock()
	return n, nil
}

// findMilestone returns the number of the milestone titled title, open or
// closed, or 0.
func (t *Tracker) findMilestone(ctx context.Context, owner, name, title string) (int, error) {
	opts := &gh.MilestoneListOptions{State: "all", ListOptions: gh.ListOptions{PerPage: 100}}
	for {
		var list []*gh.Milestone
		var next int
		err := t.call(ctx, "list milestones of "+owner+"/"+name, false, func(ctx context.Context) (*gh.Response, error) {
			var resp *gh.Response
			var err error
			list, resp, err = t.client.Issues.ListMilestones(ctx, owner, name, opts)
			if resp != nil {
				next = resp.NextPage
			}
			return resp, err
		})
		if err != nil {
			return 0, err
		}
		for _, m := range list {
			if m.GetTitle() == title {
				return m.GetNumber(), nil
			}
		}
		if next == 0 {
			return 0, nil
		}
		opts.Page = next
	}
}
