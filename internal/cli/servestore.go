package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/sprintguard/sprintguard/bot"
	"github.com/sprintguard/sprintguard/config"
	"github.com/sprintguard/sprintguard/jobs"
	"github.com/sprintguard/sprintguard/store"
	"github.com/sprintguard/sprintguard/store/postgres"
	"github.com/sprintguard/sprintguard/tracker/local"
	"github.com/sprintguard/sprintguard/triage"
)

// serveStore is what serve needs of a store, whichever driver holds it:
// the triage contract with the inbox, the local tracker's tickets, the
// outbox figures for metrics and the purges.
type serveStore interface {
	bot.Store
	local.Store
	OutboxStats() (queued, dead int, oldest time.Time, err error)
	PurgeExpired(now time.Time) (int, error)
	PurgeText(cutoff time.Time) (int, error)
	Close() error
}

var (
	_ serveStore = (*store.DB)(nil)
	_ serveStore = (*postgres.DB)(nil)
)

// openStore opens the configured driver. A bolt file that does not open
// fails serve at once, as it always has. A PostgreSQL database that cannot
// be reached is tried again with capped backoff until ctx ends, while
// /readyz and the log say why; the password never shows in either.
// afterCommit is the bolt driver's test-only fault hook (see fault.go);
// groupAccept is PostgreSQL's (see pgGroupAccept).
func openStore(ctx context.Context, cfg *config.Config, now func() time.Time, log *slog.Logger, h *readiness, afterCommit func(intents, accepts int), groupAccept bool) (serveStore, error) {
	if cfg.Storage.Driver != config.DriverPostgres {
		db, err := store.Open(cfg.Storage.Path, store.Options{Timeout: lockWait, AfterCommit: afterCommit})
		if err != nil {
			return nil, err
		}
		h.storeOpen()
		return db, nil
	}
	url := cfg.Storage.URL.Reveal()
	scrub := scrubber(cfg)
	pc, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("storage.url is not a valid PostgreSQL URL or DSN (check %s)", cfg.Path)
	}
	where := slog.Group("database", "host", pc.ConnConfig.Host, "port", pc.ConnConfig.Port, "name", pc.ConnConfig.Database, "user", pc.ConnConfig.User)
	for attempt := 1; ; attempt++ {
		octx, cancel := context.WithTimeout(ctx, 15*time.Second)
		db, err := postgres.Open(octx, url, postgres.Options{Now: now, DedupeTTL: cfg.Storage.DedupeTTL, Lease: cfg.Storage.Lease,
			GroupAccept: groupAccept})
		cancel()
		if err == nil {
			h.storeOpen()
			log.Info("connected to PostgreSQL; migrations applied", where)
			return db, nil
		}
		err = scrub(err)
		if ctx.Err() != nil {
			return nil, fmt.Errorf("stopped while connecting to PostgreSQL: %w", err)
		}
		wait := triage.Backoff(attempt, time.Second, 30*time.Second, rand.Float64())
		h.storeWaiting(fmt.Sprintf("PostgreSQL unreachable (attempt %d, next in %v): %v", attempt, wait.Round(time.Second), err))
		log.Warn("PostgreSQL unreachable; retrying", where, "attempt", attempt, "retry_in", wait.Round(time.Millisecond).String(), "err", err.Error())
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("stopped while connecting to PostgreSQL: %w", err)
		case <-time.After(wait):
		}
	}
}

// groupAcceptVar names the environment variable that turns the
// PostgreSQL driver's GroupAccept on (true) or off (false); unset, it is
// groupAcceptDefault. It is there for bench/slackload -replicas, which
// measures both, and for an operator whose database disagrees with the
// measurement in docs/performance.md.
const groupAcceptVar = "SPRINTGUARD_PG_GROUP_ACCEPT"

// groupAcceptDefault is GroupAccept when the variable is unset: on, since
// it doubled the replicas' ack rate (docs/performance.md).
const groupAcceptDefault = true

// pgGroupAccept reads groupAcceptVar; a value that is not a boolean
// keeps the default.
func pgGroupAccept(getenv func(string) string) bool {
	on, err := strconv.ParseBool(getenv(groupAcceptVar))
	if err != nil {
		return groupAcceptDefault
	}
	return on
}

// scrubber returns what takes the database password out of an error's
// text; with bolt there is none to take.
func scrubber(cfg *config.Config) func(error) error {
	if cfg.Storage.Driver != config.DriverPostgres {
		return func(err error) error { return err }
	}
	url := cfg.Storage.URL.Reveal()
	return func(err error) error { return postgres.Scrub(url, err) }
}

// storeCheck is /readyz's look at the store: a ping bounded to two
// seconds for PostgreSQL, an empty read for bolt.
func storeCheck(db serveStore) func() error {
	if pg, ok := db.(*postgres.DB); ok {
		return func() error {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			return pg.Pool().Ping(ctx)
		}
	}
	return func() error { return db.View(func(triage.Tx) error { return nil }) }
}

// newElector makes the leader election of the scheduled duties and of
// the leader-only background work (see whileLeading) when the store is
// PostgreSQL, and makes it sched's Leader; elect runs it. With bolt the
// one process always leads: it returns nil.
func newElector(db serveStore, sched *jobs.Scheduler, scrub func(error) error, log *slog.Logger) *postgres.Elector {
	pg, ok := db.(*postgres.DB)
	if !ok {
		return nil
	}
	e := postgres.NewElector(pg, postgres.ElectorOptions{OnChange: func(leading bool, why string) {
		log.Info("scheduled duties leader changed", "leading", leading, "why", scrub(errors.New(why)).Error())
		if leading {
			sched.Wake()
		}
	}})
	sched.Leader = e
	return e
}

// leader is e as the gate of the leader-only background work: nil, which
// always leads, for bolt's nil elector.
func leader(e *postgres.Elector) jobs.Leader {
	if e == nil {
		return nil
	}
	return e
}

// elect runs the election e until ctx ends, and returns a func that waits
// for it to hand the lock over at shutdown.
func elect(ctx context.Context, e *postgres.Elector) (wait func()) {
	if e == nil {
		return func() {}
	}
	done := make(chan struct{})
	go func() { defer close(done); e.Run(ctx) }()
	return func() { <-done }
}

var _ bot.Buckets = (*postgres.DB)(nil)

// slackLimits paces the Slack calls of all replicas together on
// PostgreSQL; one bolt process has Slack's Retry-After alone (nil), and so
// has every replica when pacing is config.PacingOff, which the config
// allows only toward an api_url that enforces its own limits. A job waits
// for its slot at most a quarter of the lease (and 20 s), else it is
// retried later: a handler still waiting when its lease ends would see
// another replica take the job and post it too.
func slackLimits(db serveStore, pacing string, log *slog.Logger, lease time.Duration) bot.Limiter {
	pg, ok := db.(*postgres.DB)
	if !ok || pacing == config.PacingOff {
		return nil
	}
	if lease <= 0 {
		lease = postgres.DefaultLease
	}
	return &bot.TierLimits{Buckets: pg, Log: log, MaxWait: min(lease/4, 20*time.Second)}
}

// heartbeat is how often the outbox worker renews the lease of a job
// still running: a third of the lease on PostgreSQL, where another
// replica takes a job whose lease ran out; never on bolt, where one
// process owns every job.
func heartbeat(db serveStore, lease time.Duration) time.Duration {
	if _, ok := db.(*postgres.DB); !ok {
		return 0
	}
	if lease <= 0 {
		lease = postgres.DefaultLease
	}
	return lease / 3
}
