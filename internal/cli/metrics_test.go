package cli

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/sprintguard/sprintguard/bot"
	"github.com/sprintguard/sprintguard/tracker/jira"
	"github.com/sprintguard/sprintguard/tracker/jira/jirafake"
	"github.com/sprintguard/sprintguard/triage"
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
	// The three acknowledgements waited for at least one fdatasync of the
	// journal, which its histogram counted.
	if m := regexp.MustCompile(`(?m)^sprintguard_journal_sync_duration_seconds_count (\d+)$`).FindStringSubmatch(text); m == nil || m[1] == "0" {
		t.Errorf("no fdatasync of the journal counted in /metrics (%v)", m)
	}
	// The three requests were written by the store's writer.
	for _, name := range []string{"sprintguard_store_commit_duration_seconds_count", "sprintguard_store_commit_transactions_count", "sprintguard_store_pages_written_total"} {
		if m := regexp.MustCompile(`(?m)^` + name + ` (\d+)$`).FindStringSubmatch(text); m == nil || m[1] == "0" {
			t.Errorf("%s is not in /metrics or is 0 (%v)", name, m)
		}
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

// Before any traffic, let alone an error, /metrics has a series for every
// metric the dashboard and the alert rules query, and for every label value
// they break errors down by, so that rate() and the alerts work from the
// first scrape.
func TestMetricsSeriesExistBeforeTheFirstError(t *testing.T) {
	fake := jirafake.New(t)
	s := newHTTPServe(t, jiraTracker(fake.URL()))
	s.start()
	resp, err := http.Get(s.url + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	series := map[string]bool{} // each sample's name, and its name with labels
	for _, m := range regexp.MustCompile(`(?m)^(sprintguard_\w+)(\{[^}]*\})? `).FindAllStringSubmatch(string(b), -1) {
		series[m[1]] = true
		series[m[1]+m[2]] = true
	}
	for _, file := range []string{repo("deploy", "monitoring", "alerts.yaml"), repo("deploy", "monitoring", "grafana-dashboard.json")} {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		names := regexp.MustCompile(`sprintguard_[a-z_]+`).FindAllString(string(data), -1)
		slices.Sort(names)
		for _, name := range slices.Compact(names) {
			if !series[name] {
				t.Errorf("%s queries %s, which has no series before the first error", file, name)
			}
		}
	}
	var want []string
	for _, method := range bot.Methods {
		want = append(want, `sprintguard_slack_call_errors_total{method="`+method+`"}`,
			`sprintguard_slack_rate_limited_total{method="`+method+`"}`,
			`sprintguard_slack_call_duration_seconds_count{method="`+method+`"}`)
	}
	for _, op := range jira.Ops {
		want = append(want, `sprintguard_jira_call_duration_seconds_count{op="`+op+`"}`)
	}
	for _, kind := range []string{triage.JobCreateTicket, triage.JobUpdateTicket} {
		want = append(want, `sprintguard_outbox_attempts_total{kind="`+kind+`",result="retry"}`,
			`sprintguard_outbox_attempts_total{kind="`+kind+`",result="dead"}`,
			`sprintguard_tickets_failed_total{kind="`+kind+`",retry="yes"}`)
	}
	want = append(want, `sprintguard_jira_call_errors_total{status="0"}`, `sprintguard_jira_call_errors_total{status="503"}`,
		`sprintguard_tickets_created_total{kind="`+triage.JobCreateTicket+`"}`,
		`sprintguard_requests_total{outcome="accepted",team="platform",urgency="P1"}`,
		`sprintguard_ack_duration_seconds_count{kind="event"}`, `sprintguard_socket_reconnects_total`)
	for _, w := range want {
		if !series[w] {
			t.Errorf("no series %s before the first error", w)
		}
	}
	if t.Failed() {
		t.Logf("/metrics:\n%s", b)
	}
}
