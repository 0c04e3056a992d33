package cli

import (
	"context"
	"errors"
	"fmt"

	"github.com/sprintguard/sprintguard/config"
	"github.com/sprintguard/sprintguard/store/postgres"
	"github.com/sprintguard/sprintguard/triage"
)

// errNoTablesYet is openReader's error for a PostgreSQL database that no
// sprintguard has migrated yet: a fresh install's, which the commands that
// learn from the history take as empty and the others report.
var errNoTablesYet = errors.New("the PostgreSQL database has no sprintguard tables yet (serve makes them when it first runs)")

// errReadOnly is what a reader's Update returns: the commands that read
// the store never write it.
var errReadOnly = errors.New("the store is open for reading only")

// openReader opens cfg's store for reading, whichever driver holds it: the
// bolt file read-only, or a copy from the running bot (see openForRead),
// or the PostgreSQL database that the replicas share, without applying
// migrations, since reading changes nothing. A PostgreSQL database that
// lacks some of this sprintguard's migrations is an error that says how to
// apply them; the password never shows in an error. The returned function
// closes the store.
func openReader(ctx context.Context, cfg *config.Config) (triage.Store, func(), error) {
	if cfg.Storage.Driver != config.DriverPostgres {
		db, done, err := openForRead(ctx, cfg.Storage.Path)
		if err != nil {
			return nil, nil, err
		}
		return db, done, nil
	}
	url := cfg.Storage.URL.Reveal()
	db, err := postgres.Open(ctx, url, postgres.Options{MaxConns: 2, NoMigrate: true})
	if err != nil {
		return nil, nil, fmt.Errorf("open PostgreSQL (storage.url in %s): %w", cfg.Path, postgres.Scrub(url, err))
	}
	ms, unknown, err := db.Status(ctx)
	if err != nil {
		db.Close()
		return nil, nil, fmt.Errorf("read PostgreSQL's migrations: %w", postgres.Scrub(url, err))
	}
	pending := 0
	for _, m := range ms {
		if m.AppliedAt.IsZero() {
			pending++
		}
	}
	switch {
	case pending == len(ms) && len(unknown) == 0:
		db.Close()
		return nil, nil, errNoTablesYet
	case pending > 0:
		db.Close()
		return nil, nil, fmt.Errorf("the PostgreSQL database lacks %d of sprintguard's migrations: run this sprintguard's serve once (or see sprintguard migrate status)", pending)
	}
	return pgReader{db: db, url: url}, func() { db.Close() }, nil
}

// pgReader is a PostgreSQL store open for reading, whose errors never
// show the password. It is safe for concurrent use, as the store is.
type pgReader struct {
	db  *postgres.DB
	url string
}

var _ triage.Store = pgReader{}

// View runs fn in a read-only transaction.
func (r pgReader) View(fn func(triage.Tx) error) error {
	return postgres.Scrub(r.url, r.db.View(fn))
}

// Update returns errReadOnly.
func (r pgReader) Update(func(triage.Tx) error) error { return errReadOnly }
