package cli

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/sprintguard/sprintguard/internal/pgtest"
	"github.com/sprintguard/sprintguard/store/postgres"
	"github.com/sprintguard/sprintguard/triage"
)

// TestRulesSuggestFromPostgres learns from the history in a PostgreSQL
// store, as from a bolt file: empty, it says "no overrides yet"; after the
// on-call called four badge-reader requests access, it suggests the phrase.
func TestRulesSuggestFromPostgres(t *testing.T) {
	ctx := context.Background()
	dbURL := pgtest.DB(t)
	cfg := pgConfig(t, t.TempDir(), dbURL)
	// Before serve first ran: no tables.
	code, out, errs := run(t, "rules", "suggest", "--team", "platform", "--config", cfg)
	if code != ExitOK || out != noOverrides+"\n" || !strings.Contains(errs, "no sprintguard tables yet") {
		t.Fatalf("unmigrated: exit %d, stdout %q, stderr %q; want 0 and %q", code, out, errs, noOverrides)
	}
	db, err := postgres.Open(ctx, dbURL, postgres.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	code, out, errs = run(t, "rules", "suggest", "--team", "platform", "--config", cfg)
	if code != ExitOK || out != noOverrides+"\n" {
		t.Fatalf("empty: exit %d, stdout %q, stderr %q; want 0 and %q", code, out, errs, noOverrides)
	}
	st := exampleSettings(t)
	svc := triage.NewService(db, st, func() time.Time { return time.Date(2026, 11, 17, 16, 0, 0, 0, time.UTC) })
	for i := range 4 {
		res, err := svc.Intake(ctx, triage.NewRequest{Team: "platform", Channel: "C0PLATHELP", ChannelName: "platform-help",
			User: fmt.Sprintf("U%03d", i), Summary: fmt.Sprintf("the zorblat reader rejects my badge at door %d", i)})
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := svc.Apply(ctx, res.Request.ID, triage.Change{Actor: st.Team("platform").Members[0], Action: triage.ActCategory, Category: "access"}); err != nil {
			t.Fatal(err)
		}
	}
	code, out, errs = run(t, "rules", "suggest", "--team", "platform", "--config", cfg)
	if code != ExitOK || !strings.Contains(out, "4 labelled requests, 4 overridden") || !strings.Contains(out, `on "reader rejects"`) {
		t.Errorf("exit %d\n%s%s", code, out, errs)
	}
	code, out, errs = run(t, "rules", "eval", "--history", "--team", "platform", "--config", cfg)
	if code != ExitOK || !strings.Contains(out, "4 requests of the history in PostgreSQL") {
		t.Errorf("rules eval --history: exit %d\n%s%s", code, out, errs)
	}
}
