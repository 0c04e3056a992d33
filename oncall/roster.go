package oncall

import (
	"sync/atomic"
	"time"
)

// Sources of a Roster.
const (
	SourceYAML      = "yaml"
	SourceICal      = "ical"
	SourcePagerDuty = "pagerduty"
)

// Roster is one team's resolved on-call schedule, the one answer that
// routing, handoffs, the user group, the topic, App Home, `/sg oncall` and
// `sprintguard oncall` all read. It follows either the rotation from the
// config (source yaml) or the latest Timeline a source gave (ical,
// pagerduty). Its methods are safe for concurrent use; Set swaps the
// timeline atomically, so a refresh never blocks a reader.
type Roster struct {
	team   string
	source string
	loc    *time.Location
	rot    *Rotation
	tl     atomic.Pointer[Timeline]
}

// RotationRoster returns a Roster that follows r.
func RotationRoster(r Rotation) *Roster {
	return &Roster{team: r.Team, source: SourceYAML, loc: r.Location, rot: &r}
}

// FeedRoster returns a Roster for a schedule kept at source; it knows
// nobody on call until Set gives it a timeline.
func FeedRoster(team, source string, loc *time.Location) *Roster {
	return &Roster{team: team, source: source, loc: loc}
}

// Source returns SourceYAML, SourceICal or SourcePagerDuty.
func (r *Roster) Source() string { return r.source }

// Configured reports whether the roster can name anyone: a rotation with
// members, or a source.
func (r *Roster) Configured() bool {
	if r.rot != nil {
		return len(r.rot.Members) > 0
	}
	return true
}

// Set makes tl the schedule read from now on. A nil tl is ignored.
func (r *Roster) Set(tl *Timeline) {
	if tl != nil {
		r.tl.Store(tl)
	}
}

// Timeline returns the timeline in use, or nil for a rotation or before
// the first Set.
func (r *Roster) Timeline() *Timeline { return r.tl.Load() }

// Current returns who is on call at t with the team's overrides applied.
// User is empty when nobody, or nobody mapped to a Slack user, is on call:
// the caller routes to escalate_to then.
func (r *Roster) Current(t time.Time, overrides []Override) Shift {
	if r.rot != nil {
		if len(r.rot.Members) == 0 {
			return Shift{Team: r.team, Start: t, End: endOfTime}
		}
		return r.rot.Current(t, overrides)
	}
	tl := r.tl.Load()
	if tl == nil {
		return Shift{Team: r.team, Start: t.In(r.loc), End: endOfTime.In(r.loc), Index: -1}
	}
	return tl.Current(t, overrides, r.loc)
}

// Next returns the shift that follows the one current at t.
func (r *Roster) Next(t time.Time, overrides []Override) Shift {
	return r.Current(r.Current(t, overrides).End, overrides)
}

// HandoffAfter returns the first change of shift in the schedule itself
// (overrides change who, not when) strictly after t. It is far in the future
// when the schedule names nobody after t.
func (r *Roster) HandoffAfter(t time.Time) time.Time {
	return r.Current(t, nil).End
}
