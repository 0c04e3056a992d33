package render

import (
	"errors"
	"slices"
	"testing"

	"github.com/sprintguard/sprintguard/classifier"
	"github.com/sprintguard/sprintguard/triage"
)

func TestCategorySelect(t *testing.T) {
	rules, err := classifier.Compile([]classifier.Rule{
		{Name: "outage", Any: []string{"down"}, Urgency: classifier.P1, Category: "incident"},
		{Name: "access", Any: []string{"access"}, Urgency: classifier.P3, Category: "access"},
		{Name: "fallback", Default: true, Urgency: classifier.P3, Category: "other"},
	}, classifier.Options{})
	if err != nil {
		t.Fatal(err)
	}
	withRules := testTeam(t)
	withRules.Rules = rules
	tests := []struct {
		name     string
		team     *triage.Team
		category string // the request's, "" for none
		want     []string
		initial  string
	}{
		{"the rules' categories", withRules, "incident", []string{"12:access", "12:incident", "12:other"}, "12:incident"},
		{"a category the rules no longer assign comes first", withRules, "deploy", []string{"12:deploy", "12:access", "12:incident", "12:other"}, "12:deploy"},
		{"the standard list without rules", testTeam(t), "", []string{"12:access", "12:deploy", "12:incident", "12:infra_change", "12:question", "12:security", "12:other"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := testRequest(t, func(r *triage.Request) { r.Decision.Category = tt.category })
			d := checkMessage(t, OnCall(r, tt.team))
			els := elements(d)[ActionCategory]
			if len(els) != 1 || els[0]["type"] != "static_select" {
				t.Fatalf("category element = %v", els)
			}
			var values []string
			for _, o := range els[0]["options"].([]any) {
				values = append(values, o.(map[string]any)["value"].(string))
			}
			if !slices.Equal(values, tt.want) {
				t.Errorf("options = %v, want %v", values, tt.want)
			}
			initial, _ := els[0]["initial_option"].(map[string]any)
			if got, _ := initial["value"].(string); got != tt.initial {
				t.Errorf("initial option = %q, want %q", got, tt.initial)
			}
		})
	}
}

func TestParseCategoryOption(t *testing.T) {
	tests := []struct {
		in       string
		id       int64
		category string
		fail     bool
	}{
		{in: "12:access", id: 12, category: "access"},
		{in: "340:infra_change", id: 340, category: "infra_change"},
		{in: "12:", fail: true},
		{in: ":access", fail: true},
		{in: "access", fail: true},
		{in: "x:access", fail: true},
		{in: "", fail: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			id, c, err := ParseCategoryOption(tt.in)
			if tt.fail {
				if !errors.Is(err, ErrBadValue) {
					t.Fatalf("ParseCategoryOption(%q) = %d, %q, %v; want an ErrBadValue", tt.in, id, c, err)
				}
				return
			}
			if err != nil || id != tt.id || c != tt.category {
				t.Fatalf("ParseCategoryOption(%q) = %d, %q, %v; want %d, %q", tt.in, id, c, err, tt.id, tt.category)
			}
		})
	}
	if id, c, err := ParseCategoryOption(categoryValue(99, "security")); err != nil || id != 99 || c != "security" {
		t.Errorf("round trip: %d, %q, %v", id, c, err)
	}
}
