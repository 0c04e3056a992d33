package slackexport

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sprintguard/sprintguard/triage"
)

// walkAll opens dir and returns every message and problem Walk reports.
func walkAll(t *testing.T, dir string) (*Export, []Message, []Problem) {
	t.Helper()
	e, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	var msgs []Message
	problems, err := e.Walk(func(m Message) error {
		msgs = append(msgs, m)
		return nil
	})
	if err != nil {
		t.Fatalf("Walk: %v", err)
	}
	return e, msgs, problems
}

func TestWalkOrderAndKinds(t *testing.T) {
	e, msgs, _ := walkAll(t, "testdata/export")
	want := []struct {
		channel, ts, subtype string
		human, reply         bool
	}{
		{"general", "1788220799.999999", "", false, false}, // Slackbot, previous day's file
		{"general", "1788249900.000200", "", true, false},
		{"platform-help", "1788250000.100100", "channel_join", false, false},
		{"deploys", "1788250100.000300", "bot_message", false, false}, // same ts: C0DEPLOYS < C0PLATHELP
		{"platform-help", "1788250100.000300", "", true, false},       // thread parent
		{"general", "1788250300.000000", "message_changed", false, false},
		{"platform-help", "1788250400.000400", "", false, true},
		{"platform-help", "1788253000.000500", "thread_broadcast", false, true},
		{"platform-help", "1788260000.000600", "", false, false}, // app bot without subtype
		{"platform-help", "1788261000.000700", "", true, false},  // opt-out is still a human message
		{"general", "1788262000.000800", "", true, false},
		{"general", "1788307200.500000", "", true, false},
		{"platform-help", "1788307300.000100", "", false, true}, // reply a day after its parent
	}
	if len(msgs) != len(want) {
		t.Fatalf("got %d messages, want %d", len(msgs), len(want))
	}
	for i, w := range want {
		m := msgs[i]
		t.Run(w.channel+"/"+w.ts, func(t *testing.T) {
			if m.ChannelName != w.channel || m.TS != w.ts || m.Subtype != w.subtype {
				t.Errorf("message %d = %s %s %q, want %s %s %q", i, m.ChannelName, m.TS, m.Subtype, w.channel, w.ts, w.subtype)
			}
			if got := e.IsTopLevelHuman(m); got != w.human {
				t.Errorf("IsTopLevelHuman = %v, want %v", got, w.human)
			}
			if got := m.IsThreadReply(); got != w.reply {
				t.Errorf("IsThreadReply = %v, want %v", got, w.reply)
			}
			if ts, _ := ParseTS(m.TS); !m.Time.Equal(ts) {
				t.Errorf("Time = %v, want %v", m.Time, ts)
			}
		})
	}
	if !slices.IsSortedFunc(msgs, func(a, b Message) int { return a.Time.Compare(b.Time) }) {
		t.Error("messages are not in chronological order")
	}
}

func TestWalkMessageFields(t *testing.T) {
	_, msgs, _ := walkAll(t, "testdata/export")
	var req Message
	for _, m := range msgs {
		if m.Channel == "C0PLATHELP" && m.TS == "1788250100.000300" {
			req = m
		}
	}
	want := Message{
		Channel:     "C0PLATHELP",
		ChannelName: "platform-help",
		User:        "U0PAY001",
		Text:        "Hey <@U0PLAT002> can I get read access to the <https://console.aws.amazon.com/s3/buckets/prod-payments|prod-payments> bucket? &lt;3",
		TS:          "1788250100.000300",
		Time:        time.Date(2026, 9, 1, 8, 8, 20, 300_000, time.UTC),
		ThreadTS:    "1788250100.000300",
		ReplyCount:  2,
		Edited:      true,
		Reactions: []Reaction{
			{Name: "eyes", Users: []string{"U0PLAT002"}},
			{Name: "ticket", Users: []string{"U0PLAT001", "U0PLAT002"}},
		},
		Files: []triage.File{{Name: "error.png"}},
		File:  "platform-help/2026-09-01.json",
	}
	if !equalMessage(req, want) {
		t.Errorf("request =\n%+v\nwant\n%+v", req, want)
	}
	bot := msgs[3]
	if bot.BotID != "B0DEPLOY1" || bot.Username != "deploybot" || bot.User != "" {
		t.Errorf("deploy bot message = %+v", bot)
	}
}

func equalMessage(a, b Message) bool {
	ta, tb := a.Time, b.Time
	a.Time, b.Time = time.Time{}, time.Time{}
	return ta.Equal(tb) && ta.Location() == time.UTC && reflect.DeepEqual(a, b)
}

func TestWalkProblems(t *testing.T) {
	e, msgs, problems := walkAll(t, "testdata/broken")
	wantProblems := []string{
		"channels.json:12:20: created is a JSON string, want an integer; element skipped",
		`channels.json:16:17: channel name "../etc" cannot be a folder name; element skipped`,
		"channels.json:19:15: duplicate channel id C0GENERAL; element skipped",
		"users.json:10:49: syntax error: invalid character '}' looking for beginning of object key string; rest of file skipped",
		"general/export-notes.json: file name is not a date, want YYYY-MM-DD.json; skipped",
		"general/2026-09-01.json:12:15: ts is a JSON number, want a string; element skipped",
		"general/2026-09-01.json:18:15: ts is not a Slack timestamp; element skipped",
		"general/2026-09-01.json:20:5: ts is missing; element skipped",
		"general/2026-09-01.json:38:22: reactions.users is a JSON string, want an array; element skipped",
		"general/2026-09-01.json:45:22: syntax error: invalid character 'o' looking for beginning of value; rest of file skipped",
		"general/2026-09-02.json:1:1: file is a JSON object, want an array",
		"general/2026-09-03.json:1:1: file is empty, want a JSON array",
		"general/2026-09-04.json:11:1: syntax error: unexpected end of file; rest of file skipped",
		"general/2026-09-05.json:2:5: element is a JSON string, want an object; skipped",
		"general/2026-09-05.json:3:5: element is a JSON null, want an object; skipped",
		`general/2026-09-05.json:5:17: type is "reaction_added", want "message"; element skipped`,
		"general/2026-09-05.json:15:3: data after the closing ] ignored",
		"general/2026-09-06.json:4:5: syntax error: expected comma after array element; rest of file skipped",
	}
	var got []string
	for _, p := range problems {
		got = append(got, p.String())
	}
	if !slices.Equal(got, wantProblems) {
		t.Errorf("problems:\n%q\nwant:\n%q", got, wantProblems)
	}
	var texts []string
	for _, m := range msgs {
		texts = append(texts, m.Text)
	}
	wantTexts := []string{
		"first, fine", "unknown fields are fine", "kept before truncation",
		"kept despite trailing garbage", "after a BOM", "missing comma before me",
	}
	if !slices.Equal(texts, wantTexts) {
		t.Errorf("messages kept = %q, want %q", texts, wantTexts)
	}
	if len(e.Channels) != 1 || len(e.Users) != 1 {
		t.Errorf("kept %d channels and %d users, want 1 and 1", len(e.Channels), len(e.Users))
	}
}

func TestWalkStopsOnError(t *testing.T) {
	e, err := Open("testdata/export")
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	stop := errors.New("stop")
	var calls int
	_, err = e.Walk(func(Message) error {
		calls++
		if calls == 3 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || calls != 3 {
		t.Errorf("Walk = %v after %d calls, want stop after 3", err, calls)
	}
}

func TestIsTopLevelHuman(t *testing.T) {
	e := &Export{Users: map[string]User{
		"U1":   {ID: "U1", Name: "alice"},
		"UBOT": {ID: "UBOT", Name: "deploybot", IsBot: true},
	}}
	const ts = "1788250100.000300"
	tests := []struct {
		name string
		msg  Message
		want bool
	}{
		{"plain message", Message{User: "U1", TS: ts}, true},
		{"thread parent", Message{User: "U1", TS: ts, ThreadTS: ts, ReplyCount: 3}, true},
		{"unknown author", Message{User: "U9", TS: ts}, true},
		{"thread reply", Message{User: "U1", TS: ts, ThreadTS: "1788250000.000100"}, false},
		{"thread broadcast", Message{User: "U1", TS: ts, ThreadTS: "1788250000.000100", Subtype: "thread_broadcast"}, false},
		{"channel join", Message{User: "U1", TS: ts, Subtype: "channel_join"}, false},
		{"message changed", Message{TS: ts, Subtype: "message_changed"}, false},
		{"bot message", Message{TS: ts, Subtype: "bot_message", BotID: "B1"}, false},
		{"app bot with user and bot id", Message{User: "UBOT", BotID: "B1", TS: ts}, false},
		{"bot user without bot id", Message{User: "UBOT", TS: ts}, false},
		{"no user", Message{TS: ts}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := e.IsTopLevelHuman(tt.msg); got != tt.want {
				t.Errorf("IsTopLevelHuman(%+v) = %v, want %v", tt.msg, got, tt.want)
			}
		})
	}
}

// TestWalkKeepsFileOrderAtTheSameTime gives two channels many messages at
// the same time, in both of their files for one day: each channel's come
// in file order, the channel with the smaller id first.
func TestWalkKeepsFileOrderAtTheSameTime(t *testing.T) {
	dir := t.TempDir()
	write := func(name, data string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("channels.json", `[{"id": "C0B", "name": "b"}, {"id": "C0A", "name": "a"}]`)
	write("users.json", `[]`)
	var want []string
	for _, ch := range []string{"a", "b"} {
		var elems []string
		for i := range 40 {
			text := fmt.Sprintf("%s%02d", ch, i)
			elems = append(elems, `{"type": "message", "user": "U1", "text": "`+text+`", "ts": "1788250000.000100"}`)
			want = append(want, text)
		}
		write(ch+"/2026-09-01.json", "["+strings.Join(elems, ",")+"]")
	}
	_, msgs, problems := walkAll(t, dir)
	if len(problems) > 0 {
		t.Fatalf("problems: %v", problems)
	}
	var got []string
	for _, m := range msgs {
		got = append(got, m.Text)
	}
	if !slices.Equal(got, want) {
		t.Errorf("order:\n got %v\nwant %v", got, want)
	}
}
