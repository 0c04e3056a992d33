package cli

import (
	"context"
	"encoding/csv"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sprintguard/sprintguard/internal/pgtest"
	"github.com/sprintguard/sprintguard/store/postgres"
	"github.com/sprintguard/sprintguard/triage"
)

// TestReadCommandsOnPostgres runs the commands that read the store
// (report, export, handoff, oncall) with storage.driver postgres: they
// read the database the replicas share, never a bolt file, and one that
// serve has not migrated yet is named as such.
func TestReadCommandsOnPostgres(t *testing.T) {
	ctx := context.Background()
	dbURL := pgtest.DB(t)
	dir := t.TempDir()
	cfg := pgConfig(t, dir, dbURL)
	for _, args := range [][]string{
		{"report", "--team", "platform", "--week", "2026-W47", "--format", "csv"},
		{"export", "--format", "jsonl"},
		{"handoff", "--dry-run", "--team", "platform"},
	} {
		code, out, errs := run(t, append(args, "--config", cfg)...)
		if code == ExitOK || !strings.Contains(errs, "no sprintguard tables yet") {
			t.Errorf("%s before serve ran: exit %d, stdout %q, stderr %q; want a failure naming the missing tables", args[0], code, out, errs)
		}
	}
	if code, _, errs := run(t, "oncall", "--config", cfg, "--format", "json"); code != ExitOK {
		t.Errorf("oncall before serve ran: exit %d, %s", code, errs)
	}

	db, err := postgres.Open(ctx, dbURL, postgres.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	svc := triage.NewService(db, exampleSettings(t), func() time.Time { return time.Date(2026, 11, 17, 16, 0, 0, 0, time.UTC) })
	for i := range 3 {
		if _, err := svc.Intake(ctx, triage.NewRequest{Team: "platform", Channel: "C0PLATHELP", ChannelName: "platform-help",
			User: fmt.Sprintf("U%03d", i), Summary: fmt.Sprintf("the zorblat queue %d is stuck again", i)}); err != nil {
			t.Fatal(err)
		}
	}

	code, out, errs := run(t, "report", "--config", cfg, "--team", "platform", "--week", "2026-W47", "--format", "csv")
	if code != ExitOK {
		t.Fatalf("report: exit %d: %s", code, errs)
	}
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	volume := ""
	for _, r := range rows {
		if r[0] == "platform" && r[2] == "volume" && r[3] == "total" {
			volume = r[4]
		}
	}
	if volume != "3" {
		t.Errorf("report: platform volume %q, want 3:\n%s", volume, out)
	}

	code, out, errs = run(t, "export", "--config", cfg, "--format", "jsonl")
	if code != ExitOK || strings.Count(out, "zorblat queue") != 3 {
		t.Errorf("export: exit %d, stderr %q; want the 3 requests:\n%s", code, errs, out)
	}
	code, out, errs = run(t, "handoff", "--config", cfg, "--dry-run", "--team", "platform")
	if code != ExitOK || !strings.Contains(out, "zorblat queue") {
		t.Errorf("handoff: exit %d, stderr %q; want the open requests:\n%s", code, errs, out)
	}
	if code, _, errs := run(t, "oncall", "--config", cfg, "--format", "json"); code != ExitOK {
		t.Errorf("oncall: exit %d, %s", code, errs)
	}
	if dbs, _ := filepath.Glob(filepath.Join(dir, "*.db")); len(dbs) > 0 {
		t.Errorf("a read command made a bolt file beside the config: %v", dbs)
	}
}
