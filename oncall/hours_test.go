package oncall_test

import (
	"errors"
	"testing"
	"time"

	"github.com/sprintguard/sprintguard/oncall"
)

var weekdays = []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday}

func TestParseDate(t *testing.T) {
	tests := []struct {
		in      string
		want    oncall.Date
		wantErr bool
	}{
		{in: "2026-12-25", want: oncall.Date{Year: 2026, Month: time.December, Day: 25}},
		{in: "2028-02-29", want: oncall.Date{Year: 2028, Month: time.February, Day: 29}},
		{in: "2026-02-29", wantErr: true},
		{in: "2026-13-01", wantErr: true},
		{in: "26-12-25", wantErr: true},
		{in: "2026-12-25T00:00:00Z", wantErr: true},
		{in: "", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := oncall.ParseDate(tt.in)
			if tt.wantErr {
				if !errors.Is(err, oncall.ErrBadDate) {
					t.Fatalf("ParseDate(%q) = %v, %v; want ErrBadDate", tt.in, got, err)
				}
				return
			}
			if err != nil || got != tt.want || got.String() != tt.in {
				t.Fatalf("ParseDate(%q) = %v (%q), %v; want %v", tt.in, got, got.String(), err, tt.want)
			}
		})
	}
}

func TestBusinessHoursValidate(t *testing.T) {
	good := oncall.BusinessHours{Days: weekdays, Start: oncall.Clock{Hour: 9}, End: oncall.Clock{Hour: 17}, Location: time.UTC}
	tests := []struct {
		name   string
		modify func(b *oncall.BusinessHours)
		want   []error
	}{
		{"valid", func(b *oncall.BusinessHours) {}, nil},
		{"until midnight", func(b *oncall.BusinessHours) { b.End = oncall.Clock{Hour: 24} }, nil},
		{"no location", func(b *oncall.BusinessHours) { b.Location = nil }, []error{oncall.ErrNoLocation}},
		{"no days", func(b *oncall.BusinessHours) { b.Days = nil }, []error{oncall.ErrBadHours}},
		{"bad weekday", func(b *oncall.BusinessHours) { b.Days = []time.Weekday{9} }, []error{oncall.ErrBadHours}},
		{"start after end", func(b *oncall.BusinessHours) { b.Start = oncall.Clock{Hour: 18} }, []error{oncall.ErrBadHours}},
		{"start equals end", func(b *oncall.BusinessHours) { b.End = b.Start }, []error{oncall.ErrBadHours}},
		{"past midnight", func(b *oncall.BusinessHours) { b.End = oncall.Clock{Hour: 24, Minute: 30} }, []error{oncall.ErrBadHours}},
		{"bad minute", func(b *oncall.BusinessHours) { b.Start = oncall.Clock{Hour: 9, Minute: 75} }, []error{oncall.ErrBadHours}},
		{"bad holiday", func(b *oncall.BusinessHours) { b.Holidays = []oncall.Date{{Year: 2026, Month: 2, Day: 30}} }, []error{oncall.ErrBadDate}},
		{"several", func(b *oncall.BusinessHours) { b.Location, b.Days = nil, nil }, []error{oncall.ErrNoLocation, oncall.ErrBadHours}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := good
			tt.modify(&b)
			err := b.Validate()
			if (err != nil) != (len(tt.want) > 0) {
				t.Fatalf("Validate() = %v, want %v", err, tt.want)
			}
			for _, w := range tt.want {
				if !errors.Is(err, w) {
					t.Errorf("Validate() = %v, want it to wrap %v", err, w)
				}
			}
		})
	}
}

func TestBusinessHours(t *testing.T) {
	chicago := zone(t, "America/Chicago")
	office := oncall.BusinessHours{Days: weekdays, Start: oncall.Clock{Hour: 9}, End: oncall.Clock{Hour: 17, Minute: 30},
		Location: chicago, Holidays: []oncall.Date{{Year: 2026, Month: time.December, Day: 25}}}
	// Opening inside the spring-forward gap and inside the repeated hour.
	night := oncall.BusinessHours{Days: []time.Weekday{time.Sunday}, Start: oncall.Clock{Hour: 2, Minute: 30},
		End: oncall.Clock{Hour: 5}, Location: chicago}
	early := oncall.BusinessHours{Days: []time.Weekday{time.Sunday}, Start: oncall.Clock{Hour: 1, Minute: 30},
		End: oncall.Clock{Hour: 1, Minute: 45}, Location: chicago}
	mondays := oncall.BusinessHours{Days: []time.Weekday{time.Monday}, Start: oncall.Clock{Hour: 9}, End: oncall.Clock{Hour: 17},
		Location: time.UTC, Holidays: []oncall.Date{{2026, 3, 2}, {2026, 3, 9}, {2026, 3, 16}}}
	nodays := oncall.BusinessHours{Start: oncall.Clock{Hour: 9}, End: oncall.Clock{Hour: 17}, Location: time.UTC}
	tests := []struct {
		name     string
		b        oncall.BusinessHours
		t        string
		contains bool
		nextOpen string
	}{
		{"weekday morning", office, "2026-03-04T15:00:00Z", true, "2026-03-04T15:00:00Z"},
		{"opening instant", office, "2026-03-04T15:00:00Z", true, "2026-03-04T15:00:00Z"},
		{"just before opening", office, "2026-03-04T14:59:59Z", false, "2026-03-04T15:00:00Z"},
		{"closing instant is closed", office, "2026-03-04T23:30:00Z", false, "2026-03-05T15:00:00Z"},
		{"just before closing", office, "2026-03-04T23:29:59Z", true, "2026-03-04T23:29:59Z"},
		{"friday evening opens monday", office, "2026-03-06T23:45:00Z", false, "2026-03-09T14:00:00Z"},
		{"saturday", office, "2026-03-07T18:00:00Z", false, "2026-03-09T14:00:00Z"},
		{"after the spring change", office, "2026-03-09T14:00:00Z", true, "2026-03-09T14:00:00Z"},
		{"holiday", office, "2026-12-25T16:00:00Z", false, "2026-12-28T15:00:00Z"},
		{"evening before holiday", office, "2026-12-24T23:45:00Z", false, "2026-12-28T15:00:00Z"},
		{"utc date differs from local", office, "2026-03-05T02:00:00Z", false, "2026-03-05T15:00:00Z"},
		{"opening in the gap opens at its end", night, "2026-03-07T18:00:00Z", false, "2026-03-08T08:00:00Z"},
		{"open right after the gap", night, "2026-03-08T08:00:00Z", true, "2026-03-08T08:00:00Z"},
		{"first pass through the repeated hour", early, "2026-11-01T06:35:00Z", true, "2026-11-01T06:35:00Z"},
		{"between the two passes", early, "2026-11-01T06:50:00Z", false, "2026-11-01T07:30:00Z"},
		{"second pass before opening", early, "2026-11-01T07:15:00Z", false, "2026-11-01T07:30:00Z"},
		{"second pass", early, "2026-11-01T07:40:00Z", true, "2026-11-01T07:40:00Z"},
		{"after the second pass", early, "2026-11-01T07:45:00Z", false, "2026-11-08T07:30:00Z"},
		{"holidays skip weeks", mondays, "2026-02-28T00:00:00Z", false, "2026-03-23T09:00:00Z"},
		{"never opens", nodays, "2026-03-04T12:00:00Z", false, "0001-01-01T00:00:00Z"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			now := at(t, tt.t)
			if got := tt.b.Contains(now); got != tt.contains {
				t.Errorf("Contains(%v) = %v, want %v", now.In(chicago), got, tt.contains)
			}
			got := tt.b.NextOpen(now)
			if !got.Equal(at(t, tt.nextOpen)) {
				t.Errorf("NextOpen(%v) = %v, want %s", now.In(chicago), got.UTC(), tt.nextOpen)
			}
			if !got.IsZero() && !tt.b.Contains(got) {
				t.Errorf("NextOpen(%v) = %v, which Contains rejects", now.In(chicago), got)
			}
		})
	}
}
