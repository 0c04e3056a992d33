package learn

import (
	"math"
	"slices"

	"github.com/sprintguard/sprintguard/classifier"
	"github.com/sprintguard/sprintguard/triage"
)

// ruleTally is what the history says of the requests one rule decides now.
type ruleTally struct {
	fired, correct int
	labels         map[target]int
	touched        []int
	// What people did with all of them.
	deferred, declined, approved int
	// Of the interrupts (P1 and P2) among them: how many the label says
	// could wait, and why, and how many were approved.
	interrupts, waited             int
	waitDeferred, waitDeclined     int
	waitLowered, interruptApproved int
	waitUrgency                    map[classifier.Urgency]int
	waitCategory                   map[string]int
	// timed are the requests resolved with the time spent.
	timed []int
}

// tally counts, per deciding rule, what the history says of the rules'
// decisions; the default rule is counted too.
func (m *miner) tally() map[string]*ruleTally {
	by := map[string]*ruleTally{}
	m.byBound = map[string]*boundTally{}
	for i := range m.ex {
		d, e := m.pred[i], &m.ex[i]
		if d.Modifier != "" {
			m.tallyBound(i, d)
			// The bound answers for its move (bounds); the rule is judged
			// on the urgency it decided.
			d.Urgency = d.RuleUrgency
		}
		t := by[d.Rule]
		if t == nil {
			t = &ruleTally{labels: map[target]int{}, waitUrgency: map[classifier.Urgency]int{}, waitCategory: map[string]int{}}
			by[d.Rule] = t
		}
		t.fired++
		t.touched = append(t.touched, i)
		if right(e, d) {
			t.correct++
		}
		t.labels[target{e.Urgency, e.Category}]++
		switch e.Action {
		case triage.ActDeferReq:
			t.deferred++
		case triage.ActDecline:
			t.declined++
		case triage.ActApprove:
			t.approved++
		}
		if e.HasActual {
			t.timed = append(t.timed, i)
		}
		if !Interrupts(d.Urgency) {
			continue
		}
		t.interrupts++
		if Interrupts(e.Urgency) {
			if e.Action == triage.ActApprove {
				t.interruptApproved++
			}
			continue
		}
		t.waited++
		t.waitUrgency[e.Urgency]++
		t.waitCategory[e.Category]++
		switch {
		case e.Inferred && e.Action == triage.ActDeferReq:
			t.waitDeferred++
		case e.Inferred && e.Action == triage.ActDecline:
			t.waitDeclined++
		default:
			t.waitLowered++
		}
	}
	return by
}

// actions proposes a new urgency for rules whose requests the team
// handled as less urgent than the rule says: a rule whose interrupts were
// mostly deferred, declined or lowered, in the rule's category (Waits), or
// whose requests were mostly declined (Declines). Rules in skip already
// have an edit.
func (m *miner) actions(skip map[string]bool) []Edit {
	var out []Edit
	for ri, r := range m.rules {
		t := m.byRule[r.Name]
		if t == nil || skip[r.Name] || r.Continue {
			continue
		}
		var e Edit
		switch {
		// Waits changes the urgency only; when the category is wrong too,
		// misfires retargets both.
		case Interrupts(r.Urgency) && t.waited >= m.so.MinSupport && 2*t.waited > t.interrupts &&
			2*(t.waitCategory[r.Category]+t.waitCategory[""]) > t.waited:
			u := classifier.P3
			if t.waitUrgency[classifier.P4] > t.waitUrgency[classifier.P3] {
				u = classifier.P4
			}
			e = Edit{Kind: Waits, Urgency: u, Fired: t.interrupts, Correct: t.interrupts - t.waited,
				Deferred: t.waitDeferred, Declined: t.waitDeclined, Lowered: t.waitLowered, Approved: t.interruptApproved}
		case r.Urgency != classifier.P4 && t.declined >= m.so.MinSupport && 2*t.declined > t.fired:
			e = Edit{Kind: Declines, Urgency: classifier.P4, Fired: t.fired, Correct: t.fired - t.declined,
				Deferred: t.deferred, Declined: t.declined, Approved: t.approved}
		default:
			continue
		}
		e.Rule, e.Category = r.Name, r.Category
		rules := slices.Clone(m.rules)
		rules[ri].Urgency = e.Urgency
		if e, ok := m.scored(e, rules, t.touched); ok {
			out = append(out, e)
		}
	}
	return out
}

// scored scores e, an edit of a rule's urgency only, whose edited rules
// are rules and which can change the decisions of touched only: its
// support is the items whose urgency it turns right, what it counts
// against those whose urgency it turns wrong. The category is another
// edit's to fix, so an item it leaves in the wrong category still
// supports it. It reports false when the edit has less support than
// MinSupport or does not make the rules better on the history.
func (m *miner) scored(e Edit, rules []classifier.Rule, touched []int) (Edit, bool) {
	after, fixed, broken, err := m.rescore(rules, touched, rightUrgency)
	if err != nil || fixed < m.so.MinSupport || !after.Better(m.before) {
		return e, false
	}
	e.Before, e.After, e.Support, e.Against, e.touched = m.before, after, fixed, broken, touched
	return e, true
}

func rightUrgency(e *Example, d classifier.Decision) bool { return d.Urgency == e.Urgency }

// estimates proposes, for each rule whose estimate is EstimateFactor or
// more off the median time spent on the requests it decided, that median
// as its estimate.
func (m *miner) estimates() []Edit {
	var out []Edit
	for _, r := range m.rules {
		t := m.byRule[r.Name]
		if t == nil || r.Continue || len(t.timed) < m.so.MinSupport {
			continue
		}
		spent := make([]float64, len(t.timed))
		for j, i := range t.timed {
			spent[j] = m.ex[i].Actual
		}
		med, _ := Median(spent)
		// Two decimals: an estimate is written by hand in the rules file.
		med = math.Round(med*100) / 100
		if med <= 0 {
			continue
		}
		old := r.Estimate
		now := old
		if now == 0 {
			now = m.so.DefaultEstimate
		}
		if now > 0 && max(med/now, now/med) < m.so.EstimateFactor {
			continue
		}
		e := Edit{Kind: Reestimate, Rule: r.Name, Urgency: r.Urgency, Category: r.Category,
			Estimate: med, OldEstimate: old, Timed: len(t.timed)}
		for _, i := range t.timed {
			was, is := math.Abs(now-m.ex[i].Actual), math.Abs(med-m.ex[i].Actual)
			switch {
			case is < was:
				e.Support++
			case is > was:
				e.Against++
			}
		}
		// The estimate is no condition: the rule decides the same requests
		// with it, now all estimated med, so nothing needs classifying again.
		after := m.before
		for _, i := range t.timed {
			d := m.pred[i]
			after.add(&m.ex[i], d, -1)
			d.Estimate = med
			after.add(&m.ex[i], d, 1)
		}
		if e.Support < m.so.MinSupport || !after.Better(m.before) {
			continue
		}
		e.Before, e.After, e.touched = m.before, after, t.timed
		out = append(out, e)
	}
	return out
}
