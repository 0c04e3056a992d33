package replay

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/sprintguard/sprintguard/internal/plural"
	"github.com/sprintguard/sprintguard/report"
	"github.com/sprintguard/sprintguard/triage"
)

// TeamResult is one team's share of a replay.
type TeamResult struct {
	Team *triage.Team
	// N is how many requests the team got; Decisions has a row for each,
	// in creation order.
	N         int
	Decisions []Decision
	// Labelled are the team's requests, whole, that Options.Keep asked
	// for (those a labels file names), in creation order.
	Labelled []*triage.Request
	Weeks    []*report.Weekly
	Sprints  []report.SprintSummary
}

// collect finishes the teams' results. In memory, what is left in the
// store is counted after what was evicted, by the same builders; the
// durable path reads every request back and reports the way replay always
// did (report.Select and report.Compute per week), which keeps an
// independent reference for the counting builders.
func (s *simulation) collect(st triage.Store) error {
	if s.mem != nil {
		for _, team := range s.settings.Teams {
			b := s.build(team)
			s.mem.EvictRest(team.Name, func(r *triage.Request) { s.count.add(b, r) })
		}
		s.count.wait()
		for _, team := range s.settings.Teams {
			s.res.Teams = append(s.res.Teams, s.build(team).finish())
		}
		return nil
	}
	for _, team := range s.settings.Teams {
		var reqs []*triage.Request
		err := st.View(func(tx triage.Tx) error {
			return tx.Requests(team.Name, time.Time{}, farFuture, func(r *triage.Request) error {
				reqs = append(reqs, r)
				return nil
			})
		})
		if err != nil {
			return fmt.Errorf("replay: read requests: %w", err)
		}
		s.res.Teams = append(s.res.Teams, s.report(team, reqs))
	}
	return nil
}

// report makes a team's result from all its requests at once.
func (s *simulation) report(team *triage.Team, reqs []*triage.Request) *TeamResult {
	tr := &TeamResult{Team: team, N: len(reqs), Decisions: make([]Decision, 0, len(reqs))}
	for _, r := range reqs {
		tr.Decisions = append(tr.Decisions, decisionOf(r))
		if s.keep != nil && s.keep(r) {
			tr.Labelled = append(tr.Labelled, r)
		}
	}
	if !s.res.First.IsZero() {
		for w := report.WeekOf(s.res.First, team.Location); !w.Start.After(s.res.Last); w = report.WeekOf(w.End, team.Location) {
			tr.Weeks = append(tr.Weeks, report.Compute(report.Select(team, reqs, w, w.End)))
		}
	}
	tr.Sprints = report.Sprints(team, reqs)
	return tr
}

var farFuture = time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)

// Requests returns how many requests the replay made in all.
func (r *Result) Requests() int {
	n := 0
	for _, t := range r.Teams {
		n += t.N
	}
	return n
}

// WriteText prints the weekly reports and the per-sprint budget table of
// every team, preceded by what was read and skipped.
func (r *Result) WriteText(w io.Writer) error {
	var b strings.Builder
	r.writeHead(&b)
	for _, t := range r.Teams {
		fmt.Fprintf(&b, "  %-12s %s\n", t.Team.Name, plural.Count(t.N, "request"))
	}
	b.WriteString("Not requests:\n")
	for _, k := range sortedKeys(r.Skipped) {
		fmt.Fprintf(&b, "  %-28s %d\n", k, r.Skipped[k])
	}
	if len(r.Problems) > 0 {
		fmt.Fprintf(&b, "Problems in the export (%d, skipped):\n", len(r.Problems))
		for _, p := range r.Problems {
			fmt.Fprintf(&b, "  %s\n", p)
		}
	}
	for _, t := range r.Teams {
		fmt.Fprintf(&b, "\n%s\nTeam %s\n%s\n", rule, t.Team.Name, rule)
		for _, wk := range t.Weeks {
			b.WriteString("\n" + wk.Text())
		}
		b.WriteString("\n" + report.SprintTable(t.Team.Name, t.Team.Budget.Unit, t.Sprints))
	}
	writeLabels(&b, r.Labels)
	_, err := io.WriteString(w, b.String())
	return err
}

var rule = strings.Repeat("=", 72)

// writeHead writes the line that says what was replayed.
func (r *Result) writeHead(b *strings.Builder) {
	fmt.Fprintf(b, "Replayed %s", plural.Count(r.Messages, "message"))
	if !r.First.IsZero() {
		fmt.Fprintf(b, " from %s to %s (UTC)", r.First.UTC().Format(time.DateOnly), r.Last.UTC().Format(time.DateOnly))
	}
	fmt.Fprintf(b, ": %s.\n", plural.Count(r.Requests(), "request"))
}

func sortedKeys(m map[string]int) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// jsonTeam is the per-team document of `replay --format json` but for its
// decision rows, which WriteJSON writes after it, one by one.
type jsonTeam struct {
	Team       string         `json:"team"`
	Requests   int            `json:"requests"`
	ByUrgency  map[string]int `json:"by_urgency"`
	ByCategory map[string]int `json:"by_category"`
	Sprints    []jsonSprint   `json:"sprints"`
}

type jsonSprint struct {
	N        int     `json:"n"`
	Start    string  `json:"start"`
	End      string  `json:"end"`
	Budget   float64 `json:"budget"`
	Used     float64 `json:"used"`
	Accepted int     `json:"accepted"`
	Deferred int     `json:"deferred"`
}

func teamJSON(t *TeamResult) jsonTeam {
	jt := jsonTeam{Team: t.Team.Name, Requests: t.N, ByUrgency: t.byUrgency(),
		ByCategory: map[string]int{}, Sprints: []jsonSprint{}}
	for _, d := range t.Decisions {
		jt.ByCategory[d.Category]++
	}
	for _, s := range t.Sprints {
		jt.Sprints = append(jt.Sprints, jsonSprint{N: s.N, Start: s.Start.Format(time.DateOnly), End: s.End.AddDate(0, 0, -1).Format(time.DateOnly),
			Budget: s.Budget, Used: s.Used, Accepted: s.Accepted, Deferred: s.Deferred})
	}
	return jt
}
