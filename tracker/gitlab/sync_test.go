package gitlab_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/sprintguard/sprintguard/config"
	"github.com/sprintguard/sprintguard/tracker/gitlab"
	"github.com/sprintguard/sprintguard/tracker/gitlab/gitlabfake"
	"github.com/sprintguard/sprintguard/triage"
)

type synced struct {
	*fixture
	svc    *triage.Service
	syncer *gitlab.Syncer
	id     int64
}

func newSynced(t *testing.T) *synced {
	t.Helper()
	f := newFixture(t)
	s := &synced{fixture: f, svc: f.service(t)}
	res, err := s.svc.Intake(context.Background(), triage.NewRequest{Team: "platform", Channel: "C0PLATHELP", User: "U0999",
		Summary: "checkout is down", TS: "1764000000.000100"})
	if err != nil {
		t.Fatal(err)
	}
	s.id = res.Request.ID
	f.drain(t, f.worker(s.svc), time.Second, 50, nil)
	s.syncer = &gitlab.Syncer{Tracker: f.tr, Service: s.svc, Store: f.db, Projects: []string{projectPath}, Every: time.Minute,
		Log: f.trLog()}
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

func (s *synced) poll(t *testing.T) {
	t.Helper()
	if _, err := s.syncer.Once(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func TestPollBringsBackChanges(t *testing.T) {
	s := newSynced(t)
	if r := s.request(t); r.Ticket.Key != key(1) || r.Urgency != 1 {
		t.Fatalf("request = %+v", r)
	}
	s.fake.Edit(projectPath, 1, func(is *gitlabfake.Issue) { is.Labels = []string{"sprintguard", "urgency::P2", "interrupt"} })
	s.clock.Add(time.Second)
	s.poll(t)
	if r := s.request(t); r.Urgency != 2 {
		t.Errorf("urgency after relabel = %s", r.Urgency)
	}
	s.fake.Comment(projectPath, 1, "ann", "time-spent: 5")
	s.fake.Edit(projectPath, 1, func(is *gitlabfake.Issue) { is.State = "closed" })
	s.clock.Add(time.Second)
	s.poll(t)
	if r := s.request(t); r.Status != triage.StatusResolved || !r.HasActual || r.Actual != 5 {
		t.Errorf("after close: %s, actual %v given %v", r.Status, r.Actual, r.HasActual)
	}
	s.fake.Edit(projectPath, 1, func(is *gitlabfake.Issue) { is.State = "opened" })
	s.clock.Add(time.Second)
	s.poll(t)
	if r := s.request(t); r.Status.Closed() {
		t.Errorf("after reopen: %s", r.Status)
	}
}

func TestWebhook(t *testing.T) {
	s := newSynced(t)
	h := s.syncer.Webhook(config.NewSecret("glsec"))
	s.fake.Edit(projectPath, 1, func(is *gitlabfake.Issue) { is.State = "closed" })
	body := s.fake.HookPayload(projectPath, 1)
	deliver := func(token, uuid string) int {
		req := httptest.NewRequest("POST", "/gitlab/webhook", bytes.NewReader(body))
		req.Header.Set("X-Gitlab-Event", "Issue Hook")
		req.Header.Set("X-Gitlab-Token", token)
		req.Header.Set("X-Gitlab-Event-UUID", uuid)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec.Code
	}
	if code := deliver("wrong", "e-1"); code != http.StatusUnauthorized {
		t.Errorf("wrong token: %d", code)
	}
	if s.request(t).Status.Closed() {
		t.Fatal("a delivery with the wrong token changed the request")
	}
	if code := deliver("glsec", "e-1"); code != http.StatusNoContent {
		t.Errorf("delivery: %d", code)
	}
	r := s.request(t)
	if r.Status != triage.StatusResolved {
		t.Errorf("after the webhook: %s", r.Status)
	}
	if code := deliver("glsec", "e-1"); code != http.StatusOK || len(s.request(t).Events) != len(r.Events) {
		t.Errorf("redelivery: %d", code)
	}
}
