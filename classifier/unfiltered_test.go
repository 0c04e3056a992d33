package classifier_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/sprintguard/sprintguard/classifier"
	"github.com/sprintguard/sprintguard/internal/app"
)

func TestUnfiltered(t *testing.T) {
	// 70 alternatives with distinct literals: more than a rule is split
	// into (32) or gated in (64), and more literal leaves than one
	// prefilter holds.
	var alts []string
	for i := range 70 {
		alts = append(alts, fmt.Sprintf(`\b(?:alpha|beta|gamma|delta)%d (?:one|two|three|four|five|six|seven|eight) (?:red|green|blue|cyan)\b`, i))
	}
	huge := "(?i)" + strings.Join(alts, "|")
	tests := []struct {
		name, regex string
		want        bool
	}{
		{"literal", `(?i)\bdisk (?:is )?full\b`, false},
		{"split alternatives", `(?i)\bdisk full\b|\bout of memory\b`, false},
		{"no literal", `(?i)^\W*\w+$`, true},
		{"too many alternatives", huge, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			set, err := classifier.Compile([]classifier.Rule{
				{Name: "r", Regex: tt.regex, Urgency: classifier.P2},
				{Name: "rest", Default: true, Urgency: classifier.P3},
			}, classifier.Options{})
			if err != nil {
				t.Fatal(err)
			}
			got := slices.Contains(set.Unfiltered(), "r")
			if got != tt.want {
				t.Errorf("unfiltered %v, want %v", got, tt.want)
			}
		})
	}
}

// TestExampleRulesAreFiltered holds the starter rules to a regex that runs
// only on texts holding its words: a rule grown past what one prefilter
// holds makes every request pay for it (session 21 measured 1.7 times the
// CPU per request when ci-broken grew past 32 alternatives).
func TestExampleRulesAreFiltered(t *testing.T) {
	cfg, lists := exampleRuleLists(t)
	for name, rules := range lists {
		t.Run(name, func(t *testing.T) {
			set, err := app.Rules(rules, cfg.Groups)
			if err != nil {
				t.Fatal(err)
			}
			if u := set.Unfiltered(); len(u) > 0 {
				t.Errorf("rules %v run their regex on every request; split their alternatives over two rules", u)
			}
		})
	}
}
