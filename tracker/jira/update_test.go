package jira_test

import (
	"context"
	"strings"
	"testing"

	"github.com/sprintguard/sprintguard/tracker/jira/jirafake"
	"github.com/sprintguard/sprintguard/triage"
)

// customWorkflow has no direct way from its first status to done, and
// names nothing as Jira's default workflow does.
var customWorkflow = jirafake.Workflow{
	Initial: "Triage",
	Statuses: []jirafake.Status{
		{Name: "Triage", Category: "new"}, {Name: "Doing", Category: "indeterminate"},
		{Name: "Shipped", Category: "done"}, {Name: "Icebox", Category: "new"},
	},
	Transitions: []jirafake.Transition{
		{ID: "101", Name: "Pick up", From: []string{"Triage", "Icebox"}, To: "Doing"},
		{ID: "102", Name: "Ship it", From: []string{"Doing"}, To: "Shipped"},
		{ID: "103", Name: "Put on ice", From: []string{"Triage", "Doing"}, To: "Icebox"},
		{ID: "104", Name: "Bring back", From: []string{"Shipped"}, To: "Triage"},
	},
}

func TestUpdateMovesThroughAnyWorkflow(t *testing.T) {
	for _, wf := range []struct {
		name                 string
		set                  bool
		doing, done, initial string
	}{{"default", false, "In Progress", "Done", "To Do"}, {"custom", true, "Doing", "Shipped", "Triage"}} {
		t.Run(wf.name, func(t *testing.T) {
			f := newFixture(t)
			if wf.set {
				f.fake.SetWorkflow(customWorkflow)
			}
			ctx := context.Background()
			tk := createTicket(t, f, spec(1, "U1"))
			ack := triage.TicketChange{Key: "ticket.update:1:5", Status: triage.StatusAcknowledged, Assignee: "U1",
				Urgency: 3, Comment: "Acknowledged by <@U1> in Slack.", Team: "platform", Unit: "hours"}
			for range 2 { // a retried job changes nothing twice
				if err := f.tr.Update(ctx, tk.Key, ack); err != nil {
					t.Fatal(err)
				}
			}
			is, _ := f.fake.Issue(tk.Key)
			if is.Status != wf.doing || len(is.Comments) != 1 {
				t.Fatalf("after acknowledge: status %q, comments %q; want %q and one comment", is.Status, is.Comments, wf.doing)
			}
			done := triage.TicketChange{Key: "ticket.update:1:6", Status: triage.StatusResolved, Assignee: "U1", Urgency: 1,
				Comment: "Resolved by <@U1> in Slack; time spent 1.5.", TimeSpent: 1.5, Team: "platform", Unit: "hours"}
			if err := f.tr.Update(ctx, tk.Key, done); err != nil {
				t.Fatal(err)
			}
			is, _ = f.fake.Issue(tk.Key)
			if is.Status != wf.done || is.Priority != "Highest" || len(is.Worklogs) != 1 || is.Worklogs[0].TimeSpentSeconds != 5400 {
				t.Fatalf("after resolve: %+v", is)
			}
			if !strings.Contains(is.Comments[1], "Resolved by") {
				t.Fatalf("comments %q", is.Comments)
			}
		})
	}
}

func TestUpdateFromNewStraightToDoneInACustomWorkflow(t *testing.T) {
	f := newFixture(t)
	f.fake.SetWorkflow(customWorkflow)
	tk := createTicket(t, f, spec(1, "U1"))
	err := f.tr.Update(context.Background(), tk.Key, triage.TicketChange{Key: "k1", Status: triage.StatusResolved,
		Urgency: 3, Comment: "Resolved; time spent 5 points.", Team: "platform", Unit: "points", TimeSpent: 2})
	if err != nil {
		t.Fatal(err)
	}
	// The comment says the whole time spent; TimeSpent is only what the
	// total lacked, and the comment does not repeat it.
	if is, _ := f.fake.Issue(tk.Key); is.Status != "Shipped" || len(is.Worklogs) != 0 ||
		!strings.HasPrefix(is.Comments[0], "Resolved; time spent 5 points.\n") || strings.Contains(is.Comments[0], "2") {
		t.Fatalf("issue %+v: want Shipped via Doing, no worklog for points, the comment as given", is)
	}
}

func TestDeferMovesToTheBacklog(t *testing.T) {
	f := newFixture(t)
	tk := createTicket(t, f, spec(1, "U1"))
	err := f.tr.Update(context.Background(), tk.Key, triage.TicketChange{Key: "k2", Status: triage.StatusDeferred,
		Urgency: 3, Comment: "Deferred to the next sprint by <@U1> in Slack.", Team: "platform"})
	if err != nil {
		t.Fatal(err)
	}
	if is, _ := f.fake.Issue(tk.Key); is.Sprint != 0 || is.Status != "To Do" {
		t.Fatalf("deferred issue %+v, want To Do in the backlog", is)
	}
}
