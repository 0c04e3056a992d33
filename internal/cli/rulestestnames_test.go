package cli

import (
	"strings"
	"testing"
)

// A case expecting a rule or modifier its team does not have is an error
// at FILE:LINE naming the nearest rule, not a mismatch (issue 12).
func TestRulesTestNamesAnUnknownRule(t *testing.T) {
	file := writeFile(t, t.TempDir(), "rules_test.yaml", `team: platform
cases:
  - summary: how do I get a token for CI?
    expect: {rule: how-do-j}
  - summary: how do I get a token for CI?
    expect: {modifier: nosuchrule}
`)
	code, out, errs := run(t, "rules", "test", file, "--config", repo("examples", "sprintguard.yaml"))
	for _, want := range []string{file + `:3: expect rule: no rule "how-do-j" (did you mean "how-do-i"?)`,
		file + `:5: expect modifier: no rule "nosuchrule" (the nearest is `} {
		if !strings.Contains(errs, want) {
			t.Errorf("stderr lacks %q", want)
		}
	}
	if code != ExitFail || out != "" {
		t.Errorf("exit %d, stdout %q, stderr %q; want 1 and the errors only", code, out, errs)
	}
}
