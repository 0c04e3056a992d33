package report

import (
	"maps"
	"strings"
	"testing"

	"github.com/sprintguard/sprintguard/classifier"
	"github.com/sprintguard/sprintguard/triage"
)

func rule(name string) mod { return func(r *triage.Request) { r.Decision.Rule = name } }

func TestReportNamesTheRulesOverriddenMostAndCountsAnswers(t *testing.T) {
	recat := func(r *triage.Request) { r.Category = "incident" }
	solved := func(r *triage.Request) {
		r.Deflection, r.Status, r.Outcome = triage.DeflectSolved, triage.StatusResolved, triage.Answered
	}
	needHelp := func(r *triage.Request) { r.Deflection = triage.DeflectNeedHelp }
	reqs := []*triage.Request{
		req(1, nov(17, 10, 0), rule("access-request"), changedTo(classifier.P1)),
		req(2, nov(17, 11, 0), rule("access-request"), recat),
		req(3, nov(18, 10, 0), rule("deploys"), changedTo(classifier.P2)),
		req(4, nov(18, 11, 0), rule("deploys")),                                                           // left alone
		req(5, nov(18, 12, 0), rule("access-request"), func(r *triage.Request) { r.Category = "access" }), // same category again
		req(6, nov(19, 9, 0), rule("vpn-reset"), solved),
		req(7, nov(19, 10, 0), rule("vpn-reset"), solved),
		req(8, nov(19, 11, 0), rule("vpn-reset"), needHelp),
		req(9, nov(19, 12, 0), rule("deploys"), func(r *triage.Request) { r.EstimateWhy = "estimate 2 points: median of REQ-3, REQ-4, REQ-5" }),
	}
	w := Compute(Data{Team: testTeam(), Week: w47, Requests: reqs, Now: nov(23, 9, 0)})
	got := w.ThisWeek.OverriddenRules
	if len(got) != 2 || got[0].Name != "access-request" || got[0].N != 2 || got[1].Name != "deploys" || got[1].N != 1 {
		t.Errorf("overridden rules %+v, want access-request 2, deploys 1", got)
	}
	if w.ThisWeek.Deflected != 2 || w.ThisWeek.AnswersOffered != 3 {
		t.Errorf("deflected %d of %d offered, want 2 of 3", w.ThisWeek.Deflected, w.ThisWeek.AnswersOffered)
	}
	html, err := w.HTML()
	if err != nil {
		t.Fatal(err)
	}
	for name, out := range map[string]string{"text": w.Text(), "markdown": w.Markdown(), "html": string(html)} {
		for _, want := range []string{
			"Rules that were overridden most", "access-request", "sprintguard rules suggest --team platform",
			"Answered by a rule", "answer: 2 of 3 requests offered one",
			"Estimates learned from similar requests: 1 request charged the median time spent on similar ones",
		} {
			if !strings.Contains(out, want) {
				t.Errorf("%s report lacks %q", name, want)
			}
		}
	}
	if w.ThisWeek.LearnedEstimates != 1 {
		t.Errorf("learned estimates %d, want 1", w.ThisWeek.LearnedEstimates)
	}
	quiet := Compute(Data{Team: testTeam(), Week: w47, Requests: reqs[3:4], Now: nov(23, 9, 0)})
	if out := quiet.Text(); !strings.Contains(out, "Nobody changed what a rule decided this week.") || strings.Contains(out, "rules suggest") {
		t.Errorf("a week without overrides:\n%s", out)
	}
}

// TestReportCountsDefersAndDeclinesAsOverrides: what rules suggest learns
// from a defer or a decline (learn.History) is an override of the rule in
// the report too, so the rules it names are the ones suggest would edit.
func TestReportCountsDefersAndDeclinesAsOverrides(t *testing.T) {
	by := func(kind, actor string, status triage.Status) mod {
		return func(r *triage.Request) {
			r.Events = append(r.Events, triage.Event{At: r.CreatedAt, Kind: kind, Actor: actor})
			r.Status = status
		}
	}
	interrupt := func(r *triage.Request) { r.Urgency, r.Decision.Urgency = classifier.P2, classifier.P2 }
	reopened := func(r *triage.Request) { r.Status = triage.StatusOpen }
	tests := []struct {
		name string
		mods []mod
		want bool
	}{
		{"deferred interrupt", []mod{interrupt, by(triage.ActDeferReq, "U1", triage.StatusDeferred)}, true},
		{"declined", []mod{by(triage.ActDecline, "U9", triage.StatusDeclined)}, true},
		{"deferred P3", []mod{by(triage.ActDeferReq, "U1", triage.StatusDeferred)}, false},
		{"approved interrupt", []mod{interrupt, by(triage.ActApprove, "U9", triage.StatusOpen)}, false},
		{"declined, then reopened", []mod{by(triage.ActDecline, "U9", triage.StatusDeclined), reopened}, false},
		{"deferred by sprintguard", []mod{interrupt, by(triage.ActDeferReq, triage.SystemActor+"jira", triage.StatusDeferred)}, false},
		{"raised by hand, then deferred", []mod{changedTo(classifier.P1), by(triage.ActUrgency, "U1", triage.StatusOpen), by(triage.ActDeferReq, "U1", triage.StatusDeferred)}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := req(1, nov(17, 10, 0), append([]mod{rule("deploys")}, tc.mods...)...)
			w := Compute(Data{Team: testTeam(), Week: w47, Requests: []*triage.Request{r}, Now: nov(23, 9, 0)})
			if got := len(w.ThisWeek.OverriddenRules) == 1; got != tc.want {
				t.Errorf("overridden rules %+v; want deploys counted: %v", w.ThisWeek.OverriddenRules, tc.want)
			}
		})
	}
}

// A bound that raised a request the team set back is the rule overridden,
// as rules suggest would edit it, not the rule that decided.
func TestReportNamesTheBoundOverridden(t *testing.T) {
	raised := func(r *triage.Request) {
		r.Decision.Urgency, r.Decision.RuleUrgency, r.Decision.Modifier = classifier.P2, classifier.P3, "blocks-others"
		r.Urgency = classifier.P2
	}
	reqs := []*triage.Request{
		req(1, nov(17, 10, 0), rule("how-do-i"), raised, changedTo(classifier.P3)),
		req(2, nov(17, 11, 0), rule("how-do-i"), raised, changedTo(classifier.P1)),
	}
	w := Compute(Data{Team: testTeam(), Week: w47, Requests: reqs, Now: nov(23, 9, 0)})
	got := w.ThisWeek.OverriddenRules
	if len(got) != 2 || got[0].Name != "blocks-others" || got[0].N != 1 || got[1].Name != "how-do-i" || got[1].N != 1 {
		t.Errorf("overridden rules %+v, want blocks-others 1 (set back), how-do-i 1 (raised further)", got)
	}
}

// TestCSVHasTheLearnedSections checks that the CSV carries what every other
// format says under the rules overridden most: the rules, the command that
// learns from them, the answers and the learned estimates.
func TestCSVHasTheLearnedSections(t *testing.T) {
	reqs := []*triage.Request{
		req(1, nov(17, 10, 0), rule("access-request"), changedTo(classifier.P1)),
		req(2, nov(17, 11, 0), rule("access-request"), func(r *triage.Request) { r.Category = "incident" }),
		req(3, nov(18, 10, 0), rule("deploys"), changedTo(classifier.P2)),
		req(4, nov(19, 9, 0), rule("vpn-reset"), func(r *triage.Request) { r.Deflection = triage.DeflectSolved }),
		req(5, nov(19, 10, 0), rule("vpn-reset"), func(r *triage.Request) { r.Deflection = triage.DeflectNeedHelp }),
		req(6, nov(19, 12, 0), rule("deploys"), func(r *triage.Request) { r.EstimateWhy = "median of REQ-3" }),
	}
	w := Compute(Data{Team: testTeam(), Week: w47, Requests: reqs, Now: nov(23, 9, 0)})
	b, err := w.CSV()
	if err != nil {
		t.Fatal(err)
	}
	got := csvLookup(t, b, "platform", "2026-W47")
	for _, tt := range []struct{ section, name, want string }{
		{"overridden_rule", "access-request", "2"},
		{"overridden_rule", "deploys", "1"},
		{"sprint_overridden_rule", "access-request", "2"},
		{"rules_suggest", "sprintguard rules suggest --team platform", "2"},
		{"answers", "solved", "1"},
		{"answers", "offered", "2"},
		{"sprint_answers", "offered", "2"},
		{"learned_estimates", "count", "1"},
	} {
		if v := got[tt.section][tt.name]; v != tt.want {
			t.Errorf("%s,%s = %q, want %q", tt.section, tt.name, v, tt.want)
		}
	}
	quiet := Compute(Data{Team: testTeam(), Week: w47, Requests: reqs[5:], Now: nov(23, 9, 0)})
	b, err = quiet.CSV()
	if err != nil {
		t.Fatal(err)
	}
	got = csvLookup(t, b, "platform", "2026-W47")
	if got["rules_suggest"]["sprintguard rules suggest --team platform"] != "0" || len(got["overridden_rule"]) != 0 ||
		got["answers"]["offered"] != "0" {
		t.Errorf("a week without overrides or answers: %v %v %v", got["rules_suggest"], got["overridden_rule"], got["answers"])
	}
}

// TestCountsTheCategoryTheOnCallSet checks that a category changed by the
// on-call wins over the rules' in the breakdown, as a changed urgency does.
func TestCountsTheCategoryTheOnCallSet(t *testing.T) {
	reqs := []*triage.Request{
		req(1, nov(17, 10, 0), category("other"), func(r *triage.Request) { r.Category = "incident" }),
		req(2, nov(17, 11, 0), category("other")),
	}
	w := Compute(Data{Team: testTeam(), Week: w47, Requests: reqs, Now: nov(23, 9, 0)})
	if got := names(w.ThisWeek.ByCategory); strings.Join(got, ", ") != "incident 1, other 1" {
		t.Errorf("by category %v, want incident 1, other 1", got)
	}
}

// TestTicketsMadeByCountsOnlyTicketedRequests checks that a request a
// rule's answer solved, which never got a ticket, is not counted as a
// ticket its requester made.
func TestTicketsMadeByCountsOnlyTicketedRequests(t *testing.T) {
	noTicket := func(r *triage.Request) { r.Ticket = triage.Ticket{} }
	reqs := []*triage.Request{
		req(1, nov(17, 10, 0)),
		req(2, nov(17, 11, 0), noTicket, func(r *triage.Request) {
			r.Deflection, r.Status, r.Outcome = triage.DeflectSolved, triage.StatusResolved, triage.Answered
		}),
		req(3, nov(17, 12, 0), func(r *triage.Request) { r.TicketedBy = triage.ByMember }),
	}
	w := Compute(Data{Team: testTeam(), Week: w47, Requests: reqs, Now: nov(23, 9, 0)})
	want := map[string]int{"requester": 1, "member": 1, "deadline": 0}
	if got := w.ThisWeek.TicketedBy; !maps.Equal(got, want) {
		t.Errorf("tickets made by %v, want %v", got, want)
	}
	if !strings.Contains(w.Text(), "Tickets made by: requester 1, team member 1, deadline 0") {
		t.Errorf("text report:\n%s", w.Text())
	}
}
