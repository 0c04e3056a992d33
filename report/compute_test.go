package report

import (
	"reflect"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/sprintguard/sprintguard/classifier"
	"github.com/sprintguard/sprintguard/triage"
)

var w47 = Window{Start: nov(16, 0, 0), End: nov(23, 0, 0)}

func TestComputeCounts(t *testing.T) {
	reqs := []*triage.Request{
		req(1, nov(16, 10, 0), urgency(classifier.P1), category("incident"), by("U2", "bob", "web")),
		req(2, nov(17, 9, 0), urgency(classifier.P2), category("deploy"), by("U2", "bob", "web")),
		req(3, nov(17, 11, 0), by("U1", "alice", "")),
		req(4, nov(18, 9, 0), by("U3", "", "data")),
		req(5, nov(22, 23, 59), urgency(classifier.P4), category(""), by("U1", "alice (new name)", "")),
		req(6, nov(23, 0, 0)),                // after the week
		req(7, nov(17, 9, 0), team("other")), // another team's
		req(8, nov(13, 9, 0)),                // the week before, previous sprint
		nil,
	}
	w := Compute(Data{Team: testTeam(), Week: w47, Requests: reqs, Now: nov(23, 9, 0)})
	p := w.ThisWeek
	tests := []struct {
		name      string
		got, want any
	}{
		{"requests", p.Requests, 5},
		{"by urgency", p.ByUrgency, map[string]int{"P1": 1, "P2": 1, "P3": 2, "P4": 1}},
		{"by category", names(p.ByCategory), []string{"access 2", "(none) 1", "deploy 1", "incident 1"}},
		{"by requester team", names(p.ByRequesterTeam), []string{"(no team) 2", "web 2", "data 1"}},
		{"by requester, newest name, id when nameless", names(p.ByRequester), []string{"alice (new name) 2", "bob 2", "U3 1"}},
		{"requester ids", []string{p.ByRequester[0].ID, p.ByRequester[1].ID, p.ByRequester[2].ID}, []string{"U1", "U2", "U3"}},
		{"ticketed by", p.TicketedBy, map[string]int{"requester": 5, "member": 0, "deadline": 0}},
		{"budget", p.BudgetUsed, 5.0},
		{"sprint to date", w.Sprint.Requests, 5},
		{"trend this week", w.Trend[7].Requests, 5},
		{"trend last week", w.Trend[6].Requests, 1},
		{"days", dayTotals(w.Days), []int{1, 2, 1, 0, 0, 0, 1}},
		{"Tuesday P2", w.Days[1].ByUrgency["P2"], 1},
		{"labels", []string{w.Week, w.Trend[0].Week, w.Trend[7].Week}, []string{"2026-W47", "2026-W40", "2026-W47"}},
		{"cutoff is the week's end", w.Cutoff.Equal(w47.End), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !reflect.DeepEqual(tt.got, tt.want) {
				t.Errorf("got %v, want %v", tt.got, tt.want)
			}
		})
	}
}

func names(cs []Count) []string {
	out := []string{}
	for _, c := range cs {
		out = append(out, c.Name+" "+itoa(c.N))
	}
	return out
}

func itoa(n int) string { return strconv.Itoa(n) }

func dayTotals(ds []DayCount) []int {
	out := []int{}
	for _, d := range ds {
		out = append(out, d.Requests)
	}
	return out
}

func TestComputeOutcomes(t *testing.T) {
	day := nov(17, 10, 0)
	tests := []struct {
		name    string
		r       *triage.Request
		outcome string
		charged float64
	}{
		{"accepted, open", req(1, day), "accepted", 1},
		{"accepted, resolved with actual", req(2, day, resolved(time.Hour), actual(2.5)), "accepted", 2.5},
		{"deferred after accept", req(3, day, state(triage.Accepted, triage.StatusDeferred)), "deferred", 0},
		{"deferred by policy", req(4, day, state(triage.Deferred, triage.StatusDeferred)), "deferred", 0},
		{"reopened after deferral", req(5, day, state(triage.Deferred, triage.StatusOpen)), "deferred", 0},
		{"waiting for approval", req(6, day, state(triage.NeedsApproval, triage.StatusPending)), "needs_approval", 0},
		{"approved", req(7, day, state(triage.NeedsApproval, triage.StatusPending), approvedAt(nov(18, 9, 0))), "accepted", 1},
		{"backlog", req(8, day, urgency(classifier.P4), state(triage.Backlog, triage.StatusBacklog)), "backlog", 0},
		{"declined after accept", req(9, day, state(triage.Accepted, triage.StatusDeclined)), "declined", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := Compute(Data{Team: testTeam(), Week: w47, Requests: []*triage.Request{tt.r}, Now: nov(23, 9, 0)})
			want := map[string]int{"accepted": 0, "deferred": 0, "needs_approval": 0, "backlog": 0, "declined": 0}
			want[tt.outcome] = 1
			if !reflect.DeepEqual(w.ThisWeek.Outcomes, want) {
				t.Errorf("Outcomes = %v, want %v", w.ThisWeek.Outcomes, want)
			}
			if w.ThisWeek.BudgetUsed != tt.charged || w.SprintInfo.Used != tt.charged {
				t.Errorf("budget used %v, sprint used %v; want %v", w.ThisWeek.BudgetUsed, w.SprintInfo.Used, tt.charged)
			}
		})
	}
}

func TestSummarise(t *testing.T) {
	m := time.Minute
	tests := []struct {
		name string
		in   []time.Duration
		want Durations
	}{
		{"none", nil, Durations{}},
		{"one", []time.Duration{7 * m}, Durations{N: 1, Median: 7 * m, P90: 7 * m, Max: 7 * m}},
		{"two: median is the lower, p90 the upper", []time.Duration{9 * m, 3 * m}, Durations{N: 2, Median: 3 * m, P90: 9 * m, Max: 9 * m}},
		{"ten: ranks 5 and 9", []time.Duration{10 * m, 1 * m, 9 * m, 2 * m, 8 * m, 3 * m, 7 * m, 4 * m, 6 * m, 5 * m},
			Durations{N: 10, Median: 5 * m, P90: 9 * m, Max: 10 * m}},
		{"eleven: ranks 6 and 10", []time.Duration{1 * m, 2 * m, 3 * m, 4 * m, 5 * m, 6 * m, 7 * m, 8 * m, 9 * m, 10 * m, 11 * m},
			Durations{N: 11, Median: 6 * m, P90: 10 * m, Max: 11 * m}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := summarise(tt.in); got != tt.want {
				t.Errorf("summarise = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestComputeResponseTimes(t *testing.T) {
	var reqs []*triage.Request
	for i := range 10 {
		reqs = append(reqs, req(int64(i+1), nov(17, 9, i), acked(time.Duration(i+1)*time.Minute)))
	}
	reqs = append(reqs,
		req(11, nov(18, 9, 0), resolved(time.Hour)),
		req(12, nov(18, 9, 0), resolved(3*time.Hour)),
		// Told the on-call at 09:00 the next morning; acked ten minutes later.
		req(13, nov(18, 20, 0), notifyAt(nov(19, 9, 0)), acked(10*time.Minute)),
	)
	w := Compute(Data{Team: testTeam(), Week: w47, Requests: reqs, Now: nov(23, 9, 0)})
	m := time.Minute
	// Acks sorted: 1..10 minutes, 10 minutes, 1h and 3h (resolving sets
	// the ack): the median is rank 7 of 13, p90 rank 12.
	if want := (Durations{N: 13, Median: 7 * m, P90: time.Hour, Max: 3 * time.Hour}); w.ThisWeek.Ack != want {
		t.Errorf("Ack = %+v, want %+v", w.ThisWeek.Ack, want)
	}
	if want := (Durations{N: 2, Median: time.Hour, P90: 3 * time.Hour, Max: 3 * time.Hour}); w.ThisWeek.Resolve != want {
		t.Errorf("Resolve = %+v, want %+v", w.ThisWeek.Resolve, want)
	}
}

func TestComputeSLABreaches(t *testing.T) {
	q, h := 15*time.Minute, time.Hour
	reqs := []*triage.Request{
		req(1, nov(16, 9, 0), sla(q, 0), acked(20*time.Minute)),                                                   // late ack
		req(2, nov(16, 9, 0), sla(q, 0), acked(10*time.Minute)),                                                   // on time
		req(3, nov(22, 23, 0), sla(q, 4*h)),                                                                       // open past both at Now
		req(4, nov(22, 12, 0), sla(48*h, 0)),                                                                      // open, not yet due
		req(5, nov(16, 9, 0), sla(q, 0), state(triage.Accepted, triage.StatusDeferred)),                           // deferred: nobody waits
		req(6, nov(17, 20, 0), sla(q, 0), notifyAt(nov(18, 9, 0)), acked(10*time.Minute)),                         // after hours, on time
		req(7, nov(18, 9, 0), sla(q, 4*h), acked(5*time.Minute), resolved(5*h)),                                   // late resolve
		req(8, nov(16, 9, 0), sla(0, 4*h), acked(time.Minute), state(triage.Accepted, triage.StatusAcknowledged)), // still unresolved
		req(9, nov(16, 9, 0), sla(q, 4*h), acked(q), resolved(4*h)),                                               // exactly on target
		req(10, nov(16, 9, 0), sla(q, 0), state(triage.NeedsApproval, triage.StatusPending)),                      // not accepted yet
	}
	w := Compute(Data{Team: testTeam(), Week: w47, Requests: reqs, Now: nov(23, 9, 0)})
	b := w.ThisWeek.SLABreaches
	if b.Ack != 2 || b.Resolve != 3 {
		t.Errorf("Ack, Resolve = %d, %d; want 2, 3 (items %+v)", b.Ack, b.Resolve, b.Items)
	}
	if want := []int64{1, 3, 7, 8}; !reflect.DeepEqual(b.IDs, want) {
		t.Errorf("IDs = %v, want %v", b.IDs, want)
	}
	for _, it := range b.Items {
		if open := it.ID == 3 || it.ID == 8; it.Open != open {
			t.Errorf("breach %d %s: Open = %v, want %v", it.ID, it.Kind, it.Open, open)
		}
		if it.ID == 3 && it.Kind == "ack" && it.Took != 10*h {
			t.Errorf("open breach of #3 took %v, want 10h (to Now)", it.Took)
		}
	}
}

func TestComputeOverridesAndFalseEmergencies(t *testing.T) {
	day := nov(17, 10, 0)
	reqs := []*triage.Request{
		req(1, day, claimed(classifier.P1)),                                                     // P1 claimed, P3 given
		req(2, day, claimed(classifier.P2), urgency(classifier.P2)),                             // claim upheld
		req(3, day, claimed(classifier.P1), changedTo(classifier.P1)),                           // a person agreed
		req(4, day, claimed(classifier.P3)),                                                     // not an emergency claim
		req(5, day, claimed(classifier.P2), changedTo(classifier.P4), changedTo(classifier.P3)), // changed twice
		req(6, day.Add(-time.Hour), claimed(classifier.P2), urgency(classifier.P4)),
		req(7, day),
		req(8, day),
	}
	w := Compute(Data{Team: testTeam(), Week: w47, Requests: reqs, Now: nov(23, 9, 0)})
	p := w.ThisWeek
	if p.Overridden != 2 || p.OverrideRate != 0.25 {
		t.Errorf("Overridden %d, rate %v; want 2, 0.25", p.Overridden, p.OverrideRate)
	}
	var got []int64
	for _, it := range p.FalseEmergencies {
		got = append(got, it.ID)
	}
	if want := []int64{6, 1, 5}; !reflect.DeepEqual(got, want) {
		t.Errorf("false emergencies %v, want %v (oldest first)", got, want)
	}
	if it := p.FalseEmergencies[0]; it.Claimed != classifier.P2 || it.Classified != classifier.P4 || it.Ticket != "PLAT-6" || it.Requester != "alice" {
		t.Errorf("item = %+v", it)
	}
}

func TestBreachItemsBounded(t *testing.T) {
	var reqs []*triage.Request
	for i := range 130 {
		// Spread over the week in an order unrelated to how late each is.
		at := nov(16, 0, 0).Add(time.Duration((i*37)%130) * time.Hour)
		reqs = append(reqs, req(int64(i+1), at, sla(15*time.Minute, 0)))
	}
	w := Compute(Data{Team: testTeam(), Week: w47, Requests: reqs, Now: nov(23, 9, 0)})
	b := w.ThisWeek.SLABreaches
	if b.Ack != 130 || len(b.IDs) != 130 || len(b.Items) != maxBreachItems {
		t.Fatalf("Ack %d, %d ids, %d items; want 130, 130, %d", b.Ack, len(b.IDs), len(b.Items), maxBreachItems)
	}
	for i, it := range b.Items {
		// The oldest request is the most overdue: hour offset 0, 1, 2, ...
		if want := reqs[slices.IndexFunc(reqs, func(r *triage.Request) bool {
			return r.CreatedAt.Equal(nov(16, 0, 0).Add(time.Duration(i) * time.Hour))
		})].ID; it.ID != want || !it.Open {
			t.Errorf("item %d is #%d (open %v), want #%d", i, it.ID, it.Open, want)
		}
	}
	if !slices.IsSorted(b.IDs) {
		t.Errorf("IDs not sorted: %v", b.IDs)
	}
}
