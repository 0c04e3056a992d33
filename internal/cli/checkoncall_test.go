package cli

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/slack-go/slack"

	"github.com/sprintguard/sprintguard/bot/slackfake"
)

// TestCheckOnlineSchedules: check --online fetches the team's feed, maps
// people through Slack's users.lookupByEmail, prints who is on call now and
// next, and fails naming the person nobody matches.
func TestCheckOnlineSchedules(t *testing.T) {
	sf := slackfake.New(t)
	u := slack.User{ID: "U0BEN", Name: "ben"}
	u.Profile.Email = "ben@example.com"
	sf.AddUser(u)
	feed := feedOf("ben@example.com", "Dana Nobody")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, feed) }))
	defer srv.Close()
	dir := t.TempDir()
	cfg := writeFile(t, dir, "sprintguard.yaml", fmt.Sprintf(`slack: {bot_token: "${SLACK_BOT_TOKEN}", app_token: "${SLACK_APP_TOKEN}", api_url: %s}
teams:
  - name: platform
    timezone: UTC
    oncall: {source: ical, ical: {url: "%s/x.ics"}, escalate_to: U0LEAD}
    sprint: {start: 2026-01-05, capacity: 40}
    rules: [{name: fallback, default: true, urgency: P3}]
`, sf.APIURL(), srv.URL))
	env := map[string]string{"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1"}
	code, out, errs := runEnv(t, env, "check", "--online", "--config", cfg)
	if code != ExitFail {
		t.Errorf("exit %d, want a failure for the unmapped person", code)
	}
	if !strings.Contains(out, "oncall: team platform (ical): now U0BEN until Tue 2026-11-24 09:00 UTC, next U0LEAD") {
		t.Errorf("stdout lacks who is on call:\n%s", out)
	}
	if !strings.Contains(errs, "no Slack user matches Dana Nobody") {
		t.Errorf("stderr lacks the unmapped person:\n%s", errs)
	}
	if len(sf.Calls("users.lookupByEmail")) != 1 {
		t.Errorf("users.lookupByEmail called %d times, want once (Dana has no e-mail)", len(sf.Calls("users.lookupByEmail")))
	}
}
