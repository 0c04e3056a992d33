package render

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sprintguard/sprintguard/oncall"
	"github.com/sprintguard/sprintguard/triage"
)

func TestPrompt(t *testing.T) {
	ref := MessageRef{Channel: "C0HELP", TS: "1772658000.000100", User: "U0REQ"}
	tests := []struct {
		name    string
		m       Message
		text    string
		actions []string
		styles  []string
	}{
		{"prompt", Prompt(ref), "Every request needs a ticket.", []string{ActionCreateTicket, ActionEmergency}, []string{"primary", "danger"}},
		{"needs ticket first", NeedsTicketFirst(ref), "Work on this needs a ticket first.", []string{ActionCreateTicket}, []string{"primary"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := checkMessage(t, tt.m)
			if tt.m.Text != tt.text || !strings.Contains(texts(d), tt.text) {
				t.Errorf("text = %q, blocks %q; want %q", tt.m.Text, texts(d), tt.text)
			}
			if got := actionIDs(d); !slices.Equal(got, tt.actions) {
				t.Fatalf("actions = %v, want %v", got, tt.actions)
			}
			els := elements(d)
			for i, id := range tt.actions {
				el := els[id][0]
				if el["style"] != tt.styles[i] {
					t.Errorf("%s style = %v, want %s", id, el["style"], tt.styles[i])
				}
				got, err := ParseMessageRef(el["value"].(string))
				if err != nil || got != ref {
					t.Errorf("%s value decodes to %+v, %v; want %+v", id, got, err, ref)
				}
			}
		})
	}
}

func TestHelp(t *testing.T) {
	tests := []struct {
		command string
		want    []string
	}{
		{"/sg", []string{"`/sg ask &lt;text&gt;`", "`/sg &lt;text&gt;`", "`/sg help`", "`/sg budget`", "`/sg oncall`",
			"`/sg oncall swap @a @b &lt;from&gt; &lt;to&gt;`", "(leads only)", "`/sg status [KEY]`",
			"`/sg handoff note &lt;text&gt;`", "`/sg report [last|this|2026-W47]`"}},
		{"/triage", []string{"`/triage ask &lt;text&gt;`"}},
		{"", []string{"`/sg help`"}},
	}
	for _, tt := range tests {
		t.Run(tt.command, func(t *testing.T) {
			got := Help(tt.command)
			wantContains(t, got, tt.want, []string{"<text>"})
			checkTokens(t, got)
		})
	}
}

func TestOnCallStatus(t *testing.T) {
	chicago := mustZone(t, "America/Chicago")
	h := func(d int) time.Time { return time.Date(2026, 3, d, 10, 0, 0, 0, chicago) }
	tests := []struct {
		name      string
		now, next oncall.Shift
		want      []string
	}{
		{
			name: "across the DST change",
			now:  oncall.Shift{Team: "platform", User: "UA", Start: h(2).UTC(), End: h(9).UTC()},
			next: oncall.Shift{Team: "platform", User: "UB", Start: h(9).UTC(), End: h(16).UTC()},
			want: []string{"*On call for platform:* <@UA> until Mon 9 Mar 10:00 CDT", "*Next:* <@UB> from Mon 9 Mar 10:00 CDT until Mon 16 Mar 10:00 CDT"},
		},
		{
			name: "override",
			now: oncall.Shift{Team: "platform", User: "UB", Start: h(2), End: h(3),
				Override: &oncall.Override{User: "UB", Replaces: "UA"}},
			next: oncall.Shift{Team: "platform", User: "UA", Start: h(3), End: h(9)},
			want: []string{"<@UB> (covering for <@UA>) until Tue 3 Mar 10:00 CST"},
		},
		{
			name: "nobody",
			now:  oncall.Shift{Start: h(2), End: h(3)},
			next: oncall.Shift{Start: h(3), End: h(4)},
			want: []string{"nobody until"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := OnCallStatus(testTeam(t), tt.now, tt.next)
			wantContains(t, texts(checkMessage(t, m)), tt.want, nil)
		})
	}
}

func TestStatus(t *testing.T) {
	tests := []struct {
		name string
		mod  func(*triage.Request)
		want []string
		not  []string
	}{
		{"open", nil, []string{"*P2* · <https://jira.example.com/browse/REQ-12|REQ-12> · Deploy blocked on staging",
			"*Status:* open · *Urgency:* P2 · *Who has it:* <@UA>", "*Opened:* Wed 4 Mar 15:00 CST by <@U0REQ>",
			"*Ticket:* <https://jira.example.com/browse/REQ-12|REQ-12>"}, []string{"Acknowledged"}},
		{"resolved", func(r *triage.Request) {
			r.Status, r.AckedAt, r.Actual, r.HasActual = triage.StatusResolved, r.CreatedAt.Add(time.Hour), 1.5, true
			r.Events = append(r.Events, triage.Event{At: r.CreatedAt.Add(2 * time.Hour), Kind: triage.ActResolve, Actor: "UA"})
		}, []string{"*Acknowledged:* Wed 4 Mar 16:00 CST", "Resolved by <@UA> on Wed 4 Mar 17:00 CST · 1.5 points spent"}, nil},
		{"purged", func(r *triage.Request) { r.Summary, r.Purged = "", true }, []string{"(no summary)"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := testRequest(t)
			if tt.mod != nil {
				tt.mod(r)
			}
			m := Status(r, testTeam(t))
			wantContains(t, texts(checkMessage(t, m)), tt.want, tt.not)
		})
	}
}

func TestStatusList(t *testing.T) {
	base := time.Date(2026, 3, 4, 15, 0, 0, 0, time.UTC)
	list := func(n int) []*triage.Request {
		var rs []*triage.Request
		for i := range n {
			rs = append(rs, testRequest(t, func(r *triage.Request) {
				r.ID = int64(i + 1)
				r.Ticket = triage.Ticket{Key: "REQ-" + idValue(r.ID)}
				r.CreatedAt = base.Add(time.Duration(i) * time.Hour)
			}))
		}
		// Shuffle deterministically so that the order has to come from sorting.
		slices.Reverse(rs[:n/2])
		return rs
	}
	tests := []struct {
		name      string
		rs        []*triage.Request
		wantLines int
		want      []string
		not       []string
	}{
		{"empty", nil, 1, []string{"none"}, nil},
		{"three", list(3), 3, []string{"• *P2* · REQ-3 · Deploy blocked on staging · open · <@UA>"}, []string{"more"}},
		{"capped", list(25), 21, []string{"REQ-25 ", "REQ-6 ", "and 5 more"}, []string{"REQ-5 ", "REQ-1 "}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := slices.Clone(tt.rs)
			m := StatusList("Your <open> requests", tt.rs)
			d := checkMessage(t, m)
			all := texts(d)
			wantContains(t, all, append(tt.want, "*Your &lt;open&gt; requests*"), tt.not)
			lines := strings.Split(all, "\n")[1:]
			if len(lines) != tt.wantLines {
				t.Errorf("%d lines, want %d:\n%s", len(lines), tt.wantLines, all)
			}
			if len(tt.rs) > 1 && !strings.Contains(lines[0], "REQ-"+idValue(int64(len(tt.rs)))+" ") {
				t.Errorf("first line %q is not the newest", lines[0])
			}
			if !slices.Equal(before, tt.rs) {
				t.Error("StatusList reordered the caller's slice")
			}
		})
	}
}
