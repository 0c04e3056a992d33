package cli

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/sprintguard/sprintguard/bot"
	"github.com/sprintguard/sprintguard/config"
	"github.com/sprintguard/sprintguard/internal/app"
	"github.com/sprintguard/sprintguard/internal/metrics"
	"github.com/sprintguard/sprintguard/jobs"
	"github.com/sprintguard/sprintguard/oncall/refresh"
	"github.com/sprintguard/sprintguard/people"
	"github.com/sprintguard/sprintguard/triage"
)

// followSchedules gives the teams whose on-call lives outside the config
// their last good schedule from the store, then starts refreshing them in
// the background: intake never waits for a fetch.
func followSchedules(ctx context.Context, cfg *config.Config, db triage.Store, svc *triage.Service, gw *bot.Gateway,
	now func() time.Time, log *slog.Logger, m *metrics.Metrics, lead jobs.Leader) (*schedules, error) {
	if err := db.View(svc.Settings().LoadSchedules); err != nil {
		return nil, err
	}
	s := &schedules{ctx: ctx, db: db, svc: svc, gw: gw, now: now, log: log, observe: m.OnCall().Refresh, lead: lead}
	s.start(cfg)
	return s, nil
}

// schedules runs the refresher of the teams that follow a schedule source,
// and restarts it when a reload changes which teams do, or where from.
// Its methods are safe for concurrent use.
type schedules struct {
	ctx     context.Context
	db      triage.Store
	svc     *triage.Service
	gw      *bot.Gateway
	now     func() time.Time
	log     *slog.Logger
	observe func(team, kind string, err error, unmapped int)
	// lead gates the fetches: only the leader fetches and keeps the
	// schedules, the others load what it kept (see followLeader); nil
	// always leads.
	lead jobs.Leader
	// after replaces time.After for the waits of the leader check and of
	// a follower's loads (nil: time.After), for tests.
	after func(time.Duration) <-chan time.Time

	mu     sync.Mutex
	stop   func() // cancels the running refresher and waits for it
	halted bool   // serve is stopping: no refresher starts again
}

// start refreshes cfg's teams until stop or the end of ctx.
func (s *schedules) start(cfg *config.Config) {
	teams := app.ScheduleSources(cfg)
	if len(teams) == 0 || s.halted {
		return
	}
	ctx, cancel := context.WithCancel(s.ctx)
	r := &refresh.Refresher{Store: s.db, Settings: s.svc.Settings, Now: s.now, Log: s.log, Teams: teams,
		People: people.New(app.People(cfg), s.gw, people.DefaultTTL, s.now), Observe: s.observe}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if s.lead == nil {
			r.Run(ctx)
			return
		}
		var wg sync.WaitGroup
		wg.Go(func() { s.followLeader(ctx) })
		whileLeading(ctx, s.lead, s.after, func(ctx context.Context) { r.Run(ctx) })
		wg.Wait()
	}()
	s.stop = func() { cancel(); <-done }
}

// followerLoad is how often a replica that does not lead loads the
// schedules the leader fetched and kept in the store.
const followerLoad = time.Minute

// followLeader loads, every followerLoad while this replica does not
// lead, the last good schedules the leader keeps in the store, so that
// every replica routes on what the leader fetched without fetching it
// too. It returns when ctx ends.
func (s *schedules) followLeader(ctx context.Context) {
	after := s.after
	if after == nil {
		after = time.After
	}
	for {
		select {
		case <-ctx.Done():
			return
		case <-after(followerLoad):
		}
		if s.lead.Leading() {
			continue
		}
		if err := s.db.View(s.svc.Settings().LoadSchedules); err != nil && ctx.Err() == nil {
			s.log.Warn("could not load the on-call schedules the leader fetched; routing stays on the ones in use", "err", err)
		}
	}
}

// reload puts st, loaded from cfg, in use. The old refresher stops first,
// so that no fetch from an old source lands in the new settings; a team
// that kept its source keeps its schedule in use, and one that switched to
// a source starts from the last good schedule in the store.
func (s *schedules) reload(cfg *config.Config, st *triage.Settings) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stop != nil {
		s.stop()
		s.stop = nil
	}
	if err := s.db.View(st.LoadSchedules); err != nil {
		s.log.Error("no last good on-call schedules after the reload; they come with the first fetch", "err", err)
	}
	carrySchedules(s.svc.Settings(), st)
	s.svc.Reload(st)
	s.start(cfg)
}

// halt stops the refresher and waits for it, for good: a reload after it
// starts none. Serve halts it before it closes the store the refresher
// writes to.
func (s *schedules) halt() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.halted = true
	if s.stop != nil {
		s.stop()
		s.stop = nil
	}
}

// carrySchedules hands the schedules in use to the reloaded settings, so a
// SIGHUP does not drop a team back to "nobody known" until the next fetch.
func carrySchedules(old, cur *triage.Settings) {
	for _, t := range cur.Teams {
		if t.OnCall == nil {
			continue
		}
		if o := old.Team(t.Name); o != nil && o.OnCall != nil && o.OnCall.Source() == t.OnCall.Source() {
			t.OnCall.Set(o.OnCall.Timeline())
		}
	}
}
