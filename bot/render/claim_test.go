package render

import (
	"slices"
	"testing"
	"time"

	"github.com/sprintguard/sprintguard/classifier"
	"github.com/sprintguard/sprintguard/triage"
)

func TestClaimForTheOnCall(t *testing.T) {
	answeredAt := time.Date(2026, 3, 4, 15, 7, 0, 0, mustZone(t, "America/Chicago"))
	claim := func(state triage.ClaimState) func(*triage.Request) {
		return func(r *triage.Request) {
			r.Decision = classifier.Decision{Urgency: classifier.P4, Rule: "how-do-i", Matched: []string{"how do I"}}
			r.Urgency, r.Outcome, r.Status = classifier.P4, triage.Backlog, triage.StatusBacklog
			r.Claimed, r.ClaimState, r.ClaimSLA = classifier.P1, state, classifier.SLA{Ack: 15 * time.Minute}
		}
	}
	answer := func(kind string, mods ...func(*triage.Request)) func(*triage.Request) {
		return func(r *triage.Request) {
			for _, m := range mods {
				m(r)
			}
			r.Events = append(r.Events, triage.Event{At: answeredAt, Kind: kind, Actor: "UA"})
		}
	}
	tests := []struct {
		name    string
		mod     func(*triage.Request)
		actions []string
		want    []string
		not     []string
		changed string
	}{
		{
			name:    "pending",
			mod:     claim(triage.ClaimPending),
			actions: []string{ActionConfirmClaim, ActionKeepClaim},
			want: []string{"Claimed emergency, rules say P4 (rule `how-do-i`)", "<@U0REQ> pressed _This is an emergency_",
				"Confirm P1", "Keep P4", "Answer within 15m (by Wed 4 Mar 15:15 CST), or it escalates."},
		},
		{
			name: "confirmed",
			mod: answer(triage.ActConfirmClaim, claim(triage.ClaimConfirmed), func(r *triage.Request) {
				r.Urgency, r.Outcome, r.Status = classifier.P1, triage.Accepted, triage.StatusAcknowledged
			}),
			actions: []string{ActionUrgency, ActionCategory, ActionResolve, ActionDefer},
			want:    []string{"Claimed emergency, rules say P4", "Emergency confirmed by <@UA> on Wed 4 Mar 15:07 CST: now P1."},
			not:     []string{"Confirm P1", "Answer within"},
			changed: "Emergency confirmed by <@UA>: now P1",
		},
		{
			name:    "kept",
			mod:     answer(triage.ActKeepClaim, claim(triage.ClaimKept)),
			want:    []string{"Not confirmed: P4 kept by <@UA> on Wed 4 Mar 15:07 CST.", "In the backlog"},
			not:     []string{"Keep P4"},
			changed: "Not confirmed as an emergency: P4 kept by <@UA>",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := testRequest(t, tt.mod)
			m := OnCall(r, testTeam(t))
			d := checkMessage(t, m)
			if got := actionIDs(d); !slices.Equal(got, tt.actions) {
				t.Errorf("actions = %v, want %v", got, tt.actions)
			}
			wantContains(t, texts(d), tt.want, tt.not)
			wantContains(t, m.Text, []string{"Claimed emergency, rules say P4 (rule `how-do-i`): P"}, nil)
			for id, els := range elements(d) {
				if (id == ActionConfirmClaim || id == ActionKeepClaim) && els[0]["value"] != "12" {
					t.Errorf("%s value = %v, want the request id 12", id, els[0]["value"])
				}
			}
			if tt.changed != "" {
				action := triage.ActConfirmClaim
				if r.ClaimState == triage.ClaimKept {
					action = triage.ActKeepClaim
				}
				wantContains(t, Changed(r, action, "UA").Text, []string{tt.changed}, nil)
			}
		})
	}
}
