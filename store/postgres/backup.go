package postgres

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/sprintguard/sprintguard/internal/pgbin"
)

// A PostgreSQL backup is pg_dump's custom format (pg_dump --format=custom):
// a logical, compressed archive that pg_restore reads, and that any
// PostgreSQL tool of the same or a newer major version understands. The
// functions here run the pg_dump and pg_restore found on PATH (or in
// Debian's /usr/lib/postgresql/VERSION/bin) rather than reimplementing
// them, so a backup is exactly what an operator's own pg_dump makes.
//
// The URL's password is passed in PGPASSWORD, never on the command line,
// where any user of the machine could read it in the process list.

// Backup writes a custom-format archive of the database at dbURL to path,
// through a temporary file renamed into place, so path is never a partial
// archive. pg_dump takes one snapshot, so the bot may keep running.
func Backup(ctx context.Context, dbURL, path string) error {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("back up postgres: %w", err)
	}
	tmp := f.Name()
	f.Close()
	defer os.Remove(tmp)
	// --no-owner and --no-privileges: the archive restores into a database
	// owned by whichever role the operator restores as.
	if err := run(ctx, "pg_dump", dbURL, "--format=custom", "--no-owner", "--no-privileges", "--file="+tmp); err != nil {
		return fmt.Errorf("back up postgres: %w", err)
	}
	if err := os.Chmod(tmp, 0o600); err != nil {
		return fmt.Errorf("back up postgres: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("back up postgres: %w", err)
	}
	return nil
}

// CheckBackup reads the table of contents of the archive at path and
// reports an error unless it is a pg_dump custom-format archive holding
// sprintguard's schema.
func CheckBackup(ctx context.Context, path string) error {
	bin, err := tool("pg_restore")
	if err != nil {
		return err
	}
	var out, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, bin, "--list", path)
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s is not a pg_dump custom-format archive: %s", path, firstLine(stderr.String(), err))
	}
	if !strings.Contains(out.String(), "TABLE public schema_migrations") &&
		!strings.Contains(out.String(), " schema_migrations ") {
		return fmt.Errorf("%s is a pg_dump archive, but not of a sprintguard database (no schema_migrations table)", path)
	}
	return nil
}

// ErrNotEmpty is returned by Restore when the target database already has
// tables.
var ErrNotEmpty = errors.New("the target database is not empty")

// Restore loads the archive at path into the database at dbURL, which
// must be empty (create one with createdb), in one transaction: a failure
// leaves the database empty. The archive is checked first.
func Restore(ctx context.Context, dbURL, path string) error {
	if err := CheckBackup(ctx, path); err != nil {
		return fmt.Errorf("restore postgres: %w", err)
	}
	n, err := countTables(ctx, dbURL)
	if err != nil {
		return fmt.Errorf("restore postgres: %w", err)
	}
	if n > 0 {
		return fmt.Errorf("restore postgres: %w (%d tables): restore into a new database (createdb) and point storage.url at it, so the current one stays as it was", ErrNotEmpty, n)
	}
	if err := run(ctx, "pg_restore", dbURL, "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction", path); err != nil {
		return fmt.Errorf("restore postgres: %w", err)
	}
	return nil
}

func countTables(ctx context.Context, dbURL string) (int, error) {
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		return 0, fmt.Errorf("connect: %w", err)
	}
	defer conn.Close(ctx)
	var n int
	err = conn.QueryRow(ctx, `SELECT count(*) FROM pg_catalog.pg_tables
		WHERE schemaname NOT IN ('pg_catalog', 'information_schema')`).Scan(&n)
	return n, err
}

// run runs a PostgreSQL client tool against dbURL with args, the password
// moved from the URL to the environment.
func run(ctx context.Context, name, dbURL string, args ...string) error {
	bin, err := tool(name)
	if err != nil {
		return err
	}
	conn, password, err := splitPassword(dbURL)
	if err != nil {
		return err
	}
	cmd := exec.CommandContext(ctx, bin, append([]string{"--dbname=" + conn}, args...)...)
	cmd.Env = os.Environ()
	if password != "" {
		cmd.Env = append(cmd.Env, "PGPASSWORD="+password)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		msg := firstLine(stderr.String(), err)
		if password != "" {
			msg = strings.ReplaceAll(msg, password, "[REDACTED]")
		}
		return fmt.Errorf("%s: %s", name, msg)
	}
	return nil
}

// splitPassword returns dbURL without its password, and the password. Only
// postgres:// URLs are taken: a keyword/value DSN would have to be parsed
// the way libpq does to find the password in it.
func splitPassword(dbURL string) (conn, password string, err error) {
	u, err := url.Parse(dbURL)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return "", "", fmt.Errorf("backup and restore take a postgres:// URL (storage.url), not a keyword/value DSN")
	}
	if u.User != nil {
		if pw, ok := u.User.Password(); ok {
			password = pw
			u.User = url.User(u.User.Username())
		}
	}
	return u.String(), password, nil
}

// tool finds a PostgreSQL client program on PATH or in Debian's versioned
// directories, newest first.
func tool(name string) (string, error) {
	p, err := pgbin.Find(name)
	if err != nil {
		return "", fmt.Errorf("%s not found: install the PostgreSQL client (apt-get install postgresql-client)", name)
	}
	return p, nil
}

func firstLine(s string, err error) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return err.Error()
	}
	line, _, _ := strings.Cut(s, "\n")
	return line
}
