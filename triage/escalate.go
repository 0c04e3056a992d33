package triage

import (
	"context"
	"fmt"
	"time"
)

// Escalate finds accepted requests nobody acknowledged within their rule's
// SLA and, once per request, marks them escalated and queues a notice to
// the team's escalate_to. The SLA counts from when the on-call was due to
// hear of the request. It returns how many requests it escalated; calling
// it again at once escalates none.
func (s *Service) Escalate(ctx context.Context) (int, error) {
	now := s.now()
	// The scan decodes every open request, tens of thousands after a
	// burst. It runs in a View, so that the store's single writer, which
	// the acknowledgements and the outbox wait for, is not held meanwhile;
	// only the late requests are read again, and checked again, in the
	// Update that escalates them.
	type late struct {
		team *Team
		id   int64
	}
	var todo []late
	err := s.store.View(func(tx Tx) error {
		todo = todo[:0]
		for _, team := range s.Settings().Teams {
			err := tx.OpenRequests(team.Name, func(r *Request) error {
				if ackOverdue(r, now) {
					todo = append(todo, late{team, r.ID})
				}
				return nil
			})
			if err != nil {
				return err
			}
		}
		return ctx.Err()
	})
	if err != nil {
		return 0, fmt.Errorf("escalate: %w", err)
	}
	if len(todo) == 0 {
		return 0, nil
	}
	escalated := 0
	err = s.store.Update(func(tx Tx) error {
		escalated = 0
		for _, l := range todo {
			r, err := tx.Request(l.id)
			if err != nil {
				return err
			}
			if !ackOverdue(r, now) {
				continue // acknowledged, or escalated by another replica, since the scan
			}
			if err := s.escalate(tx, l.team, r, now); err != nil {
				return err
			}
			escalated++
		}
		return ctx.Err()
	})
	if err != nil {
		return 0, fmt.Errorf("escalate: %w", err)
	}
	return escalated, nil
}

// escalate marks r escalated and queues the notice to the team's
// escalate_to, in tx.
func (s *Service) escalate(tx Tx, team *Team, r *Request, now time.Time) error {
	r.EscalatedAt = now
	r.record(now, "escalated", "", team.EscalateTo)
	if err := tx.PutRequest(r); err != nil {
		return err
	}
	return s.notify(tx, r, NoticeEscalated, "", now, team.EscalateTo)
}

// ackOverdue reports whether r waits for its acknowledgement past its SLA.
func ackOverdue(r *Request, now time.Time) bool {
	ack := r.Decision.SLA.Ack
	if r.Status != StatusOpen || r.Outcome != Accepted || !r.EscalatedAt.IsZero() || ack <= 0 {
		return false
	}
	from := r.NotifyAt
	if from.IsZero() {
		from = r.CreatedAt
	}
	return !now.Before(from.Add(ack))
}

// ResolveOverdue reports whether r is past its rule's resolve SLA at now:
// resolved late, or still not resolved after it.
func ResolveOverdue(r *Request, now time.Time) bool {
	limit := r.Decision.SLA.Resolve
	if limit <= 0 || r.Outcome != Accepted {
		return false
	}
	from := r.NotifyAt
	if from.IsZero() {
		from = r.CreatedAt
	}
	end := now
	if !r.ResolvedAt.IsZero() {
		end = r.ResolvedAt
	}
	return end.Sub(from) > limit
}
