package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRulesSuggestGatesOnlyOnCasesAnEditBreaks is the reviewer's tests
// file with one case failing already: that case is not any edit's doing,
// so the edits are still proposed, and a line says how many cases failed
// before any edit. A case naming a rule the config does not have is a
// warning at its FILE:LINE; an empty tests file (or one of comments only,
// or with `cases: []`), or --tests none, checks nothing.
func TestRulesSuggestGatesOnlyOnCasesAnEditBreaks(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	export, labels := tinyExport(t, "P2", "deploy", "the flurbo widget wobbles at noon", "flurbo widget wobbles twice", "a flurbo widget wobbles overnight")
	const passing = `team: platform
cases:
  - name: api down for customers
    summary: The checkout API is down for all customers
    expect: {urgency: P1, category: incident, rule: service-down}
`
	for _, tc := range []struct {
		name, file, tests, stdout, stderr string
	}{
		{"a case failing already", "failing.yaml", passing + `  - name: wrong already
    summary: The checkout API is down for all customers
    expect: {urgency: P4}
`, "# 1 case of " + filepath.Join(dir, "failing.yaml") + " fails before any edit", ""},
		{"a case naming no rule", "renamed.yaml", passing + `  - name: renamed
    summary: seeing 502s on api.acme.io
    expect: {rule: outagee}
`, "# 1 case of ", filepath.Join(dir, "renamed.yaml") + `:6: expect rule: no rule "outagee"`},
		{"an empty file", "empty.yaml", "", "new rule `learned-", ""},
		{"only comments", "comments.yaml", "# cases to come\n", "new rule `learned-", ""},
		{"no cases", "nocases.yaml", "team: platform\ncases: []\n", "new rule `learned-", ""},
		{"cases commented out", "commented.yaml", "team: platform\ncases:\n# - name: later\n", "new rule `learned-", ""},
		{"none", "", "none", "new rule `learned-", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			file := tc.tests
			if tc.file != "" {
				file = writeFile(t, dir, tc.file, tc.tests)
			}
			code, out, errs := run(t, "rules", "suggest", "--team", "platform", "--export", export,
				"--labels", labels, "--config", repo("examples", "sprintguard.yaml"), "--tests", file)
			if code != ExitOK || !strings.Contains(out, tc.stdout) || !strings.Contains(errs, tc.stderr) {
				t.Fatalf("exit %d; want 0, %q on stdout and %q on stderr\n%s%s", code, tc.stdout, tc.stderr, out, errs)
			}
			if !strings.Contains(out, "new rule `learned-") || strings.Contains(out, "# dropped:") {
				t.Errorf("drops the edits:\n%s", out)
			}
		})
	}
}

// tinyExport writes a Slack export of the example's channels and users
// with texts posted in #platform-help, and a labels file calling each of
// them urgency and category: a replay of it takes a few milliseconds, not
// the example export's second.
func tinyExport(t *testing.T, urgency, category string, texts ...string) (export, labels string) {
	t.Helper()
	export = t.TempDir()
	for _, f := range []string{"channels.json", "users.json"} {
		data, err := os.ReadFile(repo("examples", "slack-export", f))
		if err != nil {
			t.Fatal(err)
		}
		writeFile(t, export, f, string(data))
	}
	if err := os.Mkdir(filepath.Join(export, "platform-help"), 0o755); err != nil {
		t.Fatal(err)
	}
	var msgs []map[string]string
	var ls strings.Builder
	for i, text := range texts {
		ts := fmt.Sprintf("1790000%03d.000100", i)
		msgs = append(msgs, map[string]string{"type": "message", "text": text, "user": "U0PAY002", "ts": ts})
		fmt.Fprintf(&ls, `{"channel": "platform-help", "ts": %q, "urgency": %q, "category": %q}`+"\n", ts, urgency, category)
	}
	data, err := json.Marshal(msgs)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(export, "platform-help"), "2026-09-20.json", string(data))
	return export, writeFile(t, t.TempDir(), "labels.jsonl", ls.String())
}

// TestRulesSuggestHelpSaysTheCuts: the precision cut, the function words
// and the common-word cut, where a phrase goes, and how to turn the rule
// tests off are in -h.
func TestRulesSuggestHelpSaysTheCuts(t *testing.T) {
	t.Parallel()
	code, out, _ := run(t, "rules", "suggest", "-h")
	for _, want := range []string{"75%", "every form counted", "count\nonce", "function word", "a fifth of a history", "already decides the most", "none: no check", "--tests none"} {
		if !strings.Contains(out, want) {
			t.Errorf("help (exit %d) lacks %q:\n%s", code, want, out)
		}
	}
}
