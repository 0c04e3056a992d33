package triage_test

import (
	"context"
	"testing"
	"time"

	"github.com/sprintguard/sprintguard/classifier"
	"github.com/sprintguard/sprintguard/triage"
)

func TestIntakeDecides(t *testing.T) {
	tests := []struct {
		summary  string
		urgency  classifier.Urgency
		rule     string
		outcome  triage.Outcome
		status   triage.Status
		assignee string
		estimate float64
	}{
		{"checkout is down for everyone", classifier.P1, "outage", triage.Accepted, triage.StatusOpen, "UA", 3},
		{"deploy of api stuck at canary", classifier.P2, "deploy-blocked", triage.Accepted, triage.StatusOpen, "UA", 2},
		{"need read access to the billing bucket", classifier.P3, "access", triage.Accepted, triage.StatusOpen, "UA", 1},
		{"how do I rotate my keys", classifier.P4, "question", triage.Backlog, triage.StatusBacklog, "", 1},
		{"printer noises", classifier.P3, "default", triage.Accepted, triage.StatusOpen, "UA", 2},
		// Live intake classifies the normalised text (issue 11): neither a
		// URL's path nor a pasted log line is an outage.
		{"see https://status.example.com/down for the plan", classifier.P3, "default", triage.Accepted, triage.StatusOpen, "UA", 2},
		{"worker restarts: `2026-01-06 09:58:01 INFO server shutting down`", classifier.P3, "default", triage.Accepted, triage.StatusOpen, "UA", 2},
	}
	for _, tc := range tests {
		t.Run(tc.summary, func(t *testing.T) {
			f := newFixture(t)
			r := f.intake(t, triage.NewRequest{Summary: tc.summary, UserName: "Hugo"}).Request
			if r.Urgency != tc.urgency || r.Decision.Rule != tc.rule || r.Outcome != tc.outcome ||
				r.Status != tc.status || r.Assignee != tc.assignee || r.Estimate != tc.estimate {
				t.Errorf("got %s rule %s outcome %s status %s assignee %q estimate %g; want %s %s %s %s %q %g",
					r.Urgency, r.Decision.Rule, r.Outcome, r.Status, r.Assignee, r.Estimate,
					tc.urgency, tc.rule, tc.outcome, tc.status, tc.assignee, tc.estimate)
			}
			if r.Team != "platform" || r.RequesterTeam != "payments" || r.Sprint != 22 {
				t.Errorf("team %q requester team %q sprint %d; want platform, payments, 22", r.Team, r.RequesterTeam, r.Sprint)
			}
			jobs := f.jobs(t)
			if len(jobs) == 0 || jobs[0].Kind != triage.JobCreateTicket || jobs[0].RequestID != r.ID {
				t.Fatalf("first queued job = %+v, want the ticket for request %d", jobs, r.ID)
			}
		})
	}
}

func TestIntakeBudgetPolicy(t *testing.T) {
	f := newFixture(t)
	// The budget is 10 points: five 2-point deploys fill it exactly.
	for i := 0; i < 5; i++ {
		r := f.intake(t, triage.NewRequest{Summary: "deploy blocked on service " + string(rune('a'+i)), User: "U" + string(rune('1'+i))}).Request
		if r.Outcome != triage.Accepted {
			t.Fatalf("deploy %d: outcome %s, want accepted while the budget holds", i, r.Outcome)
		}
	}
	p2 := f.intake(t, triage.NewRequest{Summary: "deploy stuck again", User: "U9"}).Request
	if p2.Outcome != triage.NeedsApproval || p2.Status != triage.StatusPending || p2.Assignee != "" {
		t.Errorf("P2 over budget: %s %s %q, want needs_approval, pending, unassigned", p2.Outcome, p2.Status, p2.Assignee)
	}
	p3 := f.intake(t, triage.NewRequest{Summary: "access to grafana please", User: "U8"}).Request
	if p3.Outcome != triage.Deferred || p3.Sprint != 23 || !p3.SprintStart.Equal(time.Date(2026, 11, 23, 0, 0, 0, 0, chicago)) {
		t.Errorf("P3 over budget: %s sprint %d starting %v, want deferred to sprint 23 on 2026-11-23", p3.Outcome, p3.Sprint, p3.SprintStart)
	}
	p1 := f.intake(t, triage.NewRequest{Summary: "site is down", User: "U7"}).Request
	if p1.Outcome != triage.Accepted || !p1.OverBudget {
		t.Errorf("P1 over budget: %s over=%v, want accepted over budget", p1.Outcome, p1.OverBudget)
	}
	var used float64
	var crossed []float64
	f.db.View(func(tx triage.Tx) error {
		l, err := tx.Ledger("platform", 22)
		if err != nil {
			t.Fatal(err)
		}
		used, crossed = l.Used(), l.Crossed
		return nil
	})
	if used != 13 {
		t.Errorf("ledger used %g, want 13 (5 deploys of 2 and a P1 of 3)", used)
	}
	if len(crossed) != 3 {
		t.Errorf("thresholds crossed %v, want 50%%, 80%% and 100%% once each", crossed)
	}
	budgetNotices := 0
	for _, j := range f.jobs(t) {
		if j.Kind == triage.JobNotify && j.RequestID == 0 {
			budgetNotices++
		}
	}
	if budgetNotices != 3 {
		t.Errorf("%d budget threshold notices queued, want 3", budgetNotices)
	}

	// A lead approves the pending P2: it joins the sprint, over budget.
	r, changed, err := f.svc.Apply(context.Background(), p2.ID, triage.Change{Actor: "ULEAD", Action: triage.ActApprove})
	if err != nil || !changed || r.Outcome != triage.Accepted || r.Assignee != "UA" || !r.OverBudget {
		t.Errorf("approve: %v changed=%v %s %q over=%v", err, changed, r.Outcome, r.Assignee, r.OverBudget)
	}
	if _, _, err := f.svc.Apply(context.Background(), p3.ID, triage.Change{Actor: "UA", Action: triage.ActApprove}); triage.ErrorCode(err) != triage.EFORBIDDEN {
		t.Errorf("approve by a non-lead: %v, want forbidden", err)
	}
}

func TestIntakeAfterHoursP2WaitsForBusinessHours(t *testing.T) {
	f := newFixture(t)
	f.clock.set(time.Date(2026, 11, 20, 22, 0, 0, 0, chicago)) // Friday night
	r := f.intake(t, triage.NewRequest{Summary: "deploy blocked by a failing check"}).Request
	want := time.Date(2026, 11, 23, 9, 0, 0, 0, chicago)
	if !r.NotifyAt.Equal(want) {
		t.Errorf("NotifyAt %v, want Monday 09:00 %v", r.NotifyAt, want)
	}
	// The ticket is made at once; the on-call hears of it on Monday.
	w := f.worker(f.localTracker(), nil)
	drain(t, w)
	oncall := func() (n int) {
		for _, no := range f.notices {
			if no.Kind == triage.NoticeOnCall {
				n++
			}
		}
		return n
	}
	if got := f.request(t, r.ID); got.Ticket.Key == "" || oncall() != 0 {
		t.Fatalf("Friday night: ticket %q, %d on-call notices; want a ticket and none", got.Ticket.Key, oncall())
	}
	f.clock.set(want.Add(-time.Minute))
	drain(t, w)
	if oncall() != 0 {
		t.Fatal("the on-call was told before business hours")
	}
	f.clock.set(want)
	drain(t, w)
	if oncall() != 1 {
		t.Fatalf("%d on-call notices at Monday 09:00, want 1", oncall())
	}
}

func TestIntakeDeduplicates(t *testing.T) {
	f := newFixture(t)
	first := f.intake(t, triage.NewRequest{Summary: "deploy stuck for payments-api", EventKey: "Ev1", TS: "1763395200.000100"})
	// Slack retries the same event twice.
	for i := 0; i < 2; i++ {
		again := f.intake(t, triage.NewRequest{Summary: "deploy stuck for payments-api", EventKey: "Ev1", TS: "1763395200.000100"})
		if !again.Repeat || again.Request.ID != first.Request.ID {
			t.Fatalf("retry %d: repeat=%v id %d, want the first request %d", i, again.Repeat, again.Request.ID, first.Request.ID)
		}
	}
	// A delivery with no message (a modal submission) is deduplicated on
	// its key alone.
	modal := f.intake(t, triage.NewRequest{Summary: "new DNS record for status page", EventKey: "V1:1763395300.1"})
	modalAgain := f.intake(t, triage.NewRequest{Summary: "new DNS record for status page", EventKey: "V1:1763395300.1"})
	if !modalAgain.Repeat || modalAgain.Request == nil || modalAgain.Request.ID != modal.Request.ID {
		t.Fatalf("modal retry: %+v, want a repeat of request %d", modalAgain, modal.Request.ID)
	}
	// The same message through another way in (a reaction) is the same request.
	viaReaction := f.intake(t, triage.NewRequest{Summary: "deploy stuck for payments-api", EventKey: "Ev2", TS: "1763395200.000100", Source: triage.SourceReaction})
	if !viaReaction.Repeat || viaReaction.Request.ID != first.Request.ID {
		t.Errorf("same message by reaction: repeat=%v id %d", viaReaction.Repeat, viaReaction.Request.ID)
	}
	// The same requester asks again in other words within the window.
	f.clock.add(10 * time.Minute)
	dup := f.intake(t, triage.NewRequest{Summary: "Deploy stuck for payments-api!", TS: "1763395800.000100"})
	if !dup.Duplicate || dup.Request.ID != first.Request.ID {
		t.Errorf("near-identical summary: duplicate=%v id %d, want linked to %d", dup.Duplicate, dup.Request.ID, first.Request.ID)
	}
	// Someone else asking the same is a new request, and so is the same
	// requester after the window.
	other := f.intake(t, triage.NewRequest{Summary: "deploy stuck for payments-api", User: "UOTHER", TS: "1763395900.000100"})
	f.clock.add(time.Hour)
	later := f.intake(t, triage.NewRequest{Summary: "deploy stuck for payments-api", TS: "1763399500.000100"})
	if other.Duplicate || later.Duplicate || other.Request.ID == first.Request.ID || later.Request.ID == first.Request.ID {
		t.Errorf("other requester / after window linked to the first request")
	}
	creates := 0
	for _, j := range f.jobs(t) {
		if j.Kind == triage.JobCreateTicket {
			creates++
		}
	}
	if creates != 4 {
		t.Errorf("%d ticket jobs queued, want 4", creates)
	}
}

func TestIntakeRefusesBadInput(t *testing.T) {
	f := newFixture(t)
	if _, err := f.svc.Intake(context.Background(), triage.NewRequest{Summary: "  ", Channel: "C0HELP", User: "U1"}); triage.ErrorCode(err) != triage.EINVALID {
		t.Errorf("empty summary: %v, want invalid", err)
	}
	if _, err := f.svc.Intake(context.Background(), triage.NewRequest{Summary: "x", Channel: "CRANDOM", User: "U1"}); triage.ErrorCode(err) != triage.EINVALID {
		t.Errorf("unknown channel: %v, want invalid", err)
	}
}

func TestSilentServiceQueuesNoNotices(t *testing.T) {
	f := newFixture(t)
	f.svc.Silent = true
	r := f.intake(t, triage.NewRequest{Summary: "deploy stuck again"}).Request
	if _, _, err := f.svc.Apply(context.Background(), r.ID, triage.Change{Actor: "UA", Action: triage.ActAcknowledge}); err != nil {
		t.Fatal(err)
	}
	kinds := map[string]int{}
	for _, j := range f.jobs(t) {
		kinds[j.Kind]++
	}
	if kinds[triage.JobNotify] != 0 || kinds[triage.JobCreateTicket] != 1 || kinds[triage.JobUpdateTicket] != 1 {
		t.Errorf("queued %v, want the ticket jobs and no notices", kinds)
	}
}
