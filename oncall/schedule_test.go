package oncall_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/sprintguard/sprintguard/oncall"
)

func TestSchedule(t *testing.T) {
	platform := overrideRotation(t)
	platform.Team = "" // the map key names the team
	data := platform
	data.Members = []string{"UDAN", "UERIN"}
	broken := platform
	broken.Members = nil
	s := oncall.Schedule{
		Rotations: map[string]oncall.Rotation{"platform": platform, "data": data, "broken": broken},
		Overrides: []oncall.Override{
			ov(t, "o1", "UXAVIER", "", "2026-03-03T00:00:00Z", "2026-03-04T00:00:00Z", 1),
			{ID: "o2", Team: "data", User: "UYVES", Start: at(t, "2026-03-03T00:00:00Z"), End: at(t, "2026-03-05T00:00:00Z")},
		},
	}
	tests := []struct {
		name     string
		team     string
		t        string
		current  string
		next     string
		override string
		wantErr  error
	}{
		{"platform override", "platform", "2026-03-03T12:00:00Z", "UXAVIER", "UALICE", "o1", nil},
		{"platform plain", "platform", "2026-03-05T12:00:00Z", "UALICE", "UBOB", "", nil},
		{"data override", "data", "2026-03-03T12:00:00Z", "UYVES", "UDAN", "o2", nil},
		{"data plain", "data", "2026-03-10T12:00:00Z", "UERIN", "UDAN", "", nil},
		{"unknown team", "billing", "2026-03-03T12:00:00Z", "", "", "", oncall.ErrUnknownTeam},
		{"invalid rotation", "broken", "2026-03-03T12:00:00Z", "", "", "", oncall.ErrNoMembers},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cur, err := s.Current(tt.team, at(t, tt.t))
			next, nerr := s.Next(tt.team, at(t, tt.t))
			shifts, serr := s.Shifts(tt.team, at(t, tt.t), at(t, tt.t).Add(time.Hour))
			if tt.wantErr != nil {
				for _, e := range []error{err, nerr, serr} {
					if !errors.Is(e, tt.wantErr) {
						t.Errorf("error = %v, want %v", e, tt.wantErr)
					}
				}
				return
			}
			if err != nil || nerr != nil || serr != nil {
				t.Fatalf("errors %v, %v, %v", err, nerr, serr)
			}
			if cur.User != tt.current || cur.Team != tt.team || next.User != tt.next || !next.Start.Equal(cur.End) {
				t.Errorf("Current = %s (%s), Next = %s from %v; want %s then %s from %v",
					cur.User, cur.Team, next.User, next.Start, tt.current, tt.next, cur.End)
			}
			if id := spanOf(cur).override; id != tt.override {
				t.Errorf("override = %q, want %q", id, tt.override)
			}
			if len(shifts) != 1 || spanOf(shifts[0]) != spanOf(cur) {
				t.Errorf("Shifts over the next hour = %v, want [%v]", shifts, spanOf(cur))
			}
		})
	}
	if got, want := s.Teams(), []string{"broken", "data", "platform"}; !slices.Equal(got, want) {
		t.Errorf("Teams() = %v, want %v", got, want)
	}
}
