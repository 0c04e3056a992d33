package cli

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sprintguard/sprintguard/triage"
)

// A bound (blocks-others, at least P2) raises how-to questions that say
// "blocked"; the team sets each back to P4. rules suggest names the bound,
// not how-do-i, and its diff takes the bound off.
func TestRulesSuggestBlamesTheBound(t *testing.T) {
	dir := t.TempDir()
	cfg := storeConfig(t, dir)
	svc, st, done := exampleService(t, filepath.Join(dir, "sg.db"))
	ctx := context.Background()
	for i := range 4 {
		res, err := svc.Intake(ctx, triage.NewRequest{Team: "platform", Channel: "C0PLATHELP", ChannelName: "platform-help",
			User: fmt.Sprintf("U%03d", i), Summary: fmt.Sprintf("how do I rotate API key %d? I'm blocked on it", i)})
		if err != nil {
			t.Fatal(err)
		}
		if d := res.Request.Decision; d.Rule != "how-do-i" || d.Modifier != "blocks-others" {
			t.Fatalf("decided by %q, then %q; the test needs how-do-i then blocks-others", d.Rule, d.Modifier)
		}
		oncall := st.Team("platform").Members[0]
		if _, _, err := svc.Apply(ctx, res.Request.ID, triage.Change{Actor: oncall, Action: triage.ActUrgency, Urgency: res.Request.Decision.RuleUrgency}); err != nil {
			t.Fatal(err)
		}
	}
	done()
	code, out, errs := run(t, "rules", "suggest", "--team", "platform", "--config", cfg)
	if code != ExitOK {
		t.Fatalf("exit %d\n%s%s", code, out, errs)
	}
	wantIn := []string{
		"bound `blocks-others` misfires: it raised 4 requests to P2; the team set 4 of them back and kept 0 there (precision 0%",
		"-    urgency_at_least: P2\n",
	}
	for _, want := range wantIn {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "rule `how-do-i`") {
		t.Errorf("an edit blames how-do-i, which decided as the team did:\n%s", out)
	}
}
