package report

import (
	"cmp"
	"slices"
	"time"

	"github.com/sprintguard/sprintguard/triage"
)

// maxBreachItems bounds Breaches.Items: past a few dozen, a list of late
// requests is no longer read, and the full set stays in Breaches.IDs.
const maxBreachItems = 50

// breachLog accumulates one period's SLA breaches. It keeps only the most
// overdue items, trimming in batches so that adding stays O(1) amortised.
type breachLog struct {
	ack, resolve int
	ids          []int64
	worst        []Breach
	// floor is how overdue the last kept item was at the last trim that
	// filled the list; anything less overdue can never make the cut.
	floor time.Duration
	full  bool
}

// add records r's missed SLA targets. Only accepted work waits on the
// on-call, so only it can breach while still open; a late answer counts
// whatever happened to the request since.
func (l *breachLog) add(r *triage.Request, start, now time.Time) {
	sla := r.Decision.SLA
	active := currentOutcome(r) == triage.Accepted
	resolved := time.Time{}
	if r.Status == triage.StatusResolved {
		resolved = r.ResolvedAt
	}
	waitingResolve := active && (r.Status == triage.StatusOpen || r.Status == triage.StatusAcknowledged)
	found := false
	if b, ok := late(r, "ack", sla.Ack, r.AckedAt, active && r.Status == triage.StatusOpen, start, now); ok {
		l.ack++
		l.keep(b)
		found = true
	}
	if b, ok := late(r, "resolve", sla.Resolve, resolved, waitingResolve, start, now); ok {
		l.resolve++
		l.keep(b)
		found = true
	}
	if found {
		l.ids = append(l.ids, r.ID)
	}
}

// late checks one SLA target: done is when it was met (zero if not yet),
// waiting whether the on-call still owes it.
func late(r *triage.Request, kind string, target time.Duration, done time.Time, waiting bool, start, now time.Time) (Breach, bool) {
	var took time.Duration
	open := false
	switch {
	case target <= 0:
		return Breach{}, false
	case !done.IsZero():
		took = done.Sub(start)
	case waiting:
		took, open = now.Sub(start), true
	default:
		return Breach{}, false
	}
	if took <= target {
		return Breach{}, false
	}
	return Breach{ID: r.ID, Ticket: r.Ticket.Key, TicketURL: r.Ticket.URL, Kind: kind, Target: target, Took: took, Open: open,
		Urgency: validOrZero(r.Urgency)}, true
}

func (l *breachLog) keep(b Breach) {
	if l.full && b.Took-b.Target < l.floor {
		return
	}
	l.worst = append(l.worst, b)
	if len(l.worst) >= 4*maxBreachItems {
		l.trim()
	}
}

// trim sorts the kept items, most overdue first, and drops the rest.
func (l *breachLog) trim() {
	slices.SortFunc(l.worst, func(a, b Breach) int {
		return cmp.Or(cmp.Compare(b.Took-b.Target, a.Took-a.Target), cmp.Compare(a.ID, b.ID), cmp.Compare(a.Kind, b.Kind))
	})
	l.worst = l.worst[:min(len(l.worst), maxBreachItems)]
	if len(l.worst) == maxBreachItems {
		last := l.worst[len(l.worst)-1]
		l.floor, l.full = last.Took-last.Target, true
	}
}

func (l *breachLog) result() Breaches {
	l.trim()
	slices.Sort(l.ids)
	return Breaches{Ack: l.ack, Resolve: l.resolve,
		IDs: append([]int64{}, l.ids...), Items: append([]Breach{}, l.worst...)}
}
