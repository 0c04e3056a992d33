package cli

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/sprintguard/sprintguard/bot/slackfake"
	"github.com/sprintguard/sprintguard/examples"
	"github.com/sprintguard/sprintguard/tracker/jira/jirafake"
)

// jiraTracker points the example config's tracker at a Jira fake.
func jiraTracker(url string) func(string) string {
	return func(text string) string {
		return strings.Replace(text, "  kind: local\n", `  kind: jira
  jira:
    url: `+url+`
    user: `+jirafake.User+`
    token: ${JIRA_API_TOKEN}
    project: OPS
    timeout: 2s
`, 1)
	}
}

// TestKillMidBurstWithJira SIGKILLs the built binary while it is turning a
// burst of events into Jira issues (some of Jira's answers failing or
// dropped), restarts it, and lets Slack retry every event: each request
// still has exactly one issue.
func TestKillMidBurstWithJira(t *testing.T) {
	// Mostly waiting on real time (the trackers' retries): it runs beside
	// the package's other waiting tests, not after them.
	t.Parallel()
	fake := jirafake.New(t)
	s := newHTTPServe(t, jiraTracker(fake.URL()))
	for i, u := range []string{"U0DATA002", "U0DATA003"} {
		email := fmt.Sprintf("oncall%d@acme.com", i)
		fake.AddUser("acc-"+u, email, u)
		s.fake.AddUser(slack.User{ID: u, Name: u, Profile: slack.UserProfile{Email: email}})
	}
	fake.FailRate(0.3, 7)
	fake.DropAfterCreate(2)
	s.start()

	const n = 40
	events := make([]map[string]any, n)
	for i := range events {
		events[i] = map[string]any{"type": "message", "channel": "C0DATAHELP", "channel_type": "channel",
			"user": fmt.Sprintf("U9%04d", i), "text": fmt.Sprintf("the import job %d failed overnight", i),
			"ts": fmt.Sprintf("%d.%06d", time.Now().Unix(), i)}
		// The message is in the channel, as in Slack, for the bot's
		// replies to thread under and a re-run to look through.
		s.fake.AddMessage("C0DATAHELP", slack.Message{Msg: slack.Msg{Type: "message", User: events[i]["user"].(string),
			Text: events[i]["text"].(string), Timestamp: events[i]["ts"].(string)}})
	}
	send := func(from, to int) {
		var wg sync.WaitGroup
		for i := from; i < to; i++ {
			wg.Go(func() {
				if code := s.event(fmt.Sprintf("EvBurst%d", i), events[i]); code != http.StatusOK {
					t.Errorf("event %d: status %d", i, code)
				}
			})
		}
		wg.Wait()
	}
	send(0, n/2)
	// Kill once Jira has some of the issues but (most likely) not all.
	for wait := time.Now().Add(10 * time.Second); len(fake.Issues()) < 3 && time.Now().Before(wait); {
		time.Sleep(5 * time.Millisecond)
	}
	s.cmd.Process.Signal(syscall.SIGKILL)
	s.cmd.Wait()
	before := len(fake.Issues())

	fake.FailRate(0, 0)
	s.start()
	send(0, n) // Slack retries what it sent, and sends the rest
	// Every request is ticketed once its key is posted in its thread.
	ticketed := func() int {
		n := 0
		for _, ev := range events {
			if strings.Contains(threadText(s.fake, "C0DATAHELP", ev["ts"].(string)), "OPS-") {
				n++
			}
		}
		return n
	}
	deadline := time.Now().Add(45 * time.Second)
	for ticketed() < n && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
	}
	time.Sleep(500 * time.Millisecond) // room for a duplicate to show up
	s.cmd.Process.Signal(syscall.SIGTERM)
	s.cmd.Wait()

	issues := fake.Issues()
	labels := map[string]string{}
	for _, is := range issues {
		for _, l := range is.Labels {
			if strings.HasPrefix(l, "sg-") {
				if prev, dup := labels[l]; dup {
					t.Errorf("%s on both %s and %s", l, prev, is.Key)
				}
				labels[l] = is.Key
			}
		}
	}
	reqs, pending := storeState(t, s.db)
	t.Logf("%d issues before the kill, %d after; %d requests", before, len(issues), len(reqs))
	if len(issues) != n || len(reqs) != n || pending != 0 {
		t.Fatalf("%d issues, %d requests, %d inbox entries; want %d, %d, 0", len(issues), len(reqs), pending, n, n)
	}
	for _, r := range reqs {
		if labels["sg-"+r.IDString()] != r.Ticket.Key {
			t.Errorf("request %d has ticket %q; Jira has %q for it", r.ID, r.Ticket.Key, labels["sg-"+r.IDString()])
		}
	}
	// No Slack post was made twice, whichever job the kill interrupted.
	if repeats, untagged := s.fake.RepeatedPosts(); len(repeats) > 0 || len(untagged) > 0 {
		t.Errorf("posted again: %+v\nposted without metadata: %+v", repeats, untagged)
	}
	for _, r := range fake.Requests() {
		if r.Path == "/rest/api/2/search" || r.Path == "/rest/api/3/search" {
			t.Fatalf("%s %s: the removed search endpoint was called", r.Method, r.Path)
		}
	}
}

// check --online logs in to Slack and Jira and names what is missing.
func TestCheckOnline(t *testing.T) {
	fake := jirafake.New(t)
	slackFake := slackfake.New(t)
	dir := t.TempDir()
	cfg := strings.NewReplacer("api_url: https://slack.com/api/", "api_url: "+slackFake.APIURL()).Replace(string(examples.Config))
	cfg = jiraTracker(fake.URL())(cfg)
	good := writeFile(t, dir, "good.yaml", cfg)
	bad := writeFile(t, dir, "bad.yaml", strings.Replace(cfg, "    project: OPS\n", "    project: OPX\n    priority: {P1: Blocker}\n    board: 99\n", 1))
	env := map[string]string{"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1", "JIRA_API_TOKEN": jirafake.Token}
	code, out, errs := runEnv(t, env, "check", "--online", "--config", good)
	if code != ExitOK || !strings.Contains(out, "accepted") {
		t.Fatalf("good config: exit %d\n%s%s", code, out, errs)
	}
	code, _, errs = runEnv(t, env, "check", "--online", "--config", bad)
	for _, want := range []string{"jira project OPX", "priority \"Blocker\"", "board 99"} {
		if !strings.Contains(errs, want) {
			t.Errorf("bad config: stderr lacks %q:\n%s", want, errs)
		}
	}
	if code != ExitFail {
		t.Errorf("bad config: exit %d", code)
	}
	env["JIRA_API_TOKEN"] = "wrong"
	if code, _, errs := runEnv(t, env, "check", "--online", "--config", good); code != ExitFail || !strings.Contains(errs, "credentials do not work") {
		t.Errorf("wrong token: exit %d\n%s", code, errs)
	}
}

func runEnv(t *testing.T, vars map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb strings.Builder
	env := Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, Getenv: func(k string) string { return vars[k] },
		Now: func() time.Time { return time.Date(2026, 11, 23, 15, 0, 0, 0, time.UTC) }}
	code := Main(t.Context(), args, env)
	return code, out.String(), errb.String()
}
