package report

import (
	"reflect"
	"testing"

	"github.com/sprintguard/sprintguard/classifier"
	"github.com/sprintguard/sprintguard/triage"
)

func claimAnswered(s triage.ClaimState) mod { return func(r *triage.Request) { r.ClaimState = s } }

// TestFalseEmergenciesAreClaimsTheOnCallDowngraded counts a claim once the
// on-call kept the rules' urgency, and never one still waiting for an
// answer or confirmed.
func TestFalseEmergenciesAreClaimsTheOnCallDowngraded(t *testing.T) {
	day := nov(17, 10, 0)
	reqs := []*triage.Request{
		req(1, day, claimed(classifier.P1), urgency(classifier.P4), claimAnswered(triage.ClaimKept)),
		req(2, day, claimed(classifier.P1), urgency(classifier.P4), claimAnswered(triage.ClaimPending)),
		req(3, day, claimed(classifier.P1), urgency(classifier.P4), claimAnswered(triage.ClaimConfirmed), changedTo(classifier.P1)),
		// Kept, then a person raised it to P2 later: still a claim the on-call downgraded.
		req(4, day, claimed(classifier.P1), urgency(classifier.P3), claimAnswered(triage.ClaimKept), changedTo(classifier.P2)),
	}
	w := Compute(Data{Team: testTeam(), Week: w47, Requests: reqs, Now: nov(23, 9, 0)})
	var got []int64
	for _, it := range w.ThisWeek.FalseEmergencies {
		got = append(got, it.ID)
	}
	if want := []int64{1, 4}; !reflect.DeepEqual(got, want) {
		t.Errorf("false emergencies %v, want %v", got, want)
	}
}
