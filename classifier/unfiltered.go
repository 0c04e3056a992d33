package classifier

// Unfiltered returns the names of the rules, in order, whose regex runs on
// every request because no literal in it rules a text out: the pattern has
// more literal leaves than a prefilter holds (maxLits) or is one literal-free
// alternative, and it is not split into branches (at most maxBranches
// top-level alternatives) or a gate that each have their own. Such a rule
// costs a full regex run per request, and a large one runs in regexp's
// slow NFA; splitting its alternatives over two rules makes each filtered
// again. It may be called concurrently.
func (s *Set) Unfiltered() []string {
	var out []string
	for i := range s.rules {
		if s.rules[i].re != nil && !s.rules[i].filtered() {
			out = append(out, s.rules[i].rule.Name)
		}
	}
	return out
}

// filtered reports whether r's regex runs only on texts that hold some of
// its literals.
func (r *compiledRule) filtered() bool {
	if r.pre.q.op != qAny {
		return true
	}
	pieces := []branch(r.gate)
	if r.branches != nil {
		pieces = r.branches
	}
	if len(pieces) == 0 {
		return false
	}
	for _, b := range pieces {
		if b.pre.q.op == qAny {
			return false
		}
	}
	return true
}
