package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// labelled is a small labels file for the example rules, written for the
// test (the shared corpus is not part of the project).
const labelled = `{"id": "1", "text": "the checkout API is down for everyone", "urgency": "P1", "category": "incident", "split": "test"}
{"id": "2", "text": "please add me to the SSO group for Argo", "urgency": "P3", "category": "access", "split": "test"}
{"id": "3", "text": "all builds on main have been failing since yesterday", "urgency": "P2", "category": "deploy", "split": "test"}
{"id": "4", "text": "how do I rotate my AWS keys?", "urgency": "P4", "category": "question", "split": "test"}
{"id": "5", "text": "the coffee machine makes weird noises", "urgency": "P1", "category": "incident", "split": "train"}
`

func TestRulesEval(t *testing.T) {
	cfg := repo("examples", "sprintguard.yaml")
	dir := t.TempDir()
	file := writeFile(t, dir, "labels.jsonl", labelled)

	code, out, errs := run(t, "rules", "eval", file, "--config", cfg, "--split", "test")
	if code != ExitOK {
		t.Fatalf("exit %d\n%s%s", code, out, errs)
	}
	for _, want := range []string{"4 requests", "interrupt-or-not  100.0%  (4 of 4)", "category          100.0%", "no disagreements"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}

	// All splits: the train record is a wrong interrupt call, named with
	// the rule that decided it.
	code, out, errs = run(t, "rules", "eval", file, "--config", cfg, "--format", "json", "--min-accuracy", "90%")
	if code != ExitFail || !strings.Contains(errs, "interrupt-or-not accuracy 80.0% is below --min-accuracy 90.0%") {
		t.Errorf("below the threshold: exit %d, stderr %q", code, errs)
	}
	var res struct {
		Interrupt struct{ Agree, N int }
		Worst     []struct{ ID, Rule string }
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("json: %v\n%s", err, out)
	}
	if res.Interrupt.Agree != 4 || res.Interrupt.N != 5 || len(res.Worst) != 1 || res.Worst[0].ID != "5" || res.Worst[0].Rule != "fallback" {
		t.Errorf("json result %+v", res)
	}
	if code, _, errs := run(t, "rules", "eval", file, "--config", cfg, "--min-accuracy", "0.8"); code != ExitOK {
		t.Errorf("at the threshold: exit %d, %s", code, errs)
	}
}

func TestRulesEvalBadInput(t *testing.T) {
	cfg := repo("examples", "sprintguard.yaml")
	dir := t.TempDir()
	tests := []struct {
		name, data string
		args       []string
		code       int
		want       string
	}{
		{"malformed line", labelled + "{\"text\": \n", nil, ExitFail, "labels.jsonl:6: not a labelled request"},
		{"unknown urgency", `{"text": "x", "urgency": "P0", "category": "other"}`, nil, ExitFail, `labels.jsonl:1: urgency "P0" is not an urgency`},
		{"unknown category", `{"text": "x", "urgency": "P3", "category": "incidnet"}`, nil, ExitFail, `labels.jsonl:1: category "incidnet" is not one the rules assign`},
		{"no such split", labelled, []string{"--split", "holdout"}, ExitUsage, `--split "holdout": no record of `},
		{"the allowed splits", labelled, []string{"--split", "Test"}, ExitUsage, `its splits are test, train (or leave --split out`},
		{"a file without splits", `{"text": "x", "urgency": "P3", "category": "other"}`, []string{"--split", "test"}, ExitUsage, `gives no record a split`},
		{"bad threshold", labelled, []string{"--min-accuracy", "lots"}, ExitUsage, `"lots" is not an accuracy`},
		// A bare number above 1 is no percent: 1.5 would pass everything.
		{"a bare number above 1", labelled, []string{"--min-accuracy", "1.5"}, ExitUsage, `--min-accuracy: "1.5" is above 1: write 0.015 or 1.5%`},
		{"a bare percent", labelled, []string{"--min-accuracy", "92"}, ExitUsage, `write 0.92 or 92%`},
		{"a negative share", labelled, []string{"--min-accuracy", "-0.5"}, ExitUsage, `write a share from 0 to 1`},
		{"a percent above 100", labelled, []string{"--min-accuracy", "120%"}, ExitUsage, `a percent is from 0% to 100%`},
		{"bad format", labelled, []string{"--format", "xml"}, ExitUsage, `--format "xml"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			file := writeFile(t, dir, "labels.jsonl", tt.data)
			code, out, errs := run(t, append([]string{"rules", "eval", file, "--config", cfg}, tt.args...)...)
			if code != tt.code || !strings.Contains(errs, tt.want) {
				t.Errorf("exit %d, stderr %q; want %d and %q", code, errs, tt.code, tt.want)
			}
			if tt.code != ExitOK && out != "" {
				t.Errorf("printed a result for bad input:\n%s", out)
			}
		})
	}
}

func TestRulesTestKeysAndLabels(t *testing.T) {
	cfg := repo("examples", "sprintguard.yaml")
	dir := t.TempDir()
	bad := writeFile(t, dir, "bad.yaml", `team: platform
cases:
  - name: typo in a key
    summary: the site is down
    expect: {urgency: P1, catgory: incident}
  - name: typo in a case
    sumary: x
`)
	code, _, errs := run(t, "rules", "test", bad, "--config", cfg)
	if code != ExitFail || !strings.Contains(errs, "bad.yaml:5: unknown key \"catgory\" in expect") ||
		!strings.Contains(errs, "bad.yaml:7: unknown key \"sumary\" in a case") {
		t.Errorf("exit %d, stderr %q", code, errs)
	}

	labels := writeFile(t, dir, "labels.yaml", `cases:
  - name: right labels
    summary: the site is down
    expect: {labels: [incident]}
  - name: wrong labels
    summary: need access to grafana
    expect: {category: access, labels: [access, vpn]}
`)
	code, out, _ := run(t, "rules", "test", labels, "--config", cfg)
	if code != ExitFail || !strings.Contains(out, "labels=[access,vpn]") || !strings.Contains(out, "labels=[access]") || !strings.Contains(out, "1 passed, 1 failed") {
		t.Errorf("exit %d\n%s", code, out)
	}
}

func TestClassifyFlags(t *testing.T) {
	cfg := repo("examples", "sprintguard.yaml")
	// The after-hours continue rule needs the channel and a time outside
	// business hours.
	code, out, errs := run(t, "classify", "--config", cfg, "--json", "--channel", "#platform-help", "--at", "2026-01-06T22:00", "--user", "U0PAY001", "need access to grafana")
	if code != ExitOK || !strings.Contains(out, `"after-hours"`) || !strings.Contains(out, `"platform-help-after-hours"`) {
		t.Errorf("exit %d: %s%s", code, out, errs)
	}
	code, out, _ = run(t, "classify", "--config", cfg, "--json", "--channel", "#platform-help", "--at", "2026-01-06T10:00", "need access to grafana")
	if code != ExitOK || strings.Contains(out, `"after-hours"`) {
		t.Errorf("business hours: exit %d: %s", code, out)
	}
	if code, _, errs := run(t, "classify", "--config", cfg, "--at", "tomorrowish", "x"); code != ExitUsage || !strings.Contains(errs, `"tomorrowish" is not a time`) {
		t.Errorf("bad --at: exit %d, %q", code, errs)
	}
}

func TestClassifyRejectsUnknownKeysAndEmptyText(t *testing.T) {
	var out, errb bytes.Buffer
	env := Env{Stdin: strings.NewReader(`{"summry": "site is down"}` + "\n" + `{"summary": "  ", "details": ""}` + "\n" + `{"text": "site is down"}` + "\n" + `{"text": "site is down"} {"text": "x"}` + "\n"),
		Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" },
		Now: func() time.Time { return time.Date(2026, 11, 17, 16, 0, 0, 0, time.UTC) }}
	code := Main(context.Background(), []string{"classify", "--config", repo("examples", "sprintguard.yaml")}, env)
	if code != ExitFail || !strings.Contains(errb.String(), `stdin:1: not a JSON object: json: unknown field "summry"`) ||
		!strings.Contains(errb.String(), `stdin:2: no text to classify`) || !strings.Contains(errb.String(), `stdin:4: not a JSON object: more after the object`) {
		t.Errorf("exit %d, stderr %q", code, errb.String())
	}
	if lines := strings.Split(strings.TrimSpace(out.String()), "\n"); len(lines) != 1 || !strings.Contains(lines[0], "P1") {
		t.Errorf("output %q: want only the good line", out.String())
	}
}
