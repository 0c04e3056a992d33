package cli

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/sprintguard/sprintguard/classifier"
	"github.com/sprintguard/sprintguard/triage"
)

// An edit of a rule that team data reuses from the shared rules by its
// anchor changes team platform's rules too: the output must say so, with
// the edit's score on platform's history.
func TestRulesSuggestSaysWhenARuleIsShared(t *testing.T) {
	dir := t.TempDir()
	cfg := storeConfig(t, dir)
	db := filepath.Join(dir, "sg.db")
	seedSlowSelects(t, db)
	seedOverrides(t, db, 3) // platform's history
	code, out, errs := run(t, "rules", "suggest", "--team", "data", "--config", cfg)
	if code != ExitOK {
		t.Fatalf("exit %d\n%s%s", code, out, errs)
	}
	if !strings.Contains(out, "to rule `on-fire`") {
		t.Fatalf("no edit of on-fire:\n%s", out)
	}
	shared := regexp.MustCompile("(?m)^#    rule `on-fire` is shared with team platform; this edit changes their rules too; on their history: urgency [^\n]* of 3 -> urgency [^\n]* of 3$")
	if !shared.MatchString(out) {
		t.Errorf("the edit of on-fire does not say it is shared with platform, with platform's 3 requests before and after:\n%s", out)
	}
	if strings.Contains(out, "shared with team data") {
		t.Errorf("data's own edit names data as a team it is shared with:\n%s", out)
	}
}

// TestRulesSuggestDropsAnEditThatCostsASharingTeam is the reviewer's
// "urgency 85.8% -> 85.2%" note: an edit of a rule another team reuses
// that does worse on that team's history is not proposed, and a dropped
// line gives their figures.
func TestRulesSuggestDropsAnEditThatCostsASharingTeam(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cfg := storeConfig(t, dir)
	db := filepath.Join(dir, "sg.db")
	seedSlowSelects(t, db)
	// Platform's simple selects can wait, as its rules say now.
	seedLabelled(t, db, 3, triage.NewRequest{Team: "platform", Channel: "C0PLATHELP", ChannelName: "platform-help",
		Summary: "could you show me a simple select for report %d"},
		triage.Change{Action: triage.ActUrgency, Urgency: classifier.P1}, triage.Change{Action: triage.ActUrgency, Urgency: classifier.P4})
	code, out, errs := run(t, "rules", "suggest", "--team", "data", "--config", cfg)
	if code != ExitOK {
		t.Fatalf("exit %d\n%s%s", code, out, errs)
	}
	dropped := regexp.MustCompile("(?m)^# dropped: add \"simple select\" to rule `on-fire`: rule `on-fire` is shared with team platform, and on their history it does worse: urgency [^\n]* of 3 -> urgency [^\n]* of 3$")
	if !dropped.MatchString(out) || regexp.MustCompile(`(?m)^# [0-9]+\. .*to rule .on-fire.`).MatchString(out) {
		t.Errorf("proposes the edit of on-fire, or does not say it was dropped with platform's figures:\n%s", out)
	}
}

// seedSlowSelects gives team data four slow selects that the rules leave
// to the fallback and data's on-call calls P2 incidents, what the shared
// rule `on-fire` (which data reuses by its anchor) decides; and one slow
// select on fire, which on-fire decides (the on-call raised it, then set
// it back), so that "simple select" joins the rule of its neighbour.
func seedSlowSelects(t *testing.T, db string) {
	t.Helper()
	seedLabelled(t, db, 4, triage.NewRequest{Team: "data", Channel: "C0DATAHELP", ChannelName: "data-help",
		Summary: "warehouse is super slow today, a simple select on orders_%d takes 10 min"},
		triage.Change{Action: triage.ActUrgency, Urgency: classifier.P2}, triage.Change{Action: triage.ActCategory, Category: "incident"})
	seedLabelled(t, db, 1, triage.NewRequest{Team: "data", Channel: "C0DATAHELP", ChannelName: "data-help",
		Summary: "the warehouse is on fire, a simple select on orders_%d takes 10 min"},
		triage.Change{Action: triage.ActUrgency, Urgency: classifier.P1}, triage.Change{Action: triage.ActUrgency, Urgency: classifier.P2})
}

// TestRulesSuggestPutsANewRuleBeforeAnAliasInItsOwnList is the reviewer's
// new rule before `on-fire`, which team data reuses by its alias: it goes
// before the alias, in data's list, where it was scored; before the
// anchor it would land in the shared list, where platform gets a rule
// nobody scored and data's rules do not change.
func TestRulesSuggestPutsANewRuleBeforeAnAliasInItsOwnList(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cfg := storeConfig(t, dir)
	seedFireDrills(t, filepath.Join(dir, "sg.db"))
	code, out, errs := run(t, "rules", "suggest", "--team", "data", "--config", cfg)
	if code != ExitOK {
		t.Fatalf("exit %d\n%s%s", code, out, errs)
	}
	if !strings.Contains(out, "before rule `on-fire`") {
		t.Fatalf("no new rule before on-fire:\n%s", out)
	}
	want := "       - *service-down\n+      - name: learned-question-fire-drill\n+        any: [\"fire drill\"]\n+        urgency: P4\n+        category: question\n+\n       - *on-fire\n"
	if !strings.Contains(out, want) {
		t.Errorf("the new rule is not put before data's alias of on-fire; want the diff to hold\n%s\n%s", want, out)
	}
	gitApplies(t, dir, out)
}

// TestRulesSuggestDropsANewRuleItCannotPutBeforeAnAlias: with data's
// rules written on one line there is no line before the alias of
// on-fire to put the new rule on, so it is dropped, saying why, rather
// than put before the anchor, in platform's rules.
func TestRulesSuggestDropsANewRuleItCannotPutBeforeAnAlias(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cfg := storeConfig(t, dir)
	data, err := os.ReadFile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	own, _, ok := strings.Cut(string(data), "    rules:\n      - name: data-help-after-hours\n")
	if !ok {
		t.Fatal("the example has no rules for team data")
	}
	writeFile(t, dir, "sprintguard.yaml", own+"    rules: [*outage, *on-fire, {name: fallback, default: true, urgency: P3, category: other}]\n")
	seedFireDrills(t, filepath.Join(dir, "sg.db"))
	code, out, errs := run(t, "rules", "suggest", "--team", "data", "--config", cfg)
	if code != ExitOK {
		t.Fatalf("exit %d\n%s%s", code, out, errs)
	}
	dropped := regexp.MustCompile("(?m)^# dropped: new rule `learned-question-fire-drill` .*: rule `on-fire` is reused by its alias at line [0-9]+, which is no item of a list written one item a line; add rule `learned-question-fire-drill` by hand$")
	if !dropped.MatchString(out) || strings.Contains(out, "+  - name: learned-question-fire-drill") {
		t.Errorf("does not drop the new rule it cannot put before data's alias, saying why:\n%s", out)
	}
}

// seedFireDrills gives team data requests on fire, which the shared rule
// on-fire (data reuses it by its alias) gets right, and fire drills that
// can wait, which it gets wrong: a new rule for "fire drill" goes before
// it.
func seedFireDrills(t *testing.T, db string) {
	t.Helper()
	// on-fire is right on what data's on-call say is on fire...
	seedLabelled(t, db, 6, triage.NewRequest{Team: "data", Channel: "C0DATAHELP", ChannelName: "data-help",
		Summary: "the warehouse load %d is on fire, nothing loads"},
		triage.Change{Action: triage.ActUrgency, Urgency: classifier.P1}, triage.Change{Action: triage.ActUrgency, Urgency: classifier.P2})
	// ...but not on the fire drill, which can wait.
	seedLabelled(t, db, 4, triage.NewRequest{Team: "data", Channel: "C0DATAHELP", ChannelName: "data-help",
		Summary: "our zorblat fire drill %d is on fire"},
		triage.Change{Action: triage.ActUrgency, Urgency: classifier.P4}, triage.Change{Action: triage.ActCategory, Category: "question"})
}
