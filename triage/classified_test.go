package triage_test

import (
	"testing"
	"time"

	"github.com/sprintguard/sprintguard/classifier"
	"github.com/sprintguard/sprintguard/triage"
)

// TestIntakeTakesTheClassificationWorkedOutAhead checks NewRequest.Classified:
// Intake decides with it instead of classifying again, ahead or not gives
// the same request, and one made with settings no longer in force is
// ignored.
func TestIntakeTakesTheClassificationWorkedOutAhead(t *testing.T) {
	at := time.Date(2026, 11, 17, 10, 0, 0, 0, chicago)
	in := func(summary string) triage.NewRequest {
		return triage.NewRequest{Summary: summary, Channel: "C0HELP", ChannelName: "platform-help", User: "UPAY", At: at}
	}
	t.Run("same as classifying in intake", func(t *testing.T) {
		for _, summary := range []string{"checkout is down for everyone", "  need read access to the billing bucket ", "how do I rotate my keys"} {
			plain := newFixture(t).intake(t, in(summary)).Request
			f := newFixture(t)
			ahead := in(summary)
			c, err := f.svc.Classify(ahead)
			if err != nil {
				t.Fatalf("Classify(%q): %v", summary, err)
			}
			ahead.Classified = &c
			got := f.intake(t, ahead).Request
			if got.Urgency != plain.Urgency || got.Decision.Rule != plain.Decision.Rule || got.Team != plain.Team ||
				got.Decision.Explain() != plain.Decision.Explain() || got.Outcome != plain.Outcome {
				t.Errorf("%q: ahead %s %s %s, in intake %s %s %s", summary,
					got.Urgency, got.Decision.Rule, got.Outcome, plain.Urgency, plain.Decision.Rule, plain.Outcome)
			}
		}
	})
	t.Run("taken, not classified again", func(t *testing.T) {
		f := newFixture(t)
		c, err := f.svc.Classify(in("checkout is down for everyone"))
		if err != nil {
			t.Fatal(err)
		}
		// Misused on purpose: only a decision taken as given is the outage's.
		other := in("printer noises")
		other.Classified = &c
		if r := f.intake(t, other).Request; r.Decision.Rule != "outage" || r.Urgency != classifier.P1 {
			t.Errorf("got rule %s %s, want the outage's decision handed in", r.Decision.Rule, r.Urgency)
		}
	})
	t.Run("stale settings", func(t *testing.T) {
		f := newFixture(t)
		req := in("checkout is down for everyone")
		c, err := f.svc.Classify(req)
		if err != nil {
			t.Fatal(err)
		}
		team := *f.team
		rules, err := classifier.Compile([]classifier.Rule{{Name: "all-p4", Default: true, Urgency: classifier.P4, Category: "other"}}, classifier.Options{})
		if err != nil {
			t.Fatal(err)
		}
		team.Rules = rules
		f.svc.Reload(&triage.Settings{Teams: []*triage.Team{&team}})
		req.Classified = &c
		if r := f.intake(t, req).Request; r.Decision.Rule != "all-p4" {
			t.Errorf("got rule %s, want the reloaded rules' all-p4", r.Decision.Rule)
		}
	})
	t.Run("no time", func(t *testing.T) {
		req := in("checkout is down")
		req.At = time.Time{}
		f := newFixture(t)
		c, err := f.svc.Classify(req)
		if err != nil {
			t.Fatal(err)
		}
		// Handed in anyway, it is ignored.
		req.Classified = &c
		if r := f.intake(t, req).Request; r.Decision.Rule != "outage" {
			t.Errorf("got rule %s, want outage", r.Decision.Rule)
		}
	})
}
