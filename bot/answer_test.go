package bot_test

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/sprintguard/sprintguard/bot/render"
	"github.com/sprintguard/sprintguard/classifier"
	"github.com/sprintguard/sprintguard/report"
	"github.com/sprintguard/sprintguard/triage"
)

// withAnswerRule gives every team a first rule that answers VPN resets.
func withAnswerRule(t *testing.T, h *harness) {
	t.Helper()
	withFirstRule(t, h, classifier.Rule{Name: "vpn-reset", Any: []string{"reset my vpn"}, Urgency: classifier.P3,
		Category: "access", Answer: "https://wiki.example.com/vpn-reset"})
}

// withFirstRule puts first before every team's rules.
func withFirstRule(t *testing.T, h *harness, first classifier.Rule) {
	t.Helper()
	old := h.svc.Settings()
	st := &triage.Settings{Groups: old.Groups}
	for _, team := range old.Teams {
		cp := *team
		rules := append([]classifier.Rule{first}, team.Rules.Rules()...)
		set, err := classifier.Compile(rules, classifier.Options{Groups: old.Groups})
		if err != nil {
			t.Fatal(err)
		}
		cp.Rules = set
		st.Teams = append(st.Teams, &cp)
	}
	h.svc.Reload(st)
}

// TestTheAnswerNamesTheContinueRuleThatCarriedIt: with README's pattern, a
// continue rule on "vpn" carrying the runbook, the requester is told that
// rule has an answer, not the rule that decided the urgency.
func TestTheAnswerNamesTheContinueRuleThatCarriedIt(t *testing.T) {
	h := newHarness(t)
	withFirstRule(t, h, classifier.Rule{Name: "vpn-runbook", Any: []string{"vpn"}, Continue: true,
		Answer: "https://wiki.example.com/vpn-reset"})
	ts := h.ts()
	h.event("Ev1", h.message(dataHelp, outsider, "my vpn keeps dropping", ts, ""))
	h.waitFor("the answer in the thread", func() bool {
		ps := h.threadPosts(dataHelp, ts)
		return len(ps) == 1 && strings.Contains(ps[0], render.ActionSolved)
	})
	rs := h.requests()
	if len(rs) != 1 || rs[0].Decision.Rule == "vpn-runbook" {
		t.Fatalf("requests %+v, want one decided by a rule other than vpn-runbook", rs)
	}
	if p := h.threadPosts(dataHelp, ts)[0]; !strings.Contains(p, "Rule `vpn-runbook` has an answer") {
		t.Errorf("the answer does not name rule vpn-runbook (deciding rule %s):\n%s", rs[0].Decision.Rule, p)
	}
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

// TestDeflectionEndToEnd: one requester says the rule's answer solved it,
// another that they still need help, each pressing their button twice.
// The first is closed without a ticket or anyone on call told; the second
// gets one ticket and one DM to the on-call. Each answer message is edited
// to say what was chosen, nothing is posted twice, and the weekly report
// counts both deflections and the one the answer solved.
func TestDeflectionEndToEnd(t *testing.T) {
	h := newHarness(t)
	withAnswerRule(t, h)
	tsSolved, tsHelp := h.ts(), h.ts()
	h.event("Ev1", h.message(dataHelp, outsider, "how do I reset my VPN?", tsSolved, ""))
	h.event("Ev2", h.message(dataHelp, "U0MOB001", "I need to reset my VPN, the client says expired", tsHelp, ""))
	answered := func(ts string) bool {
		ps := h.threadPosts(dataHelp, ts)
		return len(ps) == 1 && strings.Contains(ps[0], render.ActionSolved)
	}
	h.waitFor("both answers", func() bool { return answered(tsSolved) && answered(tsHelp) })
	rs := h.requests()
	ids := map[string]string{rs[0].TS: strconv.FormatInt(rs[0].ID, 10), rs[1].TS: strconv.FormatInt(rs[1].ID, 10)}
	answerTS := func(thread string) string {
		for _, m := range h.fake.Messages(dataHelp) {
			if m.ThreadTimestamp == thread && m.Timestamp != thread {
				return m.Timestamp
			}
		}
		t.Fatalf("no answer in thread %s", thread)
		return ""
	}
	for range 2 {
		h.click(outsider, dataHelp, answerTS(tsSolved), slack.BlockAction{ActionID: render.ActionSolved, Value: ids[tsSolved]})
		h.click("U0MOB001", dataHelp, answerTS(tsHelp), slack.BlockAction{ActionID: render.ActionNeedHelp, Value: ids[tsHelp]})
	}
	edited := func(ts, want string) bool {
		m, ok := h.fake.Message(dataHelp, answerTS(ts))
		b, _ := json.Marshal(m.Blocks)
		return ok && strings.Contains(string(b), want) && !strings.Contains(string(b), render.ActionSolved)
	}
	h.waitFor("both answers edited", func() bool {
		return edited(tsSolved, "Solved by this answer") && edited(tsHelp, "Still needed help")
	})
	var solved, help *triage.Request
	h.waitFor("the ticket of the one that needs help", func() bool {
		for _, r := range h.requests() {
			switch r.TS {
			case tsSolved:
				solved = r
			case tsHelp:
				help = r
			}
		}
		return help != nil && help.Ticket.Key != ""
	})
	if solved.Status != triage.StatusResolved || solved.Deflection != triage.DeflectSolved || solved.Ticket.Key != "" || solved.Assignee != "" {
		t.Errorf("solved: status %s, deflection %s, ticket %q, assignee %q; want resolved, no ticket, nobody", solved.Status, solved.Deflection, solved.Ticket.Key, solved.Assignee)
	}
	h.waitFor("the on-call DM", func() bool { return len(h.posts(h.fake.DM(help.Assignee))) > 0 })
	if n := len(h.posts(h.fake.DM(help.Assignee))); n != 1 {
		t.Errorf("%d DMs to the on-call, want 1", n)
	}
	for _, ts := range []string{tsSolved, tsHelp} {
		for _, p := range h.threadPosts(dataHelp, ts)[1:] {
			if strings.Contains(p, "has an answer") {
				t.Errorf("the answer was posted again in %s:\n%s", ts, p)
			}
		}
	}
	team := h.svc.Settings().Team("data")
	// An hour on: the report counts what was asked before its Now.
	later := h.clock.now().Add(time.Hour)
	data, err := report.Load(h.db, team, report.WeekOf(later, team.Location), later)
	if err != nil {
		t.Fatal(err)
	}
	w := report.Compute(data)
	if w.ThisWeek.AnswersOffered != 2 || w.ThisWeek.Deflected != 1 {
		t.Errorf("report: %d offered, %d solved; want 2 and 1", w.ThisWeek.AnswersOffered, w.ThisWeek.Deflected)
	}
	if want := "Answered by a rule's answer: 1 of 2 requests offered one"; !strings.Contains(w.Text(), want) {
		t.Errorf("the report lacks %q:\n%s", want, w.Text())
	}
}

// TestASimilarRequestTheAnswerSolvedSaysSo: in the on-call's list of
// similar requests, one the rule's answer solved reads as answered by
// that rule, not as a "request 1 · resolved" that never got a ticket.
func TestASimilarRequestTheAnswerSolvedSaysSo(t *testing.T) {
	h := newHarness(t)
	withAnswerRule(t, h)
	first, second := h.ts(), h.ts()
	h.event("Ev1", h.message(dataHelp, outsider, "how do I reset my VPN? the client says expired", first, ""))
	offered := func(ts string) func() bool {
		return func() bool {
			ps := h.threadPosts(dataHelp, ts)
			return len(ps) == 1 && strings.Contains(ps[0], render.ActionSolved)
		}
	}
	h.waitFor("the first answer", offered(first))
	h.click(outsider, dataHelp, first, slack.BlockAction{ActionID: render.ActionSolved, Value: strconv.FormatInt(h.requests()[0].ID, 10)})
	h.waitFor("the first solved", func() bool { return h.requests()[0].Deflection == triage.DeflectSolved })
	h.event("Ev2", h.message(dataHelp, "U0MOB001", "I need to reset my VPN, the client says expired", second, ""))
	h.waitFor("the second answer", offered(second))
	var answer string
	for _, m := range h.fake.Messages(dataHelp) {
		if m.ThreadTimestamp == second && m.Timestamp != second {
			answer = m.Timestamp
		}
	}
	h.click("U0MOB001", dataHelp, answer, slack.BlockAction{ActionID: render.ActionNeedHelp, Value: strconv.FormatInt(h.requests()[1].ID, 10)})
	var r *triage.Request
	h.waitFor("the second's ticket", func() bool {
		r = h.requests()[1]
		return r.Ticket.Key != "" && r.Assignee != ""
	})
	dm := h.dmWith(r.Assignee, "Similar past requests")
	if !strings.Contains(dm, "answered by rule `vpn-reset`") || strings.Contains(dm, "request 1 ·") {
		t.Errorf("the DM does not say the answer solved request 1:\n%s", dm)
	}
}
