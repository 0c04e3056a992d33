package oncall_test

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/sprintguard/sprintguard/oncall"
)

// TestCurrentMatchesShifts checks that Current, which looks up one instant
// without listing a period, answers what Shifts lists, across random
// stacks of overlapping swaps, covers of one person, tied creation times
// and a DST change, at every override bound and between them.
func TestCurrentMatchesShifts(t *testing.T) {
	r := overrideRotation(t)
	from := at(t, "2026-03-02T16:00:00Z")
	users := []string{"UALICE", "UBOB", "UCAROL", "UXAVIER", "UYVES"}
	rng := rand.New(rand.NewPCG(13, 2026))
	for trial := range 200 {
		var ovs []oncall.Override
		for i := range rng.IntN(12) {
			start := from.Add(time.Duration(rng.IntN(21*24)) * time.Hour)
			o := oncall.Override{ID: fmt.Sprintf("o%d", i), Team: "platform", User: users[rng.IntN(len(users))],
				Start: start, End: start.Add(time.Duration(1+rng.IntN(5*24)) * time.Hour),
				CreatedAt: from.Add(time.Duration(rng.IntN(4)) * time.Minute)}
			if rng.IntN(3) == 0 {
				o.Replaces = users[rng.IntN(len(users))]
			}
			if rng.IntN(10) == 0 {
				o.Team = "data"
			}
			ovs = append(ovs, o)
		}
		shifts := r.Shifts(from, from.Add(28*24*time.Hour), ovs)
		var instants []time.Time
		for _, o := range ovs {
			instants = append(instants, o.Start, o.End, o.Start.Add(-time.Second), o.End.Add(time.Minute))
		}
		for range 20 {
			instants = append(instants, from.Add(time.Duration(rng.IntN(27*24*60))*time.Minute))
		}
		for _, ti := range instants {
			var want *oncall.Shift
			for i := range shifts {
				if !ti.Before(shifts[i].Start) && ti.Before(shifts[i].End) {
					want = &shifts[i]
				}
			}
			if want == nil {
				continue // before the first or after the last listed shift
			}
			if got := r.Current(ti, ovs); spanOf(got) != spanOf(*want) || got.Index != want.Index {
				t.Fatalf("trial %d at %s: Current = %v #%d, Shifts holds %v #%d\noverrides %+v",
					trial, ti.Format(time.RFC3339), spanOf(got), got.Index, spanOf(*want), want.Index, ovs)
			}
		}
	}
}

// TestTimelineSwapKeepsUnmappedName: inside a timeline stretch of a person
// no Slack user matches, a swap elsewhere in that stretch does not lose the
// name the source gave, which `/sg oncall` shows.
func TestTimelineSwapKeepsUnmappedName(t *testing.T) {
	start := at(t, "2026-03-02T16:00:00Z")
	tl := oncall.Build("platform", oncall.SourceICal, start, start, start.Add(48*time.Hour), time.UTC,
		[]oncall.Entry{{Who: oncall.Person{Name: "Dana"}, Start: start, End: start.Add(48 * time.Hour)}},
		func(oncall.Person) string { return "" })
	ovs := []oncall.Override{{ID: "o1", Team: "platform", User: "UXAVIER", Start: start.Add(time.Hour), End: start.Add(2 * time.Hour)}}
	if s := tl.Current(start.Add(30*time.Minute), ovs, time.UTC); s.User != "" || s.Name != "Dana" {
		t.Errorf("before the swap: user %q name %q, want nobody mapped, named Dana", s.User, s.Name)
	}
	if s := tl.Current(start.Add(90*time.Minute), ovs, time.UTC); s.User != "UXAVIER" || s.Override == nil {
		t.Errorf("inside the swap: user %q override %v, want UXAVIER by o1", s.User, s.Override)
	}
}
