package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/sprintguard/sprintguard/bot/slackfake"
	"github.com/sprintguard/sprintguard/store/postgres"
	"github.com/sprintguard/sprintguard/tracker/jira/jirafake"
)

// jiraCallKinds counts the Jira requests by method and path, with issue
// keys and ids taken out.
func jiraCallKinds(reqs []jirafake.Request) map[string]int {
	c := map[string]int{}
	for _, r := range reqs {
		c[r.Method+" "+issueRef.ReplaceAllString(r.Path, "{}")]++
	}
	return c
}

var issueRef = regexp.MustCompile(`[A-Z]+-[0-9]+|/[0-9]+(/|$)`)

// postKinds counts the posts Slack made by the kind of job that made
// them: its key without the request id and what follows.
func postKinds(fake *slackfake.Server) map[string]int {
	c := map[string]int{}
	for _, call := range fake.OKCalls("chat.postMessage") {
		var md struct {
			Payload struct {
				Job string `json:"job"`
			} `json:"event_payload"`
		}
		json.Unmarshal([]byte(call.Form.Get("metadata")), &md)
		parts := strings.Split(md.Payload.Job, ":")
		if len(parts) > 2 {
			parts = parts[:2]
		}
		c[strings.Join(parts, ":")]++
	}
	return c
}

func sortedCounts(c map[string]int) string {
	var out []string
	for k, v := range c {
		out = append(out, fmt.Sprintf("%s %d", k, v))
	}
	sort.Strings(out)
	return strings.Join(out, ", ")
}

// TestReplicasSlowJira runs two replicas on one PostgreSQL against a Jira
// that answers three in ten requests a second after the client's 2 s
// timeout, taking effect all the same, as a Jira under load does, and
// counts what the replicas asked of Jira and posted per event. Each
// request gets one issue (a create that timed out and landed late was
// once made again by its retry), Jira is asked little more than once per
// event, and a requester hears "ticket queued" only when two attempts in
// a row failed (one timeout told most of them), and hears nothing twice.
func TestReplicasSlowJira(t *testing.T) {
	// Mostly waiting on real time (timeouts, the schedule): it runs beside
	// the package's other waiting tests, not after them.
	t.Parallel()
	const n = 100
	dbURL, fake, jira, rs := jiraReplicas(t, func(jira *jirafake.Server) { jira.SlowRate(0.3, 3*time.Second, 11) })
	rnd := rand.New(rand.NewPCG(3, 4))
	base := time.Now().Unix()
	for i := range n {
		ts := fmt.Sprintf("%d.%06d", base, i+1)
		user := fmt.Sprintf("U0EXT%04d", i)
		text := fmt.Sprintf("request %d: the nightly export job %d fails with error code E%d", i, i, 4000+i)
		fake.AddMessage("C0DATAHELP", slack.Message{Msg: slack.Msg{Type: "message", User: user, Text: text, Timestamp: ts}})
		inner := map[string]any{"type": "message", "channel": "C0DATAHELP", "user": user, "text": text, "ts": ts,
			"event_ts": ts, "channel_type": "channel"}
		if code := rs[rnd.IntN(len(rs))].eventQuiet(fmt.Sprintf("EvSlow%04d", i), inner); code != http.StatusOK {
			t.Fatalf("event %d: answered %d", i, code)
		}
	}
	waitFor(t, 3*time.Minute, "every event ticketed", func() bool { return postKinds(fake)["notify:ticketed"] >= n })
	db, err := postgres.Open(context.Background(), dbURL, postgres.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	settledNow(t, db, time.Now)
	for _, r := range rs {
		r.cmd.Process.Signal(syscall.SIGTERM)
		r.cmd.Wait()
	}

	reqs := jira.Requests()
	posts := postKinds(fake)
	var slackCalls []string
	for _, m := range []string{"chat.postMessage", "chat.update", "conversations.replies", "conversations.history", "users.info"} {
		slackCalls = append(slackCalls, fmt.Sprintf("%s %d", m, len(fake.Calls(m))))
	}
	t.Logf("%d events, %d issues; Jira: %d requests: %s", n, len(jira.Issues()), len(reqs), sortedCounts(jiraCallKinds(reqs)))
	t.Logf("posts by job: %s; Slack calls: %s", sortedCounts(posts), strings.Join(slackCalls, ", "))
	if labels := issuesByLabel(t, jira); len(labels) != n {
		t.Errorf("%d requests with an issue, want %d", len(labels), n)
	}
	// A first create, and for the three in ten that time out a search,
	// the follow-up's read and now and then one more retry: well under
	// the 3.3 per event that searching before every create, and retrying
	// at once, cost.
	if len(reqs) > 5*n/2 {
		t.Errorf("%d Jira requests for %d events, want at most %d", len(reqs), n, 5*n/2)
	}
	if posts["notify:ticketed"] != n {
		t.Errorf("%d ticket posts, want %d", posts["notify:ticketed"], n)
	}
	// Two attempts in a row fail for about one request in ten; one
	// timeout, which told four in ten, tells none.
	if posts["notify:queued"] > n/4 {
		t.Errorf("%d requesters told their ticket is queued, want at most %d", posts["notify:queued"], n/4)
	}
	if repeats, untagged := fake.RepeatedPosts(); len(repeats) > 0 || len(untagged) > 0 {
		t.Errorf("%d posts made again, %d without metadata; first: %+v %+v", len(repeats), len(untagged), firstOf(repeats), firstOf(untagged))
	}
}
