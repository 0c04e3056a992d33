package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sprintguard/sprintguard/triage"
)

// seedOverrides makes n requests about an invented badge reader that the
// rules leave to the fallback, and has the on-call call each one access.
func seedOverrides(t *testing.T, path string, n int) {
	t.Helper()
	seedLabelled(t, path, n, triage.NewRequest{Team: "platform", Channel: "C0PLATHELP", ChannelName: "platform-help",
		Summary: "the zorblat reader rejects my badge at door %d"}, triage.Change{Action: triage.ActCategory, Category: "access"})
}

// seedLabelled makes n requests like req, whose Summary holds a %d for
// the request's number, and has a member of req's team make each of
// changes to each one.
func seedLabelled(t *testing.T, path string, n int, req triage.NewRequest, changes ...triage.Change) {
	t.Helper()
	svc, st, done := exampleService(t, path)
	defer done()
	ctx := context.Background()
	oncall := st.Team(req.Team).Members[0]
	summary := req.Summary
	for i := range n {
		req.User, req.Summary = fmt.Sprintf("U%03d", i), fmt.Sprintf(summary, i)
		res, err := svc.Intake(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range changes {
			c.Actor = oncall
			if _, _, err := svc.Apply(ctx, res.Request.ID, c); err != nil {
				t.Fatal(err)
			}
		}
	}
}

func TestRulesSuggestFromTheStore(t *testing.T) {
	dir := t.TempDir()
	cfg := storeConfig(t, dir)
	before, _ := os.ReadFile(cfg)
	seedOverrides(t, filepath.Join(dir, "sg.db"), 4)
	code, out, errs := run(t, "rules", "suggest", "--team", "platform", "--config", cfg)
	if code != ExitOK {
		t.Fatalf("exit %d\n%s%s", code, out, errs)
	}
	for _, want := range []string{
		"4 labelled requests, 4 overridden",
		// No access rule decides a request about the reader: the phrase
		// makes a rule of its own rather than join access-request's list.
		"new rule `learned-access-reader-rejects` (P3 access) on \"reader rejects\": 4 requests no rule gets right, 0 labelled otherwise",
		// An absolute --config outside the working directory: the paths
		// are from the config's directory, as the diff says.
		"# the paths are from " + dir + ": git apply there\n--- a/sprintguard.yaml\n+++ b/sprintguard.yaml\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if !strings.Contains(out, "\n+  - name: learned-access-reader-rejects\n+    any: [\"reader rejects\"]\n") {
		t.Errorf("the diff does not add the rule:\n%s", out)
	}
	if after, _ := os.ReadFile(cfg); string(after) != string(before) {
		t.Errorf("rules suggest changed the config file")
	}
	gitApplies(t, dir, out)
}

// gitApplies checks with git apply --check, from dir, that the diff in
// out applies there. Without git it checks nothing: the headers are
// checked as text.
func gitApplies(t *testing.T, dir, out string) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Log("no git: the diff is not applied")
		return
	}
	cmd := exec.Command("git", "apply", "--check", "-")
	cmd.Dir, cmd.Stdin = dir, strings.NewReader(out)
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("git apply --check in %s: %v: %s\n%s", dir, err, msg, out)
	}
}

func TestRulesSuggestWithoutOverrides(t *testing.T) {
	dir := t.TempDir()
	seedStore(t, filepath.Join(dir, "sg.db"), 3) // requests, but nobody changed any
	code, out, errs := run(t, "rules", "suggest", "--config", storeConfig(t, dir))
	if code != ExitOK || out != "no overrides yet\n" {
		t.Errorf("exit %d, stdout %q, stderr %q; want 0 and %q", code, out, errs, "no overrides yet\n")
	}
}

// exampleLabels labels three messages of the example export's
// #platform-help; the labels disagree with the rules on the first only.
const exampleLabels = `{"channel": "#platform-help", "ts": "1788169278.882749", "urgency": "P2", "category": "access"}
{"channel": "platform-help", "ts": "1788191993.442568", "urgency": "P1", "category": "incident", "time_spent": 2}
{"channel": "#platform-help", "ts": "1788200019.815935", "urgency": "P3", "category": "access"}
`

func TestReplayScoresRulesAgainstALabelsFile(t *testing.T) {
	labels := writeFile(t, t.TempDir(), "labels.jsonl", exampleLabels)
	code, out, errs := run(t, "replay", "--export", repo("examples", "slack-export"), "--labels", labels,
		"--config", repo("examples", "sprintguard.yaml"))
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	i := strings.Index(out, "Rules against the labels in "+labels)
	if i < 0 {
		t.Fatalf("no labels section:\n%s", out)
	}
	if !strings.Contains(out[i:], "platform") || !strings.Contains(out[i:], "of 3") {
		t.Errorf("labels section:\n%s", out[i:])
	}
}

func TestReplayRefusesABadLabelsFile(t *testing.T) {
	labels := writeFile(t, t.TempDir(), "labels.jsonl", exampleLabels+`{"channel": "#platform-help", "ts": "1.2", "urgency": "P7"}`+"\n")
	code, out, errs := run(t, "replay", "--export", repo("examples", "slack-export"), "--labels", labels,
		"--config", repo("examples", "sprintguard.yaml"))
	if code != ExitFail || !strings.Contains(errs, labels+":4: urgency \"P7\"") || out != "" {
		t.Errorf("exit %d, stdout %d bytes, stderr %q; want 1, nothing, and FILE:4", code, len(out), errs)
	}
}

func TestRulesSuggestFromAnExportAndItsLabels(t *testing.T) {
	labels := writeFile(t, t.TempDir(), "labels.jsonl", exampleLabels)
	code, out, errs := run(t, "rules", "suggest", "--export", repo("examples", "slack-export"), "--labels", labels,
		"--team", "platform", "--config", repo("examples", "sprintguard.yaml"))
	if code != ExitOK || !strings.Contains(out, "used by platform: 3 labelled requests, 1 overridden") ||
		!strings.Contains(out, "no edit has enough support") {
		t.Errorf("exit %d\n%s%s", code, out, errs)
	}
}

func TestRulesEvalOverTheHistory(t *testing.T) {
	dir := t.TempDir()
	cfg := storeConfig(t, dir)
	db := filepath.Join(dir, "sg.db")
	seedStore(t, db, 2) // requests nobody labelled: no history yet
	code, out, errs := run(t, "rules", "eval", "--history", "--config", cfg)
	if code != ExitOK || out != "no overrides yet\n" {
		t.Errorf("empty history: exit %d, stdout %q, stderr %q; want 0 and %q", code, out, errs, "no overrides yet\n")
	}

	// The fallback decides the badge requests; the on-call called them
	// access, so the rules get every category wrong.
	seedOverrides(t, db, 3)
	code, out, errs = run(t, "rules", "eval", "--history", "--team", "platform", "--config", cfg)
	if code != ExitOK {
		t.Fatalf("exit %d\n%s%s", code, out, errs)
	}
	for _, want := range []string{"3 requests of the history in " + db, "category            0.0%  (0 of 3)", "fallback"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	code, out, errs = run(t, "rules", "eval", "--history", "--config", cfg, "--format", "json")
	var res struct{ N int }
	if code != ExitOK || json.Unmarshal([]byte(out), &res) != nil || res.N != 3 {
		t.Errorf("json: exit %d, stdout %q, stderr %q; want 3 requests", code, out, errs)
	}
}

func TestRulesEvalHistoryOrFile(t *testing.T) {
	for _, args := range [][]string{{"rules", "eval"}, {"rules", "eval", "x.jsonl", "--history"}} {
		code, out, errs := run(t, args...)
		if code != ExitUsage || out != "" || strings.Count(errs, "\n") != 1 || !strings.Contains(errs, "--history") || !strings.Contains(errs, "see sprintguard rules eval -h") {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want 2 and one line naming --history", args, code, out, errs)
		}
	}
}

// TestReplayScoresAgainstTheLabelsBesideTheExport puts labels.jsonl in a
// copy of the example export: replay finds it without --labels and scores
// the rules with it, the same on the in-memory path, which lets finished
// requests go, and on the durable one (issue 12).
func TestReplayScoresAgainstTheLabelsBesideTheExport(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "export")
	if err := os.CopyFS(dir, os.DirFS(repo("examples", "slack-export"))); err != nil {
		t.Fatal(err)
	}
	labels := writeFile(t, dir, "labels.jsonl", exampleLabels)
	var sections [2]string
	for i, extra := range [][]string{nil, {"--db", filepath.Join(t.TempDir(), "replay.db")}} {
		code, out, errs := run(t, append([]string{"replay", "--export", dir, "--config", repo("examples", "sprintguard.yaml")}, extra...)...)
		if code != ExitOK {
			t.Fatalf("exit %d: %s", code, errs)
		}
		at := strings.Index(out, "Rules against the labels in "+labels)
		if at < 0 {
			t.Fatalf("no labels section (%v):\n%s", extra, out)
		}
		sections[i] = out[at:]
	}
	if !strings.Contains(sections[0], "platform") || !strings.Contains(sections[0], "of 3 labelled requests") {
		t.Errorf("labels section:\n%s", sections[0])
	}
	if sections[0] != sections[1] {
		t.Errorf("in memory:\n%s\ndurable:\n%s", sections[0], sections[1])
	}
}
