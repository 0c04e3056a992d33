package bot_test

import (
	"bytes"
	"context"
	"image/png"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/sprintguard/sprintguard/bot/slackfake"
	"github.com/sprintguard/sprintguard/jobs"
	"github.com/sprintguard/sprintguard/oncall"
	"github.com/sprintguard/sprintguard/triage"
)

// scheduler returns the duties of the harness's current settings, over
// its store and clock: a new one is what a restart makes.
func (h *harness) scheduler() *jobs.Scheduler {
	h.t.Helper()
	duties, err := jobs.TeamDuties(h.svc.Settings())
	if err != nil {
		h.t.Fatal(err)
	}
	return &jobs.Scheduler{Store: h.db, Now: h.clock.now, Log: h.log, Kick: h.worker.Kick, Duties: duties,
		Sweeps: []func(ctx context.Context) (int, error){h.svc.Escalate}}
}

// runDue runs the duties due at the harness's time and waits until the
// outbox has nothing due.
func (h *harness) runDue(s *jobs.Scheduler) int {
	h.t.Helper()
	n, err := s.RunDue(h.t.Context())
	if err != nil {
		h.t.Fatal(err)
	}
	h.drained()
	return n
}

// drained waits until no outbox job is due at the harness's time.
func (h *harness) drained() {
	h.t.Helper()
	h.worker.Kick()
	h.waitFor("the outbox to drain", func() bool {
		var n int
		h.db.View(func(tx triage.Tx) error {
			js, err := tx.DueJobs(h.clock.now(), 10)
			n = len(js)
			return err
		})
		return n == 0
	})
	time.Sleep(30 * time.Millisecond)
}

func (h *harness) postsWith(channel, text string) []slackfake.Call {
	var out []slackfake.Call
	for _, c := range h.fake.OKCalls("chat.postMessage") {
		if c.Form.Get("channel") == channel && strings.Contains(c.Form.Get("text")+c.Form.Get("blocks"), text) {
			out = append(out, c)
		}
	}
	return out
}

// The weekly report goes out once, Monday 09:00 team time, with its chart
// uploaded into its thread; a restart and a second pass post nothing more,
// and after two weeks of downtime only the latest week is posted.
func TestWeeklyReportOnceWithItsChart(t *testing.T) {
	h := newHarness(t)
	s := h.scheduler()
	h.runDue(s) // the first pass only starts the clocks
	for i, text := range []string{"the kafka cluster is down", "need access to the billing bucket", "deploy stuck on payments-api"} {
		h.event("EvWeek"+string(rune('a'+i)), h.message(platHelp, outsider, text, h.ts(), ""))
		h.clock.add(3 * time.Hour)
	}
	// Monday 30 November, 09:00 in Chicago.
	h.clock.set(time.Date(2026, 11, 30, 15, 0, 0, 0, time.UTC))
	if n := h.runDue(s); n < 1 {
		t.Fatalf("%d duties ran at the report time", n)
	}
	reports := h.postsWith("C0PLATFORM", "Interrupt report for platform, 2026-W48")
	if len(reports) != 1 {
		t.Fatalf("%d report posts for platform, want 1", len(reports))
	}
	files := h.fake.Files()
	var chart *slackfake.File
	for i := range files {
		if strings.Contains(files[i].Name, "platform") {
			chart = &files[i]
		}
	}
	if chart == nil {
		t.Fatalf("no chart uploaded; files: %+v", files)
	}
	var reportTS string
	for _, m := range h.fake.Messages("C0PLATFORM") {
		if strings.Contains(m.Text, "2026-W48") {
			reportTS = m.Timestamp
		}
	}
	if chart.Channel != "C0PLATFORM" || chart.ThreadTS == "" || chart.ThreadTS != reportTS {
		t.Fatalf("chart in %s thread %q, want the report's thread %q", chart.Channel, chart.ThreadTS, reportTS)
	}
	img, err := png.Decode(bytes.NewReader(chart.Bytes))
	if err != nil || img.Bounds().Dx() < 600 {
		t.Fatalf("chart: %v, bounds %v", err, img)
	}
	h.runDue(s)
	h.runDue(h.scheduler()) // a restart
	if n := len(h.postsWith("C0PLATFORM", "Interrupt report for platform, 2026-W48")); n != 1 {
		t.Fatalf("%d report posts after a second pass and a restart, want 1", n)
	}
	// Down from Monday 30 November to Tuesday 15 December: one report, W50.
	h.clock.set(time.Date(2026, 12, 15, 18, 0, 0, 0, time.UTC))
	h.runDue(h.scheduler())
	if n, old := len(h.postsWith("C0PLATFORM", "Interrupt report for platform, 2026-W50")), len(h.postsWith("C0PLATFORM", "Interrupt report for platform, 2026-W49")); n != 1 || old != 0 {
		t.Fatalf("after downtime: %d W50 reports and %d W49, want 1 and 0", n, old)
	}
}

// withTeam replaces one team's settings (a copy changed by edit) and
// returns the new team.
func (h *harness) withTeam(name string, edit func(t *triage.Team)) *triage.Team {
	old := h.svc.Settings()
	st := &triage.Settings{Groups: old.Groups}
	var changed *triage.Team
	for _, t := range old.Teams {
		c := *t
		if c.Name == name {
			edit(&c)
			changed = &c
		}
		st.Teams = append(st.Teams, &c)
	}
	h.svc.Reload(st)
	return changed
}

func (h *harness) knowUsers(ids ...string) {
	for _, id := range ids {
		h.fake.AddUser(slack.User{ID: id, Name: strings.ToLower(id)})
	}
}

// Handoffs follow the team's wall clock across daylight-saving changes:
// Chicago's Monday 10:00 moves from 15:00 to 16:00 UTC after 1 November,
// and Lord Howe's Sunday 02:15, which does not exist on 4 October (02:00
// jumps to 02:30), happens at 02:30. Each posts once, sets the user group
// and the topic, and DMs the incoming engineer.
func TestHandoffAcrossDST(t *testing.T) {
	h := newHarness(t)
	h.knowUsers("U0PLAT002", "U0PLAT003", "U0PLAT004", "U0DATA002", "U0DATA003")
	h.fake.AddUsergroup(slack.UserGroup{ID: "S0PLATONCALL", Handle: "platform-oncall"})
	h.withTeam("platform", func(t *triage.Team) { t.Usergroup, t.SetTopic = "S0PLATONCALL", true })
	lordHowe, err := time.LoadLocation("Australia/Lord_Howe")
	if err != nil {
		t.Fatal(err)
	}
	h.withTeam("data", func(t *triage.Team) {
		t.Location = lordHowe
		t.Rotation = oncall.Rotation{Team: "data", Members: []string{"U0DATA002", "U0DATA003"}, ShiftDays: 7,
			Handoff: oncall.Handoff{Weekday: time.Sunday, HasWeekday: true, Hour: 2, Minute: 15}, Location: lordHowe,
			Start: time.Date(2026, 1, 4, 0, 0, 0, 0, lordHowe)}
	})
	handoffs := func(channel string) int { return len(h.postsWith(channel, "On-call handoff")) }
	steps := []struct {
		at             time.Time
		platform, data int
	}{
		{time.Date(2026, 10, 3, 15, 0, 0, 0, time.UTC), 0, 0},  // the first pass starts the clocks
		{time.Date(2026, 10, 3, 15, 29, 0, 0, time.UTC), 0, 0}, // 01:59 LHST: not yet
		{time.Date(2026, 10, 3, 15, 30, 0, 0, time.UTC), 0, 1}, // 02:30 LHDT: the 02:15 that never was
		// Three weeks pass unseen: each team catches up once, with the latest.
		{time.Date(2026, 10, 26, 14, 59, 0, 0, time.UTC), 1, 2},
		{time.Date(2026, 10, 26, 15, 0, 0, 0, time.UTC), 2, 2},  // Monday 10:00 CDT
		{time.Date(2026, 10, 31, 15, 14, 0, 0, time.UTC), 2, 2}, // Sunday 1 November 02:14 LHDT: not yet
		{time.Date(2026, 10, 31, 15, 15, 0, 0, time.UTC), 2, 3}, // 02:15 LHDT
		{time.Date(2026, 11, 2, 15, 0, 0, 0, time.UTC), 2, 3},   // 09:00 CST: not yet
		{time.Date(2026, 11, 2, 16, 0, 0, 0, time.UTC), 3, 3},   // 10:00 CST
	}
	s := h.scheduler()
	for _, st := range steps {
		h.clock.set(st.at)
		h.runDue(s)
		if p, d := handoffs("C0PLATFORM"), handoffs("C0DATA"); p != st.platform || d != st.data {
			t.Fatalf("at %s: %d platform and %d data handoffs, want %d and %d", st.at.Format(time.RFC3339), p, d, st.platform, st.data)
		}
	}
	team := h.svc.Settings().Team("platform")
	incoming := team.Rotation.Current(time.Date(2026, 11, 2, 16, 0, 0, 0, time.UTC), nil).User
	if got := h.fake.GroupMembers("S0PLATONCALL"); len(got) != 1 || got[0] != incoming {
		t.Errorf("user group %v, want [%s]", got, incoming)
	}
	if topic := h.fake.Topic("C0PLATFORM"); !strings.Contains(topic, incoming) {
		t.Errorf("topic %q does not name %s", topic, incoming)
	}
	if n := len(h.postsWith(h.fake.DM(incoming), "On-call handoff")); n != 1 {
		t.Errorf("%d handoff DMs to %s, want 1", n, incoming)
	}
}

// A handoff gathers the shift: open requests are reassigned to the
// incoming engineer, the outgoing one's notes are included, and an unknown
// incoming user is warned about in the channel.
func TestHandoffReassignsAndCarriesNotes(t *testing.T) {
	h := newHarness(t)
	h.knowUsers("U0DATA002", "U0DATA003")
	s := h.scheduler()
	h.runDue(s)
	h.event("Ev1", h.message(dataHelp, outsider, "the warehouse load failed", h.ts(), ""))
	r := h.ticketed(1)[0]
	h.command(r.Assignee, dataHelp, "handoff note the warehouse vendor promised a fix by Friday", "trig-note")
	// Data hands off on Tuesdays at 09:00 Berlin: 1 December, 08:00 UTC.
	h.clock.set(time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC))
	h.runDue(s)
	posts := h.postsWith("C0DATA", "On-call handoff")
	if len(posts) != 1 {
		t.Fatalf("%d handoffs posted, want 1", len(posts))
	}
	body := posts[0].Form.Get("text") + posts[0].Form.Get("blocks")
	for _, want := range []string{"warehouse vendor promised", r.Ticket.Key, "Open requests (1)"} {
		if !strings.Contains(body, want) {
			t.Errorf("handoff lacks %q:\n%s", want, body)
		}
	}
	got := h.requests()[0]
	if got.Assignee == r.Assignee {
		t.Fatalf("open request still with %s after the handoff", got.Assignee)
	}
	// Next week's incoming engineer is unknown to Slack.
	h.withTeam("data", func(t *triage.Team) {
		t.Rotation.Members = []string{"U0GONE", "U0DATA003"} // U0GONE's turn on 8 December
	})
	h.clock.set(time.Date(2026, 12, 8, 8, 0, 0, 0, time.UTC))
	h.runDue(h.scheduler())
	if n := len(h.postsWith("C0DATA", "does not know")); n != 1 {
		t.Fatalf("%d warnings about the unknown on-call, want 1", n)
	}
}

// A P1 nobody acknowledges within its 15-minute SLA is escalated once, in
// the thread and to escalate_to.
func TestEscalation(t *testing.T) {
	h := newHarness(t)
	s := h.scheduler()
	h.runDue(s)
	ts := h.ts()
	h.event("Ev1", h.message(dataHelp, outsider, "the production database is down", ts, ""))
	r := h.ticketed(1)[0]
	if r.Decision.SLA.Ack <= 0 {
		t.Skipf("the example rules give %q no ack SLA", r.Summary)
	}
	h.clock.add(r.Decision.SLA.Ack - time.Minute)
	h.runDue(s)
	if n := len(h.postsWith(dataHelp, "escalated")); n != 0 {
		t.Fatalf("escalated before the SLA")
	}
	h.clock.add(2 * time.Minute)
	h.runDue(s)
	h.runDue(s)
	if n := len(h.postsWith(dataHelp, "escalated")); n != 1 {
		t.Fatalf("%d escalation messages in the thread, want 1", n)
	}
	if n := len(h.postsWith(h.fake.DM("U0DATA001"), "escalated")); n != 1 {
		t.Fatalf("%d escalation DMs to escalate_to, want 1", n)
	}
}

// Budget thresholds post once per sprint with what consumed the budget,
// and a new sprint starts with the requests deferred to it.
func TestBudgetAlertsAndCarryOver(t *testing.T) {
	h := newHarness(t)
	s := h.scheduler()
	h.runDue(s)
	const n = 24
	for i := range n {
		h.event("EvB"+string(rune('a'+i)), h.message(dataHelp, fmtUser(i), "please grant access to the finance schema "+string(rune('a'+i)), h.ts(), ""))
	}
	rs := h.ticketed(n)
	h.drained()
	alerts := h.postsWith("C0DATA", "budget")
	if len(alerts) == 0 {
		t.Fatal("no budget alert after the budget ran out")
	}
	seen := map[string]bool{}
	for _, a := range alerts {
		text := a.Form.Get("text")
		if seen[text] {
			t.Errorf("the same alert twice: %s", text)
		}
		seen[text] = true
	}
	var deferred int
	for _, r := range rs {
		if r.Status == triage.StatusDeferred {
			deferred++
		}
	}
	if deferred == 0 {
		t.Skip("nothing deferred: the example budget is larger than the stream")
	}
	team := h.svc.Settings().Team("data")
	next := team.Calendar.At(h.clock.now()).End
	h.clock.set(next.Add(time.Minute))
	h.runDue(s)
	carry := h.postsWith("C0DATA", "Carried over")
	if len(carry) != 1 || !strings.Contains(carry[0].Form.Get("text"), "("+itoa(deferred)+")") {
		t.Fatalf("carry-over posts %d, want 1 listing %d", len(carry), deferred)
	}
}

func fmtUser(i int) string { return "U0REQ" + string(rune('A'+i)) }
func itoa(n int) string    { return strconv.Itoa(n) }

// The report's post lands but its chart upload fails: the retry uploads the
// chart without posting the report again.
func TestReportRetryDoesNotRepost(t *testing.T) {
	h := newHarness(t)
	s := h.scheduler()
	h.runDue(s)
	h.fake.Fail("files.getUploadURLExternal", 1, "internal_error")
	h.clock.set(time.Date(2026, 11, 30, 15, 0, 0, 0, time.UTC))
	s.RunDue(t.Context())
	h.waitFor("the failed upload", func() bool { return len(h.fake.Calls("files.getUploadURLExternal")) >= 1 })
	h.clock.add(time.Minute) // past the retry's backoff
	h.drained()
	if n := len(h.postsWith("C0PLATFORM", "Interrupt report for platform, 2026-W48")); n != 1 {
		t.Fatalf("%d report posts, want 1", n)
	}
	files := 0
	for _, f := range h.fake.Files() {
		if strings.Contains(f.Name, "platform") {
			files++
		}
	}
	if files != 1 {
		t.Fatalf("%d charts uploaded, want 1", files)
	}
}
