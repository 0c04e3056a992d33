package replay

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sprintguard/sprintguard/internal/app"
	"github.com/sprintguard/sprintguard/triage"
)

// The example's platform team: its intake channel, a member and somebody
// outside every team.
const (
	platHelp = "C0PLATHELP"
	member   = "U0PLAT002"
	outsider = "U0SUP001"
)

// msg is a message as Slack's export writes it.
type msg map[string]any

// exportOf writes a small export into a new folder: channels.json with
// platform-help and random, users.json unless users is false, every other
// list in lists (file to its channels), and each channel's messages as one
// day file, stamped a minute apart.
func exportOf(t *testing.T, users bool, lists map[string][]msg, byChannel map[string][]msg) string {
	t.Helper()
	dir := t.TempDir()
	write := func(name string, v any) {
		t.Helper()
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("channels.json", []msg{{"id": platHelp, "name": "platform-help"}, {"id": "C0RANDOM", "name": "random"}})
	for file, chans := range lists {
		write(file, chans)
	}
	if users {
		write("users.json", []msg{{"id": member, "name": "member"}, {"id": outsider, "name": "outsider"}})
	}
	at := time.Date(2026, 9, 1, 9, 0, 0, 0, time.UTC)
	for folder, ms := range byChannel {
		for i, m := range ms {
			m["type"] = "message"
			m["ts"] = fmt.Sprintf("%d.000100", at.Add(time.Duration(i)*time.Minute).Unix())
			if m["thread_ts"] == "first" {
				m["thread_ts"] = ms[0]["ts"]
			}
		}
		write(filepath.Join(folder, "2026-09-01.json"), ms)
	}
	return dir
}

// TestReplayTakesAReactedThreadReply: a member's :ticket: on a reply in a
// thread makes a request of the reply, as live, and the thread's parent,
// chat in a channel that is no intake channel, stays none.
func TestReplayTakesAReactedThreadReply(t *testing.T) {
	thread := []msg{
		{"user": outsider, "text": "anyone else seeing slow builds?", "reply_count": 1},
		{"user": outsider, "thread_ts": "first", "text": "the runner pool is out of disk, can platform look?",
			"reactions": []msg{{"name": "ticket", "users": []string{member}, "count": 1}}},
	}
	res := replayOnce(t, exportOf(t, true, nil, map[string][]msg{"random": thread}), Options{Settings: platformOnly(t, nil)})
	if res.Requests() != 1 {
		t.Fatalf("%d requests, want the reacted reply's (not requests: %v)", res.Requests(), res.Skipped)
	}
	if d := res.Teams[0].Decisions[0]; d.TS != thread[1]["ts"] {
		t.Errorf("the request is of message %s, want the reply %s", d.TS, thread[1]["ts"])
	}
	if res.Skipped["thread reply"] != 0 || res.Skipped["not an intake channel"] != 1 {
		t.Errorf("not requests: %v, want the parent alone, as no intake channel's", res.Skipped)
	}
}

// platformOnly is the example's platform team alone, changed by tweak.
func platformOnly(t *testing.T, tweak func(*triage.Team)) *triage.Settings {
	t.Helper()
	st, err := app.ExampleSettings()
	if err != nil {
		t.Fatal(err)
	}
	team := *st.Team("platform")
	if tweak != nil {
		tweak(&team)
	}
	return &triage.Settings{Teams: []*triage.Team{&team}, Groups: st.Groups}
}

// TestReplayAsksTheRuleServeAsks replays one message at a time and wants
// the request, or the reason for none, that serve's intake gives it.
func TestReplayAsksTheRuleServeAsks(t *testing.T) {
	ticket := func(users ...string) []msg { return []msg{{"name": "ticket", "users": users, "count": len(users)}} }
	for _, tc := range []struct {
		name    string
		tweak   func(*triage.Team)
		users   bool
		channel string
		m       msg
		want    int    // requests
		skip    string // the reason when want is 0
	}{
		{"a member's announcement", nil, true, "platform-help",
			msg{"user": member, "text": "heads up: maintenance window tonight"}, 0, "team member"},
		{"a member's ask with members_ask", func(t *triage.Team) { t.MembersAsk = true }, true, "platform-help",
			msg{"user": member, "text": "can someone rotate the CI deploy key?"}, 1, ""},
		{"a file shared with a question", nil, true, "platform-help",
			msg{"user": outsider, "subtype": "file_share", "text": "the deploy fails with this log, can you look?"}, 1, ""},
		{"a workflow form, bots allowed", func(t *triage.Team) { t.AllowBots = true }, true, "platform-help",
			msg{"subtype": "bot_message", "bot_id": "B0FORM", "username": "Access form", "text": "access request: prod-db read for ines"}, 1, ""},
		{"a workflow form, bots not allowed", nil, true, "platform-help",
			msg{"subtype": "bot_message", "bot_id": "B0FORM", "username": "Access form", "text": "access request: prod-db read for ines"}, 0, "bot message"},
		{"a Slackbot reminder without users.json", nil, false, "platform-help",
			msg{"user": "USLACKBOT", "text": "Reminder: renew the wildcard certificate."}, 0, "Slackbot"},
		{"a member's :ticket: elsewhere", nil, true, "random",
			msg{"user": outsider, "text": "is the terraform state lock stuck again?", "reactions": ticket(member)}, 1, ""},
		{"an outsider's :ticket: elsewhere", nil, true, "random",
			msg{"user": outsider, "text": "is the terraform state lock stuck again?", "reactions": ticket(outsider)}, 0, "not an intake channel"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := exportOf(t, tc.users, nil, map[string][]msg{tc.channel: {tc.m}})
			res := replayOnce(t, dir, Options{Settings: platformOnly(t, tc.tweak)})
			if got := res.Requests(); got != tc.want {
				t.Fatalf("%d requests, want %d (not requests: %v)", got, tc.want, res.Skipped)
			}
			if tc.want == 0 && res.Skipped[tc.skip] != 1 {
				t.Errorf("not requests: %v, want one %q", res.Skipped, tc.skip)
			}
		})
	}
}

// TestReplayReadsPrivateChannels wants an intake channel listed in
// groups.json read like a public one, and an intake channel the export
// has no folder for named in the problems.
func TestReplayReadsPrivateChannels(t *testing.T) {
	private := map[string][]msg{"groups.json": {{"id": "C0PRIVHELP", "name": "platform-private"}}}
	dir := exportOf(t, true, private, map[string][]msg{"platform-private": {{"user": outsider, "text": "the staging deploy is stuck"}}})
	st := platformOnly(t, func(t *triage.Team) { t.IntakeChannels = []string{"C0PRIVHELP", "platform-gone"} })
	res := replayOnce(t, dir, Options{Settings: st})
	if res.Requests() != 1 {
		t.Errorf("%d requests from the private intake channel, want 1 (not requests: %v)", res.Requests(), res.Skipped)
	}
	var named bool
	for _, p := range res.Problems {
		named = named || p.File == "platform-gone" && strings.Contains(p.Msg, "no folder")
	}
	if !named {
		t.Errorf("problems %v do not name the intake channel platform-gone, which the export lacks", res.Problems)
	}
}

// TestReplayTakesFilesAsServeDoes: a file shared with no words is a
// request named by its title, or else its name, as serve takes it in; one
// with neither, which serve asks its author about, is no request.
func TestReplayTakesFilesAsServeDoes(t *testing.T) {
	share := func(files ...msg) msg {
		return msg{"user": outsider, "subtype": "file_share", "text": "", "files": files}
	}
	ms := []msg{
		share(msg{"id": "F1", "name": "image.png", "title": "the invoices dashboard is blank", "mimetype": "image/png", "filetype": "png"}),
		share(msg{"id": "F2", "name": "terraform-plan.txt", "title": "", "mimetype": "text/plain"}),
		share(msg{"id": "F3", "mode": "hidden_by_limit"}),
		share(msg{"id": "F4", "mode": "tombstone"}, msg{"id": "F5", "name": "ci-runner.log", "title": "ci runner out of disk", "mimetype": "text/plain"}),
	}
	res := replayOnce(t, exportOf(t, true, nil, map[string][]msg{"platform-help": ms}),
		Options{Settings: platformOnly(t, nil), Keep: func(*triage.Request) bool { return true }})
	var got []string
	for _, r := range res.Teams[0].Labelled {
		got = append(got, r.Summary)
	}
	want := []string{"the invoices dashboard is blank", "terraform-plan.txt", "ci runner out of disk"}
	if !slices.Equal(got, want) {
		t.Errorf("requests %q, want %q (not requests: %v)", got, want, res.Skipped)
	}
	if res.Skipped["file with no title or name"] != 1 || len(res.Skipped) != 1 {
		t.Errorf("not requests: %v, want the hidden file alone", res.Skipped)
	}
}
