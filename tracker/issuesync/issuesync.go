// Package issuesync brings what people change in an issue tracker
// (closing, reopening, relabelling the urgency, reassigning) back to
// sprintguard's requests. The GitHub and GitLab syncers read the issues;
// this package decides and applies the changes.
package issuesync

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/sprintguard/sprintguard/triage"
)

// Observed is an issue as its tracker shows it.
type Observed struct {
	Key      string    // the ticket key
	Updated  time.Time // the tracker's last update, in whole seconds
	Closed   bool
	Urgency  triage.Urgency // 0 when the issue has no urgency label
	Assignee string         // the first assignee's Slack user, "" when unknown
	ClosedBy string         // the tracker login that closed it, if known
	// Spent returns the time spent in unit, read only when the issue is
	// being resolved; ok false leaves the estimate to count.
	Spent func(ctx context.Context, unit string) (spent float64, ok bool, err error)
}

// Apply brings o to its request as actor (triage.SystemActor + the
// tracker's name), and returns how many changes it made. Changes made in
// sprintguard after the last update win: their push to the
// tracker may still be queued. An issue no request has is ignored.
func Apply(ctx context.Context, svc *triage.Service, store triage.Store, actor, where string, o Observed) (int, error) {
	var r *triage.Request
	err := store.View(func(tx triage.Tx) error {
		var err error
		r, err = tx.RequestByTicket(o.Key)
		return err
	})
	if errors.Is(err, triage.ErrNotFound) {
		return 0, nil // labelled by hand, or made by another sprintguard
	} else if err != nil {
		return 0, err
	}
	// Tracker times are whole seconds: a change in the second of the
	// request's last event counts as newer.
	if n := len(r.Events); n > 0 && o.Updated.Add(time.Second).Before(r.Events[n-1].At) {
		return 0, nil
	}
	var steps []triage.Change
	if o.Assignee != "" && o.Assignee != r.Assignee {
		steps = append(steps, triage.Change{Action: triage.ActReassign, Assignee: o.Assignee, Reason: "assigned on " + where})
	}
	if o.Urgency.Valid() && o.Urgency != r.Urgency && !r.Status.Closed() {
		steps = append(steps, triage.Change{Action: triage.ActUrgency, Urgency: o.Urgency, Reason: "relabelled on " + where})
	}
	switch {
	case o.Closed && !r.Status.Closed():
		c := triage.Change{Action: triage.ActResolve, Reason: "closed on " + where}
		if o.ClosedBy != "" {
			c.Reason += " by " + o.ClosedBy
		}
		if o.Spent != nil {
			unit := "points"
			if t := svc.Settings().Team(r.Team); t != nil {
				unit = t.Budget.Unit
			}
			spent, ok, err := o.Spent(ctx, unit)
			if err != nil {
				return 0, err
			}
			c.Actual, c.HasActual = spent, ok
		}
		steps = append(steps, c)
	case !o.Closed && r.Status == triage.StatusResolved:
		steps = append(steps, triage.Change{Action: triage.ActReopen, Reason: "reopened on " + where})
	}
	applied := 0
	for _, c := range steps {
		c.Actor, c.FromTracker = actor, true
		_, changed, err := svc.Apply(ctx, r.ID, c)
		if err != nil {
			return applied, fmt.Errorf("apply %s of %s: %w", c.Action, o.Key, err)
		}
		if changed {
			applied++
		}
	}
	return applied, nil
}

var timeSpentRE = regexp.MustCompile(`(?im)^\s*time[- ]spent:\s*([0-9]+(?:\.[0-9]+)?)\s*(h|hours?|d|days?|pts?|points?)?\s*$`)

// TimeSpent reads the last `time-spent: 2h` line of text in the team's
// unit ("points" or "hours"). Hours and days (of 8 hours) convert to each
// other, points only to points; a bare number is in the team's unit. ok is
// false when there is no such line in a unit that converts.
func TimeSpent(text, unit string) (spent float64, ok bool) {
	for _, m := range timeSpentRE.FindAllStringSubmatch(text, -1) {
		v, err := strconv.ParseFloat(m[1], 64)
		if err != nil {
			continue
		}
		switch word := strings.ToLower(m[2]); {
		case word == "":
			spent, ok = v, true
		case strings.HasPrefix(word, "p"):
			if unit == "points" {
				spent, ok = v, true
			}
		case strings.HasPrefix(word, "d"):
			if unit == "hours" {
				spent, ok = v*8, true
			}
		default:
			if unit == "hours" {
				spent, ok = v, true
			}
		}
	}
	return spent, ok
}

// Poll calls once every interval until ctx ends, logging what it did as
// the tracker named name.
func Poll(ctx context.Context, every time.Duration, name string, log *slog.Logger, once func(context.Context) (int, error)) error {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if n, err := once(ctx); err != nil && ctx.Err() == nil {
			log.Warn(name+" sync failed; will try again", "err", err)
		} else if n > 0 {
			log.Info(name+" changes synced", "changes", n)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}
