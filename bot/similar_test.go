package bot_test

import (
	"context"
	"encoding/json"
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
	dm := h.dmWith(r.Assignee, "nightly invoices ETL failed again")
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

// TestALateLearnedEstimateEditsWhatExplainedTheRulesOne: once the data
// team's budget is spent, a P2 asks the lead's approval at intake, before
// the similar lookup runs. When the lookup then learns the estimate, the
// approval DM is edited in place to say where the estimate came from;
// nothing new is posted, and the requester's reply explains it too.
func TestALateLearnedEstimateEditsWhatExplainedTheRulesOne(t *testing.T) {
	h := newHarness(t)
	const lead = "U0DATA001"
	// Budget 8 points; each of three P2s (estimate 2) took 3: 9 used.
	for i := range 3 {
		h.event(fmt.Sprintf("Ev%d", i), h.message(dataHelp, fmt.Sprintf("U0PAY00%d", i+1), fmt.Sprintf("the invoices dbt run failed at step %d with a schema mismatch", i), h.ts(), ""))
		r := h.ticketed(i + 1)[i]
		if _, _, err := h.svc.Apply(context.Background(), r.ID, triage.Change{Actor: dataOncall, Action: triage.ActResolve, Actual: 3, HasActual: true}); err != nil {
			t.Fatal(err)
		}
	}
	ts := h.ts()
	h.event("Ev9", h.message(dataHelp, "U0MOB001", "the invoices dbt run failed again, schema mismatch", ts, ""))
	r := h.ticketed(4)[3]
	if r.Status != triage.StatusPending {
		t.Fatalf("status %s, want %s: the test needs the budget spent", r.Status, triage.StatusPending)
	}
	approval := func() []string {
		var out []string
		for _, m := range h.fake.Messages(h.fake.DM(lead)) {
			b, _ := json.Marshal(m.Blocks)
			if strings.Contains(string(b), "dbt run failed again") {
				out = append(out, string(b))
			}
		}
		return out
	}
	h.waitFor("the approval DM to explain the learned estimate", func() bool {
		a := approval()
		return len(a) == 1 && strings.Contains(a[0], "; estimate 3 points: median of REQ-1, REQ-2, REQ-3")
	})
	if n := len(h.postsWith(h.fake.DM(lead), "dbt run failed again")); n != 1 {
		t.Errorf("%d approval DMs posted, want 1 (edited, not posted again)", n)
	}
	h.waitFor("the requester's reply", func() bool { return len(h.threadPosts(dataHelp, ts)) > 0 })
	if reply := h.threadPosts(dataHelp, ts)[0]; !strings.Contains(reply, "; estimate 3 points: median of REQ-1, REQ-2, REQ-3") {
		t.Errorf("the reply does not explain the learned estimate:\n%s", reply)
	}
}

// TestSimilarRequestsNotResolvedYet: the on-call's DM shows a similar
// request that is still open as not resolved yet, with who has it; once it
// is resolved, the App Home shows it as it stands now, with who resolved
// it and the time it took, not as the lookup saw it.
func TestSimilarRequestsNotResolvedYet(t *testing.T) {
	h := newHarness(t)
	h.event("Ev1", h.message(dataHelp, "U0PAY001", "the nightly invoices ETL failed with a schema mismatch", h.ts(), ""))
	first := h.ticketed(1)[0]
	h.event("Ev2", h.message(dataHelp, "U0MOB001", "the nightly invoices ETL failed again, schema mismatch", h.ts(), ""))
	second := h.ticketed(2)[1]
	h.waitFor("the lookup", func() bool { return h.requests()[1].SimilarDone })
	dm := h.dmWith(second.Assignee, "ETL failed again")
	want := first.Ticket.Key + ` · *P3* · the nightly invoices ETL failed with a schema mismatch · not resolved yet (open, \u003c@` + first.Assignee + `\u003e has it)`
	if !strings.Contains(dm, want) {
		t.Errorf("the DM lacks %q:\n%s", want, dm)
	}

	if _, _, err := h.svc.Apply(context.Background(), first.ID, triage.Change{Actor: dataOncall, Action: triage.ActResolve, Actual: 2.5, HasActual: true}); err != nil {
		t.Fatal(err)
	}
	h.event("EvHome", map[string]any{"type": "app_home_opened", "user": dataOncall, "channel": "D0DATA", "tab": "home"})
	h.waitFor("views.publish", func() bool { _, ok := h.fake.HomeView(dataOncall); return ok })
	raw, _ := h.fake.HomeView(dataOncall)
	want = first.Ticket.Key + ` · *P3* · the nightly invoices ETL failed with a schema mismatch · resolved by \u003c@` + dataOncall + `\u003e · took 2.5 points`
	if !strings.Contains(string(raw), want) {
		t.Errorf("the App Home lacks %q:\n%s", want, raw)
	}
	// A requester from outside the team sees the team's open requests, as
	// the README says, but not its notes on them.
	h.event("EvHome2", map[string]any{"type": "app_home_opened", "user": outsider, "channel": "D0OUTSIDER", "tab": "home"})
	h.waitFor("views.publish", func() bool { _, ok := h.fake.HomeView(outsider); return ok })
	raw, _ = h.fake.HomeView(outsider)
	if strings.Contains(string(raw), "Similar past requests") || !strings.Contains(string(raw), "ETL failed again") {
		t.Errorf("the outsider's App Home shows similar requests, or not the open ones:\n%s", raw)
	}
}

// dmWith waits for the first DM to user that has text, and returns it.
func (h *harness) dmWith(user, text string) string {
	h.t.Helper()
	var dm string
	h.waitFor("a DM to "+user+" with "+text, func() bool {
		for _, p := range h.posts(h.fake.DM(user)) {
			if strings.Contains(p, text) {
				dm = p
				return true
			}
		}
		return false
	})
	return dm
}
