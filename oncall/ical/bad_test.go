package ical_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/sprintguard/sprintguard/oncall/ical"
)

func wrap(events string) string {
	return "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n" + events + "END:VCALENDAR\r\n"
}

func TestBadFeeds(t *testing.T) {
	utc := time.UTC
	from := time.Date(2026, 11, 1, 0, 0, 0, 0, utc)
	var many strings.Builder
	for i := range 100000 {
		fmt.Fprintf(&many, "BEGIN:VEVENT\r\nUID:%d\r\nSUMMARY:x%d\r\nDTSTART:20261102T150000Z\r\nDTEND:20261102T160000Z\r\nEND:VEVENT\r\n", i, i)
	}
	tests := []struct {
		name string
		feed string
		want string // part of the error; "" for none
	}{
		{"broken line", wrap("BEGIN:VEVENT\r\nUID:1\r\nthis line has no colon\r\nEND:VEVENT\r\n"), "parse calendar feed"},
		{"not a calendar", "<html>502 Bad Gateway</html>", "parse calendar feed"},
		{"unknown TZID", wrap("BEGIN:VEVENT\r\nUID:1\r\nSUMMARY:On call: ann\r\nDTSTART;TZID=Mars/Olympus:20261102T090000\r\nDTEND;TZID=Mars/Olympus:20261103T090000\r\nEND:VEVENT\r\n"), `unknown TZID "Mars/Olympus"`},
		{"no DTSTART", wrap("BEGIN:VEVENT\r\nUID:1\r\nSUMMARY:On call: ann\r\nEND:VEVENT\r\n"), "has no DTSTART"},
		{"bad RRULE", wrap("BEGIN:VEVENT\r\nUID:1\r\nSUMMARY:a\r\nDTSTART:20261102T150000Z\r\nDTEND:20261103T150000Z\r\nRRULE:FREQ=SOMETIMES\r\nEND:VEVENT\r\n"), "RRULE"},
		{"100,000 events", wrap(many.String()), "100000 events"},
		{"secondly for ever", wrap("BEGIN:VEVENT\r\nUID:1\r\nSUMMARY:a\r\nDTSTART:19900101T000000Z\r\nDTEND:19900101T000001Z\r\nRRULE:FREQ=SECONDLY;BYMONTH=2;BYMONTHDAY=30\r\nEND:VEVENT\r\n"), "more often than daily"},
		{"daily for ever from long ago", wrap("BEGIN:VEVENT\r\nUID:1\r\nSUMMARY:a\r\nDTSTART:17500101T000000Z\r\nDTEND:17500101T000001Z\r\nRRULE:FREQ=DAILY\r\nEND:VEVENT\r\n"), "repeats more than"},
		{"daily for ever is cut at 400 days", wrap("BEGIN:VEVENT\r\nUID:1\r\nSUMMARY:a\r\nDTSTART:20261101T000000Z\r\nDTEND:20261102T000000Z\r\nRRULE:FREQ=DAILY\r\nEND:VEVENT\r\n"), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			entries, err := ical.Parse(strings.NewReader(tt.feed), utc, from, from.AddDate(10, 0, 0))
			if tt.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				last := entries[len(entries)-1]
				if len(entries) != 400 || last.Start.After(from.Add(ical.MaxWindow)) {
					t.Errorf("%d entries, last from %v: want 400 days at most", len(entries), last.Start)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) || !errors.Is(err, ical.ErrFeed) {
				t.Fatalf("err = %v, want ErrFeed saying %q", err, tt.want)
			}
		})
	}
}
