package classifier

import (
	"regexp"
	"slices"
	"strings"
	"sync"
)

// Set is a compiled rule set. It is immutable and safe for concurrent use
// by multiple goroutines.
type Set struct {
	rules      []compiledRule
	defaultIdx int
	terms      []term
	// index maps a term's first word to the terms starting with it, so a
	// text is scanned once whatever the number of rules.
	index   map[string][]int32
	scratch sync.Pool // *scratch
}

// compiledRule is a Rule prepared for evaluation.
type compiledRule struct {
	rule               Rule // as written, deep-copied, for Rules
	any, all, none     []termRef
	re                 *regexp.Regexp
	pre                prefilter // for re
	types, impacts     []string
	chanIDs, chanNames []string          // chanNames without '#'
	byRequester        bool              // whether requester_in was given
	requesters         map[string]string // user id -> requester_in entry that admits it
	when               uint8             // whenAny, whenBusiness or whenAfter
	labels             []string          // without duplicates
}

// termRef is a rule's use of a term: the shared id and the text as written.
type termRef struct {
	id   int32
	text string
}

const (
	whenAny = iota
	whenBusiness
	whenAfter
)

// scratch is per-call working memory, pooled so that classifying does not
// allocate in proportion to the text or the number of rules.
type scratch struct {
	tk     tokenizer
	seen   []uint64 // bit per term: found in the text
	raw    []byte   // summary + "\n" + details, for regexes
	hasRaw bool     // raw is built for this call
	cont   []int    // continue rules that matched
}

// maxPooledText keeps one huge request from pinning its buffers in the pool.
const maxPooledText = 64 << 10

func (s *Set) init() {
	words := (len(s.terms) + 63) / 64
	s.scratch.New = func() any { return &scratch{seen: make([]uint64, words)} }
}

// Rules returns a copy of the rules the Set was compiled from, in order. It
// may be called concurrently.
func (s *Set) Rules() []Rule {
	out := make([]Rule, len(s.rules))
	for i := range s.rules {
		out[i] = cloneRule(s.rules[i].rule)
	}
	return out
}

// Classify decides urgency and the other actions for in. The first matching
// rule without Continue decides; Continue rules matched before it add their
// labels and fill what it leaves empty; the default rule decides when no
// other rule matches. It may be called concurrently; each call borrows its
// working memory from a pool, so a steady stream of calls does not allocate
// beyond the Decision's own slices.
func (s *Set) Classify(in Input) Decision {
	sc := s.scratch.Get().(*scratch)
	defer s.release(sc)

	sc.tk.reset()
	sc.tk.feed(in.Summary)
	sc.tk.feed("\n")
	sc.tk.feed(in.Details)
	sc.tk.finish()
	clear(sc.seen)
	s.findTerms(sc)
	sc.hasRaw = false
	sc.cont = sc.cont[:0]

	for i := range s.rules {
		r := &s.rules[i]
		if i == s.defaultIdx || !r.holds(&in, sc) {
			continue
		}
		if r.re != nil && !r.pre.mayMatch(sc.tk.buf, sc.tk.longS) {
			continue
		}
		if r.rule.Continue {
			if r.re == nil || r.re.Match(sc.text(&in)) {
				sc.cont = append(sc.cont, i)
			}
			continue
		}
		var loc []int
		if r.re != nil {
			if loc = r.re.FindIndex(sc.text(&in)); loc == nil {
				continue
			}
		}
		return s.decide(r, &in, sc, loc)
	}
	return s.decide(&s.rules[s.defaultIdx], &in, sc, nil)
}

// text returns summary + "\n" + details, built at most once per call and
// only for requests that reach a regex.
func (sc *scratch) text(in *Input) []byte {
	if !sc.hasRaw {
		sc.raw = append(append(append(sc.raw[:0], in.Summary...), '\n'), in.Details...)
		sc.hasRaw = true
	}
	return sc.raw
}

func (s *Set) release(sc *scratch) {
	if cap(sc.tk.buf) > maxPooledText || cap(sc.raw) > maxPooledText {
		return
	}
	s.scratch.Put(sc)
}

// findTerms marks every term that occurs in the tokenized text.
func (s *Set) findTerms(sc *scratch) {
	for i := range sc.tk.words {
		ids, ok := s.index[string(sc.tk.word(i))]
		if !ok {
			continue
		}
		for _, id := range ids {
			if sc.has(id) {
				continue
			}
			if t := &s.terms[id]; len(t.words) == 1 || t.at(&sc.tk, i) {
				sc.seen[id/64] |= 1 << (id % 64)
			}
		}
	}
}

func (sc *scratch) has(id int32) bool { return sc.seen[id/64]&(1<<(id%64)) != 0 }

// holds evaluates every condition but the regex, cheapest first; the caller
// runs the regex, because only it knows whether the match text is needed.
func (r *compiledRule) holds(in *Input, sc *scratch) bool {
	if len(r.types) > 0 && foldIndex(r.types, in.Type) < 0 ||
		len(r.impacts) > 0 && foldIndex(r.impacts, in.Impact) < 0 ||
		len(r.chanIDs)+len(r.chanNames) > 0 && r.channel(in) == "" {
		return false
	}
	if r.byRequester {
		if _, ok := r.requesters[in.Requester]; !ok {
			return false
		}
	}
	switch r.when {
	case whenBusiness:
		if !in.BusinessHours {
			return false
		}
	case whenAfter:
		if in.BusinessHours {
			return false
		}
	}
	if w := r.rule.NeededWithin; w > 0 && (in.NeededBy.IsZero() || in.NeededBy.Sub(in.At) > w) {
		return false
	}
	for _, t := range r.all {
		if !sc.has(t.id) {
			return false
		}
	}
	for _, t := range r.none {
		if sc.has(t.id) {
			return false
		}
	}
	if len(r.any) == 0 {
		return true
	}
	for _, t := range r.any {
		if sc.has(t.id) {
			return true
		}
	}
	return false
}

// channel returns the channel entry that admits in, as written, or "".
func (r *compiledRule) channel(in *Input) string {
	for _, id := range r.chanIDs {
		if id == in.Channel {
			return id
		}
	}
	name := strings.TrimPrefix(in.ChannelName, "#")
	if i := foldIndex(r.chanNames, name); i >= 0 && name != "" {
		return "#" + r.chanNames[i]
	}
	return ""
}

func foldIndex(list []string, v string) int {
	return slices.IndexFunc(list, func(s string) bool { return strings.EqualFold(s, v) })
}
