package triage_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sprintguard/sprintguard/classifier"
	"github.com/sprintguard/sprintguard/triage"
)

// queued counts the notices of kind queued for request id.
func (f *fixture) queued(t *testing.T, id int64, kind string) int {
	t.Helper()
	n := 0
	for _, j := range f.jobs(t) {
		if j.Kind == triage.JobNotify && j.RequestID == id && strings.Contains(string(j.Payload), `"kind":"`+kind+`"`) {
			n++
		}
	}
	return n
}

func TestClaimReachesTheOnCallAtOnce(t *testing.T) {
	f := newFixture(t)
	r := f.intake(t, triage.NewRequest{Summary: "how do I rotate my keys", Claimed: classifier.P1}).Request
	if r.Urgency != classifier.P4 || r.Decision.Rule != "question" || r.Status != triage.StatusBacklog {
		t.Fatalf("claimed request: %s rule %s status %s; want the rules' P4 (question), backlog", r.Urgency, r.Decision.Rule, r.Status)
	}
	if r.ClaimState != triage.ClaimPending || r.Assignee != "UA" {
		t.Fatalf("claim state %q assignee %q; want pending, the on-call UA", r.ClaimState, r.Assignee)
	}
	// The P1 rule "outage" sets ack 15m: the claim follows it.
	if r.AckSLA() != 15*time.Minute {
		t.Errorf("AckSLA = %s, want the P1 ack of 15m", r.AckSLA())
	}
	if n := f.queued(t, r.ID, triage.NoticeClaim); n != 1 {
		t.Fatalf("%d claim notices queued at intake, want 1", n)
	}

	// Nobody answers: the claim escalates at the P1 ack SLA, once.
	f.team.EscalateTo = "ULEAD"
	w := f.worker(f.localTracker(), nil)
	f.clock.add(14 * time.Minute)
	drain(t, w)
	if got := f.request(t, r.ID); !got.EscalatedAt.IsZero() {
		t.Fatal("escalated before the P1 ack SLA ran out")
	}
	f.clock.add(time.Minute)
	drain(t, w)
	if got := f.request(t, r.ID); got.EscalatedAt.IsZero() {
		t.Fatal("an unanswered claim was not escalated at the P1 ack SLA")
	}
	if n, _ := f.svc.Escalate(context.Background()); n != 0 {
		t.Errorf("the SLA sweep escalated %d more", n)
	}
	var escalated int
	for _, n := range f.notices {
		if n.Kind == triage.NoticeEscalated && n.RequestID == r.ID && n.Text == "ULEAD" {
			escalated++
		}
	}
	if escalated != 1 {
		t.Errorf("%d escalation notices sent, want 1", escalated)
	}
	// The ticket was made, but the on-call already had the claim: no second
	// on-call message.
	for _, n := range f.notices {
		if n.Kind == triage.NoticeOnCall {
			t.Errorf("on-call notice sent besides the claim: %+v", n)
		}
	}
}

func TestClaimAnswers(t *testing.T) {
	ctx := context.Background()
	t.Run("confirm raises to P1 once, as an override, into the sprint", func(t *testing.T) {
		f := newFixture(t)
		r := f.intake(t, triage.NewRequest{Summary: "how do I rotate my keys", Claimed: classifier.P1}).Request
		var wg sync.WaitGroup
		changed := make([]bool, 4)
		for i := range changed {
			wg.Add(1)
			go func() {
				defer wg.Done()
				// Slack retries, double clicks and a colleague's click at once.
				actor := []string{"UA", "UC"}[i%2]
				_, ch, err := f.svc.Apply(ctx, r.ID, triage.Change{Actor: actor, Action: triage.ActConfirmClaim})
				if err != nil {
					t.Error(err)
				}
				changed[i] = ch
			}()
		}
		wg.Wait()
		n := 0
		for _, c := range changed {
			if c {
				n++
			}
		}
		if n != 1 {
			t.Fatalf("%d of 4 answers changed the request, want exactly 1", n)
		}
		got := f.request(t, r.ID)
		if got.ClaimState != triage.ClaimConfirmed || got.Urgency != classifier.P1 || got.Decision.Urgency != classifier.P4 {
			t.Fatalf("after confirm: claim %q urgency %s rules %s; want confirmed, P1, rules still P4", got.ClaimState, got.Urgency, got.Decision.Urgency)
		}
		if len(got.Overrides) != 1 || got.Overrides[0].From != classifier.P4 || got.Overrides[0].To != classifier.P1 {
			t.Errorf("overrides = %+v, want one from P4 to P1", got.Overrides)
		}
		if got.Outcome != triage.Accepted || got.Status != triage.StatusAcknowledged || got.AckedAt.IsZero() || !got.Charged() {
			t.Errorf("after confirm: %s %s acked %v charged %v; want an accepted, acknowledged P1 charged to the sprint",
				got.Outcome, got.Status, got.AckedAt, got.Charged())
		}
		if n := f.queued(t, r.ID, triage.NoticeChanged); n != 1 {
			t.Errorf("%d change notices, want 1 (posts edited, thread told)", n)
		}
		if _, ch, _ := f.svc.Apply(ctx, r.ID, triage.Change{Actor: "UC", Action: triage.ActKeepClaim}); ch {
			t.Error("keep after confirm changed the request")
		}
	})
	t.Run("keep records the downgrade", func(t *testing.T) {
		f := newFixture(t)
		r := f.intake(t, triage.NewRequest{Summary: "how do I rotate my keys", Claimed: classifier.P1}).Request
		for i := 0; i < 2; i++ {
			_, ch, err := f.svc.Apply(ctx, r.ID, triage.Change{Actor: "UA", Action: triage.ActKeepClaim})
			if err != nil || ch != (i == 0) {
				t.Fatalf("keep #%d: changed %v, %v", i+1, ch, err)
			}
		}
		got := f.request(t, r.ID)
		if got.ClaimState != triage.ClaimKept || got.Urgency != classifier.P4 || got.Status != triage.StatusBacklog || len(got.Overrides) != 0 {
			t.Fatalf("after keep: claim %q %s %s overrides %v; want kept, P4, backlog, none", got.ClaimState, got.Urgency, got.Status, got.Overrides)
		}
		if got.AckSLA() != 0 {
			t.Errorf("a kept claim still runs the P1 ack SLA: %s", got.AckSLA())
		}
		// Answered in time: the claim's deadline passes without escalation.
		f.team.EscalateTo = "ULEAD"
		f.clock.add(time.Hour)
		drain(t, f.worker(f.localTracker(), nil))
		if !f.request(t, r.ID).EscalatedAt.IsZero() {
			t.Error("an answered claim was escalated")
		}
	})
	t.Run("outsiders cannot answer", func(t *testing.T) {
		f := newFixture(t)
		r := f.intake(t, triage.NewRequest{Summary: "how do I rotate my keys", Claimed: classifier.P1}).Request
		if _, _, err := f.svc.Apply(ctx, r.ID, triage.Change{Actor: "UPAY", Action: triage.ActConfirmClaim}); triage.ErrorCode(err) != triage.EFORBIDDEN {
			t.Fatalf("requester confirming their own claim: %v, want forbidden", err)
		}
	})
	t.Run("a claim the rules agree with is no claim", func(t *testing.T) {
		f := newFixture(t)
		r := f.intake(t, triage.NewRequest{Summary: "checkout is down", Claimed: classifier.P1}).Request
		if r.ClaimState != "" || f.queued(t, r.ID, triage.NoticeClaim) != 0 {
			t.Fatalf("P1 claimed as P1: claim state %q, want none and no claim notice", r.ClaimState)
		}
	})
}
