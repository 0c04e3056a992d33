package oncall_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/sprintguard/sprintguard/oncall"
)

// overrideRotation has UALICE on call from 2026-03-02T16:00Z to
// 2026-03-09T15:00Z, then UBOB until 2026-03-16T15:00Z, then UCAROL.
func overrideRotation(t *testing.T) oncall.Rotation {
	chicago := zone(t, "America/Chicago")
	return oncall.Rotation{Team: "platform", Members: members, ShiftDays: 7,
		Handoff:  oncall.Handoff{Weekday: time.Monday, HasWeekday: true, Hour: 10},
		Location: chicago, Start: date(t, "2026-03-02", chicago)}
}

// ov builds an override; created orders creation.
func ov(t *testing.T, id, user, replaces, start, end string, created int) oncall.Override {
	return oncall.Override{ID: id, Team: "platform", User: user, Replaces: replaces,
		Start: at(t, start), End: at(t, end), CreatedBy: "ULEAD",
		CreatedAt: at(t, "2026-03-01T00:00:00Z").Add(time.Duration(created) * time.Minute)}
}

// span is an expected shift: who, decided by which override ("" for none), when.
type span struct {
	user, override, start, end string
}

func (s span) String() string {
	return fmt.Sprintf("%s(%s) [%s, %s)", s.user, s.override, s.start, s.end)
}

func spanOf(s oncall.Shift) span {
	id := ""
	if s.Override != nil {
		id = s.Override.ID
	}
	return span{s.User, id, s.Start.UTC().Format(time.RFC3339), s.End.UTC().Format(time.RFC3339)}
}

func TestOverrides(t *testing.T) {
	r := overrideRotation(t)
	tests := []struct {
		name      string
		overrides []oncall.Override
		from, to  string
		want      []span
	}{
		{
			name: "partial overlap across a handoff is clipped at the handoff",
			overrides: []oncall.Override{
				ov(t, "o1", "UXAVIER", "", "2026-03-08T12:00:00Z", "2026-03-10T12:00:00Z", 1),
			},
			from: "2026-03-05T00:00:00Z", to: "2026-03-12T00:00:00Z",
			want: []span{
				{"UALICE", "", "2026-03-02T16:00:00Z", "2026-03-08T12:00:00Z"},
				{"UXAVIER", "o1", "2026-03-08T12:00:00Z", "2026-03-09T15:00:00Z"},
				{"UXAVIER", "o1", "2026-03-09T15:00:00Z", "2026-03-10T12:00:00Z"},
				{"UBOB", "", "2026-03-10T12:00:00Z", "2026-03-16T15:00:00Z"},
			},
		},
		{
			name: "nested: the later-created inner override wins inside",
			overrides: []oncall.Override{
				ov(t, "inner", "UYVES", "", "2026-03-04T00:00:00Z", "2026-03-05T00:00:00Z", 2),
				ov(t, "outer", "UXAVIER", "", "2026-03-03T00:00:00Z", "2026-03-06T00:00:00Z", 1),
			},
			from: "2026-03-02T20:00:00Z", to: "2026-03-09T00:00:00Z",
			want: []span{
				{"UALICE", "", "2026-03-02T16:00:00Z", "2026-03-03T00:00:00Z"},
				{"UXAVIER", "outer", "2026-03-03T00:00:00Z", "2026-03-04T00:00:00Z"},
				{"UYVES", "inner", "2026-03-04T00:00:00Z", "2026-03-05T00:00:00Z"},
				{"UXAVIER", "outer", "2026-03-05T00:00:00Z", "2026-03-06T00:00:00Z"},
				{"UALICE", "", "2026-03-06T00:00:00Z", "2026-03-09T15:00:00Z"},
			},
		},
		{
			name: "nested: an earlier-created inner override is hidden",
			overrides: []oncall.Override{
				ov(t, "inner", "UYVES", "", "2026-03-04T00:00:00Z", "2026-03-05T00:00:00Z", 1),
				ov(t, "outer", "UXAVIER", "", "2026-03-03T00:00:00Z", "2026-03-06T00:00:00Z", 2),
			},
			from: "2026-03-02T20:00:00Z", to: "2026-03-09T00:00:00Z",
			want: []span{
				{"UALICE", "", "2026-03-02T16:00:00Z", "2026-03-03T00:00:00Z"},
				{"UXAVIER", "outer", "2026-03-03T00:00:00Z", "2026-03-06T00:00:00Z"},
				{"UALICE", "", "2026-03-06T00:00:00Z", "2026-03-09T15:00:00Z"},
			},
		},
		{
			name: "replaces someone not on call has no effect",
			overrides: []oncall.Override{
				ov(t, "o1", "UXAVIER", "UCAROL", "2026-03-03T00:00:00Z", "2026-03-06T00:00:00Z", 1),
			},
			from: "2026-03-02T20:00:00Z", to: "2026-03-09T00:00:00Z",
			want: []span{{"UALICE", "", "2026-03-02T16:00:00Z", "2026-03-09T15:00:00Z"}},
		},
		{
			name: "replaces the scheduled person",
			overrides: []oncall.Override{
				ov(t, "o1", "UXAVIER", "UALICE", "2026-03-03T00:00:00Z", "2026-03-06T00:00:00Z", 1),
			},
			from: "2026-03-02T20:00:00Z", to: "2026-03-09T00:00:00Z",
			want: []span{
				{"UALICE", "", "2026-03-02T16:00:00Z", "2026-03-03T00:00:00Z"},
				{"UXAVIER", "o1", "2026-03-03T00:00:00Z", "2026-03-06T00:00:00Z"},
				{"UALICE", "", "2026-03-06T00:00:00Z", "2026-03-09T15:00:00Z"},
			},
		},
		{
			name: "replaces only covers that person's shift, not the next one",
			overrides: []oncall.Override{
				ov(t, "o1", "UXAVIER", "UALICE", "2026-03-08T00:00:00Z", "2026-03-11T00:00:00Z", 1),
			},
			from: "2026-03-07T00:00:00Z", to: "2026-03-11T00:00:00Z",
			want: []span{
				{"UALICE", "", "2026-03-02T16:00:00Z", "2026-03-08T00:00:00Z"},
				{"UXAVIER", "o1", "2026-03-08T00:00:00Z", "2026-03-09T15:00:00Z"},
				{"UBOB", "", "2026-03-09T15:00:00Z", "2026-03-16T15:00:00Z"},
			},
		},
		{
			name: "a later override can replace the person covering",
			overrides: []oncall.Override{
				ov(t, "o1", "UXAVIER", "UALICE", "2026-03-03T00:00:00Z", "2026-03-06T00:00:00Z", 1),
				ov(t, "o2", "UYVES", "UXAVIER", "2026-03-04T00:00:00Z", "2026-03-05T00:00:00Z", 2),
			},
			from: "2026-03-02T20:00:00Z", to: "2026-03-09T00:00:00Z",
			want: []span{
				{"UALICE", "", "2026-03-02T16:00:00Z", "2026-03-03T00:00:00Z"},
				{"UXAVIER", "o1", "2026-03-03T00:00:00Z", "2026-03-04T00:00:00Z"},
				{"UYVES", "o2", "2026-03-04T00:00:00Z", "2026-03-05T00:00:00Z"},
				{"UXAVIER", "o1", "2026-03-05T00:00:00Z", "2026-03-06T00:00:00Z"},
				{"UALICE", "", "2026-03-06T00:00:00Z", "2026-03-09T15:00:00Z"},
			},
		},
		{
			name: "creation order decides, not slice order, for identical ranges",
			overrides: []oncall.Override{
				ov(t, "late", "UYVES", "", "2026-03-03T00:00:00Z", "2026-03-04T00:00:00Z", 5),
				ov(t, "early", "UXAVIER", "", "2026-03-03T00:00:00Z", "2026-03-04T00:00:00Z", 1),
			},
			from: "2026-03-02T20:00:00Z", to: "2026-03-09T00:00:00Z",
			want: []span{
				{"UALICE", "", "2026-03-02T16:00:00Z", "2026-03-03T00:00:00Z"},
				{"UYVES", "late", "2026-03-03T00:00:00Z", "2026-03-04T00:00:00Z"},
				{"UALICE", "", "2026-03-04T00:00:00Z", "2026-03-09T15:00:00Z"},
			},
		},
		{
			name: "back-to-back overrides by one person stay separate shifts",
			overrides: []oncall.Override{
				ov(t, "o1", "UXAVIER", "", "2026-03-03T00:00:00Z", "2026-03-04T00:00:00Z", 1),
				ov(t, "o2", "UXAVIER", "", "2026-03-04T00:00:00Z", "2026-03-05T00:00:00Z", 2),
			},
			from: "2026-03-02T20:00:00Z", to: "2026-03-09T00:00:00Z",
			want: []span{
				{"UALICE", "", "2026-03-02T16:00:00Z", "2026-03-03T00:00:00Z"},
				{"UXAVIER", "o1", "2026-03-03T00:00:00Z", "2026-03-04T00:00:00Z"},
				{"UXAVIER", "o2", "2026-03-04T00:00:00Z", "2026-03-05T00:00:00Z"},
				{"UALICE", "", "2026-03-05T00:00:00Z", "2026-03-09T15:00:00Z"},
			},
		},
		{
			name: "ignored: own shift, other team, empty or reversed range, no user",
			overrides: []oncall.Override{
				ov(t, "self", "UALICE", "", "2026-03-03T00:00:00Z", "2026-03-04T00:00:00Z", 1),
				{ID: "other", Team: "data", User: "UXAVIER", Start: at(t, "2026-03-03T00:00:00Z"), End: at(t, "2026-03-04T00:00:00Z")},
				ov(t, "empty", "UXAVIER", "", "2026-03-04T00:00:00Z", "2026-03-04T00:00:00Z", 2),
				ov(t, "reversed", "UXAVIER", "", "2026-03-05T00:00:00Z", "2026-03-04T00:00:00Z", 3),
				ov(t, "nouser", "", "", "2026-03-03T00:00:00Z", "2026-03-04T00:00:00Z", 4),
			},
			from: "2026-03-02T20:00:00Z", to: "2026-03-09T00:00:00Z",
			want: []span{{"UALICE", "", "2026-03-02T16:00:00Z", "2026-03-09T15:00:00Z"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := r.Shifts(at(t, tt.from), at(t, tt.to), tt.overrides)
			if len(got) != len(tt.want) {
				t.Fatalf("Shifts returned %d shifts %v, want %v", len(got), got, tt.want)
			}
			for i, s := range got {
				if spanOf(s) != tt.want[i] {
					t.Errorf("shift %d = %v, want %v", i, spanOf(s), tt.want[i])
				}
				if i > 0 && !got[i-1].End.Equal(s.Start) {
					t.Errorf("shift %d does not start where shift %d ends", i, i-1)
				}
				// Current anywhere inside a shift, and Next just before its end,
				// must agree with Shifts.
				mid := s.Start.Add(s.End.Sub(s.Start) / 2)
				if c := spanOf(r.Current(mid, tt.overrides)); c != tt.want[i] {
					t.Errorf("Current(%v) = %v, want %v", mid.UTC(), c, tt.want[i])
				}
				if i+1 < len(got) {
					if n := spanOf(r.Next(s.End.Add(-time.Second), tt.overrides)); n != tt.want[i+1] {
						t.Errorf("Next(end of shift %d) = %v, want %v", i, n, tt.want[i+1])
					}
				}
			}
		})
	}
}

func TestShiftOverrideIsACopy(t *testing.T) {
	r := overrideRotation(t)
	ovs := []oncall.Override{ov(t, "o1", "UXAVIER", "", "2026-03-03T00:00:00Z", "2026-03-04T00:00:00Z", 1)}
	s := r.Current(at(t, "2026-03-03T12:00:00Z"), ovs)
	if s.Override == nil {
		t.Fatal("Current did not report the override")
	}
	s.Override.User = "UMALLORY"
	if ovs[0].User != "UXAVIER" {
		t.Errorf("changing Shift.Override changed the caller's override to %q", ovs[0].User)
	}
}

func TestOverrideValidate(t *testing.T) {
	tests := []struct {
		name    string
		o       oncall.Override
		wantErr bool
	}{
		{"valid", ov(t, "o", "UX", "", "2026-03-03T00:00:00Z", "2026-03-04T00:00:00Z", 0), false},
		{"no user", ov(t, "o", "", "", "2026-03-03T00:00:00Z", "2026-03-04T00:00:00Z", 0), true},
		{"empty range", ov(t, "o", "UX", "", "2026-03-03T00:00:00Z", "2026-03-03T00:00:00Z", 0), true},
		{"reversed", ov(t, "o", "UX", "", "2026-03-04T00:00:00Z", "2026-03-03T00:00:00Z", 0), true},
		{"no end", oncall.Override{ID: "o", User: "UX", Start: at(t, "2026-03-03T00:00:00Z")}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.o.Validate()
			if tt.wantErr != (err != nil) || (err != nil && !errors.Is(err, oncall.ErrBadOverride)) {
				t.Errorf("Validate() = %v, want error %v", err, tt.wantErr)
			}
		})
	}
}
