package oncall_test

import (
	"errors"
	"testing"
	"time"
	_ "time/tzdata" // so the tests pass on machines without a zoneinfo database

	"github.com/sprintguard/sprintguard/oncall"
)

func TestParseHandoff(t *testing.T) {
	tests := []struct {
		in      string
		want    oncall.Handoff
		wantStr string
		wantErr bool
	}{
		{in: "Mon 10:00", want: oncall.Handoff{Weekday: time.Monday, HasWeekday: true, Hour: 10}, wantStr: "Mon 10:00"},
		{in: "monday 09:30", want: oncall.Handoff{Weekday: time.Monday, HasWeekday: true, Hour: 9, Minute: 30}, wantStr: "Mon 09:30"},
		{in: "10:00", want: oncall.Handoff{Hour: 10}, wantStr: "10:00"},
		{in: "  TUE   9:05 ", want: oncall.Handoff{Weekday: time.Tuesday, HasWeekday: true, Hour: 9, Minute: 5}, wantStr: "Tue 09:05"},
		{in: "thurs 00:00", want: oncall.Handoff{Weekday: time.Thursday, HasWeekday: true}, wantStr: "Thu 00:00"},
		{in: "Sunday 23:59", want: oncall.Handoff{Weekday: time.Sunday, HasWeekday: true, Hour: 23, Minute: 59}, wantStr: "Sun 23:59"},
		{in: "", wantErr: true},
		{in: "Mon", wantErr: true},
		{in: "Mo 10:00", wantErr: true},
		{in: "Mondays 10:00", wantErr: true},
		{in: "Mon 24:00", wantErr: true},
		{in: "Mon 10:60", wantErr: true},
		{in: "Mon 10", wantErr: true},
		{in: "Mon 10:00 UTC", wantErr: true},
		{in: "Mon -1:00", wantErr: true},
		{in: "Mon 100:00", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := oncall.ParseHandoff(tt.in)
			if tt.wantErr {
				if !errors.Is(err, oncall.ErrBadHandoff) {
					t.Fatalf("ParseHandoff(%q) = %+v, %v; want ErrBadHandoff", tt.in, got, err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("ParseHandoff(%q) = %+v, %v; want %+v", tt.in, got, err, tt.want)
			}
			if s := got.String(); s != tt.wantStr {
				t.Errorf("String() = %q, want %q", s, tt.wantStr)
			}
			if again, err := oncall.ParseHandoff(got.String()); err != nil || again != got {
				t.Errorf("ParseHandoff(String()) = %+v, %v; want %+v", again, err, got)
			}
		})
	}
}

func TestParseShift(t *testing.T) {
	tests := []struct {
		in      string
		want    int
		wantErr bool
	}{
		{in: "1w", want: 7},
		{in: "2w", want: 14},
		{in: "1d", want: 1},
		{in: "3d", want: 3},
		{in: "7d", want: 7},
		{in: " 2W ", want: 14},
		{in: "366d", want: 366},
		{in: "0d", wantErr: true},
		{in: "0w", wantErr: true},
		{in: "-1d", wantErr: true},
		{in: "+1d", wantErr: true},
		{in: "367d", wantErr: true},
		{in: "70w", wantErr: true},
		{in: "99999999999999999999d", wantErr: true},
		{in: "1h", wantErr: true},
		{in: "1", wantErr: true},
		{in: "d", wantErr: true},
		{in: "1.5d", wantErr: true},
		{in: "", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := oncall.ParseShift(tt.in)
			if tt.wantErr {
				if !errors.Is(err, oncall.ErrBadShift) {
					t.Fatalf("ParseShift(%q) = %d, %v; want ErrBadShift", tt.in, got, err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("ParseShift(%q) = %d, %v; want %d", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestParseClock(t *testing.T) {
	tests := []struct {
		in        string
		hour, min int
		wantErr   bool
	}{
		{in: "09:00", hour: 9},
		{in: "9:00", hour: 9},
		{in: "17:45", hour: 17, min: 45},
		{in: "00:00"},
		{in: "24:00", hour: 24},
		{in: "24:01", wantErr: true},
		{in: "25:00", wantErr: true},
		{in: "12:5", wantErr: true},
		{in: "12:60", wantErr: true},
		{in: "1200", wantErr: true},
		{in: "+1:00", wantErr: true},
		{in: "ab:cd", wantErr: true},
		{in: "", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			h, m, err := oncall.ParseClock(tt.in)
			if tt.wantErr {
				if !errors.Is(err, oncall.ErrBadClock) {
					t.Fatalf("ParseClock(%q) = %d, %d, %v; want ErrBadClock", tt.in, h, m, err)
				}
				return
			}
			if err != nil || h != tt.hour || m != tt.min {
				t.Fatalf("ParseClock(%q) = %d, %d, %v; want %d, %d", tt.in, h, m, err, tt.hour, tt.min)
			}
		})
	}
}
