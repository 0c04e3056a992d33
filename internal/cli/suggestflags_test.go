package cli

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestRulesSuggestBadFlags: every flag value rules suggest cannot use is
// an error that says which, and nothing is printed on stdout.
func TestRulesSuggestBadFlags(t *testing.T) {
	cfg := repo("examples", "sprintguard.yaml")
	export := repo("examples", "slack-export")
	dir := t.TempDir()
	labels := writeFile(t, dir, "labels.jsonl", exampleLabels)
	for _, tc := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no edits", []string{"--max", "0"}, ExitUsage, "--max 0: give 1 or more"},
		{"negative edits", []string{"--max", "-3"}, ExitUsage, "--max -3: give 1 or more"},
		{"not a number", []string{"--max", "many"}, ExitUsage, "invalid value \"many\""},
		{"labels without an export", []string{"--labels", labels}, ExitUsage, "--labels only with --export"},
		{"an argument", []string{"platform"}, ExitUsage, "takes no arguments"},
		{"unknown team", []string{"--team", "platfrom"}, ExitUsage, "--team: "},
		{"no export there", []string{"--export", filepath.Join(dir, "none"), "--labels", labels}, ExitFail, filepath.Join(dir, "none")},
		{"labels with a bad urgency", []string{"--export", export, "--labels", writeFile(t, dir, "bad.jsonl", `{"channel": "#platform-help", "ts": "1.2", "urgency": "urgent"}`)}, ExitFail, "bad.jsonl:1: urgency \"urgent\""},
		{"labels with an unknown category", []string{"--export", export, "--labels", writeFile(t, dir, "cat.jsonl", `{"channel": "#platform-help", "ts": "1.2", "urgency": "P2", "category": "outage"}`)}, ExitFail, "cat.jsonl:1: category \"outage\""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errs := run(t, append([]string{"rules", "suggest", "--config", cfg}, tc.args...)...)
			if code != tc.code || !strings.Contains(errs, tc.want) || out != "" {
				t.Errorf("exit %d, stdout %q, stderr %q; want %d, nothing, and %q", code, out, errs, tc.code, tc.want)
			}
		})
	}
}
