package cli

import (
	"testing"
	"time"

	"github.com/sprintguard/sprintguard/oncall/pagerduty/pagerdutyfake"
)

// TestScheduleFromPagerDuty switches a team with a rotation to
// `source: pagerduty` by that one key (the rotation stays, unused), and
// follows a swap made in PagerDuty on the next refresh.
func TestScheduleFromPagerDuty(t *testing.T) {
	fake := pagerdutyfake.New(t)
	fake.AddUser(pagerdutyfake.User{ID: "PANN001", Name: "Ann Smith", Email: "ann@example.com"})
	fake.AddUser(pagerdutyfake.User{ID: "PBEN001", Name: "Ben Jones", Email: "ben@example.com"})
	day := func(d int) time.Time { return time.Date(2026, 11, d, 9, 0, 0, 0, time.UTC) }
	fake.SetShifts(pagerdutyfake.Shift{Schedule: "PSCHED1", User: "PANN001", Start: day(23), End: day(24)},
		pagerdutyfake.Shift{Schedule: "PSCHED1", User: "PBEN001", Start: day(24), End: day(25)})

	g := newRig(t, `storage: {path: %s}
pagerduty: {token: %s, api_url: %q}
people:
  - {slack: U0ANN, email: ann@example.com}
  - {slack: U0BEN, email: ben@example.com}
teams:
  - name: platform
    timezone: America/Chicago
    oncall:
      source: pagerduty
      pagerduty: {schedule: PSCHED1}
      rotation: [U0OLD]
      escalate_to: U0LEAD
    sprint: {start: 2026-01-05, capacity: 40}
    rules: [{name: fallback, default: true, urgency: P3}]
`, pagerdutyfake.Token, fake.URL())
	ask := func() string { return g.ask("").Assignee }
	if err := g.refresh(); err != nil {
		t.Fatal(err)
	}
	if got := ask(); got != "U0ANN" {
		t.Errorf("routed to %q, want U0ANN from PagerDuty", got)
	}
	fake.SetShifts(pagerdutyfake.Shift{Schedule: "PSCHED1", User: "PBEN001", Start: day(23), End: day(25)}) // Ben covers
	if err := g.refresh(); err != nil {
		t.Fatal(err)
	}
	if got := ask(); got != "U0BEN" {
		t.Errorf("after the swap in PagerDuty: routed to %q, want U0BEN", got)
	}
	fake.Down(1)
	if err := g.refresh(); err == nil {
		t.Error("a 500 from PagerDuty was not an error")
	}
	if got := ask(); got != "U0BEN" {
		t.Errorf("with PagerDuty down: routed to %q, want the last good U0BEN", got)
	}
}
