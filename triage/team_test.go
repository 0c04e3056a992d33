package triage

import "testing"

func TestLookupTeam(t *testing.T) {
	st := &Settings{Teams: []*Team{{Name: "platform"}, {Name: "data"}}}
	tests := []struct {
		name, team, want string
	}{
		{"known", "data", ""},
		{"unknown", "nosuchteam", `unknown team "nosuchteam"; known teams: platform, data`},
		{"case matters", "Platform", `unknown team "Platform"; known teams: platform, data`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := st.LookupTeam(tt.team)
			if tt.want == "" {
				if err != nil || got == nil || got.Name != tt.team {
					t.Fatalf("LookupTeam(%q) = %v, %v", tt.team, got, err)
				}
				return
			}
			if got != nil || err == nil || ErrorMessage(err) != tt.want || ErrorCode(err) != EINVALID {
				t.Fatalf("LookupTeam(%q) = %v, %v; want the error %q", tt.team, got, err, tt.want)
			}
		})
	}
}

// TestRequesterTeam wants the first handle, in sorted order, of the groups
// that hold the user, however many hold them and in whatever order the map
// gives them.
func TestRequesterTeam(t *testing.T) {
	st := &Settings{Groups: map[string][]string{
		"web": {"U1", "U2"}, "data": {"U2", "U3"}, "payments": {"U2"}, "zeta": {"U4"}, "alpha": {"U5"},
	}}
	tests := []struct{ user, want string }{
		{"U1", "web"},
		{"U2", "data"},
		{"U3", "data"},
		{"U4", "zeta"},
		{"U5", "alpha"},
		{"U9", ""},
	}
	for _, tt := range tests {
		t.Run(tt.user, func(t *testing.T) {
			for range 20 { // map order varies from one range to the next
				if got := st.RequesterTeam(tt.user); got != tt.want {
					t.Fatalf("RequesterTeam(%q) = %q, want %q", tt.user, got, tt.want)
				}
			}
		})
	}
}
