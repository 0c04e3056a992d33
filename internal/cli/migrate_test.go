package cli

import (
	"context"
	"fmt"
	"maps"
	"regexp"
	"strings"
	"testing"

	"github.com/sprintguard/sprintguard/internal/pgtest"
	"github.com/sprintguard/sprintguard/store/postgres"
)

// TestMigrateStatus shows every migration pending on an empty database,
// applies nothing doing so, and shows them applied once a replica opened
// it.
func TestMigrateStatus(t *testing.T) {
	url := pgtest.DB(t)
	all, err := postgres.Migrations()
	if err != nil {
		t.Fatal(err)
	}
	for range 2 { // the second run proves the first applied nothing
		code, out, errs := run(t, "migrate", "status", "--url", url)
		if code != ExitOK {
			t.Fatalf("migrate status: exit %d: %s", code, errs)
		}
		if got := strings.Count(out, " pending\n"); got != len(all) {
			t.Fatalf("%d pending lines, want %d:\n%s", got, len(all), out)
		}
	}
	db, err := postgres.Open(context.Background(), url, postgres.Options{})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	code, out, errs := run(t, "migrate", "status", "--url", url)
	if code != ExitOK {
		t.Fatalf("migrate status: exit %d: %s", code, errs)
	}
	applied := regexp.MustCompile(`(?m)^\d{4}_\S+ +applied \d{4}-\d\d-\d\dT`)
	if got := len(applied.FindAllString(out, -1)); got != len(all) || !strings.Contains(out, ", 0 pending\n") {
		t.Fatalf("%d applied lines, want %d:\n%s", got, len(all), out)
	}
}

// TestMigrateStatusFailures covers the ways migrate status cannot run,
// each with its exit code and without the password in any output.
func TestMigrateStatusFailures(t *testing.T) {
	const pw = "pa55-w0rd-x"
	dir := t.TempDir()
	bolt := storeConfig(t, dir)
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"bolt config", []string{"--config", bolt}, ExitFail, "uses storage driver bolt"},
		{"unreachable", []string{"--url", "postgres://sg:" + pw + "@127.0.0.1:1/sg?connect_timeout=2"}, ExitFail, "migration status"},
		{"not a url", []string{"--url", "postgres://sg:" + pw + "@db:port/sg"}, ExitFail, "not a valid PostgreSQL URL"},
		{"extra argument", []string{"now"}, ExitUsage, "unexpected argument"},
		{"no subcommand", nil, ExitUsage, "give migrate status"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"migrate", "status"}, tt.args...)
			if tt.args == nil {
				args = []string{"migrate"}
			}
			code, out, errs := run(t, args...)
			if code != tt.code || !strings.Contains(errs, tt.want) {
				t.Fatalf("exit %d, stderr %q; want %d and %q", code, errs, tt.code, tt.want)
			}
			if strings.Contains(out+errs, pw) {
				t.Fatalf("the password shows: %s%s", out, errs)
			}
		})
	}
}

// TestCheckStorage checks what check says of storage.driver: offline, an
// unset DATABASE_URL is a warning and the driver shows in the summary; a
// bad driver or a missing url fail at their line.
func TestCheckStorage(t *testing.T) {
	const pw = "s3cret-db-pw"
	tests := []struct {
		name, storage string
		vars          map[string]string
		offline       bool
		code          int
		out, errs     string
	}{
		{"postgres offline", "storage:\n  driver: postgres\n  url: ${DATABASE_URL}\n", nil, true, ExitOK,
			"storage postgres, tracker local", ":3: warning: environment variable DATABASE_URL is not set"},
		{"postgres set", "storage:\n  driver: postgres\n  url: ${DATABASE_URL}\n", map[string]string{"DATABASE_URL": "postgres://sg:" + pw + "@db/sg"}, false, ExitOK,
			"storage postgres, tracker local", ""},
		{"postgres unset online", "storage:\n  driver: postgres\n  url: ${DATABASE_URL}\n", nil, false, ExitFail,
			"", ":3: environment variable DATABASE_URL is not set"},
		{"missing url", "storage:\n  driver: postgres\n", nil, true, ExitFail, "", ":2: storage driver `postgres` needs `url`"},
		{"bad driver", "storage:\n  driver: sqlite\n", nil, true, ExitFail, "", ":2: `driver` must be one of bolt, postgres"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := strings.Replace(fmt.Sprintf(credentialsConfig, "socket", "local"), "storage:\n  path: sg.db\n", tt.storage, 1)
			p := writeFile(t, t.TempDir(), "sprintguard.yaml", doc)
			args := []string{"--config", p}
			if tt.offline {
				args = append(args, "--offline")
			}
			vars := map[string]string{"SLACK_BOT_TOKEN": botToken, "SLACK_APP_TOKEN": appToken}
			maps.Copy(vars, tt.vars)
			code, out, errs := runCheckWith(t, vars, args...)
			errsOK := errs == ""
			if tt.errs != "" {
				errsOK = strings.Contains(errs, p+tt.errs)
			}
			if code != tt.code || !strings.Contains(out, tt.out) || !errsOK {
				t.Fatalf("exit %d, want %d\nstdout: %s (want %q)\nstderr: %s (want %q)", code, tt.code, out, tt.out, errs, tt.errs)
			}
			if strings.Contains(out+errs, pw) {
				t.Fatalf("the password shows: %s%s", out, errs)
			}
		})
	}
}
