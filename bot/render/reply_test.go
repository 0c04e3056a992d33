package render

import (
	"strings"
	"testing"
	"time"

	"github.com/sprintguard/sprintguard/classifier"
	"github.com/sprintguard/sprintguard/triage"
)

func TestRequesterReply(t *testing.T) {
	chicago := mustZone(t, "America/Chicago")
	pago := mustZone(t, "Pacific/Pago_Pago") // UTC-11: a date shown in the wrong zone is a day off
	tests := []struct {
		name string
		mod  func(*triage.Request)
		team func(*triage.Team)
		want []string
		not  []string
	}{
		{
			name: "accepted now",
			want: []string{"Ticket <https://jira.example.com/browse/REQ-12|REQ-12> created.",
				"P2 because rule `deploy-blocked` matched 'blocked' and 'deploy'",
				"*Who has it:* <@UA>", "<@UA> is on call and will pick it up now."},
			not: []string{"budget is spent", "approval"},
		},
		{
			name: "accepted for business hours",
			mod: func(r *triage.Request) {
				r.CreatedAt = time.Date(2026, 3, 6, 20, 0, 0, 0, chicago)
				r.NotifyAt = time.Date(2026, 3, 9, 9, 0, 0, 0, chicago).In(pago)
			},
			want: []string{"<@UA> is on call and will pick it up at Mon 9 Mar 09:00 CDT"},
			not:  []string{"pick it up now"},
		},
		{
			name: "accepted for business hours before the change",
			mod: func(r *triage.Request) {
				r.CreatedAt = time.Date(2026, 3, 5, 20, 0, 0, 0, chicago)
				r.NotifyAt = time.Date(2026, 3, 6, 9, 0, 0, 0, chicago).UTC()
			},
			want: []string{"pick it up at Fri 6 Mar 09:00 CST"},
		},
		{
			// Routed when the requester said the rule's answer did not
			// help, which was in business hours: the on-call hears now.
			name: "still needed help in business hours",
			mod: func(r *triage.Request) {
				r.CreatedAt = time.Date(2026, 3, 8, 8, 45, 0, 0, chicago)
				press := time.Date(2026, 3, 9, 9, 30, 0, 0, chicago)
				r.Events = append(r.Events, triage.Event{At: press, Kind: triage.ActNeedHelp, Actor: r.User})
				r.NotifyAt = press.UTC()
			},
			want: []string{"<@UA> is on call and will pick it up now."},
			not:  []string{"business hours start"},
		},
		{
			// Pressed on the Sunday clocks went forward: the pickup is
			// Monday's opening, in daylight time.
			name: "still needed help on the DST Sunday",
			mod: func(r *triage.Request) {
				r.CreatedAt = time.Date(2026, 3, 7, 23, 0, 0, 0, chicago)
				r.Events = append(r.Events, triage.Event{At: time.Date(2026, 3, 8, 8, 45, 0, 0, chicago), Kind: triage.ActNeedHelp, Actor: r.User})
				r.NotifyAt = time.Date(2026, 3, 9, 9, 0, 0, 0, chicago).In(pago)
			},
			want: []string{"will pick it up at Mon 9 Mar 09:00 CDT, when business hours start."},
		},
		{
			name: "over budget P1",
			mod:  func(r *triage.Request) { r.Urgency, r.OverBudget = classifier.P1, true },
			want: []string{"pick it up now", "the interrupt budget is spent; the lead has been told"},
		},
		{
			name: "approved over budget",
			mod: func(r *triage.Request) {
				r.OverBudget = true
				r.Events = append(r.Events, triage.Event{At: r.CreatedAt.Add(time.Hour), Kind: triage.ActApprove, Actor: "UL2"})
				r.NotifyAt = r.CreatedAt.Add(time.Hour)
			},
			want: []string{"Approved into the sprint by <@UL2>. <@UA> is on call and will pick it up now."},
			not:  []string{"lead has been told", "business hours"},
		},
		{
			name: "deferred in spring",
			mod: func(r *triage.Request) {
				r.Outcome, r.Status, r.Assignee = triage.Deferred, triage.StatusDeferred, ""
				r.SprintStart = time.Date(2026, 3, 9, 0, 0, 0, 0, chicago).In(pago)
			},
			want: []string{"Queued for the next sprint, which starts on Mon 9 Mar", "*Who has it:* unassigned"},
			not:  []string{"Sun 8 Mar"},
		},
		{
			name: "deferred in autumn",
			mod: func(r *triage.Request) {
				r.Outcome, r.Status = triage.Deferred, triage.StatusDeferred
				r.SprintStart = time.Date(2026, 11, 2, 0, 0, 0, 0, chicago).In(pago)
			},
			want: []string{"which starts on Mon 2 Nov."},
			not:  []string{"Sun 1 Nov"},
		},
		{
			name: "deferred by the on-call after acceptance",
			mod: func(r *triage.Request) {
				r.Status = triage.StatusDeferred
				r.SprintStart = time.Date(2026, 3, 9, 0, 0, 0, 0, chicago)
			},
			want: []string{"Queued for the next sprint, which starts on Mon 9 Mar"},
		},
		{
			name: "needs approval",
			mod: func(r *triage.Request) {
				r.Outcome, r.Status, r.Assignee = triage.NeedsApproval, triage.StatusPending, ""
			},
			want: []string{"Waiting for approval by <@UL1> (or <@UL2>)"},
		},
		{
			name: "needs approval, three leads",
			mod:  func(r *triage.Request) { r.Outcome, r.Status = triage.NeedsApproval, triage.StatusPending },
			team: func(tm *triage.Team) { tm.Leads = []string{"UL1", "UL2", "UL3"} },
			want: []string{"Waiting for approval by <@UL1> (or <@UL2>, <@UL3>)"},
		},
		{
			name: "needs approval, no leads",
			mod:  func(r *triage.Request) { r.Outcome, r.Status = triage.NeedsApproval, triage.StatusPending },
			team: func(tm *triage.Team) { tm.Leads = nil },
			want: []string{"Waiting for approval by a team lead"},
		},
		{
			name: "backlog",
			mod: func(r *triage.Request) {
				r.Urgency, r.Outcome, r.Status = classifier.P4, triage.Backlog, triage.StatusBacklog
			},
			want: []string{"Goes to the backlog for sprint planning"},
		},
		{
			name: "declined",
			mod: func(r *triage.Request) {
				r.Status = triage.StatusDeclined
				r.Events = append(r.Events, triage.Event{At: r.CreatedAt, Kind: triage.ActDecline, Actor: "UL1"})
			},
			want: []string{"Declined by <@UL1>"},
		},
		{
			name: "no ticket url",
			mod:  func(r *triage.Request) { r.Ticket.URL = "" },
			want: []string{"Ticket REQ-12 created."},
			not:  []string{"<https://jira"},
		},
		{
			name: "urgency overridden",
			mod: func(r *triage.Request) {
				r.Urgency = classifier.P1
				r.Overrides = []triage.UrgencyChange{{Actor: "UB", From: classifier.P2, To: classifier.P1}}
			},
			want: []string{"P1, set by <@UB> (the rules said P2 because rule `deploy-blocked`"},
		},
		{
			name: "hostile text",
			mod: func(r *triage.Request) {
				r.Decision.Matched = []string{"<!channel>", "a&b"}
			},
			want: []string{"'&lt;!channel&gt;' and 'a&amp;b'"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			team := testTeam(t)
			if tt.team != nil {
				tt.team(team)
			}
			r := testRequest(t)
			if tt.mod != nil {
				tt.mod(r)
			}
			m := RequesterReply(r, team)
			d := checkMessage(t, m)
			wantContains(t, texts(d), tt.want, tt.not)
			if len(actionIDs(d)) != 0 {
				t.Errorf("reply has actions %v", actionIDs(d))
			}
		})
	}
}

func TestQueuedFallbackDuplicate(t *testing.T) {
	r := testRequest(t, func(r *triage.Request) { r.Summary = "<script>alert(1)</script> & more" })
	tests := []struct {
		name string
		m    Message
		want []string
		not  []string
	}{
		{"queued", Queued(r, "timeout"), []string{
			"Ticket queued: the tracker is unreachable right now (timeout). The key will be posted here when it lands.",
			"P2 because rule"}, nil},
		{"queued with a long, hostile cause", Queued(r, strings.Repeat("<x>", 200)), []string{"(&lt;x&gt;", "…)"}, []string{"<x>"}},
		{"queued without cause", Queued(r, ""), []string{"right now. The key"}, []string{"()"}},
		{"fallback", Fallback(r, "field 'priority' is required"), []string{
			"The tracker refused the ticket", "a local ticket <https://jira.example.com/browse/REQ-12|REQ-12> was made instead",
			"field 'priority' is required", "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more"}, []string{"<script>"}},
		{"duplicate", Duplicate(r), []string{"This looks like <https://jira.example.com/browse/REQ-12|REQ-12>",
			"instead of opening a new one", "*Status:* open", "<@UA>"}, []string{"<script>"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := checkMessage(t, tt.m)
			wantContains(t, texts(d)+"\n"+tt.m.Text, tt.want, tt.not)
		})
	}
}
