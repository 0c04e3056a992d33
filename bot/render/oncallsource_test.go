package render

import (
	"strings"
	"testing"
	"time"

	"github.com/sprintguard/sprintguard/oncall"
)

func TestOnCallSource(t *testing.T) {
	loc, err := time.LoadLocation("America/Chicago")
	if err != nil {
		t.Fatal(err)
	}
	fetched := time.Date(2026, 11, 23, 16, 42, 0, 0, time.UTC)
	tests := []struct {
		name, source, escalate string
		tl                     *oncall.Timeline
		want                   []string
		empty                  bool
	}{
		{name: "rotation says nothing", source: oncall.SourceYAML, empty: true},
		{name: "fresh", source: oncall.SourcePagerDuty, tl: &oncall.Timeline{FetchedAt: fetched},
			want: []string{"From PagerDuty, as of Mon 10:42 CST"}},
		{name: "unmapped named", source: oncall.SourceICal, escalate: "U0LEAD", tl: &oncall.Timeline{FetchedAt: fetched, Unmapped: []string{"Dana <Ops>"}},
			want: []string{"From the calendar feed, as of Mon 10:42 CST", "No Slack user matches Dana &lt;Ops&gt;", "add them to `people:`", "escalate_to (<@U0LEAD>)"}},
		{name: "nothing fetched yet", source: oncall.SourcePagerDuty, escalate: "@leads",
			want: []string{"No schedule from PagerDuty yet", "escalate_to (@leads)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := OnCallSource(tt.source, tt.tl, tt.escalate, loc)
			if tt.empty != (got == "") {
				t.Fatalf("got %q", got)
			}
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("%q lacks %q", got, w)
				}
			}
		})
	}
	s := onCallUser(oncall.Shift{Name: "Dana"})
	if s != "Dana (no Slack user matches)" {
		t.Errorf("unmapped shift shows %q", s)
	}
}
