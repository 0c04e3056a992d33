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
	// vocab numbers every form of every word of the terms, and starts
	// lists by that number the terms whose first word has that form, so a
	// text is scanned once whatever the number of rules, and a phrase's
	// later words are compared by number.
	vocab  map[string]int32
	starts [][]int32
	words  wordFilter // of vocab's keys
	// lits are the literals of the regexes' prefilters, lower-cased; see
	// prefilter.
	lits    [][]byte
	litScan *litScanner // finds lits in a text in one pass
	scratch sync.Pool   // *scratch
}

// compiledRule is a Rule prepared for evaluation.
type compiledRule struct {
	rule               Rule // as written, deep-copied, for Rules
	any, all, none     []termRef
	anyMask, allMask   bitMask // of any and all, so that holds tests a list at once
	noneMask           bitMask // of none
	re                 *regexp.Regexp
	pre                prefilter // for re
	branches           []branch  // re split at its top-level |, or nil
	gate               gate      // for a large re without branches, or nil
	types, impacts     []string
	chanIDs, chanNames []string          // chanNames without '#'
	byRequester        bool              // whether requester_in was given
	requesters         map[string]string // user id -> requester_in entry that admits it
	when               uint8             // whenAny, whenBusiness or whenAfter
	in                 uint8             // inText, inCode or both: what words and regex see
	labels             []string          // without duplicates
}

// termRef is a rule's use of a term: the shared id and the text as written.
type termRef struct {
	id   int32
	text string
}

// What of a request's Text a rule's words and regex look at.
const (
	inText uint8 = 1 << iota
	inCode
)

const (
	whenAny = iota
	whenBusiness
	whenAfter
)

// scratch is per-call working memory, pooled so that classifying does not
// allocate in proportion to the text or the number of rules.
type scratch struct {
	tk tokenizer
	// seenText and seenCode hold a bit per term: found in the prose, found
	// in the code; seenBoth is found in either.
	seenText, seenCode, seenBoth []uint64
	// vocab is the vocab number of each word of tk, or -1.
	vocab []int32
	// raw is the normalized prose, "\n", then the code; see view.
	raw      []byte
	proseLen int
	code     []byte // the code, before it is appended to raw
	cont     []int  // continue rules that matched
	lits     litSeen
}

// maxPooledText keeps one huge request from pinning its buffers in the pool.
const maxPooledText = 64 << 10

func (s *Set) init() {
	words := (len(s.terms) + 63) / 64
	s.scratch.New = func() any {
		return &scratch{seenText: make([]uint64, words), seenCode: make([]uint64, words), seenBoth: make([]uint64, words)}
	}
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

	sc.normalize(&in)
	sc.tk.reset()
	sc.tk.feed(sc.raw[:sc.proseLen])
	sc.tk.finish()
	proseWords := len(sc.tk.words)
	sc.tk.feed([]byte{'\n'})
	sc.tk.feed(sc.raw[sc.proseLen+1:])
	sc.tk.finish()
	sc.vocab = s.number(sc.vocab[:0], &sc.tk)
	clear(sc.seenText)
	clear(sc.seenCode)
	s.findTerms(sc, 0, proseWords, sc.seenText)
	s.findTerms(sc, proseWords, len(sc.tk.words), sc.seenCode)
	for i := range sc.seenBoth {
		sc.seenBoth[i] = sc.seenText[i] | sc.seenCode[i]
	}
	sc.cont = sc.cont[:0]
	sc.lits.reset(len(s.lits))
	if len(s.lits) > 0 {
		s.litScan.scan(sc.tk.buf, sc.lits.found)
		sc.lits.knowAll()
	}

	for i := range s.rules {
		r := &s.rules[i]
		if i == s.defaultIdx || !r.holds(&in, sc) {
			continue
		}
		if r.rule.Continue {
			if r.re == nil {
				sc.cont = append(sc.cont, i)
			} else if _, ok := r.find(s, sc, sc.view(r.in), false); ok {
				sc.cont = append(sc.cont, i)
			}
			continue
		}
		var match []byte
		if r.re != nil {
			v := sc.view(r.in)
			loc, ok := r.find(s, sc, v, true)
			if !ok {
				continue
			}
			match = v[loc[0]:loc[1]]
		}
		return s.decide(r, &in, sc, match)
	}
	return s.decide(&s.rules[s.defaultIdx], &in, sc, nil)
}

// normalize builds raw from the summary and details: their prose joined by
// a line break, a line break, then their code.
func (sc *scratch) normalize(in *Input) {
	sc.raw, sc.code = appendNormalized(sc.raw[:0], sc.code[:0], in.Summary)
	sc.raw = append(sc.raw, '\n')
	sc.raw, sc.code = appendNormalized(sc.raw, sc.code, in.Details)
	sc.proseLen = len(sc.raw)
	sc.raw = append(append(sc.raw, '\n'), sc.code...)
}

// view is the text a rule's regex sees: the prose, the code, or both.
func (sc *scratch) view(in uint8) []byte {
	switch in {
	case inCode:
		return sc.raw[sc.proseLen+1:]
	case inText:
		return sc.raw[:sc.proseLen]
	}
	return sc.raw
}

func (s *Set) release(sc *scratch) {
	if cap(sc.tk.buf) > maxPooledText || cap(sc.raw) > maxPooledText {
		return
	}
	s.scratch.Put(sc)
}

// findTerms marks in seen every term that occurs in words [from, to) of
// the tokenized text; a phrase does not run past to.
func (s *Set) findTerms(sc *scratch, from, to int, seen []uint64) {
	for i := from; i < to; i++ {
		v := sc.vocab[i]
		if v < 0 {
			continue
		}
		for _, id := range s.starts[v] {
			if seen[id/64]&(1<<(id%64)) != 0 {
				continue
			}
			if t := &s.terms[id]; len(t.words) == 1 || t.at(&sc.tk, sc.vocab, i, to) {
				seen[id/64] |= 1 << (id % 64)
			}
		}
	}
}

// number appends to dst the vocab number of each word of tk, or -1.
func (s *Set) number(dst []int32, tk *tokenizer) []int32 {
	for i := range tk.words {
		v := int32(-1)
		if w := tk.word(i); s.words.mayHold(w) {
			if n, ok := s.vocab[string(w)]; ok {
				v = n
			}
		}
		dst = append(dst, v)
	}
	return dst
}

// seen returns the terms found in the parts of the text given by in.
func (sc *scratch) seen(in uint8) []uint64 {
	switch in {
	case inText:
		return sc.seenText
	case inCode:
		return sc.seenCode
	}
	return sc.seenBoth
}

// has reports whether term id occurs in the parts of the text given by in.
func (sc *scratch) has(id int32, in uint8) bool {
	return sc.seen(in)[id/64]&(1<<(id%64)) != 0
}

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
	seen := sc.seen(r.in)
	return r.allMask.all(seen) && !r.noneMask.any(seen) && (len(r.any) == 0 || r.anyMask.any(seen))
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
