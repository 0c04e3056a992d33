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
