package jobs_test

import (
	"testing"
	"time"

	"github.com/sprintguard/sprintguard/jobs"
	"github.com/sprintguard/sprintguard/oncall"
	"github.com/sprintguard/sprintguard/sprint"
	"github.com/sprintguard/sprintguard/triage"
)

func zone(t *testing.T, name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// Every duty is due at its wall time in the team's zone, across the DST
// changes of both test zones.
func TestDutiesFollowTheTeamsWallClock(t *testing.T) {
	chicago, lordHowe := zone(t, "America/Chicago"), zone(t, "Australia/Lord_Howe")
	team := func(loc *time.Location, handoff oncall.Handoff, start time.Time) *triage.Team {
		return &triage.Team{Name: "t", Location: loc, ReportSchedule: "0 9 * * MON",
			Rotation: oncall.Rotation{Team: "t", Members: []string{"U1", "U2"}, ShiftDays: 7, Handoff: handoff, Location: loc, Start: start},
			Calendar: sprint.Calendar{Start: start, LengthDays: 14, Location: loc}}
	}
	tests := []struct {
		name  string
		team  *triage.Team
		duty  string
		after time.Time
		want  time.Time
	}{
		{"report across Chicago's fall back", team(chicago, oncall.Handoff{Weekday: time.Monday, HasWeekday: true, Hour: 10}, time.Date(2026, 1, 5, 0, 0, 0, 0, chicago)),
			"report:t", time.Date(2026, 10, 26, 14, 0, 0, 0, time.UTC), time.Date(2026, 11, 2, 15, 0, 0, 0, time.UTC)},
		{"report across Chicago's spring forward", team(chicago, oncall.Handoff{Weekday: time.Monday, HasWeekday: true, Hour: 10}, time.Date(2026, 1, 5, 0, 0, 0, 0, chicago)),
			"report:t", time.Date(2026, 3, 2, 15, 0, 0, 0, time.UTC), time.Date(2026, 3, 9, 14, 0, 0, 0, time.UTC)},
		{"handoff across Chicago's fall back", team(chicago, oncall.Handoff{Weekday: time.Monday, HasWeekday: true, Hour: 10}, time.Date(2026, 1, 5, 0, 0, 0, 0, chicago)),
			"handoff:t", time.Date(2026, 10, 26, 15, 0, 0, 0, time.UTC), time.Date(2026, 11, 2, 16, 0, 0, 0, time.UTC)},
		{"handoff at a Lord Howe time that does not exist", team(lordHowe, oncall.Handoff{Weekday: time.Sunday, HasWeekday: true, Hour: 2, Minute: 15}, time.Date(2026, 1, 4, 0, 0, 0, 0, lordHowe)),
			"handoff:t", time.Date(2026, 9, 30, 0, 0, 0, 0, time.UTC), time.Date(2026, 10, 3, 15, 30, 0, 0, time.UTC)},
		{"handoff after Lord Howe's half-hour fall back", team(lordHowe, oncall.Handoff{Weekday: time.Sunday, HasWeekday: true, Hour: 9}, time.Date(2026, 1, 4, 0, 0, 0, 0, lordHowe)),
			"handoff:t", time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 4, 4, 22, 30, 0, 0, time.UTC)},
		{"sprint start in Lord Howe", team(lordHowe, oncall.Handoff{Weekday: time.Sunday, HasWeekday: true, Hour: 9}, time.Date(2026, 1, 4, 0, 0, 0, 0, lordHowe)),
			"sprint-start:t", time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 4, 11, 13, 30, 0, 0, time.UTC)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			duties, err := jobs.TeamDuties(&triage.Settings{Teams: []*triage.Team{tc.team}})
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range duties {
				if d.Name == tc.duty {
					if got := d.Next(tc.after); !got.Equal(tc.want) {
						t.Fatalf("next after %s = %s, want %s", tc.after.Format(time.RFC3339), got.UTC().Format(time.RFC3339), tc.want.Format(time.RFC3339))
					}
					return
				}
			}
			t.Fatalf("no duty %s", tc.duty)
		})
	}
}
