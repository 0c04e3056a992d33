package cli

import (
	"context"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/sprintguard/sprintguard/internal/pgtest"
	"github.com/sprintguard/sprintguard/store"
	"github.com/sprintguard/sprintguard/store/transfer"
	"github.com/sprintguard/sprintguard/store/transfer/transfertest"
)

// TestMigrateCopy moves a populated bbolt file to PostgreSQL with the
// command, runs it again, and then makes it refuse a target changed
// behind its back, never printing the URL's password.
func TestMigrateCopy(t *testing.T) {
	const pw = "s3cret-pw-in-url"
	u, err := url.Parse(pgtest.DB(t))
	if err != nil {
		t.Fatal(err)
	}
	// The test cluster trusts local connections, so any password works.
	u.User = url.UserPassword("postgres", pw)
	target := u.String()
	file := filepath.Join(t.TempDir(), "sg.db")
	db, err := store.Open(file, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	transfertest.Populate(t, db, 5)
	db.Close()

	noPassword := func(t *testing.T, out, errs string) {
		t.Helper()
		if strings.Contains(out+errs, pw) {
			t.Errorf("the password was printed:\n%s%s", out, errs)
		}
	}
	code, out, errs := run(t, "migrate", "--from", "bolt:"+file, "--to", target)
	noPassword(t, out, errs)
	if code != ExitOK {
		t.Fatalf("migrate: exit %d: %s%s", code, out, errs)
	}
	for _, kind := range transfer.AllKinds {
		if !strings.Contains(out, kind) {
			t.Errorf("no line for %s:\n%s", kind, out)
		}
	}
	if n := strings.Count(out, " verified"); n != len(transfer.AllKinds) {
		t.Errorf("%d kinds verified, want %d:\n%s", n, len(transfer.AllKinds), out)
	}
	if !strings.Contains(out, "copied ") || !strings.Contains(out, "xxxxx@") {
		t.Errorf("want a copy summary and the URL with its password masked:\n%s", out)
	}

	code, out, errs = run(t, "migrate", "--from", "bolt:"+file, "--to", target)
	noPassword(t, out, errs)
	if code != ExitOK || !strings.Contains(out, "nothing to copy") {
		t.Fatalf("second migrate: exit %d, want it to say nothing was copied:\n%s%s", code, out, errs)
	}

	ctx := context.Background()
	conn, err := pgx.Connect(ctx, target)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec(ctx, `UPDATE ledgers SET data = '{"team":"platform","sprint":1,"total":1}' WHERE team = 'platform'`); err != nil {
		t.Fatal(err)
	}
	conn.Close(ctx)
	code, out, errs = run(t, "migrate", "--from", "bolt:"+file, "--to", target)
	noPassword(t, out, errs)
	if code != ExitFail || !strings.Contains(errs, "different ledgers") || !strings.Contains(errs, "--force") {
		t.Fatalf("migrate onto a changed ledger: exit %d, want a refusal naming ledgers and --force:\n%s%s", code, out, errs)
	}
	code, out, errs = run(t, "migrate", "--from", "bolt:"+file, "--to", target, "--force")
	noPassword(t, out, errs)
	if code != ExitOK || !strings.Contains(out, "copied 1 record of") {
		t.Fatalf("migrate --force: exit %d, want the one ledger copied:\n%s%s", code, out, errs)
	}
}

func TestMigrateCopyUsage(t *testing.T) {
	dir := t.TempDir()
	bolt := storeConfig(t, dir)
	for _, tc := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no source", []string{"migrate", "--to", "postgres://localhost/x"}, ExitUsage, "give migrate status [--url URL], or --from bolt:FILE"},
		{"no target and a bolt config", []string{"migrate", "--from", "bolt:" + filepath.Join(dir, "sg.db"), "--config", bolt}, ExitUsage, "storage.driver: postgres"},
		{"a target that is neither", []string{"migrate", "--from", "bolt:" + filepath.Join(dir, "sg.db"), "--to", "mysql://u:pw123@h/db"}, ExitUsage, "use bolt:FILE or a postgres:// URL"},
		{"a source file that is not there", []string{"migrate", "--from", "bolt:" + filepath.Join(dir, "none.db"), "--to", "postgres://u:pw123@localhost/x"}, ExitFail, "no bbolt database at"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errs := run(t, tc.args...)
			if code != tc.code || !strings.Contains(errs, tc.want) {
				t.Errorf("exit %d, stderr %q; want exit %d and %q (stdout %q)", code, errs, tc.code, tc.want, out)
			}
			if strings.Contains(out+errs, "pw123") {
				t.Errorf("a password was printed: %s%s", out, errs)
			}
		})
	}
}
