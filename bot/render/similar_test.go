package render

import (
	"strings"
	"testing"
	"time"

	"github.com/sprintguard/sprintguard/classifier"
	"github.com/sprintguard/sprintguard/triage"
)

func withSimilar(r *triage.Request) {
	r.Similar = []triage.Similar{
		{ID: 3, Ref: "REQ-3", Summary: "Deploy <blocked> again", Urgency: classifier.P2, Status: triage.StatusResolved, Resolver: "UB", Actual: 1.5, HasActual: true},
		{ID: 5, Ref: "REQ-5", Summary: "staging deploy stuck", Urgency: classifier.P3, Status: triage.StatusAcknowledged, Assignee: "UC"},
		{ID: 6, Ref: "request 6", Summary: "deploy hangs", Urgency: classifier.P2, Status: triage.StatusResolved, Resolver: "UA"},
	}
	r.Estimate, r.RuleEstimate = 1.5, 2
	r.EstimateWhy = "estimate 1.5 points: median of REQ-3, REQ-8, REQ-9"
}

func TestOnCallShowsSimilarRequestsAndTheLearnedEstimate(t *testing.T) {
	tests := []struct {
		name string
		mod  func(*triage.Request)
		want []string
		not  []string
	}{
		{"similar", withSimilar, []string{
			"*Learned* estimate 1.5 points: median of REQ-3, REQ-8, REQ-9 (the rule said 2 points)",
			"*Similar past requests:*",
			"• REQ-3 · *P2* · Deploy &lt;blocked&gt; again · resolved by <@UB> · took 1.5 points",
			"• REQ-5 · *P3* · staging deploy stuck · not resolved yet (acknowledged, <@UC> has it)",
			"• request 6 · *P2* · deploy hangs · resolved by <@UA> · time spent not recorded",
		}, nil},
		{"declined and deferred", func(r *triage.Request) {
			r.Similar = []triage.Similar{
				{ID: 7, Ref: "REQ-7", Summary: "give me prod root", Urgency: classifier.P3, Status: triage.StatusDeclined, Assignee: "UC"},
				{ID: 8, Ref: "REQ-8", Summary: "new grafana board", Urgency: classifier.P3, Status: triage.StatusDeferred},
			}
		}, []string{
			"• REQ-7 · *P3* · give me prod root · declined",
			"• REQ-8 · *P3* · new grafana board · not resolved yet (deferred to the next sprint)",
		}, []string{"not resolved yet (declined"}},
		{"none", func(*triage.Request) {}, nil, []string{"Similar past requests", "Learned"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			msg := OnCall(testRequest(t, tc.mod), testTeam(t))
			got := texts(decode(t, msg.Blocks))
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("lacks %q:\n%s", w, got)
				}
			}
			for _, n := range tc.not {
				if strings.Contains(got, n) {
					t.Errorf("has %q:\n%s", n, got)
				}
			}
		})
	}
}

func TestAppHomeShowsSimilarRequestsOfOpenOnes(t *testing.T) {
	ht := homeTeamFor(t, "platform", 2)
	withSimilar(ht.Open[0])
	ht.Similar = false
	at := time.Date(2026, 3, 4, 18, 0, 0, 0, mustZone(t, "America/Chicago"))
	if got := texts(decode(t, AppHome(Home{User: "UZ", Teams: []HomeTeam{ht}, At: at}).Blocks.BlockSet)); strings.Contains(got, "Similar past requests") {
		t.Errorf("a viewer outside the team sees its similar requests:\n%s", got)
	}
	ht.Similar = true
	view := AppHome(Home{User: "UA", Teams: []HomeTeam{ht}, At: at})
	blocks := decode(t, view.Blocks.BlockSet)
	checkLimits(t, blocks, maxView)
	got := texts(blocks)
	for _, want := range []string{
		"*Similar past requests*\n*Like ",
		":* estimate 1.5 points: median of REQ-3, REQ-8, REQ-9 (the rule said 2 points)\n",
		"    • REQ-3 · *P2* · Deploy &lt;blocked&gt; again · resolved by <@UB> · took 1.5 points",
		"    • REQ-5 · *P3* · staging deploy stuck · not resolved yet (acknowledged, <@UC> has it)",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("App Home lacks %q:\n%s", want, got)
		}
	}
}

// TestTheLearnedEstimateIsExplained: wherever a decision is explained to
// people (the requester's reply, the reply while the ticket is queued, the
// lead's approval), a learned estimate says where it came from.
func TestTheLearnedEstimateIsExplained(t *testing.T) {
	const why = "P2 because rule `deploy-blocked` matched 'blocked' and 'deploy'; estimate 1.5 points: median of REQ-3, REQ-8, REQ-9"
	for _, tc := range []struct {
		name   string
		render func(*triage.Request, *triage.Team) Message
	}{
		{"requester reply", RequesterReply},
		{"queued ticket", func(r *triage.Request, _ *triage.Team) Message { return Queued(r, "timeout") }},
		{"approval", func(r *triage.Request, team *triage.Team) Message {
			r.Status = triage.StatusPending
			return Approval(r, team)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := texts(decode(t, tc.render(testRequest(t, withSimilar), testTeam(t)).Blocks))
			if !strings.Contains(got, why) {
				t.Errorf("lacks %q:\n%s", why, got)
			}
			if plain := texts(decode(t, tc.render(testRequest(t), testTeam(t)).Blocks)); strings.Contains(plain, "median") {
				t.Errorf("explains an estimate nobody learned:\n%s", plain)
			}
		})
	}
}

// TestASimilarRequestSolvedByAnAnswer reads as answered by its rule, not
// as a "request 6 · resolved" that never had a ticket.
func TestASimilarRequestSolvedByAnAnswer(t *testing.T) {
	got := similarLine(triage.Similar{ID: 6, Ref: "request 6", Summary: "reset my <vpn>", Urgency: classifier.P3,
		Status: triage.StatusResolved, AnsweredBy: "vpn-help"}, "points")
	if want := "*P3* · reset my &lt;vpn&gt; · answered by rule `vpn-help`"; got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}
