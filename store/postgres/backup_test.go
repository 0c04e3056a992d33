package postgres_test

import (
	"context"
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/sprintguard/sprintguard/internal/pgtest"
	"github.com/sprintguard/sprintguard/store/postgres"
)

// contents is a digest of every user table, row by row, so that two
// databases compare equal only when they hold the same rows.
func contents(t *testing.T, dbURL string) map[string]string {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, `SELECT tablename FROM pg_catalog.pg_tables WHERE schemaname = 'public' ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	tables, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, tbl := range tables {
		var n int
		var sum *string
		q := `SELECT count(*), md5(string_agg(t::text, E'\n' ORDER BY t::text)) FROM ` + pgx.Identifier{tbl}.Sanitize() + ` t`
		if err := conn.QueryRow(ctx, q).Scan(&n, &sum); err != nil {
			t.Fatal(err)
		}
		s := "empty"
		if sum != nil {
			s = *sum
		}
		out[tbl] = s
	}
	return out
}

func exec(t *testing.T, dbURL, sql string, args ...any) {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, sql, args...); err != nil {
		t.Fatal(err)
	}
}

// migratedDB returns the URL of a new database with the store's schema.
func migratedDB(t *testing.T) string {
	t.Helper()
	url := pgtest.DB(t)
	db, err := postgres.Open(context.Background(), url, postgres.Options{})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	return url
}

// TestBackupRestore backs a migrated database with data up with pg_dump,
// restores it into a fresh database and compares every table row by row.
func TestBackupRestore(t *testing.T) {
	ctx := context.Background()
	src := migratedDB(t)
	exec(t, src, `INSERT INTO meta (key, value) VALUES ('note', $1)`, "Grüße, 'quoted' \\ and a tab\t✓")
	path := filepath.Join(t.TempDir(), "sg.pgdump")
	if err := postgres.Backup(ctx, src, path); err != nil {
		t.Fatalf("Backup: %v", err)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("backup file: %v, %v; want mode 0600", fi, err)
	}
	dst := pgtest.DB(t)
	if err := postgres.Restore(ctx, dst, path); err != nil {
		t.Fatalf("Restore: %v", err)
	}
	want, got := contents(t, src), contents(t, dst)
	if len(want) < 2 {
		t.Fatalf("the source has only tables %v", want)
	}
	for tbl, sum := range want {
		if got[tbl] != sum {
			t.Errorf("table %s: restored %s, backed up %s", tbl, got[tbl], sum)
		}
	}
	if len(got) != len(want) {
		t.Errorf("restored tables %v, backed up %v", got, want)
	}
	// The restored database opens as a store: its migrations are recorded.
	db, err := postgres.Open(ctx, dst, postgres.Options{})
	if err != nil {
		t.Fatalf("open the restored database: %v", err)
	}
	defer db.Close()
	ms, _, err := db.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		if m.AppliedAt.IsZero() {
			t.Errorf("migration %d is pending in the restored database", m.Version)
		}
	}
}

func TestRestoreRefuses(t *testing.T) {
	ctx := context.Background()
	src := migratedDB(t)
	path := filepath.Join(t.TempDir(), "sg.pgdump")
	if err := postgres.Backup(ctx, src, path); err != nil {
		t.Fatal(err)
	}
	t.Run("a database with tables", func(t *testing.T) {
		before := contents(t, src)
		err := postgres.Restore(ctx, src, path)
		if !errors.Is(err, postgres.ErrNotEmpty) {
			t.Fatalf("Restore onto the source itself = %v, want ErrNotEmpty", err)
		}
		if after := contents(t, src); len(after) != len(before) || after["meta"] != before["meta"] {
			t.Errorf("a refused restore changed the database: %v, was %v", after, before)
		}
	})
	t.Run("a file that is not an archive", func(t *testing.T) {
		bad := filepath.Join(t.TempDir(), "sprintguard.db")
		if err := os.WriteFile(bad, []byte("bolt file, not a dump"), 0o600); err != nil {
			t.Fatal(err)
		}
		err := postgres.Restore(ctx, pgtest.DB(t), bad)
		if err == nil || !strings.Contains(err.Error(), "not a pg_dump custom-format archive") {
			t.Fatalf("Restore of a non-archive = %v", err)
		}
	})
}

// TestBackupKeepsPasswordOut makes pg_dump fail against a URL with a
// password: the error must not show it, and no partial file is left.
func TestBackupKeepsPasswordOut(t *testing.T) {
	ctx := context.Background()
	u, err := url.Parse(pgtest.DB(t))
	if err != nil {
		t.Fatal(err)
	}
	const pw = "hunter2-very-secret"
	u.User = url.UserPassword("no_such_role", pw)
	dir := t.TempDir()
	err = postgres.Backup(ctx, u.String(), filepath.Join(dir, "sg.pgdump"))
	if err == nil {
		t.Fatal("Backup as a role that does not exist succeeded")
	}
	if strings.Contains(err.Error(), pw) {
		t.Errorf("the error shows the password: %v", err)
	}
	if left, _ := os.ReadDir(dir); len(left) != 0 {
		t.Errorf("a failed backup left %v", left)
	}
}
