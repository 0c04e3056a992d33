package cli

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/sprintguard/sprintguard/bot/slackfake"
	"github.com/sprintguard/sprintguard/internal/pgtest"
	"github.com/sprintguard/sprintguard/store/postgres"
)

// pgServe is a `serve` process of bin in HTTP mode on PostgreSQL at
// DATABASE_URL, posting to fake: one replica.
func pgServe(t *testing.T, bin string, fake *slackfake.Server, dbURL string) *httpServe {
	t.Helper()
	s := &httpServe{t: t, bin: bin, fake: fake}
	s.url, s.cfg = httpConfig(t, t.TempDir(), fake, onPostgres(dbURL, "  lease: 2s\n"))
	return s
}

// TestReplicasSurviveSIGKILL runs two built `serve` replicas on one
// PostgreSQL behind one Slack fake. Each event goes to one of them at
// random and some are retried to the other; one replica is SIGKILLed
// halfway (what was sent to it is retried to the other, as Slack would)
// and restarted. Every event is one request with one ticket, posted once.
// (The 2,000 events would take half an hour here: the replicas
// pace their posts to one channel at Slack's one a second.)
func TestReplicasSurviveSIGKILL(t *testing.T) {
	const n = 12
	dbURL := pgtest.DB(t)
	bin := buildBinary(t)
	fake := slackfake.New(t)
	rs := []*httpServe{pgServe(t, bin, fake, dbURL), pgServe(t, bin, fake, dbURL)}
	for _, r := range rs {
		r.start()
	}
	rnd := rand.New(rand.NewPCG(1, 2))
	base := time.Now().Unix()
	type ev struct {
		id, ts string
		inner  map[string]any
	}
	var evs []ev
	for i := range n {
		ts := fmt.Sprintf("%d.%06d", base, i+1)
		user := fmt.Sprintf("U0EXT%03d", i)
		text := fmt.Sprintf("request %d: the nightly export job %d fails with error code E%d", i, i, 4000+i)
		fake.AddMessage("C0DATAHELP", slack.Message{Msg: slack.Msg{Type: "message", User: user, Text: text, Timestamp: ts}})
		evs = append(evs, ev{id: fmt.Sprintf("EvRep%03d", i), ts: ts, inner: map[string]any{"type": "message", "channel": "C0DATAHELP",
			"user": user, "text": text, "ts": ts, "event_ts": ts, "channel_type": "channel"}})
	}
	// deliver sends e to replica first and, as Slack does without a 2xx,
	// retries it to the others; a retry is also sent now and then after a 2xx.
	down := map[int]bool{}
	deliver := func(e ev, first int) {
		delivered := false
		for k := range len(rs) {
			i := (first + k) % len(rs)
			if down[i] {
				continue
			}
			if rs[i].eventQuiet(e.id, e.inner) == http.StatusOK {
				delivered = true
				break
			}
		}
		if !delivered {
			t.Fatalf("event %s: no replica stored it", e.id)
		}
		if rnd.IntN(3) == 0 {
			for i := range rs {
				if !down[i] {
					rs[i].eventQuiet(e.id, e.inner)
				}
			}
		}
	}
	for _, e := range evs[:n/2] {
		deliver(e, rnd.IntN(len(rs)))
	}
	rs[0].cmd.Process.Signal(syscall.SIGKILL)
	rs[0].cmd.Wait()
	down[0] = true
	for _, e := range evs[n/2 : 3*n/4] {
		deliver(e, rnd.IntN(len(rs)))
	}
	rs[0].start()
	down[0] = false
	for _, e := range evs[3*n/4:] {
		deliver(e, rnd.IntN(len(rs)))
	}
	for _, e := range evs[:n/4] { // late retries of early events
		deliver(e, rnd.IntN(len(rs)))
	}

	ticketed := func(e ev) int {
		c := 0
		for _, call := range fake.OKCalls("chat.postMessage") {
			if call.Form.Get("channel") == "C0DATAHELP" && call.Form.Get("thread_ts") == e.ts && strings.Contains(call.Form.Get("text"), "REQ-") {
				c++
			}
		}
		return c
	}
	waitFor(t, 90*time.Second, "every event ticketed in its thread", func() bool {
		for _, e := range evs {
			if ticketed(e) == 0 {
				return false
			}
		}
		return true
	})
	time.Sleep(500 * time.Millisecond) // a second post, were there one, would be made by now
	for _, e := range evs {
		if c := ticketed(e); c != 1 {
			t.Errorf("event %s: %d ticket posts in its thread, want 1", e.id, c)
		}
	}
	db, err := postgres.Open(context.Background(), dbURL, postgres.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var reqs, tickets, withTicket int
	err = db.Pool().QueryRow(context.Background(), `SELECT (SELECT count(*) FROM requests), (SELECT count(*) FROM tickets),
		(SELECT count(DISTINCT request_id) FROM request_tickets)`).Scan(&reqs, &tickets, &withTicket)
	if err != nil {
		t.Fatal(err)
	}
	if reqs != n || tickets != n || withTicket != n {
		t.Fatalf("%d requests, %d tickets, %d requests with a ticket; want %d of each", reqs, tickets, withTicket, n)
	}
	for _, r := range rs {
		r.cmd.Process.Signal(syscall.SIGTERM)
		r.cmd.Wait()
	}
}
