package github

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	gh "github.com/google/go-github/v93/github"

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
	t := time.NewTicker(s.Every)
	defer t.Stop()
	for {
		if n, err := s.Once(ctx); err != nil && ctx.Err() == nil {
			s.Log.Warn("github sync failed; will try again", "err", err)
		} else if n > 0 {
			s.Log.Info("github changes synced", "changes", n)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
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
		if pg == 1 && etag != "" {
			defer func() { s.etags[repo] = etag }()
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

// apply brings one issue's state to its request. Changes made in
// sprintguard after the issue's last update win: their push to GitHub may
// still be queued.
func (s *Syncer) apply(ctx context.Context, repo string, is *gh.Issue) (int, error) {
	key := Key(repo, is.GetNumber())
	var r *triage.Request
	err := s.Store.View(func(tx triage.Tx) error {
		var err error
		r, err = tx.RequestByTicket(key)
		return err
	})
	if errors.Is(err, triage.ErrNotFound) {
		return 0, nil // labelled by hand, or made by another sprintguard
	} else if err != nil {
		return 0, err
	}
	// GitHub's times are whole seconds: a change in the second of the
	// request's last event counts as newer.
	if n := len(r.Events); n > 0 && is.GetUpdatedAt().Time.Add(time.Second).Before(r.Events[n-1].At) {
		return 0, nil
	}
	var steps []triage.Change
	if len(is.Assignees) > 0 {
		if user := s.Tracker.opt.SlackUser(is.Assignees[0].GetLogin()); user != "" && user != r.Assignee {
			steps = append(steps, triage.Change{Action: triage.ActReassign, Assignee: user, Reason: "assigned on GitHub"})
		}
	}
	if u, ok := urgencyOf(is); ok && u != r.Urgency && !r.Status.Closed() {
		steps = append(steps, triage.Change{Action: triage.ActUrgency, Urgency: u, Reason: "relabelled on GitHub: " + UrgencyLabel(u)})
	}
	switch {
	case is.GetState() == "closed" && !r.Status.Closed():
		c := triage.Change{Action: triage.ActResolve, Reason: "closed on GitHub"}
		if by := is.GetClosedBy().GetLogin(); by != "" {
			c.Reason += " by " + by
		}
		spent, ok, err := s.timeSpent(ctx, repo, is, r.Team)
		if err != nil {
			return 0, err
		}
		c.Actual, c.HasActual = spent, ok
		steps = append(steps, c)
	case is.GetState() == "open" && r.Status == triage.StatusResolved:
		steps = append(steps, triage.Change{Action: triage.ActReopen, Reason: "reopened on GitHub"})
	}
	applied := 0
	for _, c := range steps {
		c.Actor, c.FromTracker = Actor, true
		_, changed, err := s.Service.Apply(ctx, r.ID, c)
		if err != nil {
			return applied, fmt.Errorf("apply %s of %s: %w", c.Action, key, err)
		}
		if changed {
			applied++
		}
	}
	return applied, nil
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

var timeSpentRE = regexp.MustCompile(`(?im)^\s*time[- ]spent:\s*([0-9]+(?:\.[0-9]+)?)\s*(h|hours?|d|days?|pts?|points?)?\s*$`)

// timeSpent reads the last `time-spent: 2h` comment on the issue, in the
// team's budget unit; ok is false when there is none (or it is in a unit
// that does not convert), so that the estimate counts.
func (s *Syncer) timeSpent(ctx context.Context, repo string, is *gh.Issue, team string) (float64, bool, error) {
	if is.GetComments() == 0 {
		return 0, false, nil
	}
	unit := "points"
	if t := s.Service.Settings().Team(team); t != nil {
		unit = t.Budget.Unit
	}
	owner, name := splitRepo(repo)
	var spent float64
	var ok bool
	err := s.Tracker.comments(ctx, owner, name, is.GetNumber(), func(c *gh.IssueComment) bool {
		for _, m := range timeSpentRE.FindAllStringSubmatch(c.GetBody(), -1) {
			if v, good := convert(m[1], strings.ToLower(m[2]), unit); good {
				spent, ok = v, true
			}
		}
		return true
	})
	return spent, ok, err
}

// convert turns an amount written with unit word into the team's unit;
// hours and days (of 8 hours) convert to each other, points only to
// points. A bare number is in the team's unit.
func convert(amount, word, unit string) (float64, bool) {
	v, err := strconv.ParseFloat(amount, 64)
	if err != nil {
		return 0, false
	}
	switch {
	case word == "":
		return v, true
	case strings.HasPrefix(word, "p"):
		return v, unit == "points"
	case strings.HasPrefix(word, "d"):
		return v * 8, unit == "hours"
	default:
		return v, unit == "hours"
	}
}
