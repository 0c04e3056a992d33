package classifier

import "slices"

// decide builds the Decision of rule r, merging the continue rules in sc.
func (s *Set) decide(r *compiledRule, in *Input, sc *scratch, match []byte) Decision {
	d := Decision{
		Urgency:  r.rule.Urgency,
		Category: r.rule.Category,
		Estimate: r.rule.Estimate,
		SLA:      r.rule.SLA,
		Team:     r.rule.Team,
		Rule:     r.rule.Name,
		Default:  r.rule.Default,
		Answer:   r.rule.Answer,
	}
	if d.Answer != "" {
		d.AnswerRule = d.Rule
	}
	if !d.Default {
		d.Matched = r.matched(in, sc, match)
	}
	if len(sc.cont) == 0 {
		d.Labels = slices.Clone(r.labels)
		return d
	}
	d.Also = make([]string, 0, len(sc.cont))
	for _, i := range sc.cont {
		c := &s.rules[i]
		d.Also = append(d.Also, c.rule.Name)
		d.Labels = appendNew(d.Labels, c.labels)
		if d.Category == "" {
			d.Category = c.rule.Category
		}
		if d.Estimate == 0 {
			d.Estimate = c.rule.Estimate
		}
		if d.SLA.Ack == 0 {
			d.SLA.Ack = c.rule.SLA.Ack
		}
		if d.SLA.Resolve == 0 {
			d.SLA.Resolve = c.rule.SLA.Resolve
		}
		if d.Team == "" {
			d.Team = c.rule.Team
		}
		if d.Answer == "" && c.rule.Answer != "" {
			d.Answer, d.AnswerRule = c.rule.Answer, c.rule.Name
		}
	}
	d.Labels = appendNew(d.Labels, r.labels)
	s.bound(&d, sc.cont)
	return d
}

// bound applies the urgency_at_least and urgency_at_most of the continue
// rules cont to d. The tightest bound of each kind counts, the first rule
// to state it names it. When a floor and a cap contradict each other the
// floor wins, because hiding a blocker costs more than an extra
// interrupt; so at most one rule moves the urgency, and the explanation
// can name it. That rule's SLA targets, if it has any, replace the
// deciding rule's.
func (s *Set) bound(d *Decision, cont []int) {
	var floor, limit *Rule
	for _, i := range cont {
		r := &s.rules[i].rule
		if u := r.UrgencyAtLeast; u != 0 && (floor == nil || u < floor.UrgencyAtLeast) {
			floor = r
		}
		if u := r.UrgencyAtMost; u != 0 && (limit == nil || u > limit.UrgencyAtMost) {
			limit = r
		}
	}
	var by *Rule
	u := d.Urgency
	switch {
	case floor != nil && u > floor.UrgencyAtLeast:
		by, u = floor, floor.UrgencyAtLeast
	case limit != nil && u < limit.UrgencyAtMost && (floor == nil || limit.UrgencyAtMost <= floor.UrgencyAtLeast):
		by, u = limit, limit.UrgencyAtMost
	}
	if by == nil {
		return
	}
	d.Modifier, d.RuleUrgency, d.Urgency = by.Name, d.Urgency, u
	// The deciding rule's targets were set for the urgency it decided;
	// the bound's own, where it has them, fit the one it set.
	if by.SLA.Ack != 0 {
		d.SLA.Ack = by.SLA.Ack
	}
	if by.SLA.Resolve != 0 {
		d.SLA.Resolve = by.SLA.Resolve
	}
}

func appendNew(dst, src []string) []string {
	for _, l := range src {
		if !slices.Contains(dst, l) {
			dst = append(dst, l)
		}
	}
	return dst
}

// appendPhrase appends p to out unless out has it in any case.
func appendPhrase(out []string, p string) []string {
	if foldIndex(out, p) >= 0 {
		return out
	}
	return append(out, p)
}

// matched lists what made r match, for the explanation, each phrase once:
// a keyword that is also in all, or that the regex matched too, would
// otherwise read "matched 'can't merge' and 'can't merge'".
func (r *compiledRule) matched(in *Input, sc *scratch, match []byte) []string {
	// Sized once, for the most it can hold, so that appending does not
	// allocate again as it grows.
	n := len(r.all)
	for _, t := range r.any {
		if sc.has(t.id, r.in) {
			n++
		}
	}
	for _, ok := range [...]bool{match != nil, len(r.types) > 0, len(r.impacts) > 0, len(r.chanIDs)+len(r.chanNames) > 0,
		r.byRequester, r.when != whenAny, r.rule.NeededWithin > 0} {
		if ok {
			n++
		}
	}
	out := make([]string, 0, n)
	for _, t := range r.any {
		if sc.has(t.id, r.in) {
			out = appendPhrase(out, t.text)
		}
	}
	for _, t := range r.all {
		out = appendPhrase(out, t.text)
	}
	if match != nil {
		out = appendPhrase(out, shorten(string(match)))
	}
	if i := foldIndex(r.types, in.Type); i >= 0 {
		out = append(out, "type="+r.types[i])
	}
	if i := foldIndex(r.impacts, in.Impact); i >= 0 {
		out = append(out, "impact="+r.impacts[i])
	}
	if c := r.channel(in); c != "" {
		out = append(out, "channel="+c)
	}
	if e, ok := r.requesters[in.Requester]; ok {
		out = append(out, "requester="+e)
	}
	switch r.when {
	case whenBusiness:
		out = append(out, "business_hours")
	case whenAfter:
		out = append(out, "after_hours")
	}
	if w := r.rule.NeededWithin; w > 0 {
		out = append(out, "needed_within="+formatDuration(w))
	}
	return out
}
