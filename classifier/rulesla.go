package classifier

// RuleSLAs calls fn with the urgency and SLA of each rule, in order. It
// copies nothing, where Rules copies every rule: intake asks for each
// request. It may be called concurrently.
func (s *Set) RuleSLAs(fn func(Urgency, SLA)) {
	for i := range s.rules {
		fn(s.rules[i].rule.Urgency, s.rules[i].rule.SLA)
	}
}
