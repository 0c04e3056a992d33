package issuetext

import (
	"slices"
	"testing"
	"time"

	"github.com/sprintguard/sprintguard/sprint"
	"github.com/sprintguard/sprintguard/triage"
)

func TestLabels(t *testing.T) {
	for _, tc := range []struct {
		name string
		spec triage.TicketSpec
		want []string
	}{
		{"accepted", triage.TicketSpec{Urgency: 1, Category: "access", Labels: []string{"sprintguard", "sg-12", "adhoc", "Access", "a,b"}},
			[]string{"sprintguard", "U", "interrupt", "access", "adhoc"}},
		{"deferred", triage.TicketSpec{Urgency: 3, Deferred: true, Labels: []string{"sg-x"}},
			[]string{"sprintguard", "U", "deferred", "sg-x"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Labels(tc.spec, "U"); !slices.Equal(got, tc.want) {
				t.Errorf("Labels = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestSprintAndClip(t *testing.T) {
	cal := sprint.Calendar{Start: time.Date(2026, 11, 16, 0, 0, 0, 0, time.UTC), LengthDays: 14, Location: time.UTC}
	now := time.Date(2026, 11, 29, 23, 59, 0, 0, time.UTC)
	if s := Sprint(cal, now, false); s.N != 1 {
		t.Errorf("current sprint %d", s.N)
	}
	if s := Sprint(cal, now, true); s.N != 2 {
		t.Errorf("next sprint %d", s.N)
	}
	if got := Clip("héllo wörld", 5); got != "héll…" {
		t.Errorf("Clip = %q", got)
	}
	if !Backlog(triage.TicketSpec{Deferred: true, Urgency: 4}) || Backlog(triage.TicketSpec{Deferred: true, Urgency: 3}) {
		t.Error("Backlog: only deferred P4s")
	}
}
