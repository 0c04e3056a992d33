package cli

import (
	"regexp"
	"strings"
	"testing"
)

// The usage lines of each rules subcommand's -h name every flag its
// Flags list has; `rules -h` lists every subcommand's.
func TestRulesUsageListsEveryFlag(t *testing.T) {
	flagRE := regexp.MustCompile(`(?m)^  -([a-z-]+)`)
	all := map[string]bool{}
	for _, sub := range []string{"test", "eval", "suggest"} {
		code, out, errs := run(t, "rules", sub, "-h")
		if code != ExitOK || errs != "" {
			t.Fatalf("rules %s -h: exit %d, stderr %q", sub, code, errs)
		}
		usage, _, _ := strings.Cut(out, "\nFlags:\n")
		for _, m := range flagRE.FindAllStringSubmatch(out, -1) {
			all["--"+m[1]] = true
			if !strings.Contains(usage, "--"+m[1]) {
				t.Errorf("rules %s -h: the usage lacks --%s:\n%s", sub, m[1], usage)
			}
		}
		if strings.Count(usage, "sprintguard rules ") != 1 {
			t.Errorf("rules %s -h: want its own usage line only:\n%s", sub, usage)
		}
	}
	_, out, _ := run(t, "rules", "-h")
	usage, _, _ := strings.Cut(out, "\nFlags:\n")
	for f := range all {
		if !strings.Contains(usage, f) {
			t.Errorf("rules -h: the usage lacks %s:\n%s", f, usage)
		}
	}
	for _, sub := range []string{"test FILE", "eval LABELS|--history", "suggest ["} {
		if !strings.Contains(usage, "sprintguard rules "+sub) {
			t.Errorf("rules -h: no usage line of rules %s:\n%s", sub, usage)
		}
	}
}
