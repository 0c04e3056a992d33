package cli

import (
	"context"
	"log/slog"
	"time"

	"github.com/sprintguard/sprintguard/bot"
	"github.com/sprintguard/sprintguard/config"
	"github.com/sprintguard/sprintguard/internal/app"
	"github.com/sprintguard/sprintguard/internal/metrics"
	"github.com/sprintguard/sprintguard/oncall/refresh"
	"github.com/sprintguard/sprintguard/people"
	"github.com/sprintguard/sprintguard/store"
	"github.com/sprintguard/sprintguard/triage"
)

// followSchedules gives the teams whose on-call lives outside the config
// their last good schedule from the store, then starts refreshing them in
// the background: intake never waits for a fetch.
func followSchedules(ctx context.Context, cfg *config.Config, db *store.DB, svc *triage.Service, gw *bot.Gateway,
	now func() time.Time, log *slog.Logger, m *metrics.Metrics) error {
	if err := db.View(svc.Settings().LoadSchedules); err != nil {
		return err
	}
	teams := app.ScheduleSources(cfg)
	if len(teams) == 0 {
		return nil
	}
	r := &refresh.Refresher{Store: db, Settings: svc.Settings, Now: now, Log: log, Teams: teams,
		People: people.New(app.People(cfg), gw, people.DefaultTTL, now), Observe: m.OnCall().Refresh}
	go r.Run(ctx)
	return nil
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
