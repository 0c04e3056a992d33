package oncall_test

import (
	"testing"
	"time"

	"github.com/sprintguard/sprintguard/oncall"
)

// TestDSTStepThrough steps through several shifts around each daylight-saving
// change in 15-minute steps and checks every answer against handoff instants
// worked out by hand from the zones' rules (Chicago: CST -6, CDT -5, changes
// at 02:00 on 2026-03-08 and 2026-11-01; Lord Howe: +10:30 and +11, changes at
// 02:00 on 2026-04-05 and 2026-10-04).
func TestDSTStepThrough(t *testing.T) {
	tests := []struct {
		name    string
		zone    string
		handoff string
		shift   string
		skew    time.Duration // the zone's DST offset: how far a shift may stray from its nominal length
		// handoffs are the expected instants of handoff 0, 1, 2, ...; the
		// rotation is anchored on the local date of the first one.
		handoffs []string
	}{
		{"chicago spring forward weekly", "America/Chicago", "Mon 10:00", "1w", time.Hour, []string{
			"2026-02-16T16:00:00Z", "2026-02-23T16:00:00Z", "2026-03-02T16:00:00Z",
			"2026-03-09T15:00:00Z", "2026-03-16T15:00:00Z", "2026-03-23T15:00:00Z", "2026-03-30T15:00:00Z"}},
		{"chicago fall back weekly", "America/Chicago", "Mon 10:00", "1w", time.Hour, []string{
			"2026-10-12T15:00:00Z", "2026-10-19T15:00:00Z", "2026-10-26T15:00:00Z",
			"2026-11-02T16:00:00Z", "2026-11-09T16:00:00Z", "2026-11-16T16:00:00Z", "2026-11-23T16:00:00Z"}},
		{"chicago handoff inside the gap", "America/Chicago", "Sun 02:30", "1w", time.Hour, []string{
			"2026-02-22T08:30:00Z", "2026-03-01T08:30:00Z",
			"2026-03-08T08:00:00Z", // 02:30 does not exist: 03:00 CDT
			"2026-03-15T07:30:00Z", "2026-03-22T07:30:00Z", "2026-03-29T07:30:00Z"}},
		{"chicago handoff in the repeated hour", "America/Chicago", "Sun 01:30", "1w", time.Hour, []string{
			"2026-10-18T06:30:00Z", "2026-10-25T06:30:00Z",
			"2026-11-01T06:30:00Z", // 01:30 happens twice: the CDT one
			"2026-11-08T07:30:00Z", "2026-11-15T07:30:00Z", "2026-11-22T07:30:00Z"}},
		{"chicago daily across spring forward", "America/Chicago", "10:00", "1d", time.Hour, []string{
			"2026-03-05T16:00:00Z", "2026-03-06T16:00:00Z", "2026-03-07T16:00:00Z",
			"2026-03-08T15:00:00Z", "2026-03-09T15:00:00Z", "2026-03-10T15:00:00Z"}},
		{"chicago fortnightly across fall back", "America/Chicago", "Mon 10:00", "2w", time.Hour, []string{
			"2026-10-05T15:00:00Z", "2026-10-19T15:00:00Z", "2026-11-02T16:00:00Z",
			"2026-11-16T16:00:00Z", "2026-11-30T16:00:00Z"}},
		{"lord howe spring forward weekly", "Australia/Lord_Howe", "Mon 10:00", "1w", 30 * time.Minute, []string{
			"2026-09-13T23:30:00Z", "2026-09-20T23:30:00Z", "2026-09-27T23:30:00Z",
			"2026-10-04T23:00:00Z", "2026-10-11T23:00:00Z", "2026-10-18T23:00:00Z"}},
		{"lord howe fall back weekly", "Australia/Lord_Howe", "Mon 10:00", "1w", 30 * time.Minute, []string{
			"2026-03-15T23:00:00Z", "2026-03-22T23:00:00Z", "2026-03-29T23:00:00Z",
			"2026-04-05T23:30:00Z", "2026-04-12T23:30:00Z", "2026-04-19T23:30:00Z"}},
		{"lord howe handoff inside the half-hour gap", "Australia/Lord_Howe", "Sun 02:15", "1w", 30 * time.Minute, []string{
			"2026-09-19T15:45:00Z", "2026-09-26T15:45:00Z",
			"2026-10-03T15:30:00Z", // 02:15 does not exist: 02:30 +11
			"2026-10-10T15:15:00Z", "2026-10-17T15:15:00Z"}},
		{"lord howe handoff in the repeated half hour", "Australia/Lord_Howe", "Sun 01:45", "1w", 30 * time.Minute, []string{
			"2026-03-21T14:45:00Z", "2026-03-28T14:45:00Z",
			"2026-04-04T14:45:00Z", // 01:45 happens twice: the +11 one
			"2026-04-11T15:15:00Z", "2026-04-18T15:15:00Z"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			loc := zone(t, tt.zone)
			h, err := oncall.ParseHandoff(tt.handoff)
			if err != nil {
				t.Fatal(err)
			}
			days, err := oncall.ParseShift(tt.shift)
			if err != nil {
				t.Fatal(err)
			}
			want := make([]time.Time, len(tt.handoffs))
			for i, s := range tt.handoffs {
				want[i] = at(t, s)
			}
			r := oncall.Rotation{Team: "platform", Members: members, ShiftDays: days, Handoff: h, Location: loc, Start: want[0].In(loc)}
			if err := r.Validate(); err != nil {
				t.Fatal(err)
			}
			for i, w := range want {
				if got := r.HandoffAt(int64(i)); !got.Equal(w) {
					t.Errorf("HandoffAt(%d) = %v, want %v", i, got.UTC(), w)
				}
			}
			checkSteps(t, r, want)
			checkShifts(t, r, want, time.Duration(days)*24*time.Hour, tt.skew)
		})
	}
}

// checkSteps asks Current and Next at every 15 minutes between the first and
// the last expected handoff.
func checkSteps(t *testing.T, r oncall.Rotation, want []time.Time) {
	t.Helper()
	i := 0
	for now := want[0]; now.Before(want[len(want)-1]); now = now.Add(15 * time.Minute) {
		for !now.Before(want[i+1]) {
			i++
		}
		got := r.Current(now, nil)
		if got.User != members[i%3] || got.Index != int64(i) || !got.Start.Equal(want[i]) || !got.End.Equal(want[i+1]) {
			t.Fatalf("Current(%v) = %s #%d [%v, %v); want %s #%d [%v, %v)", now.In(r.Location),
				got.User, got.Index, got.Start.UTC(), got.End.UTC(), members[i%3], i, want[i], want[i+1])
		}
		next := r.Next(now, nil)
		if next.User != members[(i+1)%3] || !next.Start.Equal(want[i+1]) {
			t.Fatalf("Next(%v) = %s from %v; want %s from %v", now.In(r.Location),
				next.User, next.Start.UTC(), members[(i+1)%3], want[i+1])
		}
	}
}

// checkShifts checks that Shifts tiles the window with one shift per handoff,
// contiguous, non-overlapping, each within skew of its nominal length.
func checkShifts(t *testing.T, r oncall.Rotation, want []time.Time, nominal, skew time.Duration) {
	t.Helper()
	shifts := r.Shifts(want[0], want[len(want)-1], nil)
	if len(shifts) != len(want)-1 {
		t.Fatalf("Shifts returned %d shifts, want %d", len(shifts), len(want)-1)
	}
	for i, s := range shifts {
		if !s.Start.Equal(want[i]) || !s.End.Equal(want[i+1]) || s.User != members[i%3] {
			t.Errorf("shift %d = %s [%v, %v), want %s [%v, %v)", i, s.User, s.Start.UTC(), s.End.UTC(), members[i%3], want[i], want[i+1])
		}
		if i > 0 && !shifts[i-1].End.Equal(s.Start) {
			t.Errorf("shift %d starts at %v but shift %d ends at %v", i, s.Start.UTC(), i-1, shifts[i-1].End.UTC())
		}
		if d := s.End.Sub(s.Start) - nominal; d > skew || d < -skew {
			t.Errorf("shift %d lasts %v, want %v +/- %v", i, s.End.Sub(s.Start), nominal, skew)
		}
	}
}
