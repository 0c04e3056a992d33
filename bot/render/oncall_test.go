package render

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sprintguard/sprintguard/classifier"
	"github.com/sprintguard/sprintguard/triage"
)

func TestOnCall(t *testing.T) {
	chicago := mustZone(t, "America/Chicago")
	closedAt := time.Date(2026, 3, 9, 11, 30, 0, 0, chicago)
	closeWith := func(st triage.Status, kind, actor string) func(*triage.Request) {
		return func(r *triage.Request) {
			r.Status = st
			r.Events = append(r.Events, triage.Event{At: closedAt, Kind: kind, Actor: actor})
		}
	}
	tests := []struct {
		name    string
		mod     func(*triage.Request)
		actions []string
		want    []string
		not     []string
	}{
		{
			name:    "open",
			actions: []string{ActionAck, ActionUrgency, ActionCategory, ActionResolve, ActionDefer},
			want: []string{"*P2* · <https://jira.example.com/browse/REQ-12|REQ-12> · Deploy blocked on staging",
				"*Requester:* <@U0REQ>", "<#C0HELP> · <https://slack.com/archives/C0HELP/p1772658000000100|view message>",
				"*Why:* P2 because rule `deploy-blocked` matched 'blocked' and 'deploy'",
				"*Estimate:* 2 points · charged to sprint 3's interrupt budget",
				"acknowledge within 15m (by Wed 4 Mar 15:15 CST), resolve within 4h (by Wed 4 Mar 19:00 CST)",
				"> The migrate step fails."},
			not: []string{"<!here>", "<!channel>"},
		},
		{
			name:    "open without a ticket yet",
			mod:     func(r *triage.Request) { r.Ticket = triage.Ticket{}; r.OverBudget = true; r.Urgency = classifier.P1 },
			actions: []string{ActionAck, ActionUrgency, ActionCategory, ActionResolve, ActionDefer},
			want:    []string{"*P1* · Deploy blocked on staging", "*over* its interrupt budget"},
			not:     []string{"REQ-12"},
		},
		{
			name: "acknowledged",
			mod: func(r *triage.Request) {
				r.Status, r.AckedAt = triage.StatusAcknowledged, r.CreatedAt.Add(5*time.Minute)
				r.Events = append(r.Events, triage.Event{At: r.AckedAt, Kind: triage.ActAcknowledge, Actor: "UA"})
			},
			actions: []string{ActionUrgency, ActionCategory, ActionResolve, ActionDefer},
			want:    []string{"Acknowledged by <@UA> on Wed 4 Mar 15:05 CST"},
		},
		{
			name: "resolved with time spent",
			mod: func(r *triage.Request) {
				closeWith(triage.StatusResolved, triage.ActResolve, "UA")(r)
				r.Actual, r.HasActual = 2.5, true
			},
			actions: nil,
			want:    []string{"Resolved by <@UA> on Mon 9 Mar 11:30 CDT · 2.5 points spent"},
		},
		{
			name:    "resolved without time spent",
			mod:     closeWith(triage.StatusResolved, triage.ActResolve, "UB"),
			actions: nil,
			want:    []string{"Resolved by <@UB> on Mon 9 Mar 11:30 CDT"},
			not:     []string{"spent"},
		},
		{
			name: "deferred",
			mod: func(r *triage.Request) {
				closeWith(triage.StatusDeferred, triage.ActDeferReq, "UA")(r)
				r.SprintStart = time.Date(2026, 3, 9, 0, 0, 0, 0, chicago)
			},
			actions: nil,
			want:    []string{"Deferred to the next sprint by <@UA> on Mon 9 Mar 11:30 CDT (next sprint starts Mon 9 Mar)", "not charged"},
		},
		{
			name:    "declined",
			mod:     closeWith(triage.StatusDeclined, triage.ActDecline, "UL1"),
			actions: nil,
			want:    []string{"Declined by <@UL1> on Mon 9 Mar 11:30 CDT"},
		},
		{
			name:    "backlog by policy",
			mod:     closeWith(triage.StatusBacklog, string(triage.Backlog), ""),
			actions: nil,
			want:    []string{"In the backlog on Mon 9 Mar 11:30 CDT"},
			not:     []string{" by "},
		},
		{
			name:    "pending approval",
			mod:     func(r *triage.Request) { r.Outcome, r.Status = triage.NeedsApproval, triage.StatusPending },
			actions: nil,
			want:    []string{"Waiting for a lead's approval"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := testRequest(t, func(r *triage.Request) { r.Sprint = 3 })
			if tt.mod != nil {
				tt.mod(r)
			}
			m := OnCall(r, testTeam(t))
			d := checkMessage(t, m)
			if got := actionIDs(d); !slices.Equal(got, tt.actions) {
				t.Errorf("actions = %v, want %v", got, tt.actions)
			}
			wantContains(t, texts(d), tt.want, tt.not)
			wantContains(t, m.Text, []string{"P", "(from <@U0REQ>)"}, []string{"*"})
			if len(tt.actions) == 0 {
				return
			}
			els := elements(d)
			for _, id := range []string{ActionAck, ActionResolve, ActionDefer} {
				for _, el := range els[id] {
					if el["value"] != "12" {
						t.Errorf("%s value = %v, want 12", id, el["value"])
					}
				}
			}
			if els[ActionDefer][0]["confirm"] == nil {
				t.Error("defer has no confirm dialog")
			}
			if len(els[ActionAck]) == 1 && els[ActionAck][0]["style"] != "primary" {
				t.Error("acknowledge is not primary")
			}
			sel := els[ActionUrgency][0]
			if sel["type"] != "static_select" {
				t.Fatalf("urgency element = %v", sel)
			}
			var values []string
			for _, o := range sel["options"].([]any) {
				values = append(values, o.(map[string]any)["value"].(string))
			}
			if !slices.Equal(values, []string{"12:P1", "12:P2", "12:P3", "12:P4"}) {
				t.Errorf("urgency options = %v", values)
			}
			initial, _ := sel["initial_option"].(map[string]any)
			if want := urgencyValue(12, r.Urgency); initial["value"] != want {
				t.Errorf("initial option = %v, want %s", initial, want)
			}
		})
	}
}

func TestOnCallLimits(t *testing.T) {
	r := testRequest(t, func(r *triage.Request) {
		r.Summary = strings.Repeat("<script>&", 400)
		r.Details = strings.Repeat("line with <b>tags</b> & stuff\n", 500)
		r.Decision.Matched = []string{strings.Repeat("m", 5000)}
		for i := range 12 {
			r.Links = append(r.Links, "https://x.example/"+strings.Repeat("p", i*300))
		}
	})
	d := checkMessage(t, OnCall(r, testTeam(t)))
	all := texts(d)
	wantContains(t, all, []string{"&lt;script&gt;&amp;", "and 7 more links"}, []string{"<script>", "<b>"})
}

func TestApproval(t *testing.T) {
	chicago := mustZone(t, "America/Chicago")
	at := time.Date(2026, 3, 5, 9, 30, 0, 0, chicago)
	tests := []struct {
		name    string
		mod     func(*triage.Request)
		actions []string
		want    []string
	}{
		{
			name:    "pending",
			actions: []string{ActionApprove, ActionDefer, ActionDecline},
			want: []string{"*Approval needed:* *P2* · <https://jira.example.com/browse/REQ-12|REQ-12>",
				"interrupt budget is spent; it cannot hold the estimate of 2 points"},
		},
		{
			name: "approved",
			mod: func(r *triage.Request) {
				r.Status = triage.StatusOpen
				r.Events = append(r.Events, triage.Event{At: at, Kind: triage.ActApprove, Actor: "UL1"})
			},
			want: []string{"Approved into the sprint by <@UL1> on Thu 5 Mar 09:30 CST."},
		},
		{
			name: "deferred",
			mod: func(r *triage.Request) {
				r.Status = triage.StatusDeferred
				r.SprintStart = time.Date(2026, 3, 9, 0, 0, 0, 0, chicago)
				r.Events = append(r.Events, triage.Event{At: at, Kind: triage.ActDeferReq, Actor: "UL2"})
			},
			want: []string{"Deferred to the next sprint by <@UL2> on Thu 5 Mar 09:30 CST (it starts Mon 9 Mar)."},
		},
		{
			name: "declined",
			mod: func(r *triage.Request) {
				r.Status = triage.StatusDeclined
				r.Events = append(r.Events, triage.Event{At: at, Kind: triage.ActDecline, Actor: "UL2"})
			},
			want: []string{"Declined by <@UL2> on Thu 5 Mar 09:30 CST."},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := testRequest(t, func(r *triage.Request) {
				r.Outcome, r.Status, r.Assignee = triage.NeedsApproval, triage.StatusPending, ""
			})
			if tt.mod != nil {
				tt.mod(r)
			}
			m := Approval(r, testTeam(t))
			d := checkMessage(t, m)
			if got := actionIDs(d); !slices.Equal(got, tt.actions) {
				t.Fatalf("actions = %v, want %v", got, tt.actions)
			}
			wantContains(t, texts(d), tt.want, nil)
			els := elements(d)
			for _, id := range tt.actions {
				if els[id][0]["value"] != "12" {
					t.Errorf("%s value = %v", id, els[id][0]["value"])
				}
			}
			if len(tt.actions) > 0 && els[ActionApprove][0]["style"] != "primary" {
				t.Error("approve is not primary")
			}
			if len(tt.actions) > 0 {
				decline := els[ActionDecline][0]
				confirm, _ := decline["confirm"].(map[string]any)
				if decline["type"] != "button" || decline["style"] != "danger" || confirm == nil {
					t.Errorf("decline is not a danger button that asks first: %v", decline)
				}
			}
		})
	}
}

func TestChanged(t *testing.T) {
	chicago := mustZone(t, "America/Chicago")
	pago := mustZone(t, "Pacific/Pago_Pago")
	tests := []struct {
		name   string
		mod    func(*triage.Request)
		action string
		actor  string
		in     bool // use ChangedIn with the test team
		want   string
	}{
		{"ack", nil, triage.ActAcknowledge, "UA", false, "Acknowledged by <@UA>"},
		{"urgency", func(r *triage.Request) { r.Urgency = classifier.P1 }, triage.ActUrgency, "UB", false, "Urgency changed to P1 by <@UB>"},
		{"category", func(r *triage.Request) { r.Category = "security" }, triage.ActCategory, "UB", false, "Category changed to security by <@UB>"},
		{"resolve", func(r *triage.Request) { r.Actual, r.HasActual = 2.5, true }, triage.ActResolve, "UA", false, "Resolved by <@UA> (2.5 spent)"},
		{"resolve with unit", func(r *triage.Request) { r.Actual, r.HasActual = 2.5, true }, triage.ActResolve, "UA", true, "Resolved by <@UA> (2.5 points)"},
		{"resolve, no time", nil, triage.ActResolve, "UA", false, "Resolved by <@UA>"},
		{"defer", func(r *triage.Request) { r.SprintStart = time.Date(2026, 12, 7, 0, 0, 0, 0, chicago) }, triage.ActDeferReq, "UA", false, "Deferred to the next sprint (starts Mon 7 Dec) by <@UA>"},
		{"defer in team zone", func(r *triage.Request) { r.SprintStart = time.Date(2026, 12, 7, 0, 0, 0, 0, chicago).In(pago) }, triage.ActDeferReq, "sg:worker", true, "Deferred to the next sprint (starts Mon 7 Dec)"},
		{"approve", nil, triage.ActApprove, "UL1", false, "Approved into the sprint by <@UL1>"},
		{"decline", nil, triage.ActDecline, "UL1", false, "Declined by <@UL1>"},
		{"reassign", func(r *triage.Request) { r.Assignee = "UB" }, triage.ActReassign, "UA", false, "Reassigned to <@UB> by <@UA>"},
		{"reopen", nil, triage.ActReopen, "UA", false, "Reopened by <@UA>"},
		{"system actor", nil, triage.ActAcknowledge, "sg:escalation", false, "Acknowledged"},
		{"unknown", nil, "<escalate>", "UA", false, "&lt;escalate&gt; by <@UA>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := testRequest(t)
			if tt.mod != nil {
				tt.mod(r)
			}
			m := Changed(r, tt.action, tt.actor)
			if tt.in {
				m = ChangedIn(r, testTeam(t), tt.action, tt.actor)
			}
			d := checkMessage(t, m)
			if m.Text != tt.want {
				t.Errorf("text = %q, want %q", m.Text, tt.want)
			}
			if !strings.Contains(texts(d), tt.want) {
				t.Errorf("blocks %q lack %q", texts(d), tt.want)
			}
		})
	}
}
