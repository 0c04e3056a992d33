// Package refresh keeps the on-call schedules that live outside the config
// (iCal feeds, PagerDuty) fresh: it fetches each team's schedule every
// `refresh` and at each handoff, maps its people to Slack users, keeps the
// last good copy in the store and hands it to the team's Roster. A failed
// or empty fetch changes nothing: routing goes on from the last good copy.
package refresh

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/sprintguard/sprintguard/oncall"
	"github.com/sprintguard/sprintguard/triage"
)

// Source fetches the on-call entries of [from, to) where a schedule is
// kept, reading floating times in loc.
type Source interface {
	Fetch(ctx context.Context, loc *time.Location, from, to time.Time) ([]oncall.Entry, error)
}

// Mapper turns a schedule's person into a Slack user id, "" for nobody; an
// error means it could not tell (Slack down).
type Mapper interface {
	SlackUser(ctx context.Context, p oncall.Person) (string, error)
}

// Team is one team that follows a source.
type Team struct {
	Name   string
	Kind   string // oncall.SourceICal or oncall.SourcePagerDuty
	Source Source
	Every  time.Duration
	// Ahead is how far ahead to fetch: 400 days for a feed, 90 for the
	// PagerDuty API, which answers no further.
	Ahead time.Duration
}

// lookback is how far back a fetch reaches, so that the shift a handoff
// ends is known.
const lookback = 8 * 24 * time.Hour

// ErrEmpty means a source returned no shift at all: taken as garbage.
var ErrEmpty = errors.New("the schedule names nobody in the coming days")

// Refresher fetches the teams' schedules. Settings gives the current
// settings, whose teams' Rosters receive the new schedules (after a reload
// too). Refresh may be called concurrently with everything else; Run runs
// the loop.
type Refresher struct {
	Store    triage.Store
	Settings func() *triage.Settings
	People   Mapper
	Now      func() time.Time
	Log      *slog.Logger
	Teams    []Team
	// Since, if set, is where fetches start instead of a week before now:
	// `sprintguard oncall --at` asks about the past.
	Since time.Time
	// Observe, if set, is told of every fetch: its error, and the people
	// the schedule named that map to nobody.
	Observe func(team, kind string, err error, unmapped int)
	// After, if set, replaces time.After for Run's waits between fetches,
	// so that a test drives them with its own clock.
	After func(time.Duration) <-chan time.Time

	mu     sync.Mutex
	warned map[string]bool // team + name already logged as unmapped
}

// Refresh fetches team's schedule now, and on success keeps it and puts it
// in use. On failure the last good schedule stays in use.
func (r *Refresher) Refresh(ctx context.Context, t Team) (tl *oncall.Timeline, err error) {
	defer func() {
		if r.Observe != nil {
			n := 0
			if tl != nil {
				n = len(tl.Unmapped)
			}
			r.Observe(t.Name, t.Kind, err, n)
		}
		if err != nil {
			r.Log.Warn("on-call schedule refresh failed; routing stays on the last good schedule",
				"team", t.Name, "source", t.Kind, "err", err)
		}
	}()
	if tl, err = r.Fetch(ctx, t); err != nil {
		return nil, err
	}
	if err := r.Store.Update(func(tx triage.Tx) error { return tx.PutSchedule(tl) }); err != nil {
		return nil, fmt.Errorf("keep the schedule of %s: %w", t.Name, err)
	}
	r.Settings().Team(t.Name).OnCall.Set(tl)
	r.warnUnmapped(tl)
	return tl, nil
}

// Fetch reads team's schedule from its source and maps its people, without
// keeping it or putting it in use: what `sprintguard check --online` and
// `sprintguard oncall` show when no bot keeps the schedule.
func (r *Refresher) Fetch(ctx context.Context, t Team) (*oncall.Timeline, error) {
	team := r.Settings().Team(t.Name)
	if team == nil || team.OnCall == nil {
		return nil, fmt.Errorf("team %s does not follow a schedule source", t.Name)
	}
	now := r.Now().Truncate(time.Second)
	from := now.Add(-lookback)
	if !r.Since.IsZero() && r.Since.Before(from) {
		from = r.Since
	}
	to := now.Add(t.Ahead)
	if !r.Since.IsZero() {
		to = from.Add(t.Ahead)
	}
	entries, err := t.Source.Fetch(ctx, team.Location, from, to)
	if err != nil {
		return nil, fmt.Errorf("fetch the %s schedule of %s: %w", t.Kind, t.Name, err)
	}
	if !covers(entries, now) {
		return nil, fmt.Errorf("fetch the %s schedule of %s: %w", t.Kind, t.Name, ErrEmpty)
	}
	users := map[oncall.Person]string{}
	for _, e := range entries {
		if _, ok := users[e.Who]; ok {
			continue
		}
		u, err := r.People.SlackUser(ctx, e.Who)
		if err != nil {
			return nil, fmt.Errorf("map the %s schedule of %s: %w", t.Kind, t.Name, err)
		}
		users[e.Who] = u
	}
	return oncall.Build(t.Name, t.Kind, now, from, to, team.Location, entries, func(p oncall.Person) string { return users[p] }), nil
}

// covers reports whether any entry reaches past now: a schedule that names
// nobody from now on is not a schedule to route on.
func covers(entries []oncall.Entry, now time.Time) bool {
	for _, e := range entries {
		if e.End.After(now) {
			return true
		}
	}
	return false
}

// warnUnmapped logs each person that maps to nobody once per run.
func (r *Refresher) warnUnmapped(tl *oncall.Timeline) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.warned == nil {
		r.warned = map[string]bool{}
	}
	for _, name := range tl.Unmapped {
		if key := tl.Team + "\x00" + name; !r.warned[key] {
			r.warned[key] = true
			r.Log.Warn("a person in the on-call schedule matches no Slack user; their shifts go to escalate_to",
				"team", tl.Team, "person", name, "hint", "add them to people: with their Slack id")
		}
	}
}

// Run refreshes every team at once, then each again every Every and at
// each of its handoffs, until ctx ends. It runs beside intake and never
// holds anything intake waits for.
func (r *Refresher) Run(ctx context.Context) error {
	var wg sync.WaitGroup
	for _, t := range r.Teams {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r.follow(ctx, t)
		}()
	}
	wg.Wait()
	return nil
}

func (r *Refresher) follow(ctx context.Context, t Team) {
	for {
		r.Refresh(ctx, t)
		now := r.Now()
		next := now.Add(t.Every)
		if team := r.Settings().Team(t.Name); team != nil {
			// Fetch again right at the handoff, so a swap made at the
			// source just before it is what the handoff posts.
			if h := team.Roster().HandoffAfter(now); h.Before(next) {
				next = h
			}
		}
		wait := r.After
		if wait == nil {
			wait = time.After // unreferenced timers are collected since Go 1.23
		}
		select {
		case <-ctx.Done():
			return
		case <-wait(next.Sub(now)):
		}
	}
}
