package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/sprintguard/sprintguard/config"
	"github.com/sprintguard/sprintguard/internal/admin"
	"github.com/sprintguard/sprintguard/store"
)

// lockWait is how long a command waits for the database lock before it
// concludes that a running bot holds it.
const lockWait = time.Second

// openForRead opens the database read-only. While a running bot holds the
// lock, it reads a fresh copy fetched over the control socket instead.
func openForRead(ctx context.Context, path string) (*store.DB, func(), error) {
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return nil, nil, fmt.Errorf("no database at %s (has `sprintguard serve` run with this config? set storage.path)", path)
	}
	db, err := store.Open(path, store.Options{ReadOnly: true, Timeout: lockWait})
	if err == nil {
		return db, func() { db.Close() }, nil
	}
	if !errors.Is(err, store.ErrLocked) {
		return nil, nil, err
	}
	tmp, err := os.MkdirTemp("", "sprintguard-snapshot-")
	if err != nil {
		return nil, nil, err
	}
	snap := filepath.Join(tmp, "snapshot.db")
	if err := fetchCopy(ctx, path, snap); err != nil {
		os.RemoveAll(tmp)
		return nil, nil, err
	}
	db, err = store.Open(snap, store.Options{ReadOnly: true, Timeout: lockWait})
	if err != nil {
		os.RemoveAll(tmp)
		return nil, nil, err
	}
	return db, func() { db.Close(); os.RemoveAll(tmp) }, nil
}

// fetchCopy asks the process that holds dbPath for a copy and writes it
// atomically to dst.
func fetchCopy(ctx context.Context, dbPath, dst string) error {
	f, err := os.CreateTemp(filepath.Dir(dst), ".sprintguard-backup-*")
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	defer os.Remove(f.Name())
	ctx, cancel := context.WithTimeout(ctx, 10*time.Minute)
	defer cancel()
	if _, err := admin.FetchBackup(ctx, admin.SocketPath(dbPath), f); err != nil {
		f.Close()
		return fmt.Errorf("store %s is locked by a running sprintguard, and asking it for a copy failed: %w", dbPath, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("backup: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	return os.Rename(f.Name(), dst)
}

func runBackup(ctx context.Context, env Env, args []string) int {
	fs, path := flags(env, "backup")
	pos, err := parse(fs, args)
	if err != nil {
		return parseFailed(err)
	}
	if len(pos) != 1 {
		return usageError(env, "backup", "give one FILE to write the backup to: sprintguard backup FILE")
	}
	dst := pos[0]
	cfg, err := loadConfig(env, *path)
	if err != nil {
		return printErrors(env, err)
	}
	if cfg.Storage.Driver == config.DriverPostgres {
		return backupPostgres(ctx, env, cfg, dst)
	}
	src := cfg.Storage.Path
	if _, err := os.Stat(src); errors.Is(err, os.ErrNotExist) {
		return fail(env, fmt.Errorf("no database at %s to back up (check storage.path)", src))
	}
	how := "from the file"
	db, err := store.Open(src, store.Options{ReadOnly: true, Timeout: lockWait})
	if errors.Is(err, store.ErrJournalPending) {
		// A crash left acknowledged deliveries in the journal: a
		// read-write open takes them into the file, so the copy has them.
		db, err = store.Open(src, store.Options{Timeout: lockWait})
		how = "from the file, with the deliveries its journal held"
	}
	switch {
	case err == nil:
		err = db.Backup(dst)
		db.Close()
	case errors.Is(err, store.ErrLocked):
		how = "from the running process"
		err = fetchCopy(ctx, src, dst)
	}
	if err != nil {
		return fail(env, err)
	}
	// A copy that does not open is no backup.
	check, err := store.Open(dst, store.Options{ReadOnly: true, Timeout: lockWait})
	if err != nil {
		return fail(env, fmt.Errorf("the copy at %s does not open: %w", dst, err))
	}
	check.Close()
	st, _ := os.Stat(dst)
	fmt.Fprintf(env.Stdout, "backed up %s to %s (%d bytes, %s)\n", src, dst, st.Size(), how)
	return ExitOK
}
