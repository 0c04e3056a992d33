package triage

import (
	"errors"
	"strings"
	"time"

	"github.com/sprintguard/sprintguard/oncall"
)

// OnCall returns team's shift at at with the overrides applied, and whom
// to route to then: the person on call, or, when the schedule names nobody
// or nobody mapped to a Slack user, escalate_to (a @group's first member).
// route is "" only when escalate_to is unset too.
func (s *Settings) OnCall(team *Team, at time.Time, ovs []oncall.Override) (sh oncall.Shift, route string) {
	sh = team.Roster().Current(at, ovs)
	if sh.User != "" {
		return sh, sh.User
	}
	return sh, s.Escalation(team)
}

// Escalation returns the user escalate_to names: the user, or the first
// member of a @group, or "".
func (s *Settings) Escalation(team *Team) string {
	if handle, ok := strings.CutPrefix(team.EscalateTo, "@"); ok {
		if m := s.Groups[handle]; len(m) > 0 {
			return m[0]
		}
		return ""
	}
	return team.EscalateTo
}

// LoadSchedules gives every team that follows a schedule source the last
// good schedule kept in the store, if any. The bot calls it at start-up,
// before the first fetch; `sprintguard oncall` calls it to answer as the
// running bot would.
func (s *Settings) LoadSchedules(tx Tx) error {
	for _, t := range s.Teams {
		if t.OnCall == nil || t.OnCall.Source() == oncall.SourceYAML {
			continue
		}
		tl, err := tx.Schedule(t.Name)
		if errors.Is(err, ErrNotFound) {
			continue
		}
		if err != nil {
			return err
		}
		t.OnCall.Set(tl)
	}
	return nil
}
