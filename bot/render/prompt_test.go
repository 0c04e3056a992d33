package render

import (
	"fmt"
	"strings"
	"testing"

	"github.com/sprintguard/sprintguard/triage"
)

func TestPromptTicketed(t *testing.T) {
	tests := []struct {
		by   triage.TicketedBy
		want string
	}{
		{triage.ByDeadline, "ticketed automatically, since nobody did within the deadline"},
		{triage.ByRequester, "ticketed by its requester"},
		{triage.ByMember, "ticketed by the team"},
		{"", "was ticketed:"},
	}
	for _, tt := range tests {
		t.Run(string(tt.by), func(t *testing.T) {
			r := testRequest(t, func(r *triage.Request) { r.TicketedBy = tt.by })
			msg := PromptTicketed(r)
			all := msg.Text + fmt.Sprint(decode(t, msg.Blocks))
			for _, w := range []string{tt.want, "REQ-12", "https://jira.example.com/browse/REQ-12"} {
				if !strings.Contains(all, w) {
					t.Errorf("lacks %q: %s", w, all)
				}
			}
			if strings.Contains(all, ActionCreateTicket) || strings.Contains(all, ActionEmergency) {
				t.Errorf("still offers a button: %s", all)
			}
		})
	}
}
