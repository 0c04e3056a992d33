package github_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sprintguard/sprintguard/tracker/github/githubfake"
	"github.com/sprintguard/sprintguard/triage"
)

func TestUpdate(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	tk, err := f.tr.Create(ctx, spec(1, "U1"))
	if err != nil {
		t.Fatal(err)
	}
	ch := triage.TicketChange{Key: "ticket.update:1:3", Urgency: 1, Status: triage.StatusAcknowledged, Assignee: "U2",
		Comment: "Urgency raised to P1 by <@U2>.", Team: "platform", Unit: "points"}
	for range 2 { // the second run is the outbox retrying: it changes nothing
		if err := f.tr.Update(ctx, tk.Key, ch); err != nil {
			t.Fatal(err)
		}
	}
	is := f.fake.Issues(repoName)[0]
	if !slices.Contains(is.Labels, "urgency:P1") || slices.Contains(is.Labels, "urgency:P2") {
		t.Errorf("labels after urgency change: %q", is.Labels)
	}
	if !slices.Equal(is.Assignees, []string{"bob"}) {
		t.Errorf("assignees = %q", is.Assignees)
	}
	if cs := f.fake.Comments(repoName, 1); len(cs) != 1 || !strings.Contains(cs[0].Body, "Urgency raised to P1") {
		t.Errorf("comments = %+v", cs)
	}

	done := triage.TicketChange{Key: "ticket.update:1:4", Status: triage.StatusResolved, Urgency: 1, TimeSpent: 3, Unit: "points",
		Comment: "Resolved by <@U2>; time spent 5 points.", Team: "platform"}
	if err := f.tr.Update(ctx, tk.Key, done); err != nil {
		t.Fatal(err)
	}
	is = f.fake.Issues(repoName)[0]
	if is.State != "closed" || is.StateReason != "completed" {
		t.Errorf("state %s (%s), want closed (completed)", is.State, is.StateReason)
	}
	// The comment says the whole time spent; TimeSpent is only what the
	// total lacked, and the comment does not repeat it.
	if cs := f.fake.Comments(repoName, 1); len(cs) != 2 ||
		cs[1].Body != "Resolved by <@U2>; time spent 5 points.\n\n<sub>(sprintguard change ticket.update:1:4)</sub>" {
		t.Errorf("comments = %+v", cs)
	}
	reopen := triage.TicketChange{Key: "ticket.update:1:5", Status: triage.StatusOpen, Urgency: 1, Team: "platform"}
	if err := f.tr.Update(ctx, tk.Key, reopen); err != nil {
		t.Fatal(err)
	}
	if is := f.fake.Issues(repoName)[0]; is.State != "open" {
		t.Errorf("after reopen: %s", is.State)
	}
	if err := f.tr.Update(ctx, "not-a-key", reopen); !triage.IsPermanent(err) {
		t.Errorf("bad key: err = %v, want permanent", err)
	}
}

// With github.project set, the follow-up of a creation puts the issue in
// the project's current iteration, or the next one when deferred.
func TestProjectIteration(t *testing.T) {
	f := newFixture(t)
	day := func(d int) time.Time { return time.Date(2026, 11, d, 0, 0, 0, 0, time.UTC) }
	f.fake.AddProject("acme", 5,
		githubfake.Iteration{ID: "it-a", Title: "Sprint 41", Start: day(10), Days: 14},
		githubfake.Iteration{ID: "it-b", Title: "Sprint 42", Start: day(24), Days: 14},
		githubfake.Iteration{ID: "it-c", Title: "Sprint 43", Start: time.Date(2026, 12, 8, 0, 0, 0, 0, time.UTC), Days: 14})
	f.repo.Project = "acme/5"
	ctx := context.Background()
	for _, tc := range []struct {
		id       int64
		accepted bool
		want     string
	}{{1, true, "it-b"}, {2, false, "it-c"}} {
		sp := spec(tc.id, "U1")
		sp.Deferred = !tc.accepted
		tk, err := f.tr.Create(ctx, sp)
		if err != nil {
			t.Fatal(err)
		}
		if !tk.FollowUp {
			t.Fatal("no follow-up asked for with a project")
		}
		place := triage.TicketChange{Key: "ticket.update:created", Place: true, Accepted: tc.accepted, Assignee: "U1", Team: "platform"}
		for range 2 {
			if err := f.tr.Update(ctx, tk.Key, place); err != nil {
				t.Fatal(err)
			}
		}
		if got := f.fake.ProjectIteration("acme", 5, repoName, int(tc.id)); got != tc.want {
			t.Errorf("request %d: iteration %q, want %q", tc.id, got, tc.want)
		}
	}
	if ms := f.fake.Milestones(repoName); len(ms) != 0 {
		t.Errorf("milestones made with a project: %+v", ms)
	}
}
