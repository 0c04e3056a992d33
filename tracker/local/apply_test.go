package local

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/sprintguard/sprintguard/classifier"
	"github.com/sprintguard/sprintguard/triage"
)

var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func base() Ticket {
	return Ticket{Key: "REQ-1", Status: "open", Assignee: "U1", Urgency: "P3", Created: t0, Updated: t0, Applied: []string{"k0"}}
}

func TestApply(t *testing.T) {
	at := t0.Add(time.Hour)
	for _, tc := range []struct {
		name    string
		ch      triage.TicketChange
		applied bool
		check   func(t *testing.T, tk Ticket)
	}{
		{"already applied key is ignored", triage.TicketChange{Key: "k0", Status: triage.StatusResolved, Comment: "x"}, false,
			func(t *testing.T, tk Ticket) {
				if tk.Status != "open" || len(tk.Comments) != 0 || !tk.Updated.Equal(t0) {
					t.Errorf("ticket changed: %+v", tk)
				}
			}},
		{"status, assignee and urgency", triage.TicketChange{Key: "k1", Status: triage.StatusAcknowledged, Assignee: "U2", Urgency: classifier.P1}, true,
			func(t *testing.T, tk Ticket) {
				if tk.Status != "acknowledged" || tk.Assignee != "U2" || tk.Urgency != "P1" || !tk.Updated.Equal(at) {
					t.Errorf("got %+v", tk)
				}
				if !slices.Equal(tk.Applied, []string{"k0", "k1"}) {
					t.Errorf("Applied = %v", tk.Applied)
				}
			}},
		{"empty fields keep the ticket's", triage.TicketChange{Key: "k2", Comment: "note", Actor: "U9"}, true,
			func(t *testing.T, tk Ticket) {
				if tk.Status != "open" || tk.Assignee != "U1" || tk.Urgency != "P3" {
					t.Errorf("fields changed: %+v", tk)
				}
				if len(tk.Comments) != 1 || tk.Comments[0] != (Comment{At: at, Author: "U9", Body: "note"}) {
					t.Errorf("Comments = %+v", tk.Comments)
				}
			}},
		{"resolve with time spent", triage.TicketChange{Key: "k3", Status: triage.StatusResolved, TimeSpent: 2.5, Actor: "U2"}, true,
			func(t *testing.T, tk Ticket) {
				if tk.Status != "resolved" || len(tk.Worklog) != 1 || tk.Worklog[0] != (Work{At: at, Author: "U2", Amount: 2.5}) {
					t.Errorf("got %+v", tk)
				}
			}},
		{"deferred marks the ticket deferred", triage.TicketChange{Key: "k4", Status: triage.StatusDeferred}, true,
			func(t *testing.T, tk Ticket) {
				if !tk.Deferred {
					t.Error("Deferred = false")
				}
			}},
		{"a change without key always applies", triage.TicketChange{Comment: "c"}, true,
			func(t *testing.T, tk Ticket) {
				if len(tk.Comments) != 1 || !slices.Equal(tk.Applied, []string{"k0"}) {
					t.Errorf("got %+v", tk)
				}
			}},
		{"invalid urgency is left alone", triage.TicketChange{Key: "k5", Urgency: 9}, true,
			func(t *testing.T, tk Ticket) {
				if tk.Urgency != "P3" {
					t.Errorf("Urgency = %s", tk.Urgency)
				}
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tk := base()
			if got := Apply(&tk, tc.ch, at); got != tc.applied {
				t.Errorf("Apply = %v, want %v", got, tc.applied)
			}
			tc.check(t, tk)
		})
	}
}

func TestApplyKeepsTheLatestKeys(t *testing.T) {
	tk := base()
	for i := range MaxApplied + 20 {
		Apply(&tk, triage.TicketChange{Key: fmt.Sprint("c", i)}, t0)
	}
	if len(tk.Applied) != MaxApplied {
		t.Fatalf("%d keys kept, want %d", len(tk.Applied), MaxApplied)
	}
	if tk.Applied[0] != "c20" || tk.Applied[MaxApplied-1] != fmt.Sprint("c", MaxApplied+19) {
		t.Errorf("kept %s..%s, want the latest", tk.Applied[0], tk.Applied[MaxApplied-1])
	}
	if Apply(&tk, triage.TicketChange{Key: fmt.Sprint("c", MaxApplied+19), Comment: "dup"}, t0) {
		t.Error("the latest change was applied twice")
	}
}
