package cli

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/sprintguard/sprintguard/internal/app"
	"github.com/sprintguard/sprintguard/oncall/pagerduty/pagerdutyfake"
	"github.com/sprintguard/sprintguard/tracker/local"
	"github.com/sprintguard/sprintguard/triage"
)

// TestPageP1ThroughPagerDuty: a P1 triggers PagerDuty with the ticket key
// as dedup_key once its ticket exists, acknowledge and resolve follow the
// request, a lower urgency pages nobody, and an Events API outage is
// retried by the outbox without sending anything twice.
func TestPageP1ThroughPagerDuty(t *testing.T) {
	fake := pagerdutyfake.New(t)
	g := newRig(t, `storage: {path: %s}
pagerduty: {token: t, routing_key: 0123456789abcdef0123456789abcdef, events_url: %q}
teams:
  - name: platform
    timezone: UTC
    members: [U0ANN]
    oncall: {rotation: [U0ANN], page: pagerduty}
    sprint: {start: 2026-01-05, capacity: 40}
    rules:
      - {name: down, any: [down], urgency: P1}
      - {name: fallback, default: true, urgency: P3}
`, fake.URL())
	svc, db, cfg := g.svc, g.db, g.cfg
	svc.Silent = true
	now := rigNow
	clock := func() time.Time { return now }
	w := &triage.Worker{Store: db, Now: clock, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Handlers: svc.TicketHandlers(local.New(db, "REQ", ""), nil)}
	w.Handlers[triage.JobPage] = app.Pager(cfg, db)
	drain := func() {
		t.Helper()
		for range 5 {
			if _, err := w.RunOnce(context.Background()); err != nil {
				t.Fatal(err)
			}
			now = now.Add(time.Hour) // past any backoff
		}
	}
	intake := g.ask

	intake("the printer is slow")
	fake.Down(1) // the Events API fails once: the outbox retries
	p1 := intake("the site is down")
	drain()
	if _, _, err := svc.Apply(context.Background(), p1.ID, triage.Change{Action: triage.ActAcknowledge, Actor: "U0ANN"}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := svc.Apply(context.Background(), p1.ID, triage.Change{Action: triage.ActResolve, Actor: "U0ANN"}); err != nil {
		t.Fatal(err)
	}
	drain()
	var got []string
	for _, e := range fake.Events() {
		got = append(got, e.EventAction+":"+e.DedupKey)
	}
	if strings.Join(got, " ") != "trigger:REQ-2 acknowledge:REQ-2 resolve:REQ-2" {
		t.Errorf("events %v, want one trigger, acknowledge and resolve of REQ-2", got)
	}
	if s := fake.Events()[0].Payload["summary"]; !strings.Contains(fmt.Sprint(s), "the site is down") {
		t.Errorf("trigger summary %v", s)
	}
}
