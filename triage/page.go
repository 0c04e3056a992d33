package triage

import (
	"fmt"
	"time"

	"github.com/sprintguard/sprintguard/classifier"
)

// JobPage is the outbox job that tells the team's pager about a P1.
const JobPage = "page"

// Pager event actions, as the PagerDuty Events API v2 names them.
const (
	PageTrigger     = "trigger"
	PageAcknowledge = "acknowledge"
	PageResolve     = "resolve"
)

// PageJob is the payload of a JobPage.
type PageJob struct {
	Action string `json:"action"`
}

// page queues what the team's pager must hear about r after a change from
// urgency before by action ("" for intake): a trigger when r becomes P1,
// by intake, a change of urgency or a confirmed emergency claim,
// and, once paged, an acknowledge and a resolve as r is acknowledged and
// resolved (or lowered from P1). Each is one outbox job keyed by the
// request and its event count: retried, never sent twice.
func (s *Service) page(tx Tx, team *Team, r *Request, before Urgency, action string, at time.Time) error {
	if team.Page == "" {
		return nil
	}
	was, is := before == classifier.P1, r.Urgency == classifier.P1
	var ev string
	switch {
	case is && !was && (action == "" || action == ActUrgency || action == ActConfirmClaim) && r.Outcome == Accepted:
		ev = PageTrigger
	case was && !is && action == ActUrgency:
		ev = PageResolve
	case is && action == ActAcknowledge:
		ev = PageAcknowledge
	case is && action == ActResolve:
		ev = PageResolve
	default:
		return nil
	}
	key := fmt.Sprintf("%s:%d:%s:%d", JobPage, r.ID, ev, len(r.Events))
	return s.enqueueJSON(tx, JobPage, key, r, PageJob{Action: ev}, at)
}
