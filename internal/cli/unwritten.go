package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/sprintguard/sprintguard/config"
	"github.com/sprintguard/sprintguard/learn"
	"github.com/sprintguard/sprintguard/triage"
)

// unwritten reports whether cfg's bolt database is one the bot has not
// written yet: no file in a folder that is there, or an empty file. On a
// fresh install that is the team's history, with nothing in it, and the
// commands that learn from it say "no overrides yet" rather than fail a
// CI job set up before the bot first ran. A folder that is not there is
// no fresh install but a storage.path that points elsewhere than serve
// would write (serve makes the file, not its folder): that is an error
// naming the path.
func unwritten(cfg *config.Config) (bool, error) {
	path := cfg.Storage.Path
	fi, err := os.Stat(path)
	switch {
	case err == nil:
		return fi.Mode().IsRegular() && fi.Size() == 0, nil
	case !errors.Is(err, os.ErrNotExist):
		return false, fmt.Errorf("open store: %w", err)
	}
	dir := filepath.Dir(path)
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return false, fmt.Errorf("no database at %s: its folder %s is not there, so serve cannot have written it; fix storage.path in %s", path, dir, cfg.Path)
	}
	return true, nil
}

// postgresHistory reads the labelled requests from cfg's PostgreSQL
// database. A database no sprintguard has migrated yet is a fresh
// install's, an empty history, as unwritten says of a bolt file.
func postgresHistory(ctx context.Context, env Env, cfg *config.Config, st *triage.Settings, team string) ([]learn.Example, error) {
	db, done, err := openReader(ctx, cfg)
	if errors.Is(err, errNoTablesYet) {
		fmt.Fprintf(env.Stderr, "note: %v, so the history is empty\n", err)
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer done()
	var ex []learn.Example
	err = db.View(func(tx triage.Tx) error {
		var err error
		ex, err = learn.History(tx, st, team)
		return err
	})
	return ex, err
}
