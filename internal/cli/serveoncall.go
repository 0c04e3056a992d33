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
	"github.com/sprintguard/sprintguard/oncall/refresh"
	"github.com/sprintguard/sprintguard/people"
	"github.com/sprintguard/sprintguard/triage"
)

// followSchedules gives the teams whose on-call lives outside the config
// their last good schedule from the store, then starts refreshing them in
// the background: intake never waits for a fetch.
func followSchedules(ctx context.Context, cfg *config.Config, db triage.Store, svc *triage.Service, gw *bot.Gateway,
	now func() time.Time, log *slog.Logger, m *metrics.Metrics) (*schedules, error) {
	if err := db.View(svc.Settings().LoadSchedules); err != nil {
		return nil, err
	}
	s := &schedules{ctx: ctx, db: db, svc: svc, gw: gw, now: now, log: log, observe: m.OnCall().Refresh}
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

	mu   sync.Mutex
	stop func() // cancels the running refresher and waits for it
}

// start refreshes cfg's teams until stop or the end of ctx.
func (s *schedules) start(cfg *config.Config) {
	teams := app.ScheduleSources(cfg)
	if len(teams) == 0 {
		return
	}
	ctx, cancel := context.WithCancel(s.ctx)
	r := &refresh.Refresher{Store: s.db, Settings: s.svc.Settings, Now: s.now, Log: s.log, Teams: teams,
		People: people.New(app.People(cfg), s.gw, people.DefaultTTL, s.now), Observe: s.observe}
	done := make(chan struct{})
	go func() { r.Run(ctx); close(done) }()
	s.stop = func() { cancel(); <-done }
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
