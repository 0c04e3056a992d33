package cli

import (
	"context"
	"fmt"
	"time"

	"github.com/sprintguard/sprintguard/config"
	"github.com/sprintguard/sprintguard/internal/plural"
	"github.com/sprintguard/sprintguard/store/postgres"
)

func runMigrate(ctx context.Context, env Env, args []string) int {
	if len(args) > 0 && args[0] == "status" {
		return runMigrateStatus(ctx, env, args[1:])
	}
	return runMigrateCopy(ctx, env, args)
}

// runMigrateStatus prints each migration of the PostgreSQL schema with the
// time it was applied, or pending. It applies nothing: replicas apply
// pending migrations when they start.
func runMigrateStatus(ctx context.Context, env Env, args []string) int {
	fs, path := flags(env, "migrate status")
	rawURL := fs.String("url", "", "the PostgreSQL `URL` (default storage.url of the config)")
	pos, err := parse(fs, args)
	if err != nil {
		return parseFailed(err)
	}
	if code := noArgs(env, "migrate status", pos); code != ExitOK {
		return code
	}
	dbURL := config.NewSecret(*rawURL)
	if !dbURL.IsSet() {
		cfg, err := loadConfig(env, *path)
		if err != nil {
			return printErrors(env, err)
		}
		if cfg.Storage.Driver != config.DriverPostgres {
			return fail(env, fmt.Errorf("migrate status reads a PostgreSQL database, and %s uses storage driver %s (set storage.driver: postgres and storage.url, or pass --url)",
				cfg.Path, cfg.Storage.Driver))
		}
		dbURL = cfg.Storage.URL
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	db, err := postgres.Open(ctx, dbURL.Reveal(), postgres.Options{MaxConns: 1, NoMigrate: true})
	if err != nil {
		return fail(env, postgres.Scrub(dbURL.Reveal(), err))
	}
	defer db.Close()
	ms, unknown, err := db.Status(ctx)
	if err != nil {
		return fail(env, postgres.Scrub(dbURL.Reveal(), err))
	}
	pending := 0
	for _, m := range ms {
		state := "applied " + m.AppliedAt.UTC().Format(time.RFC3339)
		if m.AppliedAt.IsZero() {
			state = "pending"
			pending++
		}
		fmt.Fprintf(env.Stdout, "%04d_%-24s %s\n", m.Version, m.Name, state)
	}
	for _, v := range unknown {
		fmt.Fprintf(env.Stdout, "%04d %-24s applied, unknown to this binary (a newer sprintguard migrated this database)\n", v, "?")
	}
	fmt.Fprintf(env.Stdout, "%s applied, %d pending", plural.Count(len(ms)-pending, "migration"), pending)
	if pending > 0 {
		fmt.Fprint(env.Stdout, " (serve applies them at start)")
	}
	fmt.Fprintln(env.Stdout)
	return ExitOK
}
