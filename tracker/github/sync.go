package github

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	gh "github.com/google/go-github/v93/github"

	"github.com/sprintguard/sprintguard/tracker/issuesync"
	"github.com/sprintguard/sprintguard/triage"
)

// Actor is who changes made on GitHub are recorded as.
const Actor = triage.SystemActor + "github"

// Syncer brings changes made on GitHub (closed, reopened, urgency
// relabelled, reassigned) back to the requests, their Slack threads and
// the budget, by polling and through Webhook. Its methods are safe for
// concurrent use.
type Syncer struct {
	Tracker *Tracker
	Service *triage.Service
	Store   triage.Store
	// Repos are the repositories polled.
	Repos []string
	// Every is the polling interval.
	Every time.Duration
	Log   *slog.Logger

	mu    sync.Mutex // serialises polls and applies
	etags map[string]string
	seen  map[string]time.Time // per repository, the newest update applied
}

// Run polls until ctx ends.
func (s *Syncer) Run(ctx context.Context) error {
	return issuesync.Poll(ctx, s.Every, "github", s.Log, s.Once)
}

// Once polls each repository's sprintguard issues, newest update first,
// with the ETag of the last answer: when nothing changed GitHub answers
// 304, which costs no rate limit. It returns how many changes it applied.
func (s *Syncer) Once(ctx context.Context) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.etags == nil {
		s.etags, s.seen = map[string]string{}, map[string]time.Time{}
	}
	changes := 0
	var errs []error
	for _, repo := range s.Repos {
		n, err := s.poll(ctx, repo)
		changes += n
		if err != nil {
			errs = append(errs, fmt.Errorf("poll %s: %w", repo, err))
		}
	}
	return changes, errors.Join(errs...)
}

func (s *Syncer) poll(ctx context.Context, repo string) (int, error) {
	owner, name := splitRepo(repo)
	since := s.seen[repo]
	opts := &gh.IssueListByRepoOptions{State: "all", Labels: []string{"sprintguard"}, Sort: "updated", Direction: "desc",
		ListOptions: gh.ListOptions{PerPage: 100}}
	changes := 0
	newest := since
	first := "" // page one's ETag, kept once every change it shows is applied
	for pg := 1; pg <= 10; pg++ {
		opts.ListOptions.Page = pg
		var list []*gh.Issue
		var etag string
		var next int
		err := s.Tracker.call(ctx, "sync "+repo, false, func(ctx context.Context) (*gh.Response, error) {
			u := fmt.Sprintf("repos/%s/%s/issues", owner, name)
			req, err := s.Tracker.client.NewRequest(ctx, "GET", u+"?"+query(opts), nil)
			if err != nil {
				return nil, err
			}
			if pg == 1 && s.etags[repo] != "" {
				req.Header.Set("If-None-Match", s.etags[repo])
			}
			resp, err := s.Tracker.client.Do(req, &list)
			if resp != nil {
				etag, next = resp.Header.Get("ETag"), resp.NextPage
			}
			return resp, err
		})
		if errors.Is(err, errNotModified) {
			return changes, nil
		}
		if err != nil {
			return changes, err
		}
		if pg == 1 {
			first = etag
		}
		older := false
		for _, is := range list {
			up := is.GetUpdatedAt().Time
			if !since.IsZero() && up.Before(since.Add(-time.Minute)) {
				older = true
				break
			}
			n, err := s.apply(ctx, repo, is)
			if err != nil {
				return changes, err
			}
			changes += n
			if up.After(newest) {
				newest = up
			}
		}
		if older || next == 0 {
			break
		}
	}
	s.seen[repo] = newest
	s.etags[repo] = first
	return changes, nil
}

// query encodes the list options as go-github would.
func query(o *gh.IssueListByRepoOptions) string {
	q := []string{"state=" + o.State, "labels=" + strings.Join(o.Labels, ","), "sort=" + o.Sort, "direction=" + o.Direction,
		"per_page=" + strconv.Itoa(o.ListOptions.PerPage)}
	if o.ListOptions.Page > 1 {
		q = append(q, "page="+strconv.Itoa(o.ListOptions.Page))
	}
	return strings.Join(q, "&")
}

// apply brings one issue's state to its request.
func (s *Syncer) apply(ctx context.Context, repo string, is *gh.Issue) (int, error) {
	o := issuesync.Observed{Key: Key(repo, is.GetNumber()), Updated: is.GetUpdatedAt().Time, Closed: is.GetState() == "closed",
		ClosedBy: is.GetClosedBy().GetLogin()}
	o.Urgency, _ = urgencyOf(is)
	if len(is.Assignees) > 0 {
		o.Assignee = s.Tracker.opt.SlackUser(is.Assignees[0].GetLogin())
	}
	o.Spent = func(ctx context.Context, unit string) (float64, bool, error) { return s.timeSpent(ctx, repo, is, unit) }
	return issuesync.Apply(ctx, s.Service, s.Store, Actor, "GitHub", o)
}

// urgencyOf reads the urgency label; with several, the most urgent.
func urgencyOf(is *gh.Issue) (triage.Urgency, bool) {
	var found []triage.Urgency
	for _, l := range is.Labels {
		rest, ok := strings.CutPrefix(l.GetName(), "urgency:")
		if !ok || len(rest) != 2 || rest[0] != 'P' || rest[1] < '1' || rest[1] > '4' {
			continue
		}
		found = append(found, triage.Urgency(rest[1]-'0'))
	}
	if len(found) == 0 {
		return 0, false
	}
	return slices.Min(found), true
}

// timeSpent reads the last `time-spent: 2h` comment on the issue, in the
// team's unit.
func (s *Syncer) timeSpent(ctx context.Context, repo string, is *gh.Issue, unit string) (float64, bool, error) {
	if is.GetComments() == 0 {
		return 0, false, nil
	}
	owner, name := splitRepo(repo)
	var spent float64
	var ok bool
	err := s.Tracker.comments(ctx, owner, name, is.GetNumber(), func(c *gh.IssueComment) bool {
		if v, good := issuesync.TimeSpent(c.GetBody(), unit); good {
			spent, ok = v, true
		}
		return true
	})
	return spent, ok, err
}
