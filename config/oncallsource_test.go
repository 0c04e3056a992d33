package config

import (
	"strings"
	"testing"
	"time"
)

// TestOncallSourceErrors covers the schedule source and people keys, each
// with its message at its line.
func TestOncallSourceErrors(t *testing.T) {
	tests := []struct {
		name, top, oncall string
		want              []string
	}{
		{"ical without url", "", "    oncall: {source: ical}\n", []string{"4: team `platform` follows an iCal feed (`source: ical`) but has no `ical.url` (add ical: {url: ${PLATFORM_ONCALL_ICS}, refresh: 5m})"}},
		{"ical url not a url, not echoed", "", "    oncall: {source: ical, ical: {url: \"secret-token-123\"}}\n", []string{"4: `url` must be an https:// or webcal:// address of an iCalendar feed, or file: and a path (the feed's secret address, e.g. url: ${PLATFORM_ONCALL_ICS})"}},
		{"refresh too short", "", "    oncall: {source: ical, ical: {url: \"https://cal.example.com/a.ics\", refresh: 10s}}\n", []string{"4: `refresh` must be at least 1m, got 10s (for example refresh: 5m)"}},
		{"unknown source", "", "    oncall: {source: opsgenie}\n", []string{"4: `source` must be one of yaml, ical, pagerduty, got \"opsgenie\""}},
		{"pagerduty without token", "", "    oncall:\n      source: pagerduty\n      pagerduty: {schedule: PABC123}\n", []string{"5: team `platform` follows PagerDuty but the top-level `pagerduty.token` is not set (add at the top level pagerduty: {token: ${PAGERDUTY_TOKEN}} and export PAGERDUTY_TOKEN)"}},
		{"bad schedule id", "pagerduty: {token: t}\n", "    oncall: {source: pagerduty, pagerduty: {schedule: abc}}\n", []string{
			"5: `schedule` must be a PagerDuty schedule id such as PABC123, got \"abc\" (the id in the schedule's URL: /schedules/PABC123)",
		}},
		{"yaml still needs a rotation", "", "    oncall: {source: yaml}\n", []string{"4: team `platform` has no on-call `rotation` (list at least one user id: rotation: [U0123ABCD, ...], or set source: ical or pagerduty)"}},
		{"person without slack", "people:\n  - {email: ann@example.com}\n", "", []string{"2: `people` entry has no `slack` user id (add slack: U0123ABCD)"}},
		{"person email twice", "people:\n  - {slack: U01, email: ann@example.com}\n  - {slack: U02, email: Ann@example.com}\n", "", []string{"3: e-mail \"ann@example.com\" is listed twice in `people` (first at line 2) (one entry per person)"}},
		{"person bad email", "people:\n  - {slack: U01, email: ann}\n", "", []string{"2: `email` must be an e-mail address such as ann@example.com, got \"ann\""}},
		{"person misspelt key is one mistake", "people:\n  - {slack: U01, emial: ann@example.com}\n", "", []string{
			"2: unknown key `emial` in a `people` entry (did you mean `email`?)",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := teamDoc(tt.top, tt.oncall)
			if tt.oncall != "" {
				doc = strings.Replace(doc, "    oncall: {rotation: [U01]}\n", "", 1)
			}
			_, err := Parse("v.yaml", []byte(doc), env(nil))
			if err == nil {
				t.Fatalf("Parse succeeded, want errors; doc:\n%s", doc)
			}
			want := make([]string, len(tt.want))
			for i, w := range tt.want {
				want[i] = "v.yaml:" + w
			}
			same(t, "errors", strings.Split(err.Error(), "\n"), want)
			if strings.Contains(err.Error(), "secret-token-123") {
				t.Error("the error echoes the feed URL")
			}
		})
	}
}

func TestOncallSourceParsed(t *testing.T) {
	doc := teamDoc("pagerduty: {token: \"${PD}\", api_url: \"https://api.eu.pagerduty.com/\"}\npeople:\n  - {slack: U01, email: Ann@Example.com, name: Ann}\n",
		"    oncall: {source: ical, ical: {url: \"${ICS}\"}, escalate_to: U01}\n")
	doc = strings.Replace(doc, "    oncall: {rotation: [U01]}\n", "", 1)
	c, err := Parse("v.yaml", []byte(doc), env(map[string]string{"PD": "pd-token", "ICS": "https://cal.example.com/private-abc/basic.ics"}))
	if err != nil {
		t.Fatal(err)
	}
	o := c.Teams[0].Oncall
	if o.SourceKind() != SourceICal || o.ICal.URL.Reveal() != "https://cal.example.com/private-abc/basic.ics" || o.ICal.Refresh != 5*time.Minute {
		t.Errorf("oncall = %+v", o)
	}
	if c.PagerDuty.Token.Reveal() != "pd-token" || c.PagerDuty.APIURL != "https://api.eu.pagerduty.com" || c.PagerDuty.EventsURL != "https://events.pagerduty.com" {
		t.Errorf("pagerduty = %+v", c.PagerDuty)
	}
	if len(c.People) != 1 || c.People[0].Email != "ann@example.com" || c.People[0].Slack != "U01" || c.People[0].Line != 3 {
		t.Errorf("people = %+v", c.People)
	}
}
