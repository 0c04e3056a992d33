package render

import (
	"strings"
	"testing"
	"time"

	"github.com/sprintguard/sprintguard/classifier"
	"github.com/sprintguard/sprintguard/triage"
)

// The escalation says which SLA ran out in the words the rest of the
// product uses (15m, not 15m0s), whether it was an emergency claim or a
// late acknowledgement, and stays the same when the DM is edited after
// the claim is answered.
func TestEscalationLine(t *testing.T) {
	escalated := time.Date(2026, 3, 4, 15, 15, 0, 0, mustZone(t, "America/Chicago"))
	claim := func(state triage.ClaimState) func(*triage.Request) {
		return func(r *triage.Request) {
			r.Decision = classifier.Decision{Urgency: classifier.P4, Rule: "how-do-i", SLA: classifier.SLA{Ack: 4 * time.Hour}}
			r.Urgency, r.Claimed, r.ClaimState, r.ClaimSLA = classifier.P4, classifier.P1, state, classifier.SLA{Ack: 15 * time.Minute}
		}
	}
	answered := func(kind string, at time.Time) func(*triage.Request) {
		return func(r *triage.Request) { r.Events = append(r.Events, triage.Event{At: at, Kind: kind, Actor: "UA"}) }
	}
	late := func(r *triage.Request) { r.EscalatedAt = escalated }
	const claimLine = ":rotating_light: Claimed emergency, rules say P4 (rule `how-do-i`): not answered within 15m: escalated to <@UL1>."
	tests := []struct {
		name string
		mods []func(*triage.Request)
		who  []string
		want string
	}{
		{"late acknowledgement", []func(*triage.Request){late}, []string{"UL1"},
			":rotating_light: Not acknowledged within 15m: escalated to <@UL1>."},
		{"to a group", []func(*triage.Request){late, func(r *triage.Request) { r.Decision.SLA.Ack = 4 * time.Hour }}, []string{"UL1", "UL2"},
			":rotating_light: Not acknowledged within 4h: escalated to <@UL1>, <@UL2>."},
		{"nobody to escalate to", []func(*triage.Request){late}, nil,
			":rotating_light: Not acknowledged within 15m, and oncall.escalate_to is not set for platform."},
		{"claim unanswered", []func(*triage.Request){claim(triage.ClaimPending), late}, []string{"UL1"}, claimLine},
		{"claim answered after the escalation", []func(*triage.Request){claim(triage.ClaimKept), late,
			answered(triage.ActKeepClaim, escalated.Add(5*time.Minute))}, []string{"UL1"}, claimLine},
		{"claim answered, then the acknowledgement late", []func(*triage.Request){claim(triage.ClaimKept),
			answered(triage.ActKeepClaim, escalated.Add(-time.Hour)), late}, []string{"UL1"},
			":rotating_light: Not acknowledged within 4h: escalated to <@UL1>."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := testRequest(t, tt.mods...)
			if got := EscalationLine(r, "platform", tt.who); got != tt.want {
				t.Fatalf("EscalationLine = %q, want %q", got, tt.want)
			}
			m := Escalation(r, testTeam(t), tt.want)
			blocks := checkMessage(t, m)
			if !strings.HasPrefix(m.Text, tt.want+" ") || !strings.Contains(texts(blocks), tt.want) {
				t.Fatalf("the escalation DM does not show %q: text %q, blocks %s", tt.want, m.Text, texts(blocks))
			}
		})
	}
}
