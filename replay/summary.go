package replay

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/sprintguard/sprintguard/report"
)

// urgencies are the columns of the summary's urgency table.
var urgencies = []string{"P1", "P2", "P3", "P4"}

// byUrgency counts the team's requests by urgency, every urgency present.
func (t *TeamResult) byUrgency() map[string]int {
	out := map[string]int{"P1": 0, "P2": 0, "P3": 0, "P4": 0}
	for _, d := range t.Decisions {
		out[d.Urgency.String()]++
	}
	return out
}

// WriteSummary prints what a person reads in one screen: what was
// replayed, requests by team and urgency, what was not a request, and each
// team's interrupt budget per sprint. WriteText has the weekly reports too.
func (r *Result) WriteSummary(w io.Writer) error {
	var b strings.Builder
	r.writeHead(&b)
	fmt.Fprintf(&b, "\nRequests by team and urgency:\n  %-12s", "team")
	for _, u := range urgencies {
		fmt.Fprintf(&b, " %5s", u)
	}
	fmt.Fprintf(&b, " %6s\n", "total")
	for _, t := range r.Teams {
		fmt.Fprintf(&b, "  %-12s", t.Team.Name)
		by := t.byUrgency()
		for _, u := range urgencies {
			fmt.Fprintf(&b, " %5d", by[u])
		}
		fmt.Fprintf(&b, " %6d\n", t.N)
	}
	if len(r.Skipped) > 0 {
		kinds := sortedKeys(r.Skipped)
		sort.SliceStable(kinds, func(i, j int) bool { return r.Skipped[kinds[i]] > r.Skipped[kinds[j]] })
		parts := make([]string, len(kinds))
		total := 0
		for i, k := range kinds {
			parts[i] = fmt.Sprintf("%s %d", k, r.Skipped[k])
			total += r.Skipped[k]
		}
		fmt.Fprintf(&b, "\nNot requests (%d): %s\n", total, strings.Join(parts, ", "))
	}
	if len(r.Problems) > 0 {
		fmt.Fprintf(&b, "\nProblems in the export: %d, skipped (listed on stderr)\n", len(r.Problems))
	}
	for _, t := range r.Teams {
		b.WriteString("\n" + report.SprintTable(t.Team.Name, t.Team.Budget.Unit, t.Sprints))
	}
	writeLabels(&b, r.Labels)
	_, err := io.WriteString(w, b.String())
	return err
}
