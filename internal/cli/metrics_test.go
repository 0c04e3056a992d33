package cli

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/sprintguard/sprintguard/tracker/jira/jirafake"
)

// After an end-to-end run (Slack events in, Jira tickets out, a 429 from
// each), /metrics has every metric the dashboard and the alert rules use.
func TestMetricsCoverTheDashboardAndAlerts(t *testing.T) {
	fake := jirafake.New(t)
	s := newHTTPServe(t, jiraTracker(fake.URL()))
	fake.AddUser("acc-d2", "d2@acme.com", "D2")
	s.fake.AddUser(slack.User{ID: "U0DATA002", Profile: slack.UserProfile{Email: "d2@acme.com"}})
	fake.RateLimitNext(1, time.Second)
	s.fake.RateLimit("chat.postMessage", 1, time.Second)
	s.start()
	for i := range 3 {
		ev := map[string]any{"type": "message", "channel": "C0DATAHELP", "channel_type": "channel",
			"user": fmt.Sprintf("U8%04d", i), "text": fmt.Sprintf("the %d nightly export is stuck", i),
			"ts": fmt.Sprintf("%d.%06d", time.Now().Unix(), i)}
		if code := s.event(fmt.Sprintf("EvM%d", i), ev); code != http.StatusOK {
			t.Fatalf("event: %d", code)
		}
	}
	var text string
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get(s.url + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		text = string(b)
		if strings.Contains(text, "sprintguard_tickets_created_total") && strings.Contains(text, "sprintguard_slack_rate_limited_total") || time.Now().After(deadline) {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	have := map[string]bool{}
	for _, m := range regexp.MustCompile(`(?m)^# TYPE (sprintguard_\w+)`).FindAllStringSubmatch(text, -1) {
		have[m[1]] = true
	}
	for _, file := range []string{repo("deploy", "monitoring", "alerts.yaml"), repo("deploy", "monitoring", "grafana-dashboard.json")} {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range regexp.MustCompile(`sprintguard_[a-z_]+`).FindAllString(string(data), -1) {
			base := strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(name, "_bucket"), "_count"), "_sum")
			if !have[base] {
				t.Errorf("%s uses %s, which /metrics does not have", file, name)
			}
		}
	}
}
