package github

import (
	"context"
	"fmt"
	"strings"
	"time"

	gh "github.com/google/go-github/v93/github"

	"github.com/sprintguard/sprintguard/tracker/issuetext"
	"github.com/sprintguard/sprintguard/triage"
)

// Marker is the hidden line that ties an issue to its creation job.
func Marker(idempotencyKey string) string { return issuetext.Marker(idempotencyKey) }

// Create makes the request's issue, or finds the one an earlier attempt
// made. Before the create call it records in the store that one is under
// way; a later attempt that finds that record (the earlier one failed
// without an answer, or the process died before recording the ticket)
// looks for the marker among the issues updated since, so GitHub's 201
// followed by a crash never makes a second issue; a create that got no
// answer is retried no sooner than a call timeout later (see
// triage.RetryUnanswered), so that the search comes after the issue a
// slow GitHub still makes. Assignee, labels and the sprint milestone go
// in the create call itself; a Projects (v2) iteration is left to a
// follow-up update.
func (t *Tracker) Create(ctx context.Context, spec triage.TicketSpec) (triage.Ticket, error) {
	repo := t.opt.Repos(spec.Team)
	owner, name := splitRepo(repo.Repo)
	if owner == "" || name == "" {
		return triage.Ticket{}, triage.Permanent(fmt.Errorf("github: team %s has no repository; set github.repo", spec.Team))
	}
	marker := Marker(spec.IdempotencyKey)
	pending := "github-create:" + spec.IdempotencyKey
	now := t.opt.Now()
	var since string
	var earlier bool
	err := t.opt.Store.View(func(tx triage.Tx) error {
		var err error
		since, earlier, err = tx.Claimed(pending, now)
		return err
	})
	if err != nil {
		return triage.Ticket{}, fmt.Errorf("github create: %w", err)
	}
	follow := repo.Project != ""
	if earlier {
		is, err := t.findByMarker(ctx, owner, name, marker, since)
		if err != nil {
			return triage.Ticket{}, err
		}
		if is != nil {
			// Found after a lost answer: the follow-up sees to the
			// assignee and sprint, in case the first call lacked them.
			return triage.Ticket{Key: Key(repo.Repo, is.GetNumber()), URL: is.GetHTMLURL(), FollowUp: true}, nil
		}
	}
	labels := issuetext.Labels(spec, UrgencyLabel(spec.Urgency))
	if err := t.ensureLabels(ctx, owner, name, labels); err != nil {
		return triage.Ticket{}, err
	}
	req := gh.CreateIssueRequest{Title: issuetext.Clip(spec.Summary, 256), Body: gh.Ptr(spec.Description + "\n\n" + marker), Labels: labels}
	var note string
	if spec.Assignee != "" {
		if login := t.opt.Login(spec.Assignee); login != "" {
			req.Assignees = []string{login}
		} else {
			note = fmt.Sprintf("The issue is unassigned: <@%s> has no `github:` login in the config's `people:`.", spec.Assignee)
		}
	}
	if repo.Project == "" && !issuetext.Backlog(spec) {
		n, err := t.sprintMilestone(ctx, owner, name, spec.Team, spec.Deferred)
		if err != nil {
			return triage.Ticket{}, err
		}
		if n != 0 {
			req.Milestone = gh.Ptr(n)
		}
	}
	if !earlier {
		err := t.opt.Store.Update(func(tx triage.Tx) error {
			_, _, err := tx.Claim(pending, now.UTC().Format(time.RFC3339), now, now.Add(90*24*time.Hour))
			return err
		})
		if err != nil {
			return triage.Ticket{}, fmt.Errorf("github create: record the attempt: %w", err)
		}
	}
	var is *gh.Issue
	err = t.call(ctx, "create issue in "+repo.Repo, true, func(ctx context.Context) (*gh.Response, error) {
		var resp *gh.Response
		var err error
		is, resp, err = t.client.Issues.Create(ctx, owner, name, req)
		return resp, err
	})
	if err != nil {
		return triage.Ticket{}, triage.RetryUnanswered(err, t.opt.Timeout)
	}
	return triage.Ticket{Key: Key(repo.Repo, is.GetNumber()), URL: is.GetHTMLURL(), Note: note, FollowUp: follow}, nil
}

// findByMarker looks for the issue whose body holds marker among those
// updated since the first attempt (a minute earlier, for clock skew). It
// lists the repository's issues rather than using the search API, whose
// index lags by up to a minute: just what a quick retry would miss.
func (t *Tracker) findByMarker(ctx context.Context, owner, name, marker, since string) (*gh.Issue, error) {
	from, err := time.Parse(time.RFC3339, since)
	if err != nil {
		from = t.opt.Now().Add(-24 * time.Hour)
	}
	opts := &gh.IssueListByRepoOptions{State: "all", Sort: "created", Direction: "desc", Since: from.Add(-time.Minute),
		ListOptions: gh.ListOptions{PerPage: 100}}
	for page := 1; page <= 20; page++ {
		opts.ListOptions.Page = page
		var list []*gh.Issue
		var next int
		err := t.call(ctx, "find "+marker, false, func(ctx context.Context) (*gh.Response, error) {
			var resp *gh.Response
			var err error
			list, resp, err = t.client.Issues.ListByRepo(ctx, owner, name, opts)
			if resp != nil {
				next = resp.NextPage
			}
			return resp, err
		})
		if err != nil {
			return nil, err
		}
		for _, is := range list {
			if strings.Contains(is.GetBody(), marker) && !is.IsPullRequest() {
				return is, nil
			}
		}
		if next == 0 {
			return nil, nil
		}
	}
	return nil, nil
}
