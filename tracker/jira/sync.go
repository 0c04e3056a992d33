package jira

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"time"

	gojira "github.com/andygrunwald/go-jira"

	"github.com/sprintguard/sprintguard/triage"
)

// Actor is who changes made in Jira are recorded as.
const Actor = triage.SystemActor + "jira"

// Syncer brings changes made in Jira (status, assignee, resolution) back
// to the requests, their Slack threads and the budget. Run and Once must
// not be called concurrently.
type Syncer struct {
	Tracker *Tracker
	Service *triage.Service
	Store   triage.Store
	// Every is the polling interval; each poll looks back twice as far,
	// so a slow or missed poll loses nothing.
	Every time.Duration
	Log   *slog.Logger
}

// Run polls until ctx ends.
func (s *Syncer) Run(ctx context.Context) error {
	t := time.NewTicker(s.Every)
	defer t.Stop()
	for {
		if n, err := s.Once(ctx); err != nil && ctx.Err() == nil {
			s.Log.Warn("jira sync failed; will try again", "err", err)
		} else if n > 0 {
			s.Log.Info("jira changes synced", "changes", n)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// Once reads the issues updated lately and applies what changed in Jira;
// it returns how many changes it applied.
func (s *Syncer) Once(ctx context.Context) (int, error) {
	minutes := int(math.Ceil(2*s.Every.Minutes())) + 1
	jql := fmt.Sprintf("labels = sprintguard AND updated >= -%dm ORDER BY updated ASC", minutes)
	opts := &gojira.SearchOptionsV2{MaxResults: 100, Fields: []string{"status", "assignee", "resolution", "updated"}}
	changes := 0
	for {
		var issues []gojira.Issue
		var next string
		var last bool
		err := s.Tracker.call(ctx, "sync search", func(ctx context.Context) (*gojira.Response, error) {
			var resp *gojira.Response
			var err error
			issues, resp, err = s.Tracker.client.Issue.SearchV2JQLWithContext(ctx, jql, opts)
			if resp != nil {
				next, last = resp.NextPageToken, resp.IsLast
			}
			return resp, err
		})
		if err != nil {
			return changes, err
		}
		for i := range issues {
			n, err := s.apply(ctx, &issues[i])
			if err != nil {
				return changes, err
			}
			changes += n
		}
		if last || next == "" || len(issues) == 0 {
			return changes, nil
		}
		opts.NextPageToken = next
	}
}

// apply brings one issue's state to its request.
func (s *Syncer) apply(ctx context.Context, is *gojira.Issue) (int, error) {
	var r *triage.Request
	err := s.Store.View(func(tx triage.Tx) error {
		var err error
		r, err = tx.RequestByTicket(is.Key)
		return err
	})
	if errors.Is(err, triage.ErrNotFound) {
		return 0, nil // labelled by hand, or made by another sprintguard
	} else if err != nil || is.Fields == nil {
		return 0, err
	}
	var steps []triage.Change
	if a := is.Fields.Assignee; a != nil && a.AccountID != "" {
		user, err := s.Tracker.slackUserFor(ctx, a.AccountID)
		if err != nil {
			return 0, err
		}
		if user != "" && user != r.Assignee {
			steps = append(steps, triage.Change{Action: triage.ActReassign, Assignee: user})
		}
	}
	if st := is.Fields.Status; st != nil {
		switch cat := st.StatusCategory.Key; {
		case cat == catDone && !r.Status.Closed():
			steps = append(steps, triage.Change{Action: triage.ActResolve, Reason: "resolved in Jira: " + st.Name})
		case cat == catDoing && r.Status == triage.StatusOpen:
			steps = append(steps, triage.Change{Action: triage.ActAcknowledge, Reason: "in Jira: " + st.Name})
		case cat == catNew && r.Status == triage.StatusResolved:
			steps = append(steps, triage.Change{Action: triage.ActReopen, Reason: "reopened in Jira: " + st.Name})
		}
	}
	applied := 0
	for _, c := range steps {
		c.Actor, c.FromTracker = Actor, true
		_, changed, err := s.Service.Apply(ctx, r.ID, c)
		if err != nil {
			return applied, fmt.Errorf("apply %s of %s: %w", c.Action, is.Key, err)
		}
		if changed {
			applied++
		}
	}
	return applied, nil
}
