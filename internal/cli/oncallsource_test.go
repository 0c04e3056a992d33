package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"
)

// feedOf is a calendar feed with one shift per person, in order, each a
// day long from 2026-11-23 09:00 UTC.
func feedOf(who ...string) string {
	s := "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n"
	for i, w := range who {
		day := 23 + i
		s += fmt.Sprintf("BEGIN:VEVENT\r\nUID:%d\r\nDTSTAMP:20261101T000000Z\r\nSUMMARY:On call: %s\r\n"+
			"DTSTART:202611%02dT090000Z\r\nDTEND:202611%02dT090000Z\r\nEND:VEVENT\r\n", i, w, day, day+1)
	}
	return s + "END:VCALENDAR\r\n"
}

// TestScheduleFromICal switches a team to `source: ical` with no other
// change, routes requests by the feed, follows a change made at the source
// on the next refresh, keeps routing on the last good schedule when the
// feed breaks, sends unmapped people's shifts to escalate_to, and answers
// `sprintguard oncall --format json` from the store.
func TestScheduleFromICal(t *testing.T) {
	var feed atomic.Pointer[string]
	set := func(s string) { feed.Store(&s) }
	set(feedOf("ann@example.com", "ben@example.com"))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body := *feed.Load()
		if body == "" {
			http.Error(w, "upstream down", http.StatusBadGateway)
			return
		}
		w.Header().Set("Content-Type", "text/calendar")
		io.WriteString(w, body)
	}))
	defer srv.Close()

	g := newRig(t, `storage: {path: %s}
people:
  - {slack: U0ANN, email: ann@example.com}
  - {slack: U0BEN, name: Ben B, email: ben@example.com}
teams:
  - name: platform
    timezone: America/Chicago
    oncall:
      source: ical
      ical: {url: %s/feed.ics, refresh: 5m}
      escalate_to: U0LEAD
    sprint: {start: 2026-01-05, capacity: 40}
    rules: [{name: fallback, default: true, urgency: P3}]
`, srv.URL)
	ask := func() string { return g.ask("").Assignee }
	now := rigNow

	if got := ask(); got != "U0LEAD" {
		t.Errorf("before any fetch: routed to %q, want escalate_to U0LEAD", got)
	}
	if err := g.refresh(); err != nil {
		t.Fatal(err)
	}
	if got := ask(); got != "U0ANN" {
		t.Errorf("after the first fetch: routed to %q, want U0ANN", got)
	}

	set(feedOf("ben@example.com", "ann@example.com")) // swapped at the source
	if err := g.refresh(); err != nil {
		t.Fatal(err)
	}
	if got := ask(); got != "U0BEN" {
		t.Errorf("after the source changed: routed to %q, want U0BEN", got)
	}

	set("") // the feed is down
	if err := g.refresh(); err == nil {
		t.Error("a failed fetch reported no error")
	}
	set("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n") // garbage: nobody at all
	if err := g.refresh(); err == nil {
		t.Error("an empty schedule was accepted")
	}
	if got := ask(); got != "U0BEN" {
		t.Errorf("with the feed down: routed to %q, want the last good U0BEN", got)
	}

	set(feedOf("Dana Nobody", "ben@example.com"))
	if err := g.refresh(); err != nil {
		t.Fatal(err)
	}
	if got := ask(); got != "U0LEAD" {
		t.Errorf("Dana maps to nobody: routed to %q, want escalate_to U0LEAD", got)
	}
	g.db.Close()

	code, out, errs := run(t, "oncall", "--config", g.cfgPath, "--format", "json")
	if code != ExitOK {
		t.Fatalf("oncall: exit %d: %s", code, errs)
	}
	var rows []struct {
		Team, Now, Next, Source string
		Until                   time.Time
		FetchedAt               *time.Time `json:"fetched_at"`
	}
	if err := json.Unmarshal([]byte(out), &rows); err != nil {
		t.Fatalf("oncall JSON: %v\n%s", err, out)
	}
	if len(rows) != 1 || rows[0].Now != "U0LEAD" || rows[0].Next != "U0BEN" || rows[0].Source != "ical" ||
		rows[0].FetchedAt == nil || !rows[0].FetchedAt.Equal(now) ||
		!rows[0].Until.Equal(time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)) {
		t.Errorf("oncall JSON = %s", out)
	}
}

// TestOncallDemoCalendar runs what `make demo` runs: the bundled team whose
// on-call is a calendar file, fetched on the spot since no bot kept it.
func TestOncallDemoCalendar(t *testing.T) {
	tests := []struct{ at, now, next string }{
		{"2026-11-17T12:00", "U0DATA003", "U0DATA002"}, // Eli's week from Tue 17 Nov
		{"2026-11-24T08:59", "U0DATA003", "U0DATA002"},
		{"2026-11-24T09:00", "U0DATA002", "U0DATA003"},
		{"2026-03-31T09:00", "U0DATA002", "U0DATA003"}, // the first Tuesday after the DST change
	}
	for _, tt := range tests {
		t.Run(tt.at, func(t *testing.T) {
			code, out, errs := run(t, "oncall", "--config", repo("examples", "oncall-ical.yaml"), "--at", tt.at, "--format", "json")
			if code != ExitOK {
				t.Fatalf("exit %d: %s", code, errs)
			}
			var rows []struct{ Now, Next, Source string }
			if err := json.Unmarshal([]byte(out), &rows); err != nil {
				t.Fatal(err)
			}
			if len(rows) != 1 || rows[0].Now != tt.now || rows[0].Next != tt.next || rows[0].Source != "ical" {
				t.Errorf("at %s: %s", tt.at, out)
			}
		})
	}
}
