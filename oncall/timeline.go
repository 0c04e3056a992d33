package oncall

import (
	"container/heap"
	"slices"
	"sort"
	"time"
)

// Person is someone a schedule source names: by e-mail, by name, or both
// (a PagerDuty user has both; a GoAlert feed names people only in SUMMARY).
// It is a plain value.
type Person struct {
	Email string `json:"email,omitempty"`
	Name  string `json:"name,omitempty"`
}

// Label returns how to show the person to a human: the name, else the e-mail.
func (p Person) Label() string {
	if p.Name != "" {
		return p.Name
	}
	return p.Email
}

// Entry is one stretch of a fetched schedule, as the source states it:
// Who is on call during [Start, End). Entries may overlap; Build decides.
type Entry struct {
	Who        Person
	Start, End time.Time
}

// Timeline is a team's on-call as fetched from a source and mapped to Slack
// users: shifts sorted by start, not overlapping, gaps where nobody is on
// call. A shift whose person maps to no Slack user has an empty User and
// keeps the source's name in Name. A Timeline is a value: once built it is
// never changed, so any number of goroutines may read it.
type Timeline struct {
	Team string `json:"team"`
	// Source names where it came from: "ical" or "pagerduty".
	Source    string    `json:"source"`
	FetchedAt time.Time `json:"fetched_at"`
	// From and Until bound what the source was asked about; after Until
	// nobody is known to be on call.
	From     time.Time `json:"from"`
	Until    time.Time `json:"until"`
	Shifts   []Shift   `json:"shifts"`
	Unmapped []string  `json:"unmapped,omitempty"`
}

// endOfTime ends the open stretch after a timeline's Until: nobody is known
// to be on call then, until a refresh says otherwise.
var endOfTime = time.Date(9999, time.January, 1, 0, 0, 0, 0, time.UTC)

// Build flattens entries into a Timeline covering [from, until). Where
// entries overlap, the one that started last is on call (an override layer
// in PagerDuty or a cover event in a shared calendar starts inside the
// shift it covers); when it ends, the one it covered resumes. mapUser turns
// a person into a Slack user id, or "" for nobody; the people it could not
// map are listed in Unmapped, each once. Build is safe for concurrent use
// when mapUser is.
func Build(team, source string, fetchedAt, from, until time.Time, loc *time.Location, entries []Entry, mapUser func(Person) string) *Timeline {
	tl := &Timeline{Team: team, Source: source, FetchedAt: fetchedAt, From: from.In(loc), Until: until.In(loc)}
	es := make([]Entry, 0, len(entries))
	for _, e := range entries {
		if e.Start.Before(from) {
			e.Start = from
		}
		if e.End.After(until) {
			e.End = until
		}
		if e.End.After(e.Start) {
			es = append(es, e)
		}
	}
	slices.SortStableFunc(es, func(a, b Entry) int { return a.Start.Compare(b.Start) })

	users := map[Person]string{}
	unmapped := map[string]bool{}
	user := func(p Person) string {
		u, ok := users[p]
		if !ok {
			u = mapUser(p)
			users[p] = u
			if u == "" {
				unmapped[p.Label()] = true
			}
		}
		return u
	}

	// Sweep the entry bounds in time order with the live entries on a heap
	// ordered by start, latest first; ended entries leave it lazily.
	var bounds []time.Time
	for _, e := range es {
		bounds = append(bounds, e.Start, e.End)
	}
	slices.SortFunc(bounds, time.Time.Compare)
	bounds = slices.CompactFunc(bounds, time.Time.Equal)
	live := &liveHeap{}
	next := 0
	for i := 0; i+1 < len(bounds); i++ {
		at, end := bounds[i], bounds[i+1]
		for ; next < len(es) && !es[next].Start.After(at); next++ {
			heap.Push(live, liveEntry{es[next], next})
		}
		for live.Len() > 0 && !(*live)[0].End.After(at) {
			heap.Pop(live)
		}
		if live.Len() == 0 {
			continue
		}
		who := (*live)[0].Who
		s := Shift{Team: team, User: user(who), Start: at.In(loc), End: end.In(loc)}
		if s.User == "" {
			s.Name = who.Label()
		}
		if n := len(tl.Shifts); n > 0 && tl.Shifts[n-1].End.Equal(s.Start) &&
			tl.Shifts[n-1].User == s.User && tl.Shifts[n-1].Name == s.Name {
			tl.Shifts[n-1].End = s.End
			continue
		}
		s.Index = int64(len(tl.Shifts))
		tl.Shifts = append(tl.Shifts, s)
	}
	for name := range unmapped {
		tl.Unmapped = append(tl.Unmapped, name)
	}
	slices.Sort(tl.Unmapped)
	return tl
}

type liveEntry struct {
	Entry
	seq int
}

// liveHeap orders the entries on call at a point of the sweep: the latest
// start first, and among equal starts the one listed last in the feed.
type liveHeap []liveEntry

func (h liveHeap) Len() int { return len(h) }
func (h liveHeap) Less(i, j int) bool {
	if c := h[i].Start.Compare(h[j].Start); c != 0 {
		return c > 0
	}
	return h[i].seq > h[j].seq
}
func (h liveHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *liveHeap) Push(x any)   { *h = append(*h, x.(liveEntry)) }
func (h *liveHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// base returns the timeline's stretch that holds t, before overrides: a
// shift, or a gap with an empty User. Its cost is a binary search.
func (tl *Timeline) base(t time.Time, loc *time.Location) Shift {
	i := sort.Search(len(tl.Shifts), func(i int) bool { return tl.Shifts[i].End.After(t) })
	if i < len(tl.Shifts) && !tl.Shifts[i].Start.After(t) {
		return tl.Shifts[i]
	}
	gap := Shift{Team: tl.Team, Index: -1}
	switch {
	case i > 0:
		gap.Start = tl.Shifts[i-1].End
	case !t.Before(tl.From):
		gap.Start = tl.From
	}
	switch {
	case i < len(tl.Shifts):
		gap.End = tl.Shifts[i].Start
	case t.Before(tl.Until):
		gap.End = tl.Until
	case t.Before(endOfTime):
		gap.Start, gap.End = tl.Until, endOfTime
	default:
		gap.Start, gap.End = endOfTime, endOfTime
	}
	gap.Start, gap.End = gap.Start.In(loc), gap.End.In(loc)
	return gap
}

// Current returns who is on call at t with the overrides for the team
// applied, as Rotation.Current does. User is empty when nobody, or nobody
// mapped to a Slack user, is on call.
func (tl *Timeline) Current(t time.Time, overrides []Override, loc *time.Location) Shift {
	b := tl.base(t, loc)
	if !overlaps(tl.Team, overrides, b.Start, b.End) {
		return b
	}
	return at(b, overrides, t, loc)
}

// overlaps reports whether any override of team touches [start, end),
// without the copies relevant makes: most lookups have none.
func overlaps(team string, overrides []Override, start, end time.Time) bool {
	for _, o := range overrides {
		if o.Team == team && o.Start.Before(end) && o.End.After(start) {
			return true
		}
	}
	return false
}
