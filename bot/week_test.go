package bot_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/sprintguard/sprintguard/bot/render"
	"github.com/sprintguard/sprintguard/bot/slackfake"
	"github.com/sprintguard/sprintguard/jobs"
	"github.com/sprintguard/sprintguard/triage"
)

// glimpse is one thing the bot did in Slack that somebody sees: a post,
// an edit, an ephemeral message, an App Home, a file, a topic.
type glimpse struct {
	method  string
	channel string
	// thread is a post's thread_ts, or the ts of the message an edit
	// changed.
	thread string
	user   string // an ephemeral message's reader
	text   string
	blocks string
}

func (g glimpse) String() string {
	return fmt.Sprintf("%s in %s (thread/ts %q, user %q): %q\n\tblocks %s", g.method, g.channel, g.thread, g.user, g.text, g.blocks)
}

// shownMethods are the Web API calls that change what someone sees.
var shownMethods = map[string]bool{
	"chat.postMessage": true, "chat.update": true, "chat.postEphemeral": true, "chat.delete": true,
	"chat.scheduleMessage": true, "views.publish": true, "views.open": true, "files.completeUploadExternal": true,
	"conversations.setTopic": true, "usergroups.users.update": true, "reactions.add": true,
}

// sees is what one person should see next: a post, or an edit, with its
// exact notification text and fragments of its blocks.
type sees struct {
	who     string // whose eyes, for the failure message
	method  string
	channel string
	thread  string
	text    string
	has     []string // in the blocks
	hasNot  []string // not in the blocks
}

func (s sees) match(g glimpse) bool {
	if g.method != s.method || g.channel != s.channel || g.thread != s.thread || g.text != s.text {
		return false
	}
	for _, f := range s.has {
		if !strings.Contains(g.blocks, f) {
			return false
		}
	}
	for _, f := range s.hasNot {
		if strings.Contains(g.blocks, f) {
			return false
		}
	}
	return true
}

// post is a new message in channel (in thread when set).
func post(who, channel, thread, text string, has ...string) sees {
	return sees{who: who, method: "chat.postMessage", channel: channel, thread: thread, text: text, has: has}
}

// edit is the message at ts in channel, changed.
func edit(who, channel, ts, text string, has ...string) sees {
	return sees{who: who, method: "chat.update", channel: channel, thread: ts, text: text, has: has}
}

func (s sees) without(fragments ...string) sees {
	s.hasNot = append(s.hasNot, fragments...)
	return s
}

// firstWeek drives the harness through a week of simulated time with
// the team's scheduled duties, and checks what Slack shows after each
// step against what each person should see.
type firstWeek struct {
	h     *harness
	duty  *jobs.Scheduler
	loc   *time.Location
	shown int // calls already looked at
}

// at moves the clock to day (0 is Monday 30 November 2026) at hh:mm team
// time, and runs whatever the scheduler and the outbox have due by then.
func (w *firstWeek) at(day, hh, mm int) {
	w.h.t.Helper()
	w.h.clock.set(time.Date(2026, 11, 30+day, hh, mm, 0, 0, w.loc))
	w.h.runDue(w.duty)
}

// look waits until everything sent so far is handled, then checks that
// Slack shows exactly want since the last look: each of them once, in any
// order, and nothing else.
func (w *firstWeek) look(step string, want ...sees) {
	h := w.h
	h.t.Helper()
	var got []glimpse
	collect := func() {
		got = got[:0]
		calls := h.fake.Calls("")
		for _, c := range calls[w.shown:] {
			if !shownMethods[c.Method] {
				continue
			}
			if !c.OK {
				h.t.Errorf("%s: %s failed: %s", step, c.Method, c.Error)
				continue
			}
			g := glimpse{method: c.Method, channel: c.Form.Get("channel"), thread: c.Form.Get("thread_ts"),
				user: c.Form.Get("user"), text: c.Form.Get("text"), blocks: c.Form.Get("blocks")}
			switch c.Method {
			case "chat.update":
				g.thread = c.Form.Get("ts")
			case "files.completeUploadExternal":
				g.channel, g.text = c.Form.Get("channel_id"), c.Form.Get("files")
			}
			got = append(got, g)
		}
	}
	// Everything expected has arrived, and nothing more comes once the
	// inbox and the outbox are empty.
	h.waitFor(step+": what everyone sees", func() bool { collect(); return len(got) >= len(want) })
	h.settled()
	collect()
	w.shown = len(h.fake.Calls(""))
	used := make([]bool, len(got))
	for _, s := range want {
		found := false
		for i, g := range got {
			if !used[i] && s.match(g) {
				used[i], found = true, true
				break
			}
		}
		if !found {
			h.t.Errorf("%s: %s does not see %s in %s (thread/ts %q): %q with %q, without %q", step, s.who, s.method, s.channel, s.thread, s.text, s.has, s.hasNot)
		}
	}
	for i, g := range got {
		if !used[i] {
			h.t.Errorf("%s: unexpected %s", step, g)
		}
	}
	if h.t.Failed() {
		for _, g := range got {
			h.t.Logf("%s: shown %s", step, g)
		}
		h.t.FailNow()
	}
}

// promptOf returns the ts of the prompt in the thread of the message at ts.
func (w *firstWeek) promptOf(ts string) string {
	ps := w.h.askingPosts(platHelp, ts)
	if len(ps) == 0 {
		w.h.t.Fatalf("no prompt for the message at %s", ts)
	}
	return ps[0].Timestamp
}

// press clicks a prompt's button as user, for the message at ts.
func (w *firstWeek) press(user, ts, action string) {
	ref := `{"channel":"` + platHelp + `","ts":"` + ts + `","user":"` + user + `"}`
	w.h.click(user, platHelp, w.promptOf(ts), slack.BlockAction{ActionID: action, Value: ref})
}

// onCallPost returns the ts of the on-call's DM about the request
// with ticket key, as the request recorded it.
func (w *firstWeek) onCallPost(key string) string {
	for _, r := range w.h.requests() {
		if p, ok := r.Post(triage.PostOnCall); ok && r.Ticket.Key == key {
			return p.TS
		}
	}
	w.h.t.Fatalf("no on-call DM about %s", key)
	return ""
}

// acknowledge presses [Acknowledge] in the on-call's DM about ticket key
// (request id) at hh:mm on day, and checks that the DM loses the button
// and names who acknowledged it when, and that the thread of the message
// at thread is told.
func (w *firstWeek) acknowledge(day, hh, mm int, oncall, key, title, thread string) {
	w.h.t.Helper()
	w.at(day, hh, mm)
	dm, ts := w.h.fake.DM(oncall), w.onCallPost(key)
	w.h.click(oncall, dm, ts, slack.BlockAction{ActionID: render.ActionAck, Value: strings.TrimPrefix(key, "REQ-")})
	when := w.h.clock.now().In(w.loc).Format("Mon 2 Jan 15:04 MST")
	w.look(key+" acknowledged",
		edit("the on-call, by DM", dm, ts, title, "Acknowledged by \\u003c@"+oncall+"\\u003e on "+when).without(render.ActionAck),
		post("the requester, in the thread", platHelp, thread, "Acknowledged by <@"+oncall+">"))
}

// One intake channel's first week, as each person in it sees it in
// Slack: #platform-help in prompt mode, with the example config. A member
// chats, a requester claims an emergency the rules call P4 and the
// on-call does not answer in time, a link has "down" and "outage" in its
// URL, a P3 and a P2 come in at the same moment after hours, a prompt
// nobody answers is ticketed at its deadline, the budget crosses 50%, and
// on Monday the weekly report counts the emergency that wasn't.
func TestFirstWeekOfAnIntakeChannel(t *testing.T) {
	h := newHarness(t)
	chicago, err := time.LoadLocation("America/Chicago")
	if err != nil {
		t.Fatal(err)
	}
	// This is platform's week: the data team's duties are left out so that
	// everything Slack shows is accounted for here.
	duty := h.scheduler()
	var platform []jobs.Duty
	for _, d := range duty.Duties {
		if strings.HasSuffix(d.Name, ":platform") {
			platform = append(platform, d)
		}
	}
	duty.Duties = platform
	w := &firstWeek{h: h, duty: duty, loc: chicago}
	const (
		lead     = "U0PLAT001"
		member   = "U0PLAT003"
		oncall   = "U0PLAT004" // from Monday 30 November 10:00 to 7 December 10:00
		payments = "U0PAY001"
		mobile1  = "U0MOB001"
		mobile2  = "U0MOB002"
		support1 = "U0SUP001"
		support2 = "U0SUP002"
		team     = "C0PLATFORM"
		ticket   = "https://sg.example.com/t/"
	)
	names := map[string]string{payments: "Priya", mobile1: "Mateo", mobile2: "Mina", support1: "Sam", support2: "Sofia"}
	for id, name := range names {
		h.fake.AddUser(slack.User{ID: id, Name: strings.ToLower(name), Profile: slack.UserProfile{DisplayName: name}})
	}
	link := func(key string) string { return "<" + ticket + key + "|" + key + ">" }
	oncallDM, leadDM := h.fake.DM(oncall), h.fake.DM(lead)

	// Monday 30 November, 10:30: sprintguard is installed; the first pass
	// only starts the duties' clocks.
	w.at(0, 10, 30)
	w.look("install")
	if who := h.svc.Settings().Team("platform").Rotation.Current(h.clock.now(), nil).User; who != oncall {
		t.Fatalf("on call this week: %s, want %s", who, oncall)
	}

	// 10:40: the team talks in its own channel, about 502s even, and
	// answers in the thread. Nobody is asked for a ticket.
	w.at(0, 10, 40)
	chat := h.ts()
	h.event("EvChat", h.message(platHelp, member, "rolling out the new ingress controller after lunch, shout here if you see 502s", chat, ""))
	h.event("EvChatReply", h.message(platHelp, "U0PLAT002", "thanks, I'll watch the error rates", h.ts(), chat))
	w.look("a member chatting")

	// 11:00: a requester asks; the channel is in prompt mode.
	w.at(0, 11, 0)
	claim := h.ts()
	h.event("EvClaim", h.message(platHelp, payments, "where can I find the runbook for the payments queue? need it right now", claim, ""))
	w.look("the claim's prompt",
		post("everyone in #platform-help", platHelp, claim, "Every request needs a ticket.",
			render.ActionCreateTicket, render.ActionEmergency, "This is an emergency"))
	prompt := w.promptOf(claim)

	// 11:02: they press [This is an emergency]. The rules say P4; the
	// on-call hears of the claim at once, in a DM and in the team channel,
	// and the requester is told who will answer it.
	w.at(0, 11, 2)
	w.press(payments, claim, render.ActionEmergency)
	const (
		claimTitle = "Claimed emergency, rules say P4 (rule `how-do-i`): P4 · where can I find the runbook for the payments queue? need it right now (from <@U0PAY001>)"
		claimHead  = ":rotating_light: *Claimed emergency, rules say P4 (rule `how-do-i`).* \\u003c@U0PAY001\\u003e pressed _This is an emergency_."
		answerBy   = "Answer within 15m (by Mon 30 Nov 11:17 CST), or it escalates."
	)
	claimTitled := strings.Replace(claimTitle, "P4 · where", "P4 · "+link("REQ-1")+" · where", 1)
	w.look("the emergency claimed",
		edit("everyone in #platform-help", platHelp, prompt, "<@U0PAY001> asked for a ticket; it is on its way.").
			without(render.ActionCreateTicket, render.ActionEmergency),
		post("the on-call, by DM", oncallDM, "", claimTitle,
			claimHead, render.ActionConfirmClaim, "Confirm P1", render.ActionKeepClaim, "Keep P4", answerBy,
			"*Why:* P4 because rule `how-do-i` matched 'where can I'").without(render.ActionAck),
		post("the team channel", team, "", "<@U0PLAT004> you are paged: "+claimTitle,
			"you are paged:", claimHead, "Confirm P1", "Keep P4", answerBy).without(render.ActionAck),
		post("the requester, in the thread", platHelp, claim,
			"Ticket "+link("REQ-1")+" created. P4. Goes to the backlog for sprint planning.",
			`*Your claim:* an emergency; the rules say P4. \u003c@U0PLAT004\u003e (on call) has been told and will confirm it or keep P4.`),
		edit("everyone in #platform-help", platHelp, prompt, "This request was ticketed by its requester: "+link("REQ-1")+".").
			without(render.ActionCreateTicket, render.ActionEmergency),
	)

	// 11:16: still inside the P1 acknowledgement SLA: nothing.
	w.at(0, 11, 16)
	w.look("the claim waits for its answer")
	// 11:17: nobody answered within 15 minutes: the lead is told, and the
	// thread says so.
	w.at(0, 11, 17)
	// The lead's DM says, in what Slack shows, why it came.
	escalatedClaim := ":rotating_light: Claimed emergency, rules say P4 (rule `how-do-i`): not answered within 15m: escalated to <@U0PLAT001>."
	escalatedBlock := strings.NewReplacer("<", "\\u003c", ">", "\\u003e").Replace(escalatedClaim)
	w.look("the claim escalated",
		post("the requester, in the thread", platHelp, claim, escalatedClaim),
		post("the lead, by DM", leadDM, "", escalatedClaim+" "+claimTitled, escalatedBlock, claimHead, "Confirm P1", "Keep P4"),
	)

	// 11:20: the on-call keeps P4. Both posts about the claim say so and
	// lose their buttons; the thread is told.
	w.at(0, 11, 20)
	h.click(oncall, oncallDM, w.onCallPost("REQ-1"), slack.BlockAction{ActionID: render.ActionKeepClaim, Value: "1"})
	kept := "Not confirmed: P4 kept by \\u003c@U0PLAT004\\u003e on Mon 30 Nov 11:20 CST."
	w.look("the claim kept",
		edit("the on-call, by DM", oncallDM, w.onCallPost("REQ-1"), claimTitled, kept).without(render.ActionConfirmClaim, render.ActionKeepClaim),
		edit("the team channel", team, postWith(h, team, "<@U0PLAT004> you are paged").Timestamp, "<@U0PLAT004> you are paged: "+claimTitled, kept).
			without(render.ActionConfirmClaim, render.ActionKeepClaim),
		edit("the lead, by DM", leadDM, postWith(h, leadDM, escalatedClaim).Timestamp, escalatedClaim+" "+claimTitled, escalatedBlock, kept).
			without(render.ActionConfirmClaim, render.ActionKeepClaim),
		post("the requester, in the thread", platHelp, claim, "Not confirmed as an emergency: P4 kept by <@U0PLAT004>"),
	)

	// 14:00: two links whose URLs say "outage" and "down", one behind a
	// label and one bare: the rules see "this status page" and the host, so
	// nobody is paged (either URL's words would make a P1 of it).
	w.at(0, 14, 0)
	slow := h.ts()
	h.event("EvLink", h.message(platHelp, mobile1, "checkout on android feels slow today, is it related to "+
		"<https://status.example.com/outage/checkout-down|this status page>? incident: <https://status.example.com/incidents/outage-checkout-down>", slow, ""))
	w.look("the link's prompt", post("everyone in #platform-help", platHelp, slow, "Every request needs a ticket."))
	w.at(0, 14, 1)
	w.press(mobile1, slow, render.ActionCreateTicket)
	slowTitle := "P3 · " + link("REQ-2") + " · checkout on android feels slow today, is it related to this status page? incident: https://status.example.com/incidents/outage-checkout-down (from <@U0MOB001>)"
	w.look("the link ticketed",
		edit("everyone in #platform-help", platHelp, w.promptOf(slow), "<@U0MOB001> asked for a ticket; it is on its way."),
		post("the requester, in the thread", platHelp, slow,
			"Ticket "+link("REQ-2")+" created. P3. <@U0PLAT004> is on call and will pick it up now.",
			"*Urgency:* P3 because no rule matched (default rule `fallback`)"),
		post("the on-call, by DM", oncallDM, "", slowTitle, render.ActionAck,
			"*SLA:* acknowledge within 4h (by Mon 30 Nov 18:01 CST)", "charged to sprint 24's interrupt budget",
			"https://status.example.com/outage/checkout-down"),
		edit("everyone in #platform-help", platHelp, w.promptOf(slow), "This request was ticketed by its requester: "+link("REQ-2")+"."),
	)
	w.acknowledge(0, 14, 30, oncall, "REQ-2", slowTitle, slow)

	// Tuesday 1 December, 19:30, after hours: a P3 and a P2 at the same
	// moment. Both wait for business hours; neither is handled before the
	// other, and the on-call hears of neither tonight.
	w.at(1, 19, 30)
	access, deploy := h.ts(), h.ts()
	h.event("EvP3", h.message(platHelp, support1, "please give me access to the grafana admin role", access, ""))
	h.event("EvP2", h.message(platHelp, mobile2, "the mobile release deploy is blocked by a failing migration", deploy, ""))
	w.look("the after-hours prompts",
		post("everyone in #platform-help", platHelp, access, "Every request needs a ticket."),
		post("everyone in #platform-help", platHelp, deploy, "Every request needs a ticket."))
	w.at(1, 19, 31)
	// The two presses are looked at one by one: processed at once, either
	// could take the next ticket number.
	w.press(support1, access, render.ActionCreateTicket)
	const morning = " is on call and will pick it up at Wed 2 Dec 09:00 CST, when business hours start."
	w.look("the after-hours P3 ticketed",
		edit("everyone in #platform-help", platHelp, w.promptOf(access), "<@U0SUP001> asked for a ticket; it is on its way."),
		post("the P3's requester, in the thread", platHelp, access, "Ticket "+link("REQ-3")+" created. P3. <@U0PLAT004>"+morning,
			"*Urgency:* P3 because rule `access-request` matched 'access', 'role' and 'give me access'"),
		edit("everyone in #platform-help", platHelp, w.promptOf(access), "This request was ticketed by its requester: "+link("REQ-3")+"."),
	)
	w.press(mobile2, deploy, render.ActionCreateTicket)
	w.look("the after-hours P2 ticketed",
		edit("everyone in #platform-help", platHelp, w.promptOf(deploy), "<@U0MOB002> asked for a ticket; it is on its way."),
		post("the P2's requester, in the thread", platHelp, deploy, "Ticket "+link("REQ-4")+" created. P2. <@U0PLAT004>"+morning,
			"*Urgency:* P2 because rule `deploy-blocked` matched 'release deploy is blocked'"),
		edit("everyone in #platform-help", platHelp, w.promptOf(deploy), "This request was ticketed by its requester: "+link("REQ-4")+"."),
	)
	w.at(1, 23, 0)
	w.look("Tuesday night")
	w.at(2, 8, 59)
	w.look("Wednesday, before business hours")

	// Wednesday 09:00: both reach the on-call together, each with its own
	// SLA counted from now.
	w.at(2, 9, 0)
	accessTitle := "P3 · " + link("REQ-3") + " · please give me access to the grafana admin role (from <@U0SUP001>)"
	deployTitle := "P2 · " + link("REQ-4") + " · the mobile release deploy is blocked by a failing migration (from <@U0MOB002>)"
	w.look("Wednesday, business hours",
		post("the on-call, by DM", oncallDM, "", accessTitle, render.ActionAck,
			"*SLA:* acknowledge within 4h (by Wed 2 Dec 13:00 CST), resolve within 120h (by Mon 7 Dec 09:00 CST)"),
		post("the on-call, by DM", oncallDM, "", deployTitle, render.ActionAck,
			"*SLA:* acknowledge within 1h (by Wed 2 Dec 10:00 CST), resolve within 24h (by Thu 3 Dec 09:00 CST)"),
	)
	w.acknowledge(2, 9, 20, oncall, "REQ-4", deployTitle, deploy)
	w.acknowledge(2, 9, 25, oncall, "REQ-3", accessTitle, access)

	// Thursday 3 December, 10:00: nobody presses the prompt; the on-call
	// starts answering in the thread and is asked for a ticket; at the
	// deadline the request is ticketed anyway, and both posts that asked
	// say so. Its 3 points take the budget past 50%.
	w.at(3, 10, 0)
	dns := h.ts()
	h.event("EvDeadline", h.message(platHelp, support2, "we need a CNAME for help.example.com pointing at the new docs site", dns, ""))
	w.look("the deadline's prompt", post("everyone in #platform-help", platHelp, dns, "Every request needs a ticket."))
	w.at(3, 10, 5)
	h.event("EvDeadlineWork", h.message(platHelp, oncall, "looking", h.ts(), dns))
	w.look("the on-call answers without a ticket",
		post("everyone in #platform-help", platHelp, dns, "Work on this needs a ticket first.", render.ActionCreateTicket))
	asking := h.askingPosts(platHelp, dns)
	w.at(3, 10, 14)
	w.look("before the deadline")
	w.at(3, 10, 15)
	dnsTitle := "P3 · " + link("REQ-5") + " · we need a CNAME for help.example.com pointing at the new docs site (from <@U0SUP002>)"
	automatic := "This request was ticketed automatically, since nobody did within the deadline: " + link("REQ-5") + "."
	w.look("the deadline ticketed it",
		post("the requester, in the thread", platHelp, dns, "Ticket "+link("REQ-5")+" created. P3. <@U0PLAT004> is on call and will pick it up now.",
			"*Urgency:* P3 because rule `infra-change` matched 'CNAME'"),
		post("the on-call, by DM", oncallDM, "", dnsTitle, render.ActionAck, "*Estimate:* 3 points · charged to sprint 24's interrupt budget"),
		edit("everyone in #platform-help", platHelp, asking[0].Timestamp, automatic).without(render.ActionCreateTicket),
		edit("everyone in #platform-help", platHelp, asking[1].Timestamp, automatic).without(render.ActionCreateTicket),
		post("the team channel", team, "", "Interrupt budget 58% used: 7 of 12 points (past 50%)", "Team platform · sprint 24"),
	)
	w.acknowledge(3, 10, 20, oncall, "REQ-5", dnsTitle, dns)

	// Friday evening to Sunday night: quiet, and nothing is said.
	for _, step := range []struct{ day, hh int }{{4, 9}, {4, 18}, {5, 11}, {6, 21}} {
		w.at(step.day, step.hh, 0)
		w.look(fmt.Sprintf("day %d, %02d:00", step.day, step.hh))
	}

	// Monday 7 December: sprint 25 starts at midnight with nothing carried
	// over; at 09:00 the weekly report counts the emergency that wasn't.
	w.at(7, 0, 0)
	w.look("sprint 25 starts",
		post("the team channel", team, "", "Sprint 25 of platform has started\n*Carried over into this sprint (0):*\nnone"))
	w.at(7, 9, 0)
	h.waitFor("the report's chart", func() bool { return len(h.fake.Files()) == 1 })
	w.look("the weekly report",
		post("the team channel", team, "", "Interrupt report for platform, 2026-W49: 5 requests (P1 0 · P2 1 · P3 3 · P4 1); budget 7 of 12 points used.",
			"*Outcomes this week*\\naccepted 4 · deferred 0 · declined 0 · backlog 1",
			"*Emergencies that weren't*\\n1 this week",
			"*Emergencies that weren't* (claimed P1/P2, the rules said lower): 1\\n• \\u003chttps://sg.example.com/t/REQ-1|REQ-1\\u003e claimed P1, rules P4 — Priya:",
			"Mateo — 1 request, 1 point", "Sofia — 1 request, 3 points"),
		sees{who: "the team channel, in the report's thread", method: "files.completeUploadExternal", channel: team,
			thread: postWith(h, team, "Interrupt report for platform, 2026-W49").Timestamp, text: `[{"id":"F1000003","title":"Interrupts of platform, 2026-W49"}]`},
	)
}

// postWith returns the bot's top-level post in channel whose text starts
// with prefix.
func postWith(h *harness, channel, prefix string) slack.Message {
	for _, m := range h.fake.Messages(channel) {
		if m.User == slackfake.BotUserID && (m.ThreadTimestamp == "" || m.ThreadTimestamp == m.Timestamp) && strings.HasPrefix(m.Text, prefix) {
			return m
		}
	}
	h.t.Fatalf("no post in %s starting %q", channel, prefix)
	return slack.Message{}
}
