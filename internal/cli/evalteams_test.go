package cli

import (
	"encoding/json"
	"strings"
	"testing"
)

// Issue 12's labels files as teams bring them, through rules eval, replay
// and rules suggest.

// A category-only record among the disagreements still gives JSON, with
// its urgency null and what was scored named.
func TestRulesEvalJSONWithACategoryOnlyDisagreement(t *testing.T) {
	file := writeFile(t, t.TempDir(), "labels.jsonl", `{"text": "please add me to the SSO group for Argo", "category": "incident", "split": "dev"}`+"\n")
	code, out, errs := run(t, "rules", "eval", file, "--config", repo("examples", "sprintguard.yaml"), "--format", "json", "--split", "dev")
	if code != ExitOK {
		t.Fatalf("exit %d\n%s%s", code, out, errs)
	}
	var res struct {
		Team, File, Split string
		N                 int
		Worst             []map[string]any
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("not JSON: %v\n%q", err, out)
	}
	if res.Team != "platform" || res.File != file || res.Split != "dev" || res.N != 1 || len(res.Worst) != 1 {
		t.Fatalf("result %+v", res)
	}
	if u, ok := res.Worst[0]["urgency"]; !ok || u != nil {
		t.Errorf("worst %v; want urgency null", res.Worst[0])
	}
}

// An empty labels file is an error a CI job fails on, with JSON on stdout
// saying so; a file without disagreements has "worst": [].
func TestRulesEvalJSONOnAnEmptyFile(t *testing.T) {
	dir := t.TempDir()
	code, out, errs := run(t, "rules", "eval", writeFile(t, dir, "empty.jsonl", ""), "--config", repo("examples", "sprintguard.yaml"), "--format", "json")
	var res struct {
		N     *int
		Error string
		Worst []any
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil || code != ExitFail || res.N == nil || *res.N != 0 ||
		!strings.Contains(res.Error, "no labelled requests") || res.Worst == nil || !strings.Contains(errs, "no labelled requests") {
		t.Errorf("exit %d, stdout %q (%v), stderr %q; want 1, JSON with n 0 and the error", code, out, err, errs)
	}
	file := writeFile(t, dir, "ok.jsonl", `{"text": "the checkout API is down for everyone", "urgency": "P1", "category": "incident"}`+"\n")
	if _, out, _ := run(t, "rules", "eval", file, "--config", repo("examples", "sprintguard.yaml"), "--format", "json"); !strings.Contains(out, `"worst": []`) {
		t.Errorf("no disagreement: %s", out)
	}
}

// A label giving interrupt and no urgency counts in interrupt-or-not, so
// that --min-accuracy can pass on it; CSV columns are read as teams name
// them.
func TestRulesEvalInterruptOnlyAndTeamColumns(t *testing.T) {
	file := writeFile(t, t.TempDir(), "labels.csv", "Summary,Description,Interrupt,Category\n"+
		"Help needed,the checkout API is down for everyone,yes,Incident\n"+
		"Help needed,please add me to the SSO group for Argo,no,access\n")
	code, out, errs := run(t, "rules", "eval", file, "--config", repo("examples", "sprintguard.yaml"), "--min-accuracy", "0.9")
	if code != ExitOK {
		t.Fatalf("exit %d\n%s%s", code, out, errs)
	}
	for _, want := range []string{"2 requests of", "interrupt-or-not  100.0%  (2 of 2)", "urgency                -  (not labelled)", "category          100.0%  (2 of 2)"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	file = writeFile(t, t.TempDir(), "labels.csv", "summary,priority,interrupt,category\nthe site is down,P3,yes,incident\n")
	if code, _, errs := run(t, "rules", "eval", file, "--config", repo("examples", "sprintguard.yaml")); code != ExitFail ||
		!strings.Contains(errs, "labels.csv:2: interrupt is \"yes\" but urgency P3 does not interrupt") {
		t.Errorf("P3 with interrupt yes: exit %d, %s", code, errs)
	}
}

// Labels beside an export may carry other keys and be CSV; those that
// match no request are listed with FILE:LINE and why; a category-only
// label counts in the category only.
func TestReplayLabelsAsTeamsWriteThem(t *testing.T) {
	dir := t.TempDir()
	labels := writeFile(t, dir, "labels.csv", "channel,ts,category,text\n"+
		"#platform-help,1788191993.442568,question,the text as the team copied it\n"+
		"#plaform-help,1788169278.882749,access,\n"+
		"platform-help,1788169278.000001,access,\n"+
		"platform-help,1791316146.209257,access,\n")
	code, out, errs := run(t, "replay", "--export", repo("examples", "slack-export"), "--labels", labels, "--config", repo("examples", "sprintguard.yaml"))
	if code != ExitOK {
		t.Fatalf("exit %d\n%s%s", code, out, errs)
	}
	for _, want := range []string{
		"warning: 3 of 4 labels in " + labels + " match no request of the replay:",
		labels + `:3: no channel "#plaform-help" in the export; did you mean #platform-help?`,
		labels + ":4: no message at ts 1788169278.000001 in #platform-help",
		// A lead's post, with members_ask false: the reason the replay
		// counts it under, not a list of guesses.
		labels + ":5: the replay skipped the message at ts 1791316146.209257 in #platform-help: team member\n",
	} {
		if !strings.Contains(errs, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errs)
		}
	}
	if !strings.Contains(out, "no urgency labelled, category 0.0% of 1 labelled request\n") {
		t.Errorf("the category-only label is scored as more than its category:\n%s", out)
	}
	code, out, errs = run(t, "rules", "suggest", "--team", "platform", "--export", repo("examples", "slack-export"), "--labels", labels, "--config", repo("examples", "sprintguard.yaml"))
	if code != ExitOK || !strings.Contains(out, ": 1 labelled request, 1 overridden") || !strings.Contains(out, "no urgency labelled, category 0.0% of 1") {
		t.Errorf("suggest: exit %d\n%s%s", code, out, errs)
	}
}

// rules eval -h, replay -h and rules suggest -h say what a labels file
// may hold, Jira's priority names among it.
func TestLabelsFileHelp(t *testing.T) {
	for _, args := range [][]string{{"rules", "eval", "-h"}, {"replay", "-h"}, {"rules", "suggest", "-h"}} {
		_, out, _ := run(t, args...)
		for _, want := range []string{"Highest (P1)", "urgency, priority", "details, description", "UTF-16", `"and N more"`} {
			if !strings.Contains(out, want) {
				t.Errorf("%s lacks %q:\n%s", strings.Join(args, " "), want, out)
			}
		}
	}
}

// --min-accuracy on labels of the category alone says there is nothing to
// check, not that the rules scored 0%.
func TestRulesEvalMinAccuracyWithoutInterruptLabels(t *testing.T) {
	file := writeFile(t, t.TempDir(), "labels.jsonl", `{"text": "the checkout API is down for everyone", "category": "incident"}`+"\n")
	code, _, errs := run(t, "rules", "eval", file, "--config", repo("examples", "sprintguard.yaml"), "--min-accuracy", "0.9")
	if code != ExitFail || !strings.Contains(errs, "no request is labelled with an urgency or interrupt") || strings.Contains(errs, "0.0%") {
		t.Errorf("exit %d, stderr %q", code, errs)
	}
}

// What nothing was labelled with has no accuracy: "-" in the text, null
// in the JSON; categories are [] beside an empty confusion, never null.
func TestRulesEvalNothingLabelledHasNoAccuracy(t *testing.T) {
	dir := t.TempDir()
	cfg := repo("examples", "sprintguard.yaml")
	catOnly := writeFile(t, dir, "cat.jsonl", `{"text": "the checkout API is down for everyone", "category": "incident"}`+"\n")
	_, out, _ := run(t, "rules", "eval", catOnly, "--config", cfg)
	for _, want := range []string{"interrupt-or-not       -  (not labelled)", "urgency                -  (not labelled)"} {
		if !strings.Contains(out, want) {
			t.Errorf("category only: output lacks %q:\n%s", want, out)
		}
	}
	intOnly := writeFile(t, dir, "int.jsonl", `{"text": "the checkout API is down for everyone", "interrupt": "yes"}`+"\n")
	_, out, errs := run(t, "rules", "eval", intOnly, "--config", cfg, "--format", "json")
	var res struct {
		Urgency    map[string]any
		Category   map[string]any
		Interrupt  map[string]any
		Categories []string
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("%v: %s%s", err, out, errs)
	}
	if a, ok := res.Urgency["accuracy"]; !ok || a != nil || res.Category["accuracy"] != nil || res.Interrupt["accuracy"] != 1.0 {
		t.Errorf("urgency %v, category %v, interrupt %v: want accuracy null where n is 0", res.Urgency, res.Category, res.Interrupt)
	}
	if res.Categories == nil || !strings.Contains(out, `"categories": []`) {
		t.Errorf("categories null:\n%s", out)
	}
}
