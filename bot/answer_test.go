package bot_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/slack-go/slack"

	"github.com/sprintguard/sprintguard/bot/render"
	"github.com/sprintguard/sprintguard/classifier"
	"github.com/sprintguard/sprintguard/triage"
)

// withAnswerRule gives every team a first rule that answers VPN resets.
func withAnswerRule(t *testing.T, h *harness) {
	t.Helper()
	old := h.svc.Settings()
	st := &triage.Settings{Groups: old.Groups}
	for _, team := range old.Teams {
		cp := *team
		rules := append([]classifier.Rule{{Name: "vpn-reset", Any: []string{"reset my vpn"}, Urgency: classifier.P3,
			Category: "access", Answer: "https://wiki.example.com/vpn-reset"}}, team.Rules.Rules()...)
		set, err := classifier.Compile(rules, classifier.Options{Groups: old.Groups})
		if err != nil {
			t.Fatal(err)
		}
		cp.Rules = set
		st.Teams = append(st.Teams, &cp)
	}
	h.svc.Reload(st)
}

func TestTheRequesterSeesARuleAnswerFirst(t *testing.T) {
	h := newHarness(t)
	withAnswerRule(t, h)
	ts := h.ts()
	h.event("Ev1", h.message(dataHelp, outsider, "how do I reset my VPN?", ts, ""))
	h.waitFor("the answer in the thread", func() bool {
		ps := h.threadPosts(dataHelp, ts)
		return len(ps) == 1 && strings.Contains(ps[0], render.ActionSolved) && strings.Contains(ps[0], "wiki.example.com/vpn-reset")
	})
	rs := h.requests()
	if len(rs) != 1 || rs[0].Status != triage.StatusOffered || rs[0].Ticket.Key != "" {
		t.Fatalf("requests %+v, want one offered and without a ticket", rs)
	}
	id := strconv.FormatInt(rs[0].ID, 10)
	h.click(outsider, dataHelp, ts, slack.BlockAction{ActionID: render.ActionNeedHelp, Value: id})
	r := h.ticketed(1)[0]
	if r.Deflection != triage.DeflectNeedHelp || r.Assignee == "" {
		t.Errorf("deflection %q assignee %q, want need_help and an on-call", r.Deflection, r.Assignee)
	}
	h.waitFor("the on-call DM", func() bool { return len(h.posts(h.fake.DM(r.Assignee))) == 1 })
}
