package classifier

import "slices"

// Categories returns the categories the set's rules can assign, sorted.
// A Set is immutable once built, so Categories is safe to call
// concurrently.
func (s *Set) Categories() []string {
	var out []string
	for _, r := range s.Rules() {
		if r.Category != "" && !slices.Contains(out, r.Category) {
			out = append(out, r.Category)
		}
	}
	slices.Sort(out)
	return out
}
