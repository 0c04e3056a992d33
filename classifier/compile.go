package classifier

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"strings"
	"unicode"
)

// Compile checks rules and compiles them into a Set. It reports every
// problem at once as Errors, each naming the rule (index and name), the
// field and what to write instead. Exactly one rule must be the Default; it
// may appear anywhere but decides only when no other rule matched. Compile
// may be called concurrently; it does not keep rules or opt.
func Compile(rules []Rule, opt Options) (*Set, error) {
	c := &compiler{
		opt: opt,
		ids: map[string]int32{},
		set: &Set{vocab: map[string]int32{}, defaultIdx: -1},
	}
	names := map[string]int{}
	var defaults []int
	for i, r := range rules {
		c.set.rules = append(c.set.rules, c.rule(i, r))
		if key := strings.ToLower(strings.TrimSpace(r.Name)); key != "" {
			if j, dup := names[key]; dup {
				c.fail(i, r.Name, "name", fmt.Sprintf("%q is already the name of rules[%d]; give each rule its own name, since decisions and reports refer to rules by name", r.Name, j), nil)
			} else {
				names[key] = i
			}
		}
		if r.Default {
			defaults = append(defaults, i)
		}
	}
	switch len(defaults) {
	case 0:
		c.fail(-1, "", "default", "there is no default rule; add one without conditions, e.g. {name: default, default: true, urgency: P3}", nil)
	case 1:
		c.set.defaultIdx = defaults[0]
	default:
		for _, i := range defaults[1:] {
			c.fail(i, rules[i].Name, "default", fmt.Sprintf("rules[%d] is already the default; keep exactly one default rule and remove default: true here", defaults[0]), nil)
		}
	}
	if len(c.errs) > 0 {
		return nil, c.errs
	}
	c.set.lits = c.lits.list
	c.set.litScan = newLitScanner(c.set.lits)
	c.set.init()
	return c.set, nil
}

// compiler carries state while compiling one rule set.
type compiler struct {
	opt  Options
	set  *Set
	ids  map[string]int32 // term key -> index in set.terms
	lits literals         // of the regexes' prefilters
	errs Errors
}

func (c *compiler) fail(i int, name, field, msg string, err error) {
	c.errs = append(c.errs, &RuleError{Index: i, Name: name, Field: field, Msg: msg, Err: err})
}

// rule compiles and checks rule i. Problems are recorded, not returned, so
// that one bad field does not hide the next.
func (c *compiler) rule(i int, r Rule) compiledRule {
	fail := func(field, msg string, err error) { c.fail(i, r.Name, field, msg, err) }
	cr := compiledRule{rule: cloneRule(r), requesters: map[string]string{}}

	if strings.TrimSpace(r.Name) == "" {
		fail("name", "is empty; give every rule a name, e.g. name: deploy-blocked", nil)
	}
	cr.any = c.terms(fail, "any", r.Any)
	cr.all = c.terms(fail, "all", r.All)
	cr.none = c.terms(fail, "none", r.None)
	cr.anyMask, cr.allMask, cr.noneMask = termMask(cr.any), termMask(cr.all), termMask(cr.none)
	for _, a := range cr.all {
		if slices.ContainsFunc(cr.none, func(n termRef) bool { return n.id == a.id }) {
			fail("none", fmt.Sprintf("%q is also under all, so the rule can never match; remove it from one of them", a.text), nil)
		}
	}
	if r.Regex != "" {
		re, err := regexp.Compile(r.Regex)
		switch {
		case err != nil:
			fail("regex", fmt.Sprintf("cannot compile %q: %v; write RE2 syntax (no lookarounds or backreferences), e.g. \"(?i)disk (is )?full\"", r.Regex, err), err)
		case re.MatchString(""):
			fail("regex", fmt.Sprintf("%q matches empty text, so it matches every request; make it require at least one character", r.Regex), nil)
		default:
			cr.re, cr.pre, cr.branches = re, c.lits.prefilter(r.Regex), c.lits.branches(r.Regex)
			if cr.branches == nil {
				cr.gate = c.lits.gate(r.Regex)
			}
		}
	}
	cr.in = inParts(fail, r)
	cr.types = values(fail, "type", r.Type)
	cr.impacts = values(fail, "impact", r.Impact)
	c.channels(&cr, fail, r.Channel)
	c.requesters(&cr, fail, r.RequesterIn)
	switch strings.ToLower(strings.TrimSpace(r.When)) {
	case "":
	case "business_hours":
		cr.when = whenBusiness
	case "after_hours":
		cr.when = whenAfter
	default:
		fail("when", fmt.Sprintf("%q is not known; write business_hours or after_hours, or leave it out", r.When), nil)
	}
	if r.NeededWithin < 0 {
		fail("needed_within", fmt.Sprintf("%s is negative; write how close the deadline must be, e.g. 24h", formatDuration(r.NeededWithin)), nil)
	}
	c.actions(&cr, fail, r)
	return cr
}

// actions checks the rule's actions and how it relates to other rules.
func (c *compiler) actions(cr *compiledRule, fail func(string, string, error), r Rule) {
	switch {
	case r.Urgency != 0 && !r.Urgency.Valid():
		fail("urgency", fmt.Sprintf("%d is not an urgency; write P1, P2, P3 or P4", int(r.Urgency)), nil)
	case r.Continue && r.Urgency != 0:
		fail("urgency", "a continue rule never decides urgency; write urgency_at_least or urgency_at_most to raise or lower what another rule decides, or remove continue: true", nil)
	case !r.Continue && r.Urgency == 0:
		fail("urgency", "is missing; write urgency: P1, P2, P3 or P4 (or add continue: true to only add labels)", nil)
	}
	c.modifiers(fail, r)
	conds := hasConditions(r)
	switch {
	case r.Default && r.Continue:
		fail("continue", "the default rule cannot continue; remove continue: true", nil)
	case r.Default && conds:
		fail("default", "the default rule cannot have conditions; remove them, or remove default: true and add a separate default rule", nil)
	case !r.Default && !r.Continue && !conds:
		fail("", "has no conditions, so it matches every request and hides the rules after it; add a condition, or make it the default with default: true", nil)
	}
	if math.IsNaN(r.Estimate) || math.IsInf(r.Estimate, 0) || r.Estimate < 0 {
		fail("estimate", fmt.Sprintf("%v is not a usable estimate; write a number of budget units, e.g. 0.5, or leave it out", r.Estimate), nil)
	}
	if r.SLA.Ack < 0 {
		fail("sla.ack", "is negative; write a duration such as 15m", nil)
	}
	if r.SLA.Resolve < 0 {
		fail("sla.resolve", "is negative; write a duration such as 4h", nil)
	}
	if r.SLA.Ack > 0 && r.SLA.Resolve > 0 && r.SLA.Ack > r.SLA.Resolve {
		fail("sla.ack", fmt.Sprintf("%s is longer than sla.resolve %s; acknowledging comes before resolving", formatDuration(r.SLA.Ack), formatDuration(r.SLA.Resolve)), nil)
	}
	if r.Team != "" && strings.TrimSpace(r.Team) != r.Team {
		fail("team", fmt.Sprintf("%q has surrounding spaces; write %q", r.Team, strings.TrimSpace(r.Team)), nil)
	}
	for j, l := range r.Labels {
		field := fmt.Sprintf("labels[%d]", j)
		switch {
		case strings.TrimSpace(l) == "":
			fail(field, "is empty; remove it", nil)
		case strings.ContainsFunc(l, unicode.IsSpace):
			fail(field, fmt.Sprintf("%q contains spaces, which trackers such as Jira reject in labels; write %q", l, strings.Join(strings.Fields(l), "-")), nil)
		case !slices.Contains(cr.labels, l):
			cr.labels = append(cr.labels, l)
		}
	}
	if r.Continue && r.SetsNothing() {
		fail("continue", "the rule sets nothing; give it labels, category, estimate, sla, team, answer, urgency_at_least or urgency_at_most, or remove it", nil)
	}
}

// modifiers checks urgency_at_least and urgency_at_most. They bound what
// another rule decided, so only a continue rule has them, one per rule,
// and never a bound that every urgency already meets.
func (c *compiler) modifiers(fail func(string, string, error), r Rule) {
	for _, m := range []struct {
		field   string
		u, noop Urgency
		fix     string // what to write instead of the no-op bound
	}{
		{"urgency_at_least", r.UrgencyAtLeast, P4, "every request is at least P4; write P3, P2 or P1"},
		{"urgency_at_most", r.UrgencyAtMost, P1, "every request is at most P1; write P2, P3 or P4"},
	} {
		switch {
		case m.u == 0:
		case !m.u.Valid():
			fail(m.field, fmt.Sprintf("%d is not an urgency; write P1, P2, P3 or P4", int(m.u)), nil)
		case r.Default:
			fail(m.field, fmt.Sprintf("the default rule decides urgency, it does not bound it; remove %s", m.field), nil)
		case !r.Continue && r.Urgency != 0:
			fail(m.field, fmt.Sprintf("bounds the urgency another rule decides, but this rule decides it (urgency: %s); remove %s, or move it to a continue rule", r.Urgency, m.field), nil)
		case !r.Continue:
			fail(m.field, fmt.Sprintf("bounds the urgency another rule decides, so it needs continue: true; add continue: true, or write urgency: %s to decide it here", m.u), nil)
		case m.u == m.noop:
			fail(m.field, fmt.Sprintf("changes nothing, since %s, or remove it", m.fix), nil)
		}
	}
	if r.UrgencyAtLeast != 0 && r.UrgencyAtMost != 0 {
		fail("urgency_at_most", "the rule also has urgency_at_least; a rule either raises or lowers urgency, so split it into two continue rules", nil)
	}
}

// terms compiles a keyword list, sharing terms across rules.
func (c *compiler) terms(fail func(string, string, error), field string, list []string) []termRef {
	var refs []termRef
	for j, s := range list {
		t, err := parseTerm(s)
		if err != nil {
			fail(fmt.Sprintf("%s[%d]", field, j), err.Error(), nil)
			continue
		}
		key := t.key()
		id, ok := c.ids[key]
		if !ok {
			id = int32(len(c.set.terms))
			c.ids[key] = id
			t.formIDs = make([][]int32, len(t.forms))
			for k, forms := range t.forms {
				for _, f := range forms {
					v := c.number(f)
					t.formIDs[k] = append(t.formIDs[k], v)
					if k == 0 {
						c.set.starts[v] = append(c.set.starts[v], id)
					}
				}
			}
			c.set.terms = append(c.set.terms, t)
		}
		refs = append(refs, termRef{id: id, text: strings.TrimSpace(s)})
	}
	return refs
}

// number returns the vocab number of a word form, numbering it if new.
func (c *compiler) number(form string) int32 {
	v, ok := c.set.vocab[form]
	if !ok {
		v = int32(len(c.set.starts))
		c.set.vocab[form] = v
		c.set.starts = append(c.set.starts, nil)
		c.set.words.add(form)
	}
	return v
}

func termMask(refs []termRef) bitMask {
	ids := make([]int32, len(refs))
	for i, t := range refs {
		ids[i] = t.id
	}
	return maskOf(ids)
}

// InValues are the parts of a request's Text that a rule's `in` may name.
var InValues = []string{"text", "code"}

// inParts compiles the rule's In; empty means the prose only.
func inParts(fail func(string, string, error), r Rule) uint8 {
	if len(r.In) == 0 {
		return inText
	}
	var in uint8
	for j, v := range r.In {
		switch strings.ToLower(strings.TrimSpace(v)) {
		case "text":
			in |= inText
		case "code":
			in |= inCode
		default:
			fail(fmt.Sprintf("in[%d]", j), fmt.Sprintf("%q is not a part of a request; write text (what people wrote) or code (code blocks, inline code, pasted logs), e.g. in: [text, code]", v), nil)
		}
	}
	if len(r.Any)+len(r.All)+len(r.None) == 0 && r.Regex == "" {
		fail("in", "says where to look, but the rule has no any, all, none or regex; remove in, or add words", nil)
	}
	if in == 0 {
		return inText
	}
	return in
}

// values checks a list of modal field values.
func values(fail func(string, string, error), field string, list []string) []string {
	var out []string
	for j, v := range list {
		v = strings.TrimSpace(v)
		if v == "" {
			fail(fmt.Sprintf("%s[%d]", field, j), "is empty; remove it", nil)
			continue
		}
		out = append(out, v)
	}
	return out
}

func (c *compiler) channels(cr *compiledRule, fail func(string, string, error), list []string) {
	for j, v := range list {
		v = strings.TrimSpace(v)
		switch {
		case len(v) > 1 && v[0] == '#' && !strings.ContainsFunc(v[1:], func(r rune) bool { return r == '#' || unicode.IsSpace(r) }):
			cr.chanNames = append(cr.chanNames, v[1:])
		case isSlackID(v, "CGD"):
			cr.chanIDs = append(cr.chanIDs, v)
		default:
			fail(fmt.Sprintf("channel[%d]", j), fmt.Sprintf("%q is neither a channel id nor a #name; write an id like C0123ABCD or a name like #ops", v), nil)
		}
	}
}

func (c *compiler) requesters(cr *compiledRule, fail func(string, string, error), list []string) {
	cr.byRequester = len(list) > 0
	for j, v := range list {
		v = strings.TrimSpace(v)
		field := fmt.Sprintf("requester_in[%d]", j)
		switch {
		case isSlackID(v, "UW"):
			if _, ok := cr.requesters[v]; !ok {
				cr.requesters[v] = v
			}
		case len(v) > 1 && v[0] == '@':
			if c.opt.Groups == nil {
				continue // checked and resolved when Slack is reachable
			}
			members, ok := lookupGroup(c.opt.Groups, v[1:])
			if !ok {
				fail(field, fmt.Sprintf("user group %s is not in the workspace; write the handle as shown in Slack under People > User groups, or a user id like U0123ABCD", v), nil)
				continue
			}
			for _, m := range members {
				if _, ok := cr.requesters[m]; !ok {
					cr.requesters[m] = v
				}
			}
		default:
			fail(field, fmt.Sprintf("%q is neither a user id nor a user group; write an id like U0123ABCD or a handle like @platform-oncall", v), nil)
		}
	}
}

// lookupGroup finds a handle exactly, then ignoring case, as Slack does.
func lookupGroup(groups map[string][]string, handle string) ([]string, bool) {
	if m, ok := groups[handle]; ok {
		return m, true
	}
	for h, m := range groups {
		if strings.EqualFold(h, handle) {
			return m, true
		}
	}
	return nil, false
}

// GroupHandles returns the user-group handles (without '@') that rules
// refer to, sorted and without duplicates, so the caller knows which groups
// to fetch from Slack before calling Compile. It may be called concurrently.
func GroupHandles(rules []Rule) []string {
	var out []string
	for _, r := range rules {
		for _, v := range r.RequesterIn {
			v = strings.TrimSpace(v)
			if len(v) > 1 && v[0] == '@' {
				out = append(out, v[1:])
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// isSlackID reports whether s looks like a Slack id whose first letter is
// one of kinds, e.g. "C0123ABCD" for kinds "CGD".
func isSlackID(s, kinds string) bool {
	if len(s) < 2 || !strings.ContainsRune(kinds, rune(s[0])) {
		return false
	}
	for i := 1; i < len(s); i++ {
		if c := s[i]; (c < 'A' || c > 'Z') && (c < '0' || c > '9') {
			return false
		}
	}
	return true
}

func hasConditions(r Rule) bool {
	return len(r.Any)+len(r.All)+len(r.None)+len(r.Type)+len(r.Impact)+len(r.Channel)+len(r.RequesterIn) > 0 ||
		r.Regex != "" || r.When != "" || r.NeededWithin != 0
}

func cloneRule(r Rule) Rule {
	for _, s := range []*[]string{&r.Any, &r.All, &r.None, &r.In, &r.Type, &r.Impact, &r.Channel, &r.RequesterIn, &r.Labels} {
		*s = slices.Clone(*s)
	}
	return r
}
