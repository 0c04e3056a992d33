package report

import (
	"time"

	"github.com/sprintguard/sprintguard/triage"
)

// Builder computes one weekly report from requests handed to it one at a
// time, so that a caller holding many weeks of requests need not keep
// them: it counts as they arrive, as Compute does over Select's slice. A
// Builder is not safe for concurrent use.
type Builder struct {
	c        *computation
	from, to time.Time
}

// NewBuilder starts team's report of week as of now (zero means the end
// of the week), with names as Data.Names.
func NewBuilder(team *triage.Team, week Window, now time.Time, names map[string]string) *Builder {
	if team == nil {
		team = &triage.Team{}
	}
	week, cutoff, now := scope(team, week, now)
	from, to := loadRange(team, week, cutoff)
	return &Builder{c: newComputation(team, week, cutoff, now, names), from: from, to: to}
}

// From is the earliest creation time the report reads (Load's range).
func (b *Builder) From() time.Time { return b.from }

// Add counts r if Load would have read it: one of the team's requests,
// created in [From, week end). Requests must come in creation order, as a
// store walk gives them, for the sums to be the same as Compute's.
func (b *Builder) Add(r *triage.Request) {
	if r == nil || r.Team != b.c.team.Name || r.CreatedAt.Before(b.from) || !r.CreatedAt.Before(b.to) {
		return
	}
	b.c.add(r)
}

// Weekly finishes the report; the Builder must not be used after.
func (b *Builder) Weekly() *Weekly { return b.c.finish() }
