package cli

import (
	"slices"
	"testing"

	"github.com/sprintguard/sprintguard/classifier"
	"github.com/sprintguard/sprintguard/triage"
)

// TestExportWritesTheCategoryTheOnCallSet checks that both export formats
// write the category as it is now: the on-call's change wins over the
// rules', as a changed urgency does.
func TestExportWritesTheCategoryTheOnCallSet(t *testing.T) {
	r := &triage.Request{ID: 7, Team: "ops", Urgency: classifier.P1, Category: "incident",
		Decision: classifier.Decision{Urgency: classifier.P3, Category: "other", Rule: "default"}}
	if row := exportRow(r); row[slices.Index(exportColumns, "category")] != "incident" {
		t.Errorf("CSV row %q, want category incident", row)
	}
	if c := exportLine(r).Category; c == nil || *c != "incident" {
		t.Errorf("JSON line category %q, want incident", deref(c))
	}
	r.Category = ""
	if c := exportLine(r).Category; c == nil || *c != "other" {
		t.Errorf("JSON line category %q without a change, want the rules' other", deref(c))
	}
}

func deref(s *string) string {
	if s == nil {
		return "(null)"
	}
	return *s
}
