package render

import (
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/sprintguard/sprintguard/classifier"
	"github.com/sprintguard/sprintguard/report"
)

// testWeekly is a computed report of week 2026-W47 of team platform, as
// report.Compute would make it.
func testWeekly(t *testing.T) *report.Weekly {
	t.Helper()
	loc := mustZone(t, "America/Chicago")
	start := time.Date(2026, 11, 16, 0, 0, 0, 0, loc)
	end := start.AddDate(0, 0, 7)
	urg := func(p1, p2, p3, p4 int) map[string]int { return map[string]int{"P1": p1, "P2": p2, "P3": p3, "P4": p4} }
	week := report.Period{
		Requests: 9, ByUrgency: urg(2, 1, 5, 1),
		ByCategory:      []report.Count{{Name: "access", N: 5}, {Name: "deploy", N: 2}, {Name: "<!channel>", N: 1}},
		ByRequesterTeam: []report.Count{{Name: "web", N: 3}, {Name: "(no team)", N: 2}},
		TopRequesters:   []report.Count{{Name: "alice", ID: "U1", N: 3, Budget: 1}, {Name: "bob", ID: "U2", N: 2, Budget: 4.5}},
		Outcomes:        map[string]int{"accepted": 5, "deferred": 1, "needs_approval": 1, "backlog": 1, "declined": 1},
		Ack:             report.Durations{N: 3, Median: 20 * time.Minute, P90: 2 * time.Hour},
		Resolve:         report.Durations{N: 2, Median: 5 * time.Hour, P90: 26 * time.Hour},
		SLABreaches: report.Breaches{Ack: 2, Resolve: 1, IDs: []int64{1, 5}, Items: []report.Breach{
			{ID: 5, Ticket: "PLAT-5", Kind: "ack", Target: 15 * time.Minute, Took: 120 * time.Hour, Open: true, Urgency: classifier.P1},
			{ID: 1, Ticket: "PLAT-1", Kind: "resolve", Target: 4 * time.Hour, Took: 5 * time.Hour, Urgency: classifier.P1},
			{ID: 1, Kind: "ack", Target: 15 * time.Minute, Took: 20 * time.Minute},
		}},
		Overridden: 1, OverrideRate: 1.0 / 9,
		OverriddenRules: []report.Count{{Name: "access-request", N: 1}}, Deflected: 2, AnswersOffered: 3,
		FalseEmergencies: []report.Item{
			{ID: 7, Ticket: "PLAT-7", Summary: "Need *prod* access <b> & now", Claimed: classifier.P2, Classified: classifier.P3, Requester: "erin"},
		},
	}
	w := &report.Weekly{
		Team: "platform", Week: "2026-W47", TimeZone: "America/Chicago", Start: start, End: end, Cutoff: end, Generated: end,
		ThisWeek: week, Sprint: week,
		SprintInfo: report.SprintStatus{N: 3, Start: start, End: start.AddDate(0, 0, 14), Unit: "points",
			Budget: 12, Used: 7.5, Left: 4.5, UsedRatio: 0.625, DaysLeft: 7},
	}
	for i := range 8 {
		ws := start.AddDate(0, 0, 7*(i-7))
		_, n := ws.ISOWeek()
		w.Trend = append(w.Trend, report.TrendPoint{Week: "2026-W" + strconv.Itoa(n), Start: ws, Requests: i,
			ByUrgency: urg(i%2, 0, i, 0), BudgetUsed: float64(i), Plan: 6})
	}
	return w
}

func TestReport(t *testing.T) {
	m := Report(testWeekly(t))
	d := checkMessage(t, m)
	all := texts(d)
	wantContains(t, all, []string{
		"Interrupt report · platform · 2026-W47",
		"Mon 16 Nov – Sun 22 Nov · America/Chicago",
		"*Requests this week*\n9 (P1 2 · P2 1 · P3 5 · P4 1)",
		"accepted 5 · deferred 1 · declined 1 · awaiting approval 1 · backlog 1",
		"1 of 9 (11.1%)",
		"*Time to acknowledge*\nmedian 20m · p90 2h00m (3)",
		"*Time to resolve*\nmedian 5h00m · p90 1d2h (2)",
		"*SLA breaches*\nack 2, resolve 1",
		"*Budget · sprint 3* (Mon 16 Nov – Sun 29 Nov)\n`▓▓▓▓▓▓░░░░ 7.5/12 (63%)` points · 7 days left",
		"2026-W47     7    1/0  7/6",
		"1. access — 5", "3. &lt;!channel&gt; — 1", "1. web — 3",
		"1. alice — 3 requests, 1 point\n2. bob — 2 requests, 4.5 points",
		"• PLAT-5 P1 ack: 5d and counting (target 15m)", "• #1 ack: 20m (target 15m)",
		"• PLAT-7 claimed P2, rules P3 — erin: “Need *prod* access &lt;b&gt; &amp; now”",
		"*Rules that were overridden most*\n1. access-request — 1\n`sprintguard rules suggest --team platform` proposes rule edits from these overrides.\n" +
			"Answered by a rule's answer: 2 of 3 requests offered one, with nobody on call involved",
	}, []string{"<@U1>", "<!channel>", "week in progress"})
	if m.Text != "Interrupt report for platform, 2026-W47: 9 requests (P1 2 · P2 1 · P3 5 · P4 1); budget 7.5 of 12 points used." {
		t.Errorf("fallback %q", m.Text)
	}
	if typ := d[0].(map[string]any)["type"]; typ != "header" {
		t.Errorf("first block is %v, want header", typ)
	}
}

func TestReportEdgeCases(t *testing.T) {
	tests := []struct {
		name      string
		edit      func(w *report.Weekly)
		want, not []string
	}{
		{"no calendar", func(w *report.Weekly) { w.SprintInfo = report.SprintStatus{} },
			[]string{"*Budget:* no sprint calendar configured."}, []string{"Budget · sprint"}},
		{"over budget", func(w *report.Weekly) { w.SprintInfo.Used, w.SprintInfo.Left, w.SprintInfo.OverBudget = 15, -3, 2 },
			[]string{"`▓▓▓▓▓▓▓▓▓▓ 15/12 (125%)`", "*Over budget by 3 points.*", "2 accepted although the budget was spent."}, nil},
		{"week in progress", func(w *report.Weekly) { w.Cutoff = w.Start.Add(50 * time.Hour) },
			[]string{"week in progress, counted up to Wed 18 Nov 02:00 CST"}, nil},
		{"empty week", func(w *report.Weekly) {
			w.ThisWeek = report.Period{ByUrgency: map[string]int{"P1": 0, "P2": 0, "P3": 0, "P4": 0}, Outcomes: map[string]int{}}
		}, []string{"*Time to acknowledge*\nnone yet", "*By category*\nnone", "*Top requesters this week*\nnone",
			"*Emergencies that weren't* (claimed P1/P2, the rules said lower): 0"}, []string{"awaiting approval"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := testWeekly(t)
			tt.edit(w)
			wantContains(t, texts(checkMessage(t, Report(w))), tt.want, tt.not)
		})
	}
}

// TestReportHugeStaysWithinLimits feeds a report far bigger than any team's
// week: every list and every text must be cut to Block Kit's limits.
func TestReportHugeStaysWithinLimits(t *testing.T) {
	w := testWeekly(t)
	long := strings.Repeat("very long <name> & more ", 200)
	w.Team = long
	p := &w.ThisWeek
	p.ByCategory, p.ByRequesterTeam, p.TopRequesters = nil, nil, nil
	for i := range 5000 {
		c := report.Count{Name: long + strconv.Itoa(i), ID: "U" + strconv.Itoa(i), N: 5000 - i, Budget: 1e9}
		p.ByCategory = append(p.ByCategory, c)
		p.ByRequesterTeam = append(p.ByRequesterTeam, c)
	}
	p.TopRequesters = p.ByCategory[:5]
	p.SLABreaches = report.Breaches{Ack: 3000, Resolve: 3000}
	for i := range 50 {
		p.SLABreaches.Items = append(p.SLABreaches.Items, report.Breach{ID: int64(i), Ticket: long, Kind: "ack",
			Target: time.Minute, Took: 1000 * time.Hour, Open: true})
	}
	p.FalseEmergencies = nil
	for i := range 3000 {
		p.FalseEmergencies = append(p.FalseEmergencies, report.Item{ID: int64(i), Ticket: long, Summary: long,
			Requester: long, Claimed: classifier.P1, Classified: classifier.P4})
	}
	w.SprintInfo.Unit = long

	m := Report(w)
	d := checkMessage(t, m)
	if len(m.Blocks) > maxMessage {
		t.Errorf("%d blocks", len(m.Blocks))
	}
	walk(d, func(b map[string]any) {
		fields, ok := b["fields"].([]any)
		if !ok {
			return
		}
		if len(fields) > reportMaxFields {
			t.Errorf("section with %d fields", len(fields))
		}
		for _, f := range fields {
			s, _ := f.(map[string]any)["text"].(string)
			if n := utf8.RuneCountInString(s); n > reportFieldText {
				t.Errorf("field of %d runes", n)
			}
		}
	})
	wantContains(t, texts(d), []string{"and 4995 more", "and 5990 more", "and 2990 more"}, nil)
}
