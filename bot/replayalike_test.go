package bot

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/sprintguard/sprintguard/internal/app"
	"github.com/sprintguard/sprintguard/replay"
	"github.com/sprintguard/sprintguard/slackexport"
	"github.com/sprintguard/sprintguard/triage"
)

// TestReplayTakesMessagesAsServeDoes gives the same messages, as Slack
// writes them, to serve's reading of a channel message and to a replay of
// an export holding them, and wants the same request of each, summary and
// details alike, and no request of the same ones: a team's backtest must
// read its requests as the bot will.
func TestReplayTakesMessagesAsServeDoes(t *testing.T) {
	file := func(f map[string]any) map[string]any {
		return map[string]any{"subtype": "file_share", "text": "", "files": []any{f}}
	}
	exact := strings.Repeat("éé ", 49) + "ééé" // 150 runes
	messages := []map[string]any{
		{"text": strings.Repeat("deploy ", 30) + "\nlogs attached"},
		{"text": "db is slow\nsince 10:00, p99 is 3s\n\nplease look"},
		{"text": exact + "\nmore"},
		{"text": exact + "é"},
		{"text": strings.Repeat("ошибка ", 10) + "/var/log/" + strings.Repeat("x", 120)},
		{"text": "<@U0NOBODY> grafana is down: <https://grafana.example.com/d/x|dashboard> &amp; alerts\nsince noon"},
		{"text": "<!subteam^S0PLAT|@platform-oncall> the deploy is stuck since <!date^1392734382^{date_short}|Feb 18, 2014>"},
		{"text": "mail <mailto:ops@example.com> or <mailto:sre@example.com|the SRE list> about <#C0PLATHELP|platform-help> and <#C0OTHER>"},
		{"text": "<!here> a &amp; b &lt;c&gt; <@U0NOBODY|bob> <!subteam^S0PLAT>"},
		file(map[string]any{"id": "F1", "name": "image.png", "title": "the invoices dashboard is blank", "mimetype": "image/png"}),
		file(map[string]any{"id": "F2", "name": "terraform-plan.txt", "mimetype": "text/plain"}),
		file(map[string]any{"id": "F3", "mode": "hidden_by_limit"}),
	}
	at := time.Date(2026, 9, 1, 9, 0, 0, 0, time.UTC)
	type asked struct{ summary, details string }
	serve := map[string]asked{}
	for i, m := range messages {
		m["type"], m["user"] = "message", "U0SUP001"
		m["ts"] = fmt.Sprintf("%d.000100", at.Add(time.Duration(i)*time.Minute).Unix())
		raw, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		var ev event
		if err := json.Unmarshal(raw, &ev); err != nil {
			t.Fatal(err)
		}
		if ev.words() {
			continue // asked what for, no request
		}
		if s, d, _ := summarize(ev.Text); s != "" {
			serve[ev.TS] = asked{s, d}
		}
	}

	day, err := json.Marshal(messages)
	if err != nil {
		t.Fatal(err)
	}
	exp, err := slackexport.OpenFS(fstest.MapFS{
		"channels.json":                 {Data: []byte(`[{"id": "C0PLATHELP", "name": "platform-help"}]`)},
		"platform-help/2026-09-01.json": {Data: day},
	})
	if err != nil {
		t.Fatal(err)
	}
	st, err := app.ExampleSettings()
	if err != nil {
		t.Fatal(err)
	}
	res, err := replay.Run(context.Background(), exp, replay.Options{Settings: st, Keep: func(*triage.Request) bool { return true }})
	if err != nil {
		t.Fatal(err)
	}
	replayed := map[string]asked{}
	for _, team := range res.Teams {
		for _, r := range team.Labelled {
			replayed[r.TS] = asked{r.Summary, r.Details}
		}
	}

	if len(serve) != len(messages)-1 {
		t.Errorf("serve took in %d of the %d messages, want all but the unnamed file", len(serve), len(messages))
	}
	for i, m := range messages {
		ts := m["ts"].(string)
		if s, r := serve[ts], replayed[ts]; s != r {
			t.Errorf("message %d (%.40q):\nserve  %q\nreplay %q", i, m["text"], s, r)
		}
	}
}
