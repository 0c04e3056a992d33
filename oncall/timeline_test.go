package oncall_test

import (
	"strings"
	"testing"
	"time"

	"github.com/sprintguard/sprintguard/oncall"
)

// slack maps the test people to Slack ids; Dana has no Slack user.
func slack(p oncall.Person) string {
	return map[string]string{"alice@example.com": "UALICE", "bob@example.com": "UBOB", "Carol": "UCAROL"}[p.Email+p.Name]
}

func TestBuildFlattensOverlaps(t *testing.T) {
	loc := zone(t, "Europe/Berlin")
	h := func(s string) time.Time { return at(t, "2026-03-0"+s+":00:00Z") }
	alice, bob, carol, dana := oncall.Person{Email: "alice@example.com"}, oncall.Person{Email: "bob@example.com"},
		oncall.Person{Name: "Carol"}, oncall.Person{Name: "Dana"}
	entries := []oncall.Entry{
		{Who: bob, Start: h("2T09"), End: h("3T09")},
		{Who: alice, Start: h("1T09"), End: h("2T09")},
		// Carol covers the middle of Alice's day: Alice resumes after.
		{Who: carol, Start: h("1T12"), End: h("1T14")},
		// Nobody from 3T09 to 4T09, then Dana whom Slack does not know.
		{Who: dana, Start: h("4T09"), End: h("5T09")},
		// Outside the window: cut.
		{Who: alice, Start: h("5T09"), End: h("9T09")},
	}
	tl := oncall.Build("platform", oncall.SourceICal, h("1T00"), h("1T00"), h("6T00"), loc, entries, slack)
	var got []string
	for _, s := range tl.Shifts {
		got = append(got, s.User+"/"+s.Name+"@"+s.Start.UTC().Format("02T15")+"-"+s.End.UTC().Format("02T15"))
	}
	want := "UALICE/@01T09-01T12 UCAROL/@01T12-01T14 UALICE/@01T14-02T09 UBOB/@02T09-03T09 /Dana@04T09-05T09 UALICE/@05T09-06T00"
	if strings.Join(got, " ") != want {
		t.Errorf("shifts\n got %s\nwant %s", strings.Join(got, " "), want)
	}
	if strings.Join(tl.Unmapped, ",") != "Dana" {
		t.Errorf("Unmapped = %v, want [Dana]", tl.Unmapped)
	}
}

func TestRosterFollowsTimeline(t *testing.T) {
	loc := zone(t, "America/Chicago")
	day := func(d int, hour int) time.Time { return time.Date(2026, 3, d, hour, 0, 0, 0, loc) }
	entries := []oncall.Entry{
		{Who: oncall.Person{Email: "alice@example.com"}, Start: day(2, 9), End: day(3, 9)},
		{Who: oncall.Person{Email: "bob@example.com"}, Start: day(4, 9), End: day(5, 9)},
	}
	r := oncall.FeedRoster("platform", oncall.SourceICal, loc)
	if s := r.Current(day(2, 10), nil); s.User != "" {
		t.Fatalf("before any Set: got %q, want nobody", s.User)
	}
	r.Set(oncall.Build("platform", oncall.SourceICal, day(1, 0), day(1, 0), day(10, 0), loc, entries, slack))
	swap := oncall.Override{ID: "s1", Team: "platform", User: "UCAROL", Replaces: "UALICE", Start: day(2, 12), End: day(2, 13), CreatedAt: day(1, 0)}
	tests := []struct {
		name      string
		at        time.Time
		ovs       []oncall.Override
		user      string
		start     time.Time
		end       time.Time
		nextUser  string
		nextStart time.Time
	}{
		{"in a shift", day(2, 10), nil, "UALICE", day(2, 9), day(3, 9), "", day(3, 9)},
		{"at its end", day(3, 9), nil, "", day(3, 9), day(4, 9), "UBOB", day(4, 9)},
		{"before the first", day(1, 3), nil, "", day(1, 0), day(2, 9), "UALICE", day(2, 9)},
		{"a swap on top", day(2, 12), []oncall.Override{swap}, "UCAROL", day(2, 12), day(2, 13), "UALICE", day(2, 13)},
		{"after until", day(11, 0), nil, "", day(10, 0), time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC), "", time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := r.Current(tt.at, tt.ovs)
			if s.User != tt.user || !s.Start.Equal(tt.start) || !s.End.Equal(tt.end) {
				t.Errorf("Current = %s %v..%v, want %s %v..%v", s.User, s.Start, s.End, tt.user, tt.start, tt.end)
			}
			n := r.Next(tt.at, tt.ovs)
			if n.User != tt.nextUser || !n.Start.Equal(tt.nextStart) {
				t.Errorf("Next = %s from %v, want %s from %v", n.User, n.Start, tt.nextUser, tt.nextStart)
			}
		})
	}
}

func TestRotationRosterMatchesRotation(t *testing.T) {
	chicago := zone(t, "America/Chicago")
	rot := oncall.Rotation{Team: "platform", Members: members, ShiftDays: 7,
		Handoff: oncall.Handoff{Weekday: time.Monday, HasWeekday: true, Hour: 10}, Location: chicago}
	r := oncall.RotationRoster(rot)
	for _, ts := range []string{"2026-03-08T07:59:00Z", "2026-03-09T15:00:00Z", "2026-11-01T06:30:00Z"} {
		t.Run(ts, func(t *testing.T) {
			tt := at(t, ts)
			if got, want := r.Current(tt, nil), rot.Current(tt, nil); got.User != want.User || !got.End.Equal(want.End) {
				t.Errorf("roster %v, rotation %v", got, want)
			}
			if got, want := r.HandoffAfter(tt), rot.Current(tt, nil).End; !got.Equal(want) {
				t.Errorf("HandoffAfter = %v, want %v", got, want)
			}
		})
	}
}
