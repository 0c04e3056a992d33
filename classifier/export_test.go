package classifier

// PlainRegexps returns a Set with the rules of s whose regexes run on every
// text that reaches them, with no prefilter and not split into alternatives: the plain regexp evaluation
// that the external tests compare s against.
func PlainRegexps(s *Set) *Set {
	p := &Set{rules: make([]compiledRule, len(s.rules)), defaultIdx: s.defaultIdx, terms: s.terms, vocab: s.vocab, starts: s.starts, words: s.words, lits: s.lits, litScan: s.litScan}
	copy(p.rules, s.rules)
	for i := range p.rules {
		p.rules[i].pre = prefilter{}
		p.rules[i].branches = nil
		p.rules[i].gate = nil
	}
	p.init()
	return p
}
