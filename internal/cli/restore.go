package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/sprintguard/sprintguard/config"
	"github.com/sprintguard/sprintguard/store"
	"github.com/sprintguard/sprintguard/triage"

	"github.com/sprintguard/sprintguard/internal/plural"
)

// runRestore puts a backup in place of the database. The bot must be
// stopped; the backup is checked (it opens, its schema is one this build
// knows, its requests read) before anything is replaced, and the database
// it replaces is kept beside it.
func runRestore(ctx context.Context, env Env, args []string) int {
	fs, path := flags(env, "restore")
	pos, err := parse(fs, args)
	if err != nil {
		return parseFailed(err)
	}
	if len(pos) != 1 {
		return usageError(env, "restore", "give one BACKUP file: sprintguard restore BACKUP")
	}
	cfg, err := loadConfig(env, *path)
	if err != nil {
		return printErrors(env, err)
	}
	if cfg.Storage.Driver == config.DriverPostgres {
		return restorePostgres(ctx, env, cfg, pos[0])
	}
	src, dst := pos[0], cfg.Storage.Path
	n, err := checkBackup(src)
	if err != nil {
		return fail(env, fmt.Errorf("restore %s: %w", src, err))
	}
	old := dst + ".before-restore-" + env.Now().UTC().Format("20060102T150405Z")
	if _, err := os.Stat(dst); err == nil {
		db, err := store.Open(dst, store.Options{Timeout: lockWait})
		if errors.Is(err, store.ErrLocked) {
			return fail(env, fmt.Errorf("restore: %s is in use: stop `sprintguard serve` first", dst))
		}
		if err == nil {
			db.Close()
		}
		if err := os.Rename(dst, old); err != nil {
			return fail(env, fmt.Errorf("restore: keep the current database: %w", err))
		}
		fmt.Fprintf(env.Stdout, "kept the previous database as %s\n", old)
	}
	// The journal, emptied by the Close above, is removed. One that still
	// holds records (the open failed, or its database file was deleted)
	// goes with the old file: they belong to that database, and the
	// restored one would otherwise take them in when serve opens it.
	if err := os.Remove(store.JournalDir(dst)); err != nil && !errors.Is(err, os.ErrNotExist) {
		if err := os.Rename(store.JournalDir(dst), store.JournalDir(old)); err != nil {
			return fail(env, fmt.Errorf("restore: keep the current database's journal: %w", err))
		}
		fmt.Fprintf(env.Stdout, "kept the journal of the previous database as %s\n", store.JournalDir(old))
	}
	if err := copyFile(src, dst); err != nil {
		return fail(env, fmt.Errorf("restore: %w", err))
	}
	fmt.Fprintf(env.Stdout, "restored %s to %s (%s)\n", src, dst, plural.Count(n, "request"))
	return ExitOK
}

// checkBackup opens a backup read-only and reads every request, returning
// how many there are. An older schema is fine: serve migrates it.
func checkBackup(path string) (int, error) {
	db, err := store.Open(path, store.Options{ReadOnly: true, Timeout: lockWait})
	if errors.Is(err, store.ErrNeedsMigration) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	defer db.Close()
	n := 0
	err = db.View(func(tx triage.Tx) error {
		return tx.Requests("", time.Time{}, time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC), func(*triage.Request) error {
			n++
			return nil
		})
	})
	return n, err
}

// copyFile writes src to dst through a temporary file and a rename, so a
// crash never leaves half a database at dst.
func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	tmp, err := os.CreateTemp(filepath.Dir(dst), ".restore-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := io.Copy(tmp, in); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), dst)
}
