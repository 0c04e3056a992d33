package bot_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/sprintguard/sprintguard/bot"
	"github.com/sprintguard/sprintguard/bot/render"
	"github.com/sprintguard/sprintguard/triage"
)

func TestEveryWayInMakesARequest(t *testing.T) {
	h := newHarness(t)
	// @sprintguard in a channel that is no intake channel.
	h.event("EvMention", map[string]any{"type": "app_mention", "channel": "C0RANDOM", "user": outsider,
		"text": "<@UBOT> the staging database is out of disk", "ts": h.ts()})
	// A DM to the bot.
	dmTS := h.ts()
	h.event("EvDM", h.message("D0OUTSIDER", outsider, "please rotate the CI deploy key", dmTS, ""))
	// The :ticket: reaction by a team member on someone's message.
	reacted := h.ts()
	h.message("C0RANDOM", outsider, "is the terraform state lock stuck again?", reacted, "")
	h.event("EvReaction", map[string]any{"type": "reaction_added", "user": platOncall, "reaction": "ticket",
		"item_user": outsider, "item": map[string]any{"type": "message", "channel": "C0RANDOM", "ts": reacted}})
	// The same reaction by somebody outside every team does nothing.
	h.event("EvReaction2", map[string]any{"type": "reaction_added", "user": "U0NOBODY", "reaction": "ticket",
		"item_user": outsider, "item": map[string]any{"type": "message", "channel": "C0RANDOM", "ts": reacted}})

	rs := h.ticketed(3)
	bySource := map[triage.Source]*triage.Request{}
	for _, r := range rs {
		bySource[r.Source] = r
	}
	if r := bySource[triage.SourceMention]; r == nil || r.Summary != "the staging database is out of disk" {
		t.Errorf("mention request = %+v", r)
	}
	if r := bySource[triage.SourceDM]; r == nil || r.User != outsider || r.TS != dmTS {
		t.Errorf("DM request = %+v", r)
	}
	if r := bySource[triage.SourceReaction]; r == nil || r.User != outsider || r.TicketedBy != triage.ByMember || !strings.Contains(r.Summary, "terraform") {
		t.Errorf("reaction request = %+v, want the author as requester, ticketed by a member", r)
	}
	if len(h.fake.Calls("conversations.history")) == 0 {
		t.Error("the reacted message was not fetched with conversations.history")
	}
	h.waitFor("the DM answered in its thread", func() bool { return len(h.threadPosts("D0OUTSIDER", dmTS)) == 1 })
}

func TestMessageShortcutOpensThePrefilledModal(t *testing.T) {
	h := newHarness(t)
	ts := h.ts()
	h.message("C0RANDOM", outsider, "can we get a staging env for the new checkout?", ts, "")
	h.interact(map[string]any{"type": "message_action", "callback_id": render.ShortcutCreate, "trigger_id": "trig-short",
		"action_ts": "1.2", "user": map[string]any{"id": platLead}, "channel": map[string]any{"id": "C0RANDOM", "name": "random"},
		"message": map[string]any{"type": "message", "user": outsider, "ts": ts, "text": "can we get a staging env for the new checkout?"}})
	v := openedView(t, h.fake.WaitCalls(t, "views.open", 1, 30*time.Second)[0].JSON)
	if !strings.Contains(v.PrivateMetadata, ts) {
		t.Fatalf("modal metadata %q does not carry the message", v.PrivateMetadata)
	}
	h.interact(submission(t, v, platLead, map[string]string{"summary": "staging env for the new checkout", "type": "infra_change"}))
	r := h.ticketed(1)[0]
	if r.Source != triage.SourceShortcut || r.User != outsider || r.TicketedBy != triage.ByMember || r.TS != ts || r.Type != "infra_change" {
		t.Fatalf("request = %+v", r)
	}
	h.waitFor("the answer in the message's thread", func() bool { return len(h.threadPosts("C0RANDOM", ts)) == 1 })
}

func TestSlashSubcommands(t *testing.T) {
	h := newHarness(t)
	h.event("Ev1", h.message(dataHelp, outsider, "the airflow UI returns 502", h.ts(), ""))
	r := h.ticketed(1)[0]

	tests := []struct {
		name, user, text string
		want             []string
	}{
		{"help", outsider, "help", []string{"ask", "budget", "oncall", "status", "handoff note"}},
		{"empty is help", outsider, "", []string{"budget"}},
		{"budget", outsider, "budget data", []string{"data", "%"}},
		{"oncall", outsider, "oncall data", []string{"<@" + r.Assignee + ">"}},
		{"status of a ticket", outsider, "status " + r.Ticket.Key, []string{r.Ticket.Key}},
		{"my requests", outsider, "status", []string{r.Ticket.Key}},
		{"an unknown ticket gets help", outsider, "status NOPE-9", []string{"NOPE-9", "budget"}},
		{"handoff note", platOncall, "handoff note the cert on api.example.com expires Friday", []string{"Noted"}},
		{"swap by a lead", platLead, "oncall swap <@U0PLAT002|ann> <@U0PLAT003|bob> 2026-11-25 2026-11-26", []string{"covers"}},
		{"swap by anyone else", outsider, "oncall swap <@U0PLAT002|ann> <@U0PLAT003|bob> 2026-11-25 2026-11-26", []string{"only a lead"}},
		{"swap without ids", platLead, "oncall swap @ann @bob 2026-11-25 2026-11-26", []string{"should_escape"}},
		{"report", outsider, "report data this", []string{"data", "Requests per day"}},
		{"budget of an unknown team", outsider, "budget nosuchteam", []string{`unknown team "nosuchteam"; known teams: platform, data`}},
		{"oncall of an unknown team", outsider, "oncall nosuchteam", []string{`unknown team "nosuchteam"; known teams: platform, data`}},
		{"report of an unknown team", outsider, "report nosuchteam last", []string{`unknown team "nosuchteam"; known teams: platform, data`}},
		{"report of a bad week", outsider, "report 2026-W99", []string{"2026-W99: say last, this, or a week"}},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ans := h.command(tc.user, platHelp, tc.text, "trig-sub-"+strconv.Itoa(i))
			if ans == nil || ans.ResponseType != slack.ResponseTypeEphemeral {
				t.Fatalf("answer %+v, want an ephemeral message", ans)
			}
			all := ans.Text
			if b, err := json.Marshal(ans.Blocks); err == nil {
				all += string(b)
			}
			for _, w := range tc.want {
				if !strings.Contains(all, w) {
					t.Errorf("answer lacks %q:\n%s", w, all)
				}
			}
		})
	}
	// The swap and the note were stored before the answer.
	var notes []triage.Note
	var overrides int
	h.db.View(func(tx triage.Tx) error {
		notes, _ = tx.Notes("platform", time.Time{})
		ovs, _ := tx.Overrides("platform", time.Time{})
		overrides = len(ovs)
		return nil
	})
	if len(notes) != 1 || !strings.Contains(notes[0].Text, "cert on api.example.com") || overrides != 1 {
		t.Fatalf("notes %+v, overrides %d; want the note and one override", notes, overrides)
	}
	if n := len(h.fake.Calls("views.open")); n != 0 {
		t.Fatalf("subcommands opened %d modals", n)
	}
}

func TestAppHomeIsPublished(t *testing.T) {
	h := newHarness(t)
	h.event("Ev1", h.message(dataHelp, outsider, "the metabase dashboards are empty", h.ts(), ""))
	r := h.ticketed(1)[0]
	h.event("EvHome", map[string]any{"type": "app_home_opened", "user": outsider, "channel": "D0OUTSIDER", "tab": "home"})
	h.waitFor("views.publish", func() bool { _, ok := h.fake.HomeView(outsider); return ok })
	raw, _ := h.fake.HomeView(outsider)
	v := strings.NewReplacer(`\u003c`, "<", `\u003e`, ">", `\u0026`, "&").Replace(string(raw))
	for _, want := range []string{r.Ticket.Key, "<@" + r.Assignee + ">", render.ActionOpenRequest, "platform", "data"} {
		if !strings.Contains(v, want) {
			t.Errorf("home view lacks %q", want)
		}
	}
}

// Once platform's budget is spent, a P2 waits for the lead, whose
// approval brings in the on-call.
func TestApprovalWhenTheBudgetIsSpent(t *testing.T) {
	h := newHarness(t)
	r, leadDM := pendingApproval(t, h)
	if p := h.posts(leadDM)[0]; !strings.Contains(p, render.ActionApprove) || !strings.Contains(p, render.ActionDefer) {
		t.Fatalf("approval DM lacks its buttons: %s", p)
	}
	id := strconv.FormatInt(r.ID, 10)
	h.click(platOncall, leadDM, "1", slack.BlockAction{ActionID: render.ActionApprove, Value: id})
	h.waitFor("the member told only a lead approves", func() bool { return len(h.fake.OKCalls("chat.postEphemeral")) == 1 })
	h.click(platLead, leadDM, "1", slack.BlockAction{ActionID: render.ActionApprove, Value: id})
	h.waitFor("approved", func() bool { return h.requests()[0].Status == triage.StatusOpen })
	got := h.requests()[0]
	h.waitFor("the on-call told after the approval", func() bool { return len(h.posts(h.fake.DM(got.Assignee))) == 1 })
}

func TestResolveAsksForTheTimeSpent(t *testing.T) {
	h := newHarness(t)
	h.event("Ev1", h.message(dataHelp, outsider, "the spark cluster is stuck on a job", h.ts(), ""))
	r := h.ticketed(1)[0]
	id := strconv.FormatInt(r.ID, 10)
	h.click(r.Assignee, h.fake.DM(r.Assignee), "1", slack.BlockAction{ActionID: render.ActionResolve, Value: id})
	v := openedView(t, h.fake.WaitCalls(t, "views.open", 1, 30*time.Second)[0].JSON)
	if v.CallbackID != render.CallbackResolve {
		t.Fatalf("modal %q, want the resolve modal", v.CallbackID)
	}
	h.interact(submission(t, v, r.Assignee, map[string]string{"spent": "2.5"}))
	h.waitFor("resolved", func() bool { return h.requests()[0].Status == triage.StatusResolved })
	if got := h.requests()[0]; !got.HasActual || got.Actual != 2.5 {
		t.Fatalf("actual %v (set %v), want 2.5", got.Actual, got.HasActual)
	}
}

// A second resolve with another time corrects the time spent: the
// request, the budget and the labels say the new time, once, and Slack's
// retry of the same submission changes nothing more.
func TestASecondResolveCorrectsTheTimeSpent(t *testing.T) {
	h := newHarness(t)
	h.event("Ev1", h.message(dataHelp, outsider, "the spark cluster is stuck on a job", h.ts(), ""))
	r := h.ticketed(1)[0]
	resolve := func(n int, spent string) { resolveWith(t, h, r, n, spent) }
	resolve(1, "2")
	resolve(2, "6")
	got := h.requests()[0]
	if got.Status != triage.StatusResolved || got.Actual != 6 {
		t.Fatalf("%s with %g spent, want resolved with 6", got.Status, got.Actual)
	}
	var used float64
	var spent []float64
	err := h.db.View(func(tx triage.Tx) error {
		led, err := tx.Ledger(got.Team, got.Sprint)
		if err != nil {
			return err
		}
		used = led.Used()
		return tx.Labels(got.Team, func(l triage.Label) error {
			if l.Kind == triage.ActResolve {
				spent = append(spent, l.Actual)
			}
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	if used != 6 || !slices.Equal(spent, []float64{2, 6}) {
		t.Fatalf("budget used %g and resolve labels %v, want 6 and [2 6]", used, spent)
	}
	// The tracker adds each time spent to its total: the correction
	// adds what was missing, so the ticket's total is the new time too.
	worklog := func(want ...float64) {
		t.Helper()
		var logged []float64
		h.waitFor(fmt.Sprintf("the ticket's worklog %v", want), func() bool {
			tk, err := h.db.Ticket(got.Ticket.Key)
			logged = logged[:0]
			for _, w := range tk.Worklog {
				logged = append(logged, w.Amount)
			}
			return err == nil && slices.Equal(logged, want)
		})
	}
	worklog(2, 4)
	// A lower time cannot come off the total: it is said in a comment,
	// and going back up logs only what the total lacks, here nothing.
	resolve(3, "3")
	resolve(4, "6")
	worklog(2, 4)
	if a := h.requests()[0].Actual; a != 6 {
		t.Fatalf("actual %g after correcting to 3 and back, want 6", a)
	}
	tk, err := h.db.Ticket(got.Ticket.Key)
	if err != nil {
		t.Fatal(err)
	}
	var said []string
	for _, c := range tk.Comments {
		if strings.Contains(c.Body, "corrected") {
			said = append(said, c.Body[:strings.Index(c.Body, " by ")])
		}
	}
	want := []string{"Time spent corrected from 2 to 6 points", "Time spent corrected from 6 to 3 points", "Time spent corrected from 3 to 6 points"}
	if !slices.Equal(said, want) {
		t.Fatalf("the ticket's corrections say %q, want %q", said, want)
	}
	before := h.requests()[0]
	resolve(5, "6") // the same time again: nothing to correct
	if n := len(h.requests()[0].Events); n != len(before.Events) {
		t.Fatalf("resolving again with the same time added %d events", n-len(before.Events))
	}
}

// A 429 on chat.postMessage is waited out and the reply still lands once.
func TestRateLimitedReplyIsDelivered(t *testing.T) {
	h := newHarness(t)
	h.fake.RateLimit("chat.postMessage", 1, time.Second)
	ts := h.ts()
	h.event("Ev1", h.message(dataHelp, outsider, "the redshift cluster is paused", ts, ""))
	r := h.ticketed(1)[0]
	h.waitFor("the reply after the 429", func() bool { return len(h.threadPosts(dataHelp, ts)) == 1 })
	if !strings.Contains(h.threadPosts(dataHelp, ts)[0], r.Ticket.Key) {
		t.Fatalf("reply %q lacks %s", h.threadPosts(dataHelp, ts)[0], r.Ticket.Key)
	}
	limited := 0
	for _, c := range h.fake.Calls("chat.postMessage") {
		if c.Status == 429 {
			limited++
		}
	}
	if limited != 1 {
		t.Fatalf("%d rate-limited calls, want the one the fake was told to refuse", limited)
	}
}

// What a crash left in the inbox (stored and acknowledged, never
// processed) is processed when the bot starts.
func TestInboxLeftoversAreProcessedAtStart(t *testing.T) {
	h := newHarness(t)
	body, _ := json.Marshal(map[string]any{"type": "event_callback", "event_id": "EvLeft",
		"event": h.message(dataHelp, outsider, "the looker sync broke overnight", h.ts(), "")})
	if _, err := h.db.Accept(&triage.Delivery{Kind: "event", Key: "EvLeft", Body: body, Received: h.clock.now()}, time.Hour); err != nil {
		t.Fatal(err)
	}
	// The running bot reads the inbox only at its start and after its
	// queue was full: a bot starting now is what a restart would be.
	ctx, cancel := context.WithCancel(context.Background())
	gw := bot.NewGateway(slack.New("xoxb-test-token", slack.OptionAPIURL(h.fake.APIURL())), h.log)
	restarted := bot.New(h.svc, h.db, gw, h.log, bot.Config{Command: "/sg"}, h.worker.Kick)
	restarted.SetBotUser("UBOT")
	restarted.Start(ctx)
	t.Cleanup(func() { cancel(); restarted.Wait() })
	h.ticketed(1)
	h.waitFor("the inbox drained", func() bool {
		p, err := h.db.Pending(10)
		return err == nil && len(p) == 0
	})
}
