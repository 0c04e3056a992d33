package report

import (
	"cmp"
	"slices"
	"time"

	"github.com/sprintguard/sprintguard/classifier"
	"github.com/sprintguard/sprintguard/triage"
)

// Labels for requests that lack the field a breakdown groups by.
const (
	noCategory  = "(none)"
	noTeam      = "(no team)"
	noRequester = "(unknown)"
	purgedText  = "(text removed by retention)"
)

// topRequesters is how many requesters Period.TopRequesters keeps.
const topRequesters = 5

// tally accumulates one Period.
type tally struct {
	requests   int
	urgency    map[string]int
	categories map[string]*Count
	teams      map[string]*Count
	people     map[string]*person
	outcomes   map[string]int
	ticketedBy map[string]int
	budget     float64
	ack        []time.Duration
	resolve    []time.Duration
	breaches   breachLog
	overridden int
	emergency  []Item
	learned    learnedTally
	names      map[string]string // display names by user id
}

// person is a requester's Count plus when their name was last seen, since
// Slack display names change and the newest should win.
type person struct {
	Count
	seen time.Time
}

func newTally(names map[string]string) *tally {
	return &tally{
		names:      names,
		urgency:    urgencyMap(),
		categories: map[string]*Count{},
		teams:      map[string]*Count{},
		people:     map[string]*person{},
		outcomes: map[string]int{string(triage.Accepted): 0, string(triage.Deferred): 0,
			string(triage.NeedsApproval): 0, string(triage.Backlog): 0, string(triage.Declined): 0},
		ticketedBy: map[string]int{string(triage.ByRequester): 0, string(triage.ByMember): 0, string(triage.ByDeadline): 0},
	}
}

// urgencyKeys spells urgencies without allocating, which matters once per
// request; index 0 stands for any invalid urgency.
var urgencyKeys = [...]string{"P?", "P1", "P2", "P3", "P4"}

func urgencyKey(u triage.Urgency) string {
	if !u.Valid() {
		return urgencyKeys[0]
	}
	return urgencyKeys[u]
}

// urgencyMap returns zero counts for the keys P1..P4, so that every
// urgency shows up even when no request had it.
func urgencyMap() map[string]int {
	m := make(map[string]int, 4)
	for u := classifier.P1; u <= classifier.P4; u++ {
		m[u.String()] = 0
	}
	return m
}

func (t *tally) add(r *triage.Request, now time.Time) {
	t.requests++
	t.urgency[urgencyKey(r.Urgency)]++
	charge := 0.0
	if r.Charged() {
		charge = r.Charge()
	}
	t.budget += charge
	bump(t.categories, or(r.CategoryNow(), noCategory), charge)
	bump(t.teams, or(r.RequesterTeam, noTeam), charge)
	t.addPerson(r, charge)
	t.outcomes[string(currentOutcome(r))]++
	// A request a rule's answer solved, or one whose ticket is still
	// queued, has no ticket to count.
	if r.Ticket.Key != "" {
		t.ticketedBy[string(or(r.TicketedBy, triage.ByRequester))]++
	}
	if len(r.Overrides) > 0 {
		t.overridden++
	}
	t.learned.add(r)
	start := clockStart(r)
	if !r.AckedAt.IsZero() {
		t.ack = append(t.ack, max(r.AckedAt.Sub(start), 0))
	}
	if r.Status == triage.StatusResolved && !r.ResolvedAt.IsZero() {
		t.resolve = append(t.resolve, max(r.ResolvedAt.Sub(start), 0))
	}
	t.breaches.add(r, start, now)
	if it, ok := falseEmergency(r, t.requesterName(r)); ok {
		t.emergency = append(t.emergency, it)
	}
}

func bump(m map[string]*Count, name string, charge float64) {
	c := m[name]
	if c == nil {
		c = &Count{Name: name}
		m[name] = c
	}
	c.N++
	c.Budget += charge
}

func (t *tally) addPerson(r *triage.Request, charge float64) {
	key := or(r.User, r.UserName)
	p := t.people[key]
	if p == nil {
		p = &person{Count: Count{ID: r.User, Name: t.requesterName(r)}, seen: r.CreatedAt}
		t.people[key] = p
	} else if t.names[r.User] == "" && newerName(r, p) {
		p.Name, p.seen = r.UserName, r.CreatedAt
	}
	p.N++
	p.Budget += charge
}

// newerName reports whether r names p more recently; on a tie the larger
// name wins, so that the result does not depend on the order of requests.
func newerName(r *triage.Request, p *person) bool {
	if r.UserName == "" {
		return false
	}
	c := r.CreatedAt.Compare(p.seen)
	return c > 0 || c == 0 && r.UserName > p.Name
}

// requesterName is r's requester as the report shows them: their display
// name, else the name the request recorded, else their user id.
func (t *tally) requesterName(r *triage.Request) string {
	return or(t.names[r.User], or(r.UserName, or(r.User, noRequester)))
}

// currentOutcome is where r stands now, which may differ from the policy's
// answer on arrival: a request deferred or declined after it was accepted
// counts as deferred or declined, and an approved one as accepted.
func currentOutcome(r *triage.Request) triage.Outcome {
	switch r.Status {
	case triage.StatusDeferred:
		return triage.Deferred
	case triage.StatusDeclined:
		return triage.Declined
	case triage.StatusPending:
		return triage.NeedsApproval
	case triage.StatusBacklog:
		return triage.Backlog
	}
	// Open, acknowledged or resolved: accepted, unless a deferred or
	// backlog request was reopened, which works it without charging it.
	return or(r.Outcome, triage.Accepted)
}

// clockStart is when r's SLA clock starts: when the on-call was told, which
// for a P2 that arrived after hours or a request approved later is after it
// was created.
func clockStart(r *triage.Request) time.Time {
	if r.NotifyAt.After(r.CreatedAt) {
		return r.NotifyAt
	}
	return r.CreatedAt
}

// falseEmergency reports a request its requester claimed as P1 or P2 that
// the rules classified lower and the on-call downgraded: they answered the
// claim by keeping the rules' urgency. A pending or confirmed claim is not
// one. Requests stored before claims were answered count unless a person
// raised them to the claimed urgency.
func falseEmergency(r *triage.Request, requester string) (Item, bool) {
	claimed, rules := r.Claimed, r.Decision.Urgency
	if !claimed.Valid() || claimed > classifier.P2 || !rules.Valid() || rules <= claimed {
		return Item{}, false
	}
	switch r.ClaimState {
	case triage.ClaimKept:
	case "":
		if r.Urgency.Valid() && r.Urgency <= claimed {
			return Item{}, false
		}
	default:
		return Item{}, false
	}
	summary := r.Summary
	if r.Purged || summary == "" {
		summary = purgedText
	}
	return Item{ID: r.ID, Ticket: r.Ticket.Key, TicketURL: r.Ticket.URL, Summary: summary, Claimed: claimed, Classified: rules,
		Final: validOrZero(r.Urgency), Requester: requester, RequesterID: r.User, CreatedAt: r.CreatedAt}, true
}

func validOrZero(u triage.Urgency) triage.Urgency {
	if u.Valid() {
		return u
	}
	return 0
}

func (t *tally) period() Period {
	p := Period{
		Requests: t.requests, ByUrgency: t.urgency, Outcomes: t.outcomes, TicketedBy: t.ticketedBy,
		BudgetUsed: tidy(t.budget), Overridden: t.overridden,
		ByCategory: sortedCounts(t.categories), ByRequesterTeam: sortedCounts(t.teams),
		Ack: summarise(t.ack), Resolve: summarise(t.resolve),
		SLABreaches: t.breaches.result(), FalseEmergencies: t.emergency,
		OverriddenRules: t.learned.rules(), Deflected: t.learned.deflected, AnswersOffered: t.learned.offered,
		LearnedEstimates: t.learned.estimates,
	}
	people := t.requesters()
	p.ByRequester = people
	p.TopRequesters = slices.Clone(people[:min(len(people), topRequesters)])
	if t.requests > 0 {
		p.OverrideRate = float64(t.overridden) / float64(t.requests)
	}
	slices.SortFunc(p.FalseEmergencies, func(a, b Item) int {
		return cmp.Or(a.CreatedAt.Compare(b.CreatedAt), cmp.Compare(a.ID, b.ID))
	})
	if p.FalseEmergencies == nil {
		p.FalseEmergencies = []Item{}
	}
	return p
}

// requesters returns the requesters, most requests first.
func (t *tally) requesters() []Count {
	people := make([]Count, 0, len(t.people))
	for _, q := range t.people {
		q.Budget = tidy(q.Budget)
		people = append(people, q.Count)
	}
	sortCounts(people)
	return people
}

func sortedCounts(m map[string]*Count) []Count {
	out := make([]Count, 0, len(m))
	for _, c := range m {
		c.Budget = tidy(c.Budget)
		out = append(out, *c)
	}
	sortCounts(out)
	return out
}

// sortCounts orders by count, largest first, then by name and id so that
// output is the same on every run.
func sortCounts(cs []Count) {
	slices.SortFunc(cs, func(a, b Count) int {
		return cmp.Or(cmp.Compare(b.N, a.N), cmp.Compare(a.Name, b.Name), cmp.Compare(a.ID, b.ID))
	})
}

// summarise returns the nearest-rank median and 90th percentile of ds,
// sorting ds in place.
func summarise(ds []time.Duration) Durations {
	if len(ds) == 0 {
		return Durations{}
	}
	slices.Sort(ds)
	return Durations{N: len(ds), Median: nearestRank(ds, 50), P90: nearestRank(ds, 90), Max: ds[len(ds)-1]}
}

// nearestRank returns the p-th percentile of sorted by the nearest-rank
// method: the value at rank ceil(p/100 * n), counting from 1.
func nearestRank(sorted []time.Duration, p int) time.Duration {
	rank := (p*len(sorted) + 99) / 100
	return sorted[max(rank, 1)-1]
}

func or[T comparable](v, fallback T) T {
	var zero T
	if v == zero {
		return fallback
	}
	return v
}
