package learn

import (
	"strings"
	"testing"

	"github.com/sprintguard/sprintguard/classifier"
	"gopkg.in/yaml.v3"
)

const rulesFile = `# Our rules.
rules:
  - name: outage
    any: [down, "500s"]   # keep this comment
    urgency: P1
    category: incident

  - name: access
    any:
      - access
      - permission
    urgency: P3
    category: access

  - name: staging
    all: [staging]
    urgency: "P2"
    category: deploy

  - name: fallback
    default: true
    urgency: P3

  - name: long
    any: [one, 'it''s',
          "two"]  # the list goes on
    urgency: P4
`

var rulesLines = map[string]int{"outage": 3, "access": 8, "staging": 15, "fallback": 20, "long": 24}

func TestPatchWritesEditsAsAPersonWould(t *testing.T) {
	edits := []Edit{
		{Kind: AddPhrase, Rule: "outage", Phrases: []string{"site is down", "true"}},
		{Kind: AddPhrase, Rule: "access", Phrases: []string{"locked out"}},
		{Kind: AddPhrase, Rule: "staging", Phrases: []string{"preview env"}},
		{Kind: Retarget, Rule: "staging", Urgency: classifier.P4, Category: "question"},
		{Kind: AddPhrase, Rule: "long", Phrases: []string{"three"}},
		{Kind: AddRule, Rule: "learned-infra_change-cert", Phrases: []string{"certificate expired"}, Urgency: classifier.P2, Category: "infra_change", Estimate: 1.5},
	}
	out, err := Patch([]byte(rulesFile), rulesLines, nil, edits)
	if err != nil {
		t.Fatal(err)
	}
	got := string(out)
	wantIn(t, got,
		`    any: [down, "500s", "site is down", "true"]   # keep this comment`+"\n",
		"      - permission\n      - \"locked out\"\n    urgency: P3\n",
		"  - name: staging\n    any: [\"preview env\"]\n    all: [staging]\n",
		"    urgency: P4\n    category: question\n",
		"    any: [one, 'it''s',\n          \"two\", three]  # the list goes on\n",
		"  - name: learned-infra_change-cert\n    any: [\"certificate expired\"]\n    urgency: P2\n    category: infra_change\n    estimate: 1.5\n\n  - name: fallback\n",
	)
	// The result still reads as the same rules plus the edits.
	var doc struct {
		Rules []struct {
			Name string
			Any  []string
		}
	}
	if err := yaml.Unmarshal(out, &doc); err != nil {
		t.Fatalf("patched file is not YAML: %v\n%s", err, got)
	}
	if len(doc.Rules) != 6 || strings.Join(doc.Rules[0].Any, "|") != "down|500s|site is down|true" {
		t.Errorf("rules read back %+v", doc.Rules)
	}
	diff := Diff("rules.yaml", []byte(rulesFile), out)
	if !strings.HasPrefix(diff, "--- a/rules.yaml\n+++ b/rules.yaml\n@@") || !strings.Contains(diff, "+      - \"locked out\"\n") {
		t.Errorf("diff:\n%s", diff)
	}
	if Diff("rules.yaml", out, out) != "" {
		t.Errorf("diff of a file with itself is not empty")
	}
}

func TestPatchNamesARuleItCannotFind(t *testing.T) {
	_, err := Patch([]byte(rulesFile), map[string]int{"outage": 99}, nil, []Edit{{Kind: AddPhrase, Rule: "outage", Phrases: []string{"x"}}})
	if err == nil || !strings.Contains(err.Error(), "outage") {
		t.Errorf("err = %v, want one naming the rule", err)
	}
}

func TestPatchWritesUrgencyAndEstimateEdits(t *testing.T) {
	src := rulesFile + `
  - name: dns
    any: [dns]
    urgency: P2
    category: infra_change
    estimate: 4  # hours
`
	lines := map[string]int{"outage": 3, "access": 8, "staging": 15, "dns": 29}
	edits := []Edit{
		{Kind: Waits, Rule: "outage", Urgency: classifier.P3, Category: "incident"},
		{Kind: Declines, Rule: "staging", Urgency: classifier.P4, Category: "deploy"},
		{Kind: Reestimate, Rule: "access", Estimate: 0.5},
		{Kind: Reestimate, Rule: "dns", Estimate: 1.25, OldEstimate: 4},
	}
	out, err := Patch([]byte(src), lines, nil, edits)
	if err != nil {
		t.Fatal(err)
	}
	got := string(out)
	wantIn(t, got,
		"  - name: outage\n    any: [down, \"500s\"]   # keep this comment\n    urgency: P3\n    category: incident\n",
		"  - name: access\n    estimate: 0.5\n    any:\n",
		"    all: [staging]\n    urgency: P4\n    category: deploy\n",
		"    category: infra_change\n    estimate: 1.25  # hours\n",
	)
	var doc struct {
		Rules []struct {
			Name     string
			Estimate float64
		}
	}
	if err := yaml.Unmarshal(out, &doc); err != nil {
		t.Fatalf("patched file is not YAML: %v\n%s", err, got)
	}
	if est := doc.Rules[len(doc.Rules)-1].Estimate; est != 1.25 {
		t.Errorf("dns estimate reads back as %v, want the number 1.25", est)
	}
}

// TestPatchPutsANewRuleAboveTheCommentOfTheRuleItPrecedes is the
// reviewer's rule inserted between `&access-request`'s comment and the
// rule: the comment stays with the rule it speaks of.
func TestPatchPutsANewRuleAboveTheCommentOfTheRuleItPrecedes(t *testing.T) {
	src := `rules:
  - name: outage
    any: [down]
    urgency: P1

  # Grants and memberships:
  # the guide's access.
  - &access
    name: access
    any: [access]
    urgency: P3

  - name: fallback
    default: true
    urgency: P3
`
	out, err := Patch([]byte(src), map[string]int{"outage": 2, "access": 8, "fallback": 13}, nil,
		[]Edit{{Kind: AddRule, Rule: "learned-access-locked-out", Phrases: []string{"locked out"}, Urgency: classifier.P3, Category: "access", Ahead: "access"}})
	if err != nil {
		t.Fatal(err)
	}
	want := `    urgency: P1

  - name: learned-access-locked-out
    any: ["locked out"]
    urgency: P3
    category: access

  # Grants and memberships:
  # the guide's access.
  - &access
`
	if !strings.Contains(string(out), want) {
		t.Errorf("got\n%s\nwant it to hold\n%s", out, want)
	}
}

// TestPatchLeavesTheRuleAboveItsCommentedOutKey is the reviewer's
// `    # sla: 30m`: a comment indented under the rule above, right over
// the rule a new one goes before, is that rule's, and stays with it.
func TestPatchLeavesTheRuleAboveItsCommentedOutKey(t *testing.T) {
	src := `rules:
  - name: outage
    any: [down]
    urgency: P1
    # sla: 30m
  # Grants:
  - name: access
    any: [access]
    urgency: P3
  - name: fallback
    default: true
    urgency: P3
`
	out, err := Patch([]byte(src), map[string]int{"outage": 2, "access": 7, "fallback": 10}, nil,
		[]Edit{{Kind: AddRule, Rule: "new", Phrases: []string{"locked out"}, Urgency: classifier.P3, Category: "access", Ahead: "access"}})
	if err != nil {
		t.Fatal(err)
	}
	want := `    urgency: P1
    # sla: 30m
  - name: new
    any: ["locked out"]
    urgency: P3
    category: access

  # Grants:
  - name: access
`
	if !strings.Contains(string(out), want) {
		t.Errorf("got\n%s\nwant it to hold\n%s", out, want)
	}
}

// TestPatchPutsANewRuleBeforeAnAlias: a rule the edited list reuses by
// its alias has the new rule put before the alias, in that list, not
// before its anchor in the list that writes it out; an alias in a list
// written on one line leaves no line for it, which is an error.
func TestPatchPutsANewRuleBeforeAnAlias(t *testing.T) {
	src := `rules:
  - &fire
    name: fire
    any: [fire]
    urgency: P2
  - name: fallback
    default: true
    urgency: P3
teams:
  - name: data
    rules:
      # Shared:
      - *fire
      - name: own-fallback
        default: true
        urgency: P4
`
	lines := map[string]int{"fire": 2, "own-fallback": 14}
	add := []Edit{{Kind: AddRule, Rule: "drill", Phrases: []string{"fire drill"}, Urgency: classifier.P4, Category: "question", Ahead: "fire"}}
	out, err := Patch([]byte(src), lines, map[string]int{"fire": 13}, add)
	if err != nil {
		t.Fatal(err)
	}
	want := `    rules:
      - name: drill
        any: ["fire drill"]
        urgency: P4
        category: question

      # Shared:
      - *fire
`
	if !strings.Contains(string(out), want) || !strings.HasPrefix(string(out), "rules:\n  - &fire\n") {
		t.Errorf("got\n%s\nwant it to hold\n%s", out, want)
	}
	flow := strings.Replace(src, "      # Shared:\n      - *fire\n      - name: own-fallback\n        default: true\n        urgency: P4\n",
		"      [*fire, {name: own-fallback, default: true, urgency: P4}]\n", 1)
	if _, err := Patch([]byte(flow), map[string]int{"fire": 2, "own-fallback": 11}, map[string]int{"fire": 11}, add); err == nil || !strings.Contains(err.Error(), "by hand") {
		t.Errorf("an alias in a one-line list: err %v, want one saying to add the rule by hand", err)
	}
	// A rule written out inline in a one-line list has no line either.
	own := []Edit{{Kind: AddRule, Rule: "drill", Phrases: []string{"fire drill"}, Urgency: classifier.P4, Category: "question", Ahead: "own-fallback"}}
	if _, err := Patch([]byte(flow), map[string]int{"fire": 2, "own-fallback": 12}, map[string]int{"fire": 12}, own); err == nil || !strings.Contains(err.Error(), "by hand") {
		t.Errorf("an inline rule in a one-line list: err %v, want one saying to add the rule by hand", err)
	}
}
