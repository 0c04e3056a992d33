package replay

import (
	"slices"
	"time"

	"github.com/sprintguard/sprintguard/report"
	"github.com/sprintguard/sprintguard/triage"
)

// Decision is the compact row a replay keeps of each request: what
// `--format json` lists and the per-team counts are made from.
type Decision struct {
	Channel, User, TS string
	Urgency           triage.Urgency
	Category, Rule    string
}

func decisionOf(r *triage.Request) Decision {
	return Decision{Channel: r.Channel, User: r.User, TS: r.TS,
		Urgency: r.Urgency, Category: r.Decision.Category, Rule: r.Decision.Rule}
}

// teamBuild counts one team's requests into its result as they are
// finished, in creation order: the weekly reports and the sprint table are
// built as they arrive instead of from every request kept to the end.
type teamBuild struct {
	res     *Result
	tr      *TeamResult
	keep    func(*triage.Request) bool
	weeks   []*report.Builder
	starts  []time.Time // of weeks, in order
	sprints *report.SprintCounter
	// decisions are the rows in fixed-size chunks, joined into
	// TeamResult.Decisions by finish: one growing slice would copy its
	// rows again at every doubling and leave the old arrays to the GC.
	decisions [][]Decision
}

// decisionChunk is how many rows a chunk of teamBuild.decisions holds.
const decisionChunk = 4096

func newTeamBuild(res *Result, team *triage.Team, keep func(*triage.Request) bool) *teamBuild {
	return &teamBuild{res: res, tr: &TeamResult{Team: team}, keep: keep, sprints: report.NewSprintCounter(team)}
}

// add counts r, the team's next request in creation order, in every
// report that reads it.
func (b *teamBuild) add(r *triage.Request) {
	t := b.tr
	t.N++
	if n := len(b.decisions); n == 0 || len(b.decisions[n-1]) == decisionChunk {
		b.decisions = append(b.decisions, make([]Decision, 0, decisionChunk))
	}
	last := &b.decisions[len(b.decisions)-1]
	*last = append(*last, decisionOf(r))
	if b.keep != nil && b.keep(r) {
		t.Labelled = append(t.Labelled, r)
	}
	b.sprints.Add(r)
	// The reports that read r start at its week and go on while their
	// range (the trend's weeks, or the sprint) reaches back to it.
	for i := b.weekIndex(r.CreatedAt); ; i++ {
		w := b.week(i)
		if w == nil || w.From().After(r.CreatedAt) {
			return
		}
		w.Add(r)
	}
}

// weekIndex is the index of the week holding t, from the end since
// requests come in time order.
func (b *teamBuild) weekIndex(t time.Time) int {
	b.week(0)
	for len(b.starts) > 0 && !t.Before(b.nextStart(len(b.starts)-1)) {
		b.week(len(b.starts))
	}
	i := len(b.starts) - 1
	for i > 0 && t.Before(b.starts[i]) {
		i--
	}
	return i
}

// week returns the report of the i-th week from the first message's,
// starting the weeks up to it; nil when no message was read.
func (b *teamBuild) week(i int) *report.Builder {
	if b.res.First.IsZero() {
		return nil
	}
	loc := b.tr.Team.Location
	for len(b.weeks) <= i {
		var w report.Window
		if n := len(b.weeks); n == 0 {
			w = report.WeekOf(b.res.First, loc)
		} else {
			w = report.WeekOf(b.nextStart(n-1), loc)
		}
		b.weeks = append(b.weeks, report.NewBuilder(b.tr.Team, w, w.End, nil))
		b.starts = append(b.starts, w.Start)
	}
	return b.weeks[i]
}

// nextStart is when the week after the i-th begins.
func (b *teamBuild) nextStart(i int) time.Time {
	return report.WeekOf(b.starts[i], b.tr.Team.Location).End
}

// finish makes the reports of the weeks from the first message's to the
// last's, and the sprint table.
func (b *teamBuild) finish() *TeamResult {
	t := b.tr
	t.Decisions = slices.Concat(b.decisions...)
	b.decisions = nil
	if !b.res.First.IsZero() {
		for i := 0; ; i++ {
			w := b.week(i)
			if b.starts[i].After(b.res.Last) {
				break
			}
			t.Weeks = append(t.Weeks, w.Weekly())
		}
	}
	t.Sprints = b.sprints.Summaries()
	return t
}
