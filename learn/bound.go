package learn

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/sprintguard/sprintguard/classifier"
	"github.com/sprintguard/sprintguard/triage"
)

// boundTally is what the history says of the requests whose urgency one
// bound (urgency_at_least or urgency_at_most) moved.
type boundTally struct {
	// kept counts the moved requests the team left at the bound's
	// urgency, undone those it set back towards the deciding rule's.
	moved, kept, undone int
	touched             []int
}

// boundUndone reports whether u, the urgency people gave a request,
// undoes what the bound named by d's Modifier did: the bound raised the
// urgency and u is less urgent, or it lowered it and u is more urgent.
// A request set further the way the bound moved it was the deciding
// rule's mistake, not the bound's.
func boundUndone(d classifier.Decision, u classifier.Urgency) bool {
	switch {
	case d.Modifier == "":
		return false
	case d.Urgency < d.RuleUrgency: // raised: P1 is the lowest value
		return u > d.Urgency
	}
	return u < d.Urgency
}

// Blamed reports whether people overrode what the rules decided for r, as
// rules suggest counts it (see History): they changed its urgency or
// category, deferred an interrupt or declined it. It returns the rule
// they overrode: the bound that moved r's urgency when they set the
// urgency back from where the bound put it, else the rule that decided.
// The weekly report's rules that were overridden most count the same. It
// is safe to call concurrently.
func Blamed(r *triage.Request) (string, bool) {
	e := Labelled(r, nil)
	if !e.Overridden {
		return "", false
	}
	if boundUndone(r.Decision, e.Urgency) {
		return r.Decision.Modifier, true
	}
	return r.Decision.Rule, true
}

// tallyBound counts example i, whose urgency d's bound moved.
func (m *miner) tallyBound(i int, d classifier.Decision) {
	t := m.byBound[d.Modifier]
	if t == nil {
		t = &boundTally{}
		m.byBound[d.Modifier] = t
	}
	t.moved++
	t.touched = append(t.touched, i)
	switch u := m.ex[i].Urgency; {
	case u == d.Urgency:
		t.kept++
	case boundUndone(d, u):
		t.undone++
	}
}

// bounds proposes removing the urgency bound of a continue rule whose
// moves the team mostly undid, with the bound's precision on the requests
// it moved.
func (m *miner) bounds() []Edit {
	var out []Edit
	for ri, r := range m.rules {
		t := m.byBound[r.Name]
		if t == nil || t.undone < m.so.MinSupport || 2*t.undone <= t.moved {
			continue
		}
		rules := unbind(m.rules, ri)
		e := Edit{Kind: Unbound, Rule: r.Name, Urgency: cmp.Or(r.UrgencyAtLeast, r.UrgencyAtMost),
			Raises: r.UrgencyAtLeast != 0, RemoveRule: len(rules) < len(m.rules),
			Fired: t.moved, Correct: t.kept, Undone: t.undone}
		if e, ok := m.scored(e, rules, t.touched); ok {
			out = append(out, e)
		}
	}
	return out
}

// unbind returns a copy of rules with rule i's urgency bound taken off,
// and without rule i when the bound was all it set.
func unbind(rules []classifier.Rule, i int) []classifier.Rule {
	out := slices.Clone(rules)
	out[i].UrgencyAtLeast, out[i].UrgencyAtMost = 0, 0
	if out[i].SetsNothing() {
		return slices.Delete(out, i, i+1)
	}
	return out
}

// boundKey is the rules file's key of e's bound.
func boundKey(e Edit) string {
	if e.Raises {
		return "urgency_at_least"
	}
	return "urgency_at_most"
}

// describeUnbound is Describe for an Unbound edit.
func describeUnbound(e Edit) string {
	moved := "lowered"
	if e.Raises {
		moved = "raised"
	}
	fix := fmt.Sprintf("remove its %s: %s", boundKey(e), e.Urgency)
	if e.RemoveRule {
		fix = "remove the rule, which sets nothing else"
	}
	return fmt.Sprintf("bound `%s` misfires: it %s %d requests to %s; the team set %d of them back and kept %d there (precision %.0f%% on the requests it moved); %s",
		e.Rule, moved, e.Fired, e.Urgency, e.Undone, e.Correct, e.Precision(), fix)
}
