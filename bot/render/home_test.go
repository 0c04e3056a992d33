package render

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/sprintguard/sprintguard/classifier"
	"github.com/sprintguard/sprintguard/oncall"
	"github.com/sprintguard/sprintguard/triage"
)

func homeTeamFor(t *testing.T, name string, open int) HomeTeam {
	t.Helper()
	team := testTeam(t)
	team.Name = name
	now := time.Date(2026, 3, 4, 18, 0, 0, 0, team.Location)
	ht := HomeTeam{
		Team:   team,
		Now:    oncall.Shift{Team: name, User: "UA", Start: now.Add(-48 * time.Hour), End: time.Date(2026, 3, 9, 10, 0, 0, 0, team.Location)},
		Next:   oncall.Shift{Team: name, User: "UB", Start: time.Date(2026, 3, 9, 10, 0, 0, 0, team.Location), End: time.Date(2026, 3, 16, 10, 0, 0, 0, team.Location)},
		Ledger: testLedger(3, 1),
	}
	for i := range open {
		ht.Open = append(ht.Open, testRequest(t, func(r *triage.Request) {
			r.ID = int64(i + 1)
			r.Ticket = triage.Ticket{Key: fmt.Sprintf("REQ-%d", r.ID)}
			r.Summary = fmt.Sprintf("<b>request</b> & %d %s", r.ID, strings.Repeat("x", 200))
			r.CreatedAt = now.Add(-time.Duration(i+1) * time.Minute * 10)
			r.NotifyAt = r.CreatedAt
		}))
	}
	return ht
}

func TestAppHome(t *testing.T) {
	at := time.Date(2026, 3, 4, 18, 0, 0, 0, mustZone(t, "America/Chicago"))
	tests := []struct {
		name  string
		teams []HomeTeam
		mine  []*triage.Request
		want  []string
		not   []string
		// lines maps a line's ticket key to its expected SLA mark, "" for none.
		lines map[string]string
	}{
		{
			name:  "one team",
			teams: []HomeTeam{homeTeamFor(t, "platform", 2)},
			mine: []*triage.Request{testRequest(t, func(r *triage.Request) {
				r.Ticket.Key, r.Status, r.Decision.SLA = "REQ-77", triage.StatusAcknowledged, classifier.SLA{}
			})},
			want: []string{"platform", "*On call:* <@UA> until Mon 9 Mar 10:00 CDT", "*Next:* <@UB> (handoff Mon 9 Mar 10:00 CDT)",
				"`▓▓▓▓░░░░░░ 4/10 (40%)` points", "*Open requests (2):*", "REQ-1 · &lt;b&gt;request&lt;/b&gt; &amp; 1", "10m old",
				"Your requests", "REQ-77", "acknowledged"},
			not: []string{"more"},
		},
		{
			name:  "SLA breaches",
			teams: []HomeTeam{homeTeamFor(t, "platform", 2)},
			mine: []*triage.Request{
				testRequest(t, func(r *triage.Request) {
					r.Ticket.Key, r.CreatedAt, r.NotifyAt = "REQ-90", at.Add(-5*time.Hour), at.Add(-5*time.Hour)
				}),
				testRequest(t, func(r *triage.Request) {
					r.Ticket.Key, r.CreatedAt, r.NotifyAt, r.Status = "REQ-91", at.Add(-5*time.Hour), time.Time{}, triage.StatusAcknowledged
				}),
			},
			// Both open ones are 10 and 20 minutes old: only the second missed its 15m ack.
			lines: map[string]string{"REQ-1 ": "", "REQ-2 ": "ack SLA breached", "|REQ-90>": "ack SLA breached", "|REQ-91>": "resolve SLA breached"},
		},
		{
			name:  "500 open requests",
			teams: []HomeTeam{homeTeamFor(t, "platform", 500)},
			want:  []string{"*Open requests (500):*", "and 485 more"},
		},
		{
			name: "30 teams of 500",
			teams: func() []HomeTeam {
				var ts []HomeTeam
				one := homeTeamFor(t, "platform", 500)
				for i := range 30 {
					ht := one
					ht.Team = &triage.Team{Name: fmt.Sprintf("team-%d", i), Location: one.Team.Location, Budget: one.Team.Budget}
					ts = append(ts, ht)
				}
				return ts
			}(),
			want: []string{"team-0", "more teams", "Your requests"},
		},
		{
			name:  "no teams, nothing mine",
			teams: nil,
			want:  []string{"Your requests", "none"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := AppHome(Home{User: "U0REQ", Teams: tt.teams, Mine: tt.mine, At: at})
			if v.Type != slack.VTHomeTab {
				t.Errorf("view type %q", v.Type)
			}
			d := decode(t, v.Blocks)
			checkLimits(t, d, maxView)
			all := texts(d)
			wantContains(t, all, tt.want, tt.not)
			for key, mark := range tt.lines {
				var line string
				for _, l := range strings.Split(all, "\n") {
					if strings.Contains(l, key) {
						line = l
					}
				}
				switch {
				case line == "":
					t.Errorf("no line for %s", key)
				case mark == "" && strings.Contains(line, "breached"):
					t.Errorf("line %q has a breach", line)
				case mark != "" && !strings.Contains(line, mark):
					t.Errorf("line %q lacks %q", line, mark)
				}
			}
			els := elements(d)
			if b := els[ActionOpenRequest]; len(b) != 1 || b[0]["type"] != "button" || b[0]["value"] != nil && b[0]["value"] != "" {
				t.Errorf("New request button = %v", b)
			}
			if ids := actionIDs(d); !slices.Equal(ids, []string{ActionOpenRequest}) {
				t.Errorf("actions = %v", ids)
			}
		})
	}
}

// App Home lists a team's open requests in the order the on-call should
// take them: most urgent first, then oldest first.
func TestAppHomeOpenRequestsMostUrgentFirst(t *testing.T) {
	ht := homeTeamFor(t, "platform", 0)
	at := time.Date(2026, 3, 4, 18, 0, 0, 0, ht.Team.Location)
	add := func(key string, u classifier.Urgency, age time.Duration) {
		ht.Open = append(ht.Open, testRequest(t, func(r *triage.Request) {
			r.ID = int64(len(ht.Open) + 1)
			r.Ticket = triage.Ticket{Key: key}
			r.Urgency, r.CreatedAt = u, at.Add(-age)
			r.NotifyAt = r.CreatedAt
		}))
	}
	// Oldest first, as the store hands them over.
	add("REQ-P4OLD", classifier.P4, 9*time.Hour)
	add("REQ-P3OLD", classifier.P3, 8*time.Hour)
	add("REQ-P1OLD", classifier.P1, 7*time.Hour)
	add("REQ-P2", classifier.P2, 6*time.Hour)
	add("REQ-P3NEW", classifier.P3, 2*time.Hour)
	add("REQ-P1NEW", classifier.P1, time.Hour)
	want := []string{"REQ-P1OLD", "REQ-P1NEW", "REQ-P2", "REQ-P3OLD", "REQ-P3NEW", "REQ-P4OLD"}

	view := AppHome(Home{User: "UA", Teams: []HomeTeam{ht}, At: at})
	var open string
	for _, b := range view.Blocks.BlockSet {
		if s, ok := b.(*slack.SectionBlock); ok && s.Text != nil && strings.Contains(s.Text.Text, "Open requests") {
			open = s.Text.Text
		}
	}
	var got []string
	for _, line := range strings.Split(open, "\n")[1:] {
		for _, key := range want {
			if strings.Contains(line, key+"|") || strings.Contains(line, key+" ") || strings.Contains(line, key+">") {
				got = append(got, key)
			}
		}
	}
	if !slices.Equal(got, want) {
		t.Fatalf("open requests in order %v, want %v\n%s", got, want, open)
	}
}
