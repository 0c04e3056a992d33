package cli

import (
	"strings"
	"testing"
)

// A time spent written as a duration is hours, which the example's teams,
// counting points, cannot use: an error at its line, not a label dropped.
func TestRulesSuggestRefusesHoursForTeamsCountingPoints(t *testing.T) {
	labels := writeFile(t, t.TempDir(), "labels.jsonl", strings.Replace(exampleLabels, `"time_spent": 2}`, `"time_spent": "2h"}`, 1))
	code, out, errs := run(t, "rules", "suggest", "--export", repo("examples", "slack-export"), "--labels", labels,
		"--team", "platform", "--config", repo("examples", "sprintguard.yaml"))
	if code != ExitFail || out != "" || !strings.Contains(errs, labels+":2: time_spent is a duration, but the teams count points") {
		t.Errorf("exit %d, stdout %q, stderr %q; want 1 and the error at %s:2", code, out, errs, labels)
	}
}
