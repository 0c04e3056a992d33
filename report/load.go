package report

import (
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/sprintguard/sprintguard/triage"
)

// ErrNoTeam is returned by Load when it is given no team.
var ErrNoTeam = errors.New("no team given")

// Load reads what Compute needs for team's report of week, as of now, from
// st in one read transaction: the team's requests created from the first
// week of the trend, or the start of the report's sprint if that is
// earlier, up to the end of the week. It may be called concurrently.
func Load(st triage.Store, team *triage.Team, week Window, now time.Time) (Data, error) {
	if team == nil {
		return Data{}, fmt.Errorf("load report: %w", ErrNoTeam)
	}
	week, cutoff, _ := scope(team, week, now)
	from, to := loadRange(team, week, cutoff)
	var reqs []*triage.Request
	err := st.View(func(tx triage.Tx) error {
		reqs = reqs[:0] // a store may retry the transaction
		return tx.Requests(team.Name, from, to, func(r *triage.Request) error {
			reqs = append(reqs, r)
			return nil
		})
	})
	if err != nil {
		return Data{}, fmt.Errorf("load report of %s for %s: %w", team.Name, week.Label(), err)
	}
	return Data{Team: team, Week: week, Requests: reqs, Now: now}, nil
}

// Requesters returns the Slack user ids of the requesters of d's
// requests, sorted and each once: the ids whose display names a caller
// resolves into d.Names before Compute.
func (d Data) Requesters() []string {
	seen := map[string]bool{}
	var ids []string
	for _, r := range d.Requests {
		if r != nil && r.User != "" && !seen[r.User] {
			seen[r.User] = true
			ids = append(ids, r.User)
		}
	}
	sort.Strings(ids)
	return ids
}

// loadRange is the span of creation times the report reads.
func loadRange(team *triage.Team, week Window, cutoff time.Time) (from, to time.Time) {
	from = addDays(week.Start, -7*(trendWeeks-1))
	if team.Calendar.Validate() == nil {
		if s := reportSprint(team.Calendar, cutoff); s.Start.Before(from) {
			from = s.Start
		}
	}
	return from, week.End
}

// Select is Load for requests already in memory: reqs is every request of
// team, in creation order (as a store walk returns them), and the result
// shares their pointers. It is pure; the replay uses it to report week
// after week without reading the store again.
func Select(team *triage.Team, reqs []*triage.Request, week Window, now time.Time) Data {
	week, cutoff, _ := scope(team, week, now)
	from, to := loadRange(team, week, cutoff)
	lo := sort.Search(len(reqs), func(i int) bool { return !reqs[i].CreatedAt.Before(from) })
	hi := sort.Search(len(reqs), func(i int) bool { return !reqs[i].CreatedAt.Before(to) })
	return Data{Team: team, Week: week, Requests: reqs[lo:hi:hi], Now: now}
}
