package report

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/sprintguard/sprintguard/triage"
)

// sprintTopRequesters is how many requesters a SprintSummary keeps.
const sprintTopRequesters = 3

// SprintSummary is one sprint's interrupt load, for the backtest's
// per-sprint table.
type SprintSummary struct {
	N     int       `json:"n"`
	Start time.Time `json:"start"`
	End   time.Time `json:"end"` // exclusive
	// Budget is the sprint's interrupt budget; Used and Accepted are the
	// charge and number of the requests charged to this sprint.
	Budget   float64 `json:"budget"`
	Used     float64 `json:"used"`
	Accepted int     `json:"accepted"`
	// Requests and the other outcomes count the requests created during
	// the sprint, by their current state.
	Requests      int     `json:"requests"`
	Deferred      int     `json:"deferred"`
	NeedsApproval int     `json:"needs_approval"`
	Backlog       int     `json:"backlog"`
	Declined      int     `json:"declined"`
	TopRequesters []Count `json:"top_requesters"`
}

// Sprints summarises each of team's sprints that reqs fall in, ordered by
// N; a sprint no request falls in is left out. A request falls in two sprints when it was charged to a
// later one than it was created in: its charge and its Accepted count go
// to the sprint it is charged to (Request.Sprint, as the budget ledger
// does), and everything else to the sprint its CreatedAt falls in. Requests
// of other teams are ignored; a team whose calendar does not validate gets
// nil. It is pure and may be called concurrently.
func Sprints(team *triage.Team, reqs []*triage.Request) []SprintSummary {
	c := NewSprintCounter(team)
	for _, r := range reqs {
		c.Add(r)
	}
	return c.Summaries()
}

// SprintCounter is Sprints fed one request at a time, for a caller that
// does not keep its requests. It is not safe for concurrent use.
type SprintCounter struct {
	team *triage.Team
	ok   bool // the team's calendar validates
	byN  map[int]*sprintAcc
}

type sprintAcc struct {
	SprintSummary
	people *tally
}

// NewSprintCounter starts counting team's sprints.
func NewSprintCounter(team *triage.Team) *SprintCounter {
	return &SprintCounter{team: team, ok: team != nil && team.Calendar.Validate() == nil, byN: map[int]*sprintAcc{}}
}

func (c *SprintCounter) get(n int) *sprintAcc {
	a := c.byN[n]
	if a == nil {
		a = &sprintAcc{SprintSummary: SprintSummary{N: n}, people: newTally(nil)}
		c.byN[n] = a
	}
	return a
}

// Add counts r; requests of other teams are ignored. Requests must come
// in creation order for the sums to be the same as Sprints'.
func (c *SprintCounter) Add(r *triage.Request) {
	team := c.team
	if !c.ok || r == nil || r.Team != team.Name {
		return
	}
	if r.Charged() {
		a := c.get(r.Sprint)
		a.Accepted++
		a.Used += r.Charge()
	}
	a := c.get(team.Calendar.At(r.CreatedAt).N)
	a.Requests++
	a.people.addPerson(r, 0)
	switch currentOutcome(r) {
	case triage.Deferred:
		a.Deferred++
	case triage.NeedsApproval:
		a.NeedsApproval++
	case triage.Backlog:
		a.Backlog++
	case triage.Declined:
		a.Declined++
	}
}

// Summaries returns what Sprints returns for the requests added; the
// counter must not be used after.
func (c *SprintCounter) Summaries() []SprintSummary {
	team := c.team
	if !c.ok {
		return nil
	}
	ns := slices.Sorted(maps.Keys(c.byN))
	loc := orUTC(team.Calendar.Location)
	out := make([]SprintSummary, 0, len(ns))
	for _, n := range ns {
		a := c.byN[n]
		s := team.Calendar.Number(n)
		a.Start, a.End = s.Start.In(loc), s.End.In(loc)
		a.Budget, a.Used = tidy(team.Budget.Total()), tidy(a.Used)
		people := a.people.requesters()
		a.TopRequesters = people[:min(len(people), sprintTopRequesters)]
		out = append(out, a.SprintSummary)
	}
	return out
}

// SprintTable renders ss as an aligned plain-text table under a title
// naming team and the budget unit. It may be called concurrently.
func SprintTable(team, unit string, ss []SprintSummary) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Sprint budget: %s (%s)\n", clean(team, summaryRunes), unitOr(clean(unit, summaryRunes)))
	if len(ss) == 0 {
		b.WriteString("  no requests in any sprint\n")
		return b.String()
	}
	t := table{
		head: []string{"sprint", "dates", "budget", "used", "used%", "requests", "accepted", "deferred",
			"approval", "backlog", "declined", "top requesters"},
		right: []bool{true, false, true, true, true, true, true, true, true, true, true, false},
	}
	for _, s := range ss {
		used := "-"
		if s.Budget > 0 {
			used = percent(s.Used / s.Budget)
		}
		top := make([]string, 0, len(s.TopRequesters))
		for _, c := range s.TopRequesters {
			top = append(top, fmt.Sprintf("%s %d", clean(c.Name, 30), c.N))
		}
		t.add(fmt.Sprint(s.N), s.Start.Format(time.DateOnly)+" – "+lastDay(s.End).Format(time.DateOnly),
			num(s.Budget), num(s.Used), used, fmt.Sprint(s.Requests), fmt.Sprint(s.Accepted),
			fmt.Sprint(s.Deferred), fmt.Sprint(s.NeedsApproval), fmt.Sprint(s.Backlog), fmt.Sprint(s.Declined),
			strings.Join(top, ", "))
	}
	t.write(&b, "  ")
	return b.String()
}
