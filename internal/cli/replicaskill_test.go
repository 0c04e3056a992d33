package cli

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/sprintguard/sprintguard/bot/slackfake"
	"github.com/sprintguard/sprintguard/internal/pgtest"
	"github.com/sprintguard/sprintguard/store/postgres"
	"github.com/sprintguard/sprintguard/tracker/jira/jirafake"
)

// pgServe is a `serve` process of bin in HTTP mode on PostgreSQL at
// DATABASE_URL, posting to fake, changed by edits: one replica.
func pgServe(t *testing.T, bin string, fake *slackfake.Server, dbURL string, edits ...func(string) string) *httpServe {
	t.Helper()
	s := &httpServe{t: t, bin: bin, fake: fake}
	s.url, s.cfg = httpConfig(t, t.TempDir(), fake, append([]func(string) string{onPostgres(dbURL, "  lease: 2s\n")}, edits...)...)
	return s
}

// unpaced is an httpConfig edit: slack.pacing off, which the config allows
// because the fake is not slack.com. The fake stands for a Slack whose
// limits are not ours to keep; that two replicas keep slack.com's is
// TestPacingKeepsSlackLimits.
func unpaced(text string) string {
	return strings.Replace(text, "  command: /sg\n", "  command: /sg\n  pacing: off\n", 1)
}

// replicaEvents is how many events TestReplicasSurviveSIGKILL sends: the
// issue's 2,000, or SPRINTGUARD_REPLICA_EVENTS (a smaller number for a
// quick run while working on it).
func replicaEvents(t *testing.T) int {
	t.Helper()
	raw := os.Getenv("SPRINTGUARD_REPLICA_EVENTS")
	if raw == "" {
		return 2000
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < 8 {
		t.Fatalf("SPRINTGUARD_REPLICA_EVENTS=%q: want a number of events, at least 8", raw)
	}
	return n
}

// TestReplicasSurviveSIGKILL runs two built `serve` replicas on one
// PostgreSQL behind one Slack fake and one Jira fake, and sends them
// events (replicaEvents) from several senders at once. Each event goes to one replica at
// random and a third are retried to the other; one replica is SIGKILLed
// halfway (what it did not answer is retried to the other, as Slack
// would) and restarted, and early events are retried again late. Every
// event is one request with one Jira issue, created by one call, and
// every Slack post is made once.
func TestReplicasSurviveSIGKILL(t *testing.T) {
	const senders = 8
	n := replicaEvents(t)
	dbURL, fake, jira, rs := jiraReplicas(t, nil)

	type ev struct {
		id, ts string
		inner  map[string]any
		first  int  // the replica Slack sends it to
		retry  bool // whether Slack sends it again after a 2xx
	}
	rnd := rand.New(rand.NewPCG(1, 2))
	base := time.Now().Unix()
	evs := make([]ev, n)
	for i := range evs {
		ts := fmt.Sprintf("%d.%06d", base, i+1)
		user := fmt.Sprintf("U0EXT%04d", i)
		text := fmt.Sprintf("request %d: the nightly export job %d fails with error code E%d", i, i, 4000+i)
		fake.AddMessage("C0DATAHELP", slack.Message{Msg: slack.Msg{Type: "message", User: user, Text: text, Timestamp: ts}})
		evs[i] = ev{id: fmt.Sprintf("EvRep%04d", i), ts: ts, first: rnd.IntN(len(rs)), retry: rnd.IntN(3) == 0,
			inner: map[string]any{"type": "message", "channel": "C0DATAHELP", "user": user, "text": text, "ts": ts,
				"event_ts": ts, "channel_type": "channel"}}
	}

	// deliver sends e to its replica and, as Slack does without a 2xx,
	// to the other; while neither answers (one is being killed or
	// restarted), it tries again.
	deliver := func(e ev, first int) {
		for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
			for k := range len(rs) {
				if rs[(first+k)%len(rs)].eventQuiet(e.id, e.inner) == http.StatusOK {
					return
				}
			}
		}
		t.Errorf("event %s: no replica stored it within 30s", e.id)
	}
	// Eight senders deliver the events in order; replica 0 is SIGKILLed
	// once half of them are stored, while the others keep coming, and
	// started again once three quarters are.
	began := time.Now()
	half, threeQuarters, sent := make(chan struct{}), make(chan struct{}), make(chan struct{})
	var next, stored atomic.Int64
	var wg sync.WaitGroup
	for range senders {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < n; i = int(next.Add(1) - 1) {
				e := evs[i]
				deliver(e, e.first)
				if e.retry {
					deliver(e, 1-e.first)
				}
				switch stored.Add(1) {
				case int64(n / 2):
					close(half)
				case int64(3 * n / 4):
					close(threeQuarters)
				}
			}
		})
	}
	go func() { wg.Wait(); close(sent) }()
	<-half
	rs[0].cmd.Process.Signal(syscall.SIGKILL)
	rs[0].cmd.Wait()
	<-threeQuarters
	rs[0].start()
	<-sent
	t.Logf("%v: sent", time.Since(began))
	// Late retries of early events, to either replica.
	for _, e := range evs[:n/10] {
		deliver(e, rnd.IntN(len(rs)))
	}

	// ticketPosts counts, per thread of the help channel, the posts that
	// name a Jira key.
	ticketPosts := func() map[string]int {
		c := map[string]int{}
		for _, call := range fake.OKCalls("chat.postMessage") {
			if call.Form.Get("channel") == "C0DATAHELP" && strings.Contains(call.Form.Get("text"), "OPS-") {
				c[call.Form.Get("thread_ts")]++
			}
		}
		return c
	}
	lastLog := time.Now()
	waitFor(t, time.Minute+time.Duration(n)*time.Second/2, "every event ticketed in its thread", func() bool {
		if time.Since(lastLog) > 10*time.Second {
			lastLog = time.Now()
			t.Logf("%v: %d ticketed, %d issues, %d posts", time.Since(began), len(ticketPosts()), len(jira.Issues()), len(fake.Calls("chat.postMessage")))
		}
		return len(ticketPosts()) >= n
	})
	t.Logf("%v: ticketed", time.Since(began))
	db, err := postgres.Open(context.Background(), dbURL, postgres.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	settledNow(t, db, time.Now)
	t.Logf("%v: settled", time.Since(began))
	for _, r := range rs {
		r.cmd.Process.Signal(syscall.SIGTERM)
		r.cmd.Wait()
	}
	t.Logf("%v: stopped", time.Since(began))

	posts := ticketPosts()
	for _, e := range evs {
		if c := posts[e.ts]; c != 1 {
			t.Errorf("event %s: %d ticket posts in its thread, want 1", e.id, c)
		}
	}
	if repeats, untagged := fake.RepeatedPosts(); len(repeats) > 0 || len(untagged) > 0 {
		t.Errorf("%d posts made again, %d without metadata; first: %+v %+v", len(repeats), len(untagged), firstOf(repeats), firstOf(untagged))
	}
	var reqs, withKey, inbox, dead int
	err = db.Pool().QueryRow(context.Background(), `SELECT (SELECT count(*) FROM requests),
		(SELECT count(DISTINCT request_id) FROM request_tickets), (SELECT count(*) FROM inbox), (SELECT count(*) FROM dead_jobs)`).
		Scan(&reqs, &withKey, &inbox, &dead)
	if err != nil {
		t.Fatal(err)
	}
	if reqs != n || withKey != n || inbox != 0 || dead != 0 {
		t.Errorf("%d requests, %d with a ticket, %d deliveries left in the inbox, %d dead jobs; want %d, %d, 0, 0", reqs, withKey, inbox, dead, n, n)
	}
	// Every issue is made by one create call, with the label of its request.
	labels := issuesByLabel(t, jira)
	creates := 0
	for _, r := range jira.Requests() {
		if r.Method == http.MethodPost && strings.HasSuffix(r.Path, "/issue") && r.Status < 300 {
			creates++
		}
	}
	if len(labels) != n || creates != n {
		t.Errorf("%d labelled issues made by %d create calls, want %d of each", len(labels), creates, n)
	}
	var calls []string
	for _, m := range []string{"chat.postMessage", "chat.update", "conversations.history", "users.info"} {
		calls = append(calls, fmt.Sprintf("%s %d", m, len(fake.Calls(m))))
	}
	t.Logf("%d events; Slack calls: %s; Jira requests: %d", n, strings.Join(calls, ", "), len(jira.Requests()))
}

// jiraReplicas starts two `serve` replicas, unpaced, on one PostgreSQL
// behind one Slack fake and one Jira fake that both know the data team's
// on-calls; before, if set, is done to the Jira fake before they start.
func jiraReplicas(t *testing.T, before func(*jirafake.Server)) (dbURL string, fake *slackfake.Server, jira *jirafake.Server, rs []*httpServe) {
	t.Helper()
	dbURL = pgtest.DB(t)
	bin := buildBinary(t)
	fake = slackfake.New(t)
	jira = jirafake.New(t)
	for i, u := range []string{"U0DATA002", "U0DATA003"} {
		email := fmt.Sprintf("oncall%d@acme.com", i)
		jira.AddUser("acc-"+u, email, u)
		fake.AddUser(slack.User{ID: u, Name: u, Profile: slack.UserProfile{Email: email}})
	}
	if before != nil {
		before(jira)
	}
	rs = []*httpServe{pgServe(t, bin, fake, dbURL, unpaced, jiraTracker(jira.URL())),
		pgServe(t, bin, fake, dbURL, unpaced, jiraTracker(jira.URL()))}
	for _, r := range rs {
		r.start()
	}
	return dbURL, fake, jira, rs
}

// issuesByLabel maps each request's sg-<id> label to the Jira issue that
// carries it, failing t for a label on two issues.
func issuesByLabel(t *testing.T, jira *jirafake.Server) map[string]string {
	t.Helper()
	labels := map[string]string{}
	for _, is := range jira.Issues() {
		for _, l := range is.Labels {
			if strings.HasPrefix(l, "sg-") {
				if prev, dup := labels[l]; dup {
					t.Errorf("%s on both %s and %s", l, prev, is.Key)
				}
				labels[l] = is.Key
			}
		}
	}
	return labels
}

// firstOf is the first of cs, or nil.
func firstOf[T any](cs []T) any {
	if len(cs) == 0 {
		return nil
	}
	return cs[0]
}
