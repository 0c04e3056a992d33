package cli

import (
	"context"
	"fmt"
	"os"

	"github.com/sprintguard/sprintguard/config"
	"github.com/sprintguard/sprintguard/internal/plural"
	"github.com/sprintguard/sprintguard/store/postgres"
)

// backupPostgres writes a pg_dump custom-format archive of the config's
// database to dst; the bot may keep running (pg_dump reads one snapshot).
func backupPostgres(ctx context.Context, env Env, cfg *config.Config, dst string) int {
	dbURL := cfg.Storage.URL.Reveal()
	if err := postgres.Backup(ctx, dbURL, dst); err != nil {
		return fail(env, postgres.Scrub(dbURL, err))
	}
	st, err := os.Stat(dst)
	if err != nil {
		return fail(env, err)
	}
	fmt.Fprintf(env.Stdout, "backed up %s to %s (%d bytes, pg_dump custom format; pg_restore reads it)\n",
		describeEnd(dbURL), dst, st.Size())
	return ExitOK
}

// restorePostgres loads a pg_dump custom-format archive into the config's
// database, which must be empty, and counts the requests it then holds.
func restorePostgres(ctx context.Context, env Env, cfg *config.Config, src string) int {
	dbURL := cfg.Storage.URL.Reveal()
	if err := postgres.Restore(ctx, dbURL, src); err != nil {
		return fail(env, postgres.Scrub(dbURL, err))
	}
	db, err := postgres.Open(ctx, dbURL, postgres.Options{MaxConns: 1})
	if err != nil {
		return fail(env, fmt.Errorf("restored, but the database does not open: %w", postgres.Scrub(dbURL, err)))
	}
	defer db.Close()
	st, err := db.Stats()
	if err != nil {
		return fail(env, fmt.Errorf("restored, but the database does not read: %w", postgres.Scrub(dbURL, err)))
	}
	fmt.Fprintf(env.Stdout, "restored %s into %s (%s)\n", src, describeEnd(dbURL), plural.Count(st.Requests, "request"))
	return ExitOK
}
