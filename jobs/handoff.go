package jobs

import (
	"time"

	"github.com/sprintguard/sprintguard/sprint"
	"github.com/sprintguard/sprintguard/triage"
)

// Handoff is everything the incoming on-call is told at a handoff. It is a
// plain value once built.
type Handoff struct {
	Team *triage.Team
	Job  HandoffJob
	// Received counts requests made during the shift; Handled those
	// resolved during it, and TimeSpent the time recorded on them.
	Received, Handled int
	TimeSpent         float64
	// AckBreaches counts the shift's requests acknowledged late (or
	// escalated); ResolveBreaches those past their resolve SLA at the handoff.
	AckBreaches, ResolveBreaches int
	Open                         []*triage.Request
	Notes                        []triage.Note
	Sprint                       sprint.Sprint
	Ledger                       *sprint.Ledger
}

// lookback is how far back a shift's resolved requests may have been made.
const lookback = 60 * 24 * time.Hour

// BuildHandoff gathers a handoff's figures from the store.
func BuildHandoff(tx triage.Tx, team *triage.Team, job HandoffJob) (*Handoff, error) {
	h := &Handoff{Team: team, Job: job}
	err := tx.Requests(team.Name, job.At.Add(-lookback), job.At, func(r *triage.Request) error {
		inShift := !r.CreatedAt.Before(job.ShiftStart)
		if inShift {
			h.Received++
			if ackedLate(r, job.At) {
				h.AckBreaches++
			}
			if triage.ResolveOverdue(r, job.At) {
				h.ResolveBreaches++
			}
		}
		if !r.ResolvedAt.IsZero() && !r.ResolvedAt.Before(job.ShiftStart) && r.ResolvedAt.Before(job.At) {
			h.Handled++
			if r.HasActual {
				h.TimeSpent += r.Actual
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if err := tx.OpenRequests(team.Name, func(r *triage.Request) error {
		h.Open = append(h.Open, r)
		return nil
	}); err != nil {
		return nil, err
	}
	if h.Notes, err = tx.Notes(team.Name, job.ShiftStart); err != nil {
		return nil, err
	}
	h.Sprint = team.Calendar.At(job.At)
	h.Ledger, err = triage.LedgerOf(tx, team, h.Sprint.N)
	return h, err
}

// ackedLate reports whether r was acknowledged after its ack SLA, or is
// still waiting past it at at.
func ackedLate(r *triage.Request, at time.Time) bool {
	ack := r.Decision.SLA.Ack
	if ack <= 0 || r.Outcome != triage.Accepted {
		return false
	}
	if !r.EscalatedAt.IsZero() {
		return true
	}
	from := r.NotifyAt
	if from.IsZero() {
		from = r.CreatedAt
	}
	end := at
	if !r.AckedAt.IsZero() {
		end = r.AckedAt
	}
	return end.Sub(from) > ack
}
