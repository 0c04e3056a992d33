package bot_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/sprintguard/sprintguard/triage"
)

// TestTheOnCallSeesSimilarPastRequests runs the served path: three
// requests about the nightly ETL are resolved with the time spent, and the
// on-call's DM about a fourth lists them, with who resolved them and the
// time they took, and charges their median instead of the rule's estimate.
func TestTheOnCallSeesSimilarPastRequests(t *testing.T) {
	h := newHarness(t)
	// Small, so that the budget leaves room for the fourth.
	// Each from another requester: one person asking again is a duplicate.
	for i, spent := range []float64{1, 0.5, 1.5} {
		h.event(fmt.Sprintf("Ev%d", i), h.message(dataHelp, fmt.Sprintf("U0PAY00%d", i+1), fmt.Sprintf("the nightly invoices ETL run %d failed with a schema mismatch", i), h.ts(), ""))
		r := h.ticketed(i + 1)[i]
		if _, _, err := h.svc.Apply(context.Background(), r.ID, triage.Change{Actor: dataOncall, Action: triage.ActResolve, Actual: spent, HasActual: true}); err != nil {
			t.Fatal(err)
		}
	}
	h.event("Ev9", h.message(dataHelp, "U0MOB001", "the nightly invoices ETL failed again, schema mismatch", h.ts(), ""))
	r := h.ticketed(4)[3]
	var dm string
	h.waitFor("the on-call DM with similar requests", func() bool {
		for _, p := range h.posts(h.fake.DM(r.Assignee)) {
			if strings.Contains(p, "nightly invoices ETL failed again") {
				dm = p
				return true
			}
		}
		return false
	})
	// The blocks are JSON: Slack's mention brackets are escaped there.
	for _, want := range []string{"Similar past requests", `resolved by \u003c@` + dataOncall + `\u003e`, "median of ", "took 1.5 points"} {
		if !strings.Contains(dm, want) {
			t.Errorf("the DM lacks %q:\n%s", want, dm)
		}
	}
	if got := h.requests()[3]; got.Estimate != 1 || !strings.HasPrefix(got.EstimateWhy, "estimate 1 ") {
		t.Errorf("estimate %g (%q), want the median 1", got.Estimate, got.EstimateWhy)
	}
}
