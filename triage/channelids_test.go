package triage

import (
	"slices"
	"testing"
)

func TestWithChannelIDs(t *testing.T) {
	named := &Settings{Teams: []*Team{{
		Name: "platform", Channel: "#platform", ReportChannel: "#platform-reports",
		IntakeChannels: []string{"platform-help", "C0IDALREADY", "not-in-slack"},
	}}}
	st := named.WithChannelIDs(map[string]string{"platform": "C0PLAT", "platform-help": "C0HELP", "platform-reports": "C0REP"})
	tm := st.Teams[0]
	tests := []struct {
		name      string
		got, want any
	}{
		{"team channel", tm.Channel, "C0PLAT"},
		{"report channel", tm.ReportChannel, "C0REP"},
		{"intake: names to ids, ids and unknown names kept", tm.IntakeChannels, []string{"C0HELP", "C0IDALREADY", "not-in-slack"}},
		{"events find the team by id", st.TeamForChannel("C0HELP", ""), tm},
		{"the settings as written are unchanged", named.Teams[0].Channel + " " + named.Teams[0].IntakeChannels[0], "#platform platform-help"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if s, ok := tt.want.([]string); ok {
				if !slices.Equal(tt.got.([]string), s) {
					t.Errorf("got %v, want %v", tt.got, s)
				}
				return
			}
			if tt.got != tt.want {
				t.Errorf("got %v, want %v", tt.got, tt.want)
			}
		})
	}
}
