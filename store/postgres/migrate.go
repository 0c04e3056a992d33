package postgres

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// migrationLock is the advisory lock that serialises migrations across
// replicas: an arbitrary class ("sgmg" as bytes) and the hash of the
// schema the store lives in, so that stores in different schemas of one
// database (tests make one per case) migrate side by side. The two-key
// form never collides with single bigint keys.
const (
	migrationLock    = "SELECT pg_advisory_lock($1, hashtext(current_schema()))"
	migrationUnlock  = "SELECT pg_advisory_unlock($1, hashtext(current_schema()))"
	migrationLockKey = int32(0x73676d67)
)

// Migration is one embedded schema change, named NNNN_what.sql.
type Migration struct {
	Version   int
	Name      string
	SQL       string
	AppliedAt time.Time // zero when pending
}

// Migrations returns the embedded migrations in version order.
func Migrations() ([]Migration, error) {
	names, err := fs.Glob(migrationFiles, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	var out []Migration
	for _, path := range names {
		base := strings.TrimSuffix(path[len("migrations/"):], ".sql")
		num, name, ok := strings.Cut(base, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil {
			return nil, fmt.Errorf("migration %s: name must be NNNN_what.sql", path)
		}
		body, err := migrationFiles.ReadFile(path)
		if err != nil {
			return nil, err
		}
		out = append(out, Migration{Version: v, Name: name, SQL: string(body)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	for i := 1; i < len(out); i++ {
		if out[i].Version == out[i-1].Version {
			return nil, fmt.Errorf("migrations %s and %s share version %d", out[i-1].Name, out[i].Name, out[i].Version)
		}
	}
	return out, nil
}

const createMigrationsTable = `CREATE TABLE IF NOT EXISTS schema_migrations (
	version    integer PRIMARY KEY,
	name       text NOT NULL,
	applied_at timestamptz NOT NULL DEFAULT now()
)`

// migrate applies the pending migrations, each in its own transaction,
// while holding the migration advisory lock on one connection.
func (db *DB) migrate(ctx context.Context) error {
	conn, err := db.pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, migrationLock, migrationLockKey); err != nil {
		return fmt.Errorf("migrate: take lock: %w", err)
	}
	defer conn.Exec(context.WithoutCancel(ctx), migrationUnlock, migrationLockKey)
	if _, err := conn.Exec(ctx, createMigrationsTable); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	all, err := Migrations()
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	applied, err := appliedVersions(ctx, conn.Conn())
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	for _, m := range all {
		if _, ok := applied[m.Version]; ok {
			continue
		}
		err := pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, m.SQL); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", m.Version, m.Name)
			return err
		})
		if err != nil {
			return fmt.Errorf("migrate: %04d_%s: %w", m.Version, m.Name, err)
		}
	}
	return nil
}

func appliedVersions(ctx context.Context, conn *pgx.Conn) (map[int]time.Time, error) {
	rows, err := conn.Query(ctx, "SELECT version, applied_at FROM schema_migrations")
	if err != nil {
		return nil, err
	}
	out := map[int]time.Time{}
	for rows.Next() {
		var v int
		var at time.Time
		if err := rows.Scan(&v, &at); err != nil {
			return nil, err
		}
		out[v] = at
	}
	return out, rows.Err()
}

// Status returns every embedded migration with the time it was applied,
// zero for pending ones, and any applied version this binary does not know
// (a newer binary ran here) as unknown.
func (db *DB) Status(ctx context.Context) (migrations []Migration, unknown []int, err error) {
	conn, err := db.pool.Acquire(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("migration status: %w", err)
	}
	defer conn.Release()
	// A database no replica has opened yet has no table: all is pending.
	var exists bool
	if err := conn.QueryRow(ctx, "SELECT to_regclass('schema_migrations') IS NOT NULL").Scan(&exists); err != nil {
		return nil, nil, fmt.Errorf("migration status: %w", err)
	}
	applied := map[int]time.Time{}
	if exists {
		applied, err = appliedVersions(ctx, conn.Conn())
		if err != nil {
			return nil, nil, fmt.Errorf("migration status: %w", err)
		}
	}
	all, err := Migrations()
	if err != nil {
		return nil, nil, fmt.Errorf("migration status: %w", err)
	}
	for i := range all {
		all[i].AppliedAt = applied[all[i].Version]
		delete(applied, all[i].Version)
	}
	for v := range applied {
		unknown = append(unknown, v)
	}
	sort.Ints(unknown)
	return all, unknown, nil
}
