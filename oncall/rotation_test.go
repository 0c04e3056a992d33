package oncall_test

import (
	"errors"
	"testing"
	"time"

	"github.com/sprintguard/sprintguard/oncall"
)

func TestRotationValidate(t *testing.T) {
	chicago := zone(t, "America/Chicago")
	good := oncall.Rotation{Team: "platform", Members: members, ShiftDays: 7,
		Handoff: oncall.Handoff{Weekday: time.Monday, HasWeekday: true, Hour: 10}, Location: chicago}
	tests := []struct {
		name   string
		modify func(r *oncall.Rotation)
		want   []error
	}{
		{"valid", func(r *oncall.Rotation) {}, nil},
		{"no members", func(r *oncall.Rotation) { r.Members = nil }, []error{oncall.ErrNoMembers}},
		{"empty member", func(r *oncall.Rotation) { r.Members = []string{"UALICE", ""} }, []error{oncall.ErrBadMember}},
		{"nil location", func(r *oncall.Rotation) { r.Location = nil }, []error{oncall.ErrNoLocation}},
		{"zero shift", func(r *oncall.Rotation) { r.ShiftDays = 0 }, []error{oncall.ErrBadShift}},
		{"negative shift", func(r *oncall.Rotation) { r.ShiftDays = -7 }, []error{oncall.ErrBadShift}},
		{"huge shift", func(r *oncall.Rotation) { r.ShiftDays = 10000 }, []error{oncall.ErrBadShift}},
		{"bad hour", func(r *oncall.Rotation) { r.Handoff.Hour = 24 }, []error{oncall.ErrBadHandoff}},
		{"bad minute", func(r *oncall.Rotation) { r.Handoff.Minute = -1 }, []error{oncall.ErrBadHandoff}},
		{"bad weekday", func(r *oncall.Rotation) { r.Handoff.Weekday = 7 }, []error{oncall.ErrBadHandoff}},
		{"everything wrong at once", func(r *oncall.Rotation) { *r = oncall.Rotation{} },
			[]error{oncall.ErrNoMembers, oncall.ErrNoLocation, oncall.ErrBadShift}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := good
			tt.modify(&r)
			err := r.Validate()
			if len(tt.want) == 0 && err != nil {
				t.Fatalf("Validate() = %v, want nil", err)
			}
			if len(tt.want) > 0 && err == nil {
				t.Fatalf("Validate() = nil, want %v", tt.want)
			}
			for _, w := range tt.want {
				if !errors.Is(err, w) {
					t.Errorf("Validate() = %v, want it to wrap %v", err, w)
				}
			}
		})
	}
}

func TestHandoffAt(t *testing.T) {
	chicago := zone(t, "America/Chicago")
	tests := []struct {
		name      string
		shiftDays int
		handoff   string
		start     time.Time
		loc       *time.Location
		k         int64
		want      string
	}{
		{"default anchor is 2024-01-01", 7, "Mon 10:00", time.Time{}, time.UTC, 0, "2024-01-01T10:00:00Z"},
		{"default anchor moves to weekday", 7, "Wed 10:00", time.Time{}, time.UTC, 0, "2024-01-03T10:00:00Z"},
		{"default anchor negative k", 7, "Mon 10:00", time.Time{}, time.UTC, -1, "2023-12-25T10:00:00Z"},
		{"start on a wednesday waits for monday", 7, "Mon 10:00", date(t, "2026-03-04", chicago), chicago, 0, "2026-03-09T15:00:00Z"},
		{"start uses the local date", 7, "Mon 10:00", at(t, "2026-03-03T03:00:00Z"), chicago, 0, "2026-03-02T16:00:00Z"},
		{"two-week shift", 14, "Mon 10:00", date(t, "2026-03-02", chicago), chicago, 1, "2026-03-16T15:00:00Z"},
		{"two-week shift backwards", 14, "Mon 10:00", date(t, "2026-03-02", chicago), chicago, -1, "2026-02-16T16:00:00Z"},
		{"daily shift ignores weekday", 1, "Mon 10:00", date(t, "2026-03-04", chicago), chicago, 0, "2026-03-04T16:00:00Z"},
		{"three-day shift ignores weekday", 3, "Fri 08:00", date(t, "2026-03-04", chicago), chicago, 2, "2026-03-10T13:00:00Z"},
		{"daily shift over the gap", 1, "02:30", date(t, "2026-03-07", chicago), chicago, 1, "2026-03-08T08:00:00Z"},
		{"no weekday on weekly shift hands off on the start date", 7, "10:00", date(t, "2026-03-04", chicago), chicago, 0, "2026-03-04T16:00:00Z"},
		{"far future", 7, "Mon 10:00", date(t, "2026-03-02", chicago), chicago, 52 * 100, "2125-10-29T15:00:00Z"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, err := oncall.ParseHandoff(tt.handoff)
			if err != nil {
				t.Fatal(err)
			}
			r := oncall.Rotation{Team: "platform", Members: members, ShiftDays: tt.shiftDays, Handoff: h, Location: tt.loc, Start: tt.start}
			if err := r.Validate(); err != nil {
				t.Fatal(err)
			}
			got := r.HandoffAt(tt.k)
			if !got.Equal(at(t, tt.want)) {
				t.Errorf("HandoffAt(%d) = %v, want %s", tt.k, got.UTC(), tt.want)
			}
			if got.Location() != tt.loc {
				t.Errorf("HandoffAt(%d) location = %v, want %v", tt.k, got.Location(), tt.loc)
			}
		})
	}
}

func TestCurrent(t *testing.T) {
	chicago := zone(t, "America/Chicago")
	weekly := oncall.Rotation{Team: "platform", Members: members, ShiftDays: 7,
		Handoff: oncall.Handoff{Weekday: time.Monday, HasWeekday: true, Hour: 10}, Location: chicago, Start: date(t, "2026-03-02", chicago)}
	daily := weekly
	daily.ShiftDays = 1
	fortnightly := weekly
	fortnightly.ShiftDays = 14
	tests := []struct {
		name       string
		r          oncall.Rotation
		t          string
		user       string
		index      int64
		start, end string
	}{
		{"weekly first shift", weekly, "2026-03-04T12:00:00Z", "UALICE", 0, "2026-03-02T16:00:00Z", "2026-03-09T15:00:00Z"},
		{"weekly at the handoff instant", weekly, "2026-03-09T15:00:00Z", "UBOB", 1, "2026-03-09T15:00:00Z", "2026-03-16T15:00:00Z"},
		{"weekly just before the handoff", weekly, "2026-03-09T14:59:59Z", "UALICE", 0, "2026-03-02T16:00:00Z", "2026-03-09T15:00:00Z"},
		{"weekly wraps around", weekly, "2026-03-24T00:00:00Z", "UALICE", 3, "2026-03-23T15:00:00Z", "2026-03-30T15:00:00Z"},
		{"weekly before the anchor", weekly, "2026-02-20T00:00:00Z", "UBOB", -2, "2026-02-16T16:00:00Z", "2026-02-23T16:00:00Z"},
		{"weekly just before the anchor", weekly, "2026-03-02T15:59:00Z", "UCAROL", -1, "2026-02-23T16:00:00Z", "2026-03-02T16:00:00Z"},
		{"weekly long before the anchor", weekly, "2025-03-05T00:00:00Z", "UCAROL", -52, "2025-03-03T16:00:00Z", "2025-03-10T15:00:00Z"},
		{"weekly on handoff day before handoff", weekly, "2026-03-16T14:00:00Z", "UBOB", 1, "2026-03-09T15:00:00Z", "2026-03-16T15:00:00Z"},
		{"daily", daily, "2026-03-05T03:00:00Z", "UCAROL", 2, "2026-03-04T16:00:00Z", "2026-03-05T16:00:00Z"},
		{"daily across the gap", daily, "2026-03-08T12:00:00Z", "UCAROL", 5, "2026-03-07T16:00:00Z", "2026-03-08T15:00:00Z"},
		{"fortnightly", fortnightly, "2026-03-20T00:00:00Z", "UBOB", 1, "2026-03-16T15:00:00Z", "2026-03-30T15:00:00Z"},
		{"fortnightly before the anchor", fortnightly, "2026-02-27T00:00:00Z", "UCAROL", -1, "2026-02-16T16:00:00Z", "2026-03-02T16:00:00Z"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.r.Current(at(t, tt.t), nil)
			if got.User != tt.user || got.Index != tt.index || !got.Start.Equal(at(t, tt.start)) ||
				!got.End.Equal(at(t, tt.end)) || got.Team != "platform" || got.Override != nil {
				t.Errorf("Current(%s) = %s #%d [%v, %v) override %v; want %s #%d [%s, %s)", tt.t,
					got.User, got.Index, got.Start.UTC(), got.End.UTC(), got.Override, tt.user, tt.index, tt.start, tt.end)
			}
			if got.Start.Location() != chicago || got.End.Location() != chicago {
				t.Errorf("shift bounds in %v and %v, want %v", got.Start.Location(), got.End.Location(), chicago)
			}
			next := tt.r.Next(at(t, tt.t), nil)
			wantNext := tt.r.Members[(int(tt.index)%3+3+1)%3]
			if !next.Start.Equal(got.End) || next.Index != tt.index+1 || next.User != wantNext {
				t.Errorf("Next(%s) = %s #%d from %v; want %s #%d from %v", tt.t, next.User, next.Index, next.Start.UTC(),
					wantNext, tt.index+1, got.End.UTC())
			}
		})
	}
}

func TestShiftsEmptyRange(t *testing.T) {
	r := oncall.Rotation{Team: "platform", Members: members, ShiftDays: 7, Location: time.UTC}
	tests := []struct {
		name     string
		from, to string
	}{
		{"equal", "2026-03-01T00:00:00Z", "2026-03-01T00:00:00Z"},
		{"reversed", "2026-03-02T00:00:00Z", "2026-03-01T00:00:00Z"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := r.Shifts(at(t, tt.from), at(t, tt.to), nil); got != nil {
				t.Errorf("Shifts = %v, want nil", got)
			}
		})
	}
}

// TestShiftSwallowedByGap covers Samoa skipping 2011-12-30: the daily handoff
// at 00:00 that day and the one on 12-31 fall on the same instant, so shift
// #2 lasts no time and must not appear.
func TestShiftSwallowedByGap(t *testing.T) {
	apia := zone(t, "Pacific/Apia")
	r := oncall.Rotation{Team: "platform", Members: members, ShiftDays: 1, Location: apia, Start: date(t, "2011-12-28", apia)}
	shifts := r.Shifts(at(t, "2011-12-28T10:00:00Z"), at(t, "2012-01-01T10:00:00Z"), nil)
	want := []struct {
		user       string
		index      int64
		start, end string
	}{
		{"UALICE", 0, "2011-12-28T10:00:00Z", "2011-12-29T10:00:00Z"},
		{"UBOB", 1, "2011-12-29T10:00:00Z", "2011-12-30T10:00:00Z"},
		{"UALICE", 3, "2011-12-30T10:00:00Z", "2011-12-31T10:00:00Z"},
		{"UBOB", 4, "2011-12-31T10:00:00Z", "2012-01-01T10:00:00Z"},
	}
	if len(shifts) != len(want) {
		t.Fatalf("Shifts returned %d shifts, want %d: %v", len(shifts), len(want), shifts)
	}
	for i, w := range want {
		t.Run(w.start, func(t *testing.T) {
			s := shifts[i]
			if s.User != w.user || s.Index != w.index || !s.Start.Equal(at(t, w.start)) || !s.End.Equal(at(t, w.end)) {
				t.Errorf("shift %d = %s #%d [%v, %v), want %s #%d [%s, %s)", i, s.User, s.Index, s.Start.UTC(), s.End.UTC(),
					w.user, w.index, w.start, w.end)
			}
			if c := r.Current(at(t, w.start), nil); c.Index != w.index {
				t.Errorf("Current(%s).Index = %d, want %d", w.start, c.Index, w.index)
			}
		})
	}
}
