package local

import (
	"slices"
	"time"

	"github.com/sprintguard/sprintguard/triage"
)

// Apply changes tk by ch at time at and reports whether it did: a change
// whose Key is among tk.Applied is ignored. Empty fields of ch leave the
// ticket's as they are; a comment and time spent are appended.
func Apply(tk *Ticket, ch triage.TicketChange, at time.Time) bool {
	if ch.Key != "" && slices.Contains(tk.Applied, ch.Key) {
		return false
	}
	if ch.Status != "" {
		tk.Status = string(ch.Status)
		tk.Deferred = ch.Status == triage.StatusDeferred || ch.Status == triage.StatusBacklog
	}
	if ch.Assignee != "" {
		tk.Assignee = ch.Assignee
	}
	if ch.Urgency.Valid() {
		tk.Urgency = ch.Urgency.String()
	}
	if ch.Comment != "" {
		tk.Comments = append(tk.Comments, Comment{At: at, Author: ch.Actor, Body: ch.Comment})
	}
	if ch.TimeSpent > 0 {
		tk.Worklog = append(tk.Worklog, Work{At: at, Author: ch.Actor, Amount: ch.TimeSpent})
	}
	tk.Updated = at
	if ch.Key != "" {
		tk.Applied = append(tk.Applied, ch.Key)
		if over := len(tk.Applied) - MaxApplied; over > 0 {
			tk.Applied = slices.Delete(tk.Applied, 0, over)
		}
	}
	return true
}
