package github_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/sprintguard/sprintguard/config"
	"github.com/sprintguard/sprintguard/tracker/github"
	"github.com/sprintguard/sprintguard/triage"
)

// synced is one ticketed request and a Syncer over its repository.
type synced struct {
	*fixture
	svc    *triage.Service
	w      *triage.Worker
	syncer *github.Syncer
	id     int64
	number int
}

func newSynced(t *testing.T, summary string) *synced {
	t.Helper()
	f := newFixture(t)
	s := &synced{fixture: f, svc: f.service(t)}
	s.w = f.worker(s.svc)
	r, err := s.svc.Intake(context.Background(), triage.NewRequest{Team: "platform", Channel: "C0PLATHELP", User: "U0999",
		Summary: summary, TS: "1764000000.000100"})
	if err != nil {
		t.Fatal(err)
	}
	s.id = r.Request.ID
	f.drain(t, s.w, time.Second, 50, nil, func() bool { return pending(t, f) == 0 })
	s.number = 1
	s.syncer = &github.Syncer{Tracker: f.tr, Service: s.svc, Store: f.db, Repos: []string{repoName}, Every: time.Minute,
		Log: slog.New(slog.DiscardHandler)}
	// The first poll reads everything and learns the ETag.
	if _, err := s.syncer.Once(context.Background()); err != nil {
		t.Fatal(err)
	}
	f.clock.Add(time.Minute)
	return s
}

func (s *synced) request(t *testing.T) *triage.Request {
	t.Helper()
	var r *triage.Request
	if err := s.db.View(func(tx triage.Tx) error {
		var err error
		r, err = tx.Request(s.id)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return r
}

func (s *synced) poll(t *testing.T) int {
	t.Helper()
	n, err := s.syncer.Once(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestPollBringsBackChanges(t *testing.T) {
	s := newSynced(t, "checkout is down")
	if r := s.request(t); r.Ticket.Key != "acme/ops#1" || r.Urgency != 1 {
		t.Fatalf("request = %+v", r)
	}

	// Nothing changed: GitHub answers 304, which costs no rate limit.
	before := len(s.fake.Requests())
	if n := s.poll(t); n != 0 {
		t.Errorf("%d changes from an unchanged repository", n)
	}
	reqs := s.fake.Requests()[before:]
	if len(reqs) != 1 || reqs[0].Status != http.StatusNotModified {
		t.Errorf("an idle poll made %+v, want one 304", reqs)
	}

	s.fake.SetLabels(repoName, 1, "ann", "sprintguard", "urgency:P2", "interrupt")
	s.clock.Add(time.Second)
	if n := s.poll(t); n != 1 {
		t.Errorf("relabel: %d changes", n)
	}
	if r := s.request(t); r.Urgency != 2 {
		t.Errorf("urgency after relabel = %s", r.Urgency)
	}

	s.fake.AddComment(repoName, 1, "ann", "Rolled back.\ntime-spent: 3")
	s.fake.Close(repoName, 1, "ann")
	s.clock.Add(time.Second)
	s.poll(t)
	r := s.request(t)
	if r.Status != triage.StatusResolved || !r.HasActual || r.Actual != 3 {
		t.Errorf("after close: status %s, actual %v (given %v)", r.Status, r.Actual, r.HasActual)
	}

	s.fake.Reopen(repoName, 1, "ann")
	s.clock.Add(time.Second)
	s.poll(t)
	if r := s.request(t); r.Status.Closed() {
		t.Errorf("after reopen: status %s", r.Status)
	}
}

// A poll that fails half-way keeps no ETag, so the next one reads the
// change again instead of hearing "not modified".
func TestPollFailureKeepsNoETag(t *testing.T) {
	s := newSynced(t, "checkout is down")
	s.fake.AddComment(repoName, 1, "ann", "time-spent: 2")
	s.fake.Close(repoName, 1, "ann")
	s.clock.Add(time.Second)
	s.fake.FailPaths("/comments", 1)
	if _, err := s.syncer.Once(context.Background()); err == nil {
		t.Fatal("the poll did not fail")
	}
	if r := s.request(t); r.Status.Closed() {
		t.Fatalf("resolved without its time spent: %+v", r.Status)
	}
	s.poll(t)
	if r := s.request(t); r.Status != triage.StatusResolved || r.Actual != 2 {
		t.Errorf("after the retry: %s, actual %v", r.Status, r.Actual)
	}
}

// A change made in Slack whose push to GitHub is still queued is not
// undone by a poll that sees the issue as it was.
func TestPollDoesNotUndoQueuedChange(t *testing.T) {
	s := newSynced(t, "checkout is down")
	if _, _, err := s.svc.Apply(context.Background(), s.id, triage.Change{Actor: "U0PLAT002", Action: triage.ActResolve}); err != nil {
		t.Fatal(err)
	}
	s.poll(t)
	if r := s.request(t); r.Status != triage.StatusResolved {
		t.Errorf("the poll reopened a request resolved in Slack: %s", r.Status)
	}
}

func sign(secret string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

func TestWebhook(t *testing.T) {
	s := newSynced(t, "checkout is down")
	h := s.syncer.Webhook(config.NewSecret("whsec"))
	s.fake.Close(repoName, 1, "ann")
	ds := s.fake.Deliveries()
	if len(ds) != 1 {
		t.Fatalf("%d deliveries", len(ds))
	}
	deliver := func(id, sig string) int {
		req := httptest.NewRequest("POST", "/github/webhook", bytes.NewReader(ds[0].Payload))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-GitHub-Event", ds[0].Event)
		req.Header.Set("X-GitHub-Delivery", id)
		req.Header.Set("X-Hub-Signature-256", sig)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec.Code
	}
	if code := deliver("d-1", sign("wrong", ds[0].Payload)); code != http.StatusUnauthorized {
		t.Errorf("bad signature: %d", code)
	}
	if r := s.request(t); r.Status.Closed() {
		t.Fatal("an unsigned delivery changed the request")
	}
	if code := deliver("d-1", sign("whsec", ds[0].Payload)); code != http.StatusNoContent {
		t.Errorf("delivery: %d", code)
	}
	r := s.request(t)
	if r.Status != triage.StatusResolved || r.HasActual {
		t.Errorf("after the webhook: status %s, actual given %v (want the estimate)", r.Status, r.HasActual)
	}
	events := len(r.Events)
	// GitHub's redelivery of the same delivery changes nothing.
	if code := deliver("d-1", sign("whsec", ds[0].Payload)); code != http.StatusOK {
		t.Errorf("redelivery: %d", code)
	}
	if got := len(s.request(t).Events); got != events {
		t.Errorf("redelivery added %d events", got-events)
	}
	off := s.syncer.Webhook(config.Secret{})
	rec := httptest.NewRecorder()
	off.ServeHTTP(rec, httptest.NewRequest("POST", "/github/webhook", bytes.NewReader(nil)))
	if rec.Code != http.StatusNotFound {
		t.Errorf("webhook without a secret: %d", rec.Code)
	}
}

func TestTimeSpentUnits(t *testing.T) {
	for _, tc := range []struct {
		comment string
		want    float64
		given   bool
	}{
		{"time-spent: 3", 3, true},
		{"time-spent: 2pts", 2, true},
		{"time-spent: 2h", 0, false}, // hours do not convert to points
		{"spent some time", 0, false},
	} {
		t.Run(fmt.Sprint(tc.comment), func(t *testing.T) {
			s := newSynced(t, "checkout is down")
			s.fake.AddComment(repoName, 1, "ann", tc.comment)
			s.fake.Close(repoName, 1, "ann")
			s.clock.Add(time.Second)
			s.poll(t)
			r := s.request(t)
			if r.Status != triage.StatusResolved || r.HasActual != tc.given || (tc.given && r.Actual != tc.want) {
				t.Errorf("status %s, actual %v given %v; want %v given %v", r.Status, r.Actual, r.HasActual, tc.want, tc.given)
			}
		})
	}
}
