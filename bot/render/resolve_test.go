package render

import (
	"testing"

	"github.com/slack-go/slack"

	"github.com/sprintguard/sprintguard/triage"
)

func TestResolveModal(t *testing.T) {
	tests := []struct {
		name      string
		estimate  float64
		unit      string
		wantLabel string
		wantValue string
	}{
		{"hours", 2.5, "hours", "Time spent (hours)", "2.5"},
		{"points", 3, "points", "Time spent (points)", "3"},
		{"no unit", 0, "", "Time spent", "0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := testRequest(t, func(r *triage.Request) { r.Estimate = tt.estimate; r.Summary = "<b>&" })
			m := ResolveModal(r, tt.unit)
			if m.CallbackID != CallbackResolve || m.PrivateMetadata != "12" {
				t.Errorf("callback %q, metadata %q", m.CallbackID, m.PrivateMetadata)
			}
			d := decode(t, m.Blocks)
			checkLimits(t, d, maxView)
			els := elements(d)[blockSpent]
			if len(els) != 1 {
				t.Fatalf("%d spent elements", len(els))
			}
			el := els[0]
			if el["type"] != "number_input" || el["is_decimal_allowed"] != true || el["min_value"] != "0" || el["initial_value"] != tt.wantValue {
				t.Errorf("spent element = %v", el)
			}
			wantContains(t, texts(d), []string{tt.wantLabel, "REQ-12", "&lt;b&gt;&amp;"}, nil)
		})
	}
}

func TestParseResolveModal(t *testing.T) {
	tests := []struct {
		name    string
		meta    string
		value   string
		wantID  int64
		want    float64
		wantErr bool
	}{
		{"decimal", "12", "2.5", 12, 2.5, false},
		{"zero", "12", "0", 12, 0, false},
		{"spaces", "7", " 4 ", 7, 4, false},
		{"empty", "12", "", 12, 0, true},
		{"negative", "12", "-1", 12, 0, true},
		{"words", "12", "two", 12, 0, true},
		{"nan", "12", "NaN", 12, 0, true},
		{"bad metadata", "x", "2", 0, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := view(tt.meta, map[string]slack.BlockAction{blockSpent: {Value: tt.value}})
			id, spent, errs := ParseResolveModal(v)
			if id != tt.wantID || spent != tt.want || (errs != nil) != tt.wantErr {
				t.Fatalf("ParseResolveModal = %d, %g, %v; want %d, %g, error %v", id, spent, errs, tt.wantID, tt.want, tt.wantErr)
			}
			if tt.wantErr && errs[blockSpent] == "" {
				t.Errorf("errors %v not keyed by %q", errs, blockSpent)
			}
		})
	}
}
