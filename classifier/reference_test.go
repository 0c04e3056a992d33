package classifier_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/sprintguard/sprintguard/classifier"
	"github.com/sprintguard/sprintguard/config"
	"github.com/sprintguard/sprintguard/examples"
	"github.com/sprintguard/sprintguard/internal/app"
	"github.com/sprintguard/sprintguard/internal/exportgen"
	"github.com/sprintguard/sprintguard/slackexport"
)

// exampleRuleLists loads the embedded example config and returns it with
// its rule lists by owner: "shared", and each team that keeps its own.
func exampleRuleLists(t *testing.T) (*config.Config, map[string][]config.Rule) {
	t.Helper()
	cfg, err := config.Parse("sprintguard.yaml", examples.Config, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	lists := map[string][]config.Rule{"shared": cfg.Rules}
	for _, team := range cfg.Teams {
		if len(team.Rules) > 0 {
			lists[team.Name] = team.Rules
		}
	}
	return cfg, lists
}

// TestExampleRulesMatchPlainRegexps classifies the example rules' test
// cases, a generated Slack export's requests, and texts made of the rules'
// own words with each team's rules, and holds every decision to the one
// of the same rules evaluated the plain way: every regex that its rule's
// other conditions let through runs, with no prefilter. A prefilter that
// rules out a text its regex matches changes a decision here.
func TestExampleRulesMatchPlainRegexps(t *testing.T) {
	cfg, lists := exampleRuleLists(t)
	inputs := exampleInputs(t, cfg)
	for name, rules := range lists {
		t.Run(name, func(t *testing.T) {
			set, err := app.Rules(rules, cfg.Groups)
			if err != nil {
				t.Fatal(err)
			}
			plain := classifier.PlainRegexps(set)
			byRule := map[string]int{}
			for _, in := range inputs {
				got, want := set.Classify(in), plain.Classify(in)
				if !reflect.DeepEqual(got, want) {
					t.Fatalf("%q / %q:\n got %+v\nwant %+v (plain regexps)", in.Summary, in.Details, got, want)
				}
				byRule[got.Rule]++
			}
			// The inputs must reach the regexes for the comparison to mean
			// something: most regex rules decide some of them.
			decided, withRegex := 0, 0
			for _, r := range set.Rules() {
				if r.Regex == "" || r.Continue {
					continue
				}
				withRegex++
				if byRule[r.Name] > 0 {
					decided++
				}
			}
			if decided*4 < withRegex*3 {
				t.Errorf("only %d of %d regex rules decided any input: %v", decided, withRegex, byRule)
			}
		})
	}
}

// exampleInputs are the requests the comparison runs: the example rules'
// test cases, the requests of a generated export, and texts assembled from
// the words of the rules' keywords and regexes, in mixed case and with the
// runes whose case folding is unusual.
func exampleInputs(t *testing.T, cfg *config.Config) []classifier.Input {
	t.Helper()
	var texts []string
	var tf struct {
		Cases []struct {
			Summary string `yaml:"summary"`
			Details string `yaml:"details"`
		} `yaml:"cases"`
	}
	data, err := os.ReadFile("../examples/rules_test.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(data, &tf); err != nil {
		t.Fatal(err)
	}
	for _, c := range tf.Cases {
		texts = append(texts, c.Summary+"\n"+c.Details)
	}

	dir := t.TempDir()
	if _, err := exportgen.Generate(exportgen.Options{Seed: 3, Start: time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC),
		Weeks: 1, MessagesPerDay: 40, Dir: dir, Overwrite: true}); err != nil {
		t.Fatal(err)
	}
	exp, err := slackexport.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer exp.Close()
	if _, err := exp.Walk(func(m slackexport.Message) error {
		texts = append(texts, m.Text)
		return nil
	}); err != nil {
		t.Fatal(err)
	}

	words := ruleWords(cfg)
	rnd := rand.New(rand.NewPCG(1, 2))
	seps := []string{" ", " ", " ", ", ", ". ", "! ", "\n", " - ", "'", " 3 hours ", " 503 ", " for 2h "}
	for range 2000 {
		var b strings.Builder
		for range 3 + rnd.IntN(14) {
			w := words[rnd.IntN(len(words))]
			switch rnd.IntN(8) {
			case 0:
				w = strings.ToUpper(w)
			case 1:
				w = strings.ReplaceAll(w, "s", "ſ")
			case 2:
				w = strings.ReplaceAll(w, "k", "\u212a")
			}
			b.WriteString(w)
			b.WriteString(seps[rnd.IntN(len(seps))])
		}
		texts = append(texts, b.String())
	}

	channels := []string{"", "C0PLATHELP", "C0DATAHELP"}
	types := []string{"", "incident", "question", "access"}
	impacts := []string{"", "customers", "just me", "several teams"}
	at := time.Date(2026, 1, 6, 10, 30, 0, 0, time.UTC)
	var inputs []classifier.Input
	for i, text := range texts {
		summary, details, _ := strings.Cut(text, "\n")
		inputs = append(inputs, classifier.Input{
			Summary: summary, Details: details, Channel: channels[i%len(channels)], ChannelName: channels[i%len(channels)],
			Type: types[i%len(types)], Impact: impacts[i/3%len(impacts)], BusinessHours: i%5 != 0,
			At: at, NeededBy: at.Add(time.Duration(i%3) * 12 * time.Hour),
		})
	}
	return inputs
}

// ruleWords are the keywords of every example rule and the words in their
// regexes, e.g. "since", "yesterday" and "fail" from
// `\bfail\w*\b[^.]{0,50}\bsince yesterday\b`.
func ruleWords(cfg *config.Config) []string {
	var out []string
	escape, letters := regexp.MustCompile(`\\.`), regexp.MustCompile(`[a-zA-Z']{2,}`)
	add := func(rs []config.Rule) {
		for _, r := range rs {
			for _, list := range [][]string{r.Any, r.All, r.None} {
				out = append(out, list...)
			}
			// `\bfail\w*` is "fail", not "bfail" and "w".
			out = append(out, letters.FindAllString(escape.ReplaceAllString(r.Regex, " "), -1)...)
		}
	}
	add(cfg.Rules)
	for _, team := range cfg.Teams {
		add(team.Rules)
	}
	return append(out, "for", "since", "yesterday", "all", "every", "none of the", "hours", "days", fmt.Sprint(404))
}
