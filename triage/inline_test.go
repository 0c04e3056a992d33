package triage_test

import (
	"slices"
	"testing"

	"github.com/sprintguard/sprintguard/tracker/local"
	"github.com/sprintguard/sprintguard/triage"
)

// With a tracker that keeps tickets in the store, intake makes the ticket
// in its own transaction: the request is ticketed when Intake returns, no
// ticket job is queued, and what follows a ticket is queued as the job
// would have queued it.
func TestIntakeTicketsInline(t *testing.T) {
	kinds := func(r *triage.Request) []string {
		var out []string
		for _, e := range r.Events {
			out = append(out, e.Kind)
		}
		return out
	}
	in := triage.NewRequest{Summary: "prod deploy is broken for everyone", EventKey: "Ev1", TS: "1.0001"}

	// The outbox way, for comparison.
	queued := newFixture(t)
	viaJob := queued.intake(t, in).Request
	drain(t, queued.worker(queued.localTracker(), nil))
	viaJob = queued.request(t, viaJob.ID)

	f := newFixture(t)
	tr := f.localTracker()
	f.svc.Inline = tr
	r := f.intake(t, in).Request
	if r.Ticket.Key != "REQ-1" {
		t.Fatalf("ticket %q when Intake returned, want REQ-1", r.Ticket.Key)
	}
	stored := f.request(t, r.ID)
	if stored.Ticket.Key != "REQ-1" || !slices.Equal(kinds(stored), kinds(viaJob)) {
		t.Errorf("stored request: ticket %q, events %v; the job way gives %q, %v",
			stored.Ticket.Key, kinds(stored), viaJob.Ticket.Key, kinds(viaJob))
	}
	var notices []string
	for _, j := range f.jobs(t) {
		if j.Kind == triage.JobCreateTicket {
			t.Errorf("a ticket job was queued: %s", j.Key)
		}
		notices = append(notices, j.Key)
	}
	for _, want := range []string{"notify:ticketed:1:", "notify:oncall:1:"} {
		if !slices.ContainsFunc(notices, func(k string) bool { return len(k) >= len(want) && k[:len(want)] == want }) {
			t.Errorf("no %s* job among %v", want, notices)
		}
	}

	// Slack's retry changes nothing, and makes no second ticket.
	if again := f.intake(t, in); !again.Repeat || again.Request.Ticket.Key != "REQ-1" {
		t.Errorf("retry: repeat %v, ticket %q", again.Repeat, again.Request.Ticket.Key)
	}
	n := 0
	if err := f.db.Tickets(func(local.Ticket) error { n++; return nil }); err != nil || n != 1 {
		t.Errorf("%d tickets in the store (%v), want 1", n, err)
	}
}
