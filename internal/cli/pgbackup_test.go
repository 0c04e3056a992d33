package cli

import (
	"context"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sprintguard/sprintguard/classifier"
	"github.com/sprintguard/sprintguard/internal/pgtest"
	"github.com/sprintguard/sprintguard/store/postgres"
	"github.com/sprintguard/sprintguard/store/transfer"
	"github.com/sprintguard/sprintguard/triage"
)

// pgConfig writes a config whose storage is the PostgreSQL database at
// dbURL.
func pgConfig(t *testing.T, dir, dbURL string) string {
	t.Helper()
	path := storeConfig(t, dir)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	cfg := strings.Replace(string(data), "  path: "+filepath.Join(dir, "sg.db")+"\n", "  url: "+dbURL+"\n", 1)
	cfg = strings.Replace(cfg, "  driver: bolt\n", "  driver: postgres\n", 1)
	if !strings.Contains(cfg, "  url: ") || !strings.Contains(cfg, "  driver: postgres\n") {
		t.Fatalf("the example config's storage section is not the one this test knows:\n%s", cfg)
	}
	return writeFile(t, dir, "pg.yaml", cfg)
}

// TestBackupRestorePostgres backs a PostgreSQL store up with `backup`,
// restores it with `restore` into a fresh database, and compares every
// kind's checksum; a second restore onto the now full database is refused.
func TestBackupRestorePostgres(t *testing.T) {
	ctx := context.Background()
	const pw = "pw-in-the-config"
	withPassword := func(raw string) string {
		u, err := url.Parse(raw)
		if err != nil {
			t.Fatal(err)
		}
		u.User = url.UserPassword("postgres", pw)
		return u.String()
	}
	srcURL, dstURL := withPassword(pgtest.DB(t)), withPassword(pgtest.DB(t))
	src, err := postgres.Open(ctx, srcURL, postgres.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	err = src.Update(func(tx triage.Tx) error {
		for range 3 {
			id, err := tx.NextRequestID()
			if err != nil {
				return err
			}
			r := &triage.Request{ID: id, Team: "platform", User: "U1", Summary: "deploy stuck", Status: triage.StatusOpen,
				Urgency: classifier.P3, Decision: classifier.Decision{Urgency: classifier.P3, Rule: "default"}}
			if err := tx.PutRequest(r); err != nil {
				return err
			}
		}
		now := time.Date(2026, 11, 23, 15, 0, 0, 0, time.UTC)
		_, _, err := tx.Claim("event:Ev1", "1", now, now.Add(24*time.Hour))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	archive := filepath.Join(dir, "sg.pgdump")
	code, out, errs := run(t, "backup", "--config", pgConfig(t, t.TempDir(), srcURL), archive)
	if code != ExitOK || !strings.Contains(out, "pg_dump custom format") {
		t.Fatalf("backup: exit %d:\n%s%s", code, out, errs)
	}
	if strings.Contains(out+errs, pw) {
		t.Errorf("backup printed the password:\n%s%s", out, errs)
	}
	dstCfg := pgConfig(t, t.TempDir(), dstURL)
	code, out, errs = run(t, "restore", "--config", dstCfg, archive)
	if code != ExitOK || !strings.Contains(out, "(3 requests)") {
		t.Fatalf("restore: exit %d, want 3 requests restored:\n%s%s", code, out, errs)
	}
	if strings.Contains(out+errs, pw) {
		t.Errorf("restore printed the password:\n%s%s", out, errs)
	}
	dst, err := postgres.Open(ctx, dstURL, postgres.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer dst.Close()
	for _, kind := range transfer.AllKinds {
		a, err := transfer.Checksum(ctx, src, kind)
		if err != nil {
			t.Fatal(err)
		}
		b, err := transfer.Checksum(ctx, dst, kind)
		if err != nil {
			t.Fatal(err)
		}
		if a != b {
			t.Errorf("%s: restored %+v, backed up %+v", kind, b, a)
		}
	}
	code, out, errs = run(t, "restore", "--config", dstCfg, archive)
	if code != ExitFail || !strings.Contains(errs, "not empty") {
		t.Errorf("restore onto a database with tables: exit %d, want a refusal:\n%s%s", code, out, errs)
	}
}
