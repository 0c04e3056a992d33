package config

import (
	"fmt"
	"regexp"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/sprintguard/sprintguard/classifier"
	"github.com/sprintguard/sprintguard/internal/slackmarkup"
	"github.com/sprintguard/sprintguard/internal/typo"
)

// ruleList is a decoded list of rules and where it came from.
type ruleList struct {
	rules   []Rule
	file    string // resolved rules file, or "" for an inline list
	present bool   // a list was given, even if it had errors
}

// conditionKeys are the rule keys that restrict what a rule matches.
var conditionKeys = []string{"any", "all", "none", "regex", "type", "impact", "channel", "requester_in", "when", "needed_within"}

// ruleSource decodes the `rules_file:` or `rules:` of what (the top level or
// a team). A rules file named twice is read and checked once.
func (d *decoder) ruleSource(what string, fileKey, fileVal, inlineKey, inlineVal *yaml.Node) *ruleList {
	if fileKey != nil && inlineKey != nil {
		d.errAt(inlineKey, fmt.Sprintf("%s has both `rules_file` and `rules`", what), "use one of them: per-list `default: true` rules cannot be combined")
		return &ruleList{present: true}
	}
	if inlineKey != nil {
		list := &ruleList{present: true}
		list.rules = d.ruleItems(inlineKey, inlineVal)
		return list
	}
	if fileKey == nil {
		return &ruleList{}
	}
	var name string
	errs := len(d.errs)
	if !d.str("`rules_file`", fileVal, &name) {
		// An empty value, such as an unset ${RULES_FILE:-}, means no file.
		return &ruleList{present: len(d.errs) > errs}
	}
	path := d.resolvePath(name)
	if list, ok := d.files[path]; ok {
		return list
	}
	data, err := readFile(path)
	if err != nil {
		d.errAt(fileVal, fmt.Sprintf("cannot read rules file %q: %v", name, pathCause(err)), "paths are relative to the config file's directory")
		return &ruleList{present: true}
	}
	list := &ruleList{file: path, present: true}
	d.files[path] = list
	rd := &decoder{loader: d.loader, file: path}
	root := rd.readYAML(data)
	if root == nil {
		return list
	}
	if root.Kind == yaml.MappingNode {
		var key, val *yaml.Node
		seen := rd.fields(root, "a rules file", map[string]func(*yaml.Node){"rules": func(v *yaml.Node) { val = v }})
		if key = seen["rules"]; key == nil {
			rd.errAt(root, "rules file has no `rules:` list", "write a list of rules, or a mapping with a `rules:` key")
			return list
		}
		list.rules = rd.ruleItems(key, val)
		return list
	}
	list.rules = rd.ruleItems(root, root)
	return list
}

// ruleItems decodes a list of rules and checks the list as a whole: unique
// names and exactly one default rule. at locates errors about the list.
func (d *decoder) ruleItems(at, n *yaml.Node) []Rule {
	n = deref(n)
	if !isNull(n) && n.Kind != yaml.SequenceNode {
		d.errAt(n, "rules must be a list, got "+kindName(n), "one `- name: ...` item per rule")
		return nil
	}
	if isNull(n) {
		n = &yaml.Node{}
	}
	var rules []Rule
	names := map[string]int{}
	var def *Rule
	for _, item := range n.Content {
		r, ok := d.rule(deref(item))
		if !ok {
			continue
		}
		if item.Kind == yaml.AliasNode {
			r.Alias = item.Line
		}
		if line, dup := names[r.Name]; dup && r.Name != "" {
			d.errAt(item, fmt.Sprintf("rule name `%s` is used twice in this list (first at line %d)", r.Name, line), "rule names must be unique; reports and explanations use them")
		} else {
			names[r.Name] = r.Line
		}
		if r.Default {
			if def != nil {
				d.errAt(item, fmt.Sprintf("rule `%s` is a second `default: true` rule (the first is `%s` at line %d)", r.Name, def.Name, def.Line), "keep exactly one catch-all")
			} else {
				def = &r
			}
		}
		rules = append(rules, r)
	}
	if def == nil {
		d.errAt(at, "this rule list has no `default: true` rule", "add a last rule such as {name: fallback, default: true, urgency: P3}")
	}
	return rules
}

// rule decodes one rule. ok is false when n is not a mapping at all.
func (d *decoder) rule(n *yaml.Node) (Rule, bool) {
	if n.Kind != yaml.MappingNode {
		d.errAt(n, "a rule must be a mapping, got "+kindName(n), "for example {name: deploys, any: [deploy], urgency: P3}")
		return Rule{}, false
	}
	r := Rule{File: d.file, Line: n.Line}
	words := func(label string, dst *[]string) func(*yaml.Node) {
		return func(v *yaml.Node) { *dst = d.strs(label, v, nil) }
	}
	oneOf := func(label string, dst *[]string, choices []string) func(*yaml.Node) {
		return func(v *yaml.Node) {
			*dst = d.strs(label, v, func(s string) *problem { return oneOfProblem(s, choices) })
		}
	}
	urgency := func(label string, dst *string) func(*yaml.Node) {
		return func(v *yaml.Node) {
			if s, ok := d.text(label, v, "a single value"); ok {
				u, p := parseUrgency(s)
				if p != nil {
					d.errAt(v, p.msg, p.hint)
				}
				*dst = u
			}
		}
	}
	set := map[string]func(*yaml.Node){
		"name":             func(v *yaml.Node) { d.str("`name`", v, &r.Name) },
		"any":              words("`any`", &r.Any),
		"all":              words("`all`", &r.All),
		"none":             words("`none`", &r.None),
		"regex":            func(v *yaml.Node) { d.regex(v, &r.Regex) },
		"in":               oneOf("`in`", &r.In, classifier.InValues),
		"type":             oneOf("`type`", &r.Type, requestTypes),
		"impact":           oneOf("`impact`", &r.Impact, impacts),
		"channel":          func(v *yaml.Node) { r.Channel = d.channels(v) },
		"requester_in":     func(v *yaml.Node) { r.RequesterIn = d.users("`requester_in`", v) },
		"when":             func(v *yaml.Node) { d.choice("`when`", v, &r.When, whens...) },
		"needed_within":    func(v *yaml.Node) { d.positive("`needed_within`", v, &r.NeededWithin) },
		"urgency":          urgency("`urgency`", &r.Urgency),
		"urgency_at_least": urgency("`urgency_at_least`", &r.UrgencyAtLeast),
		"urgency_at_most":  urgency("`urgency_at_most`", &r.UrgencyAtMost),
		"category":         func(v *yaml.Node) { d.str("`category`", v, &r.Category) },
		"answer": func(v *yaml.Node) {
			if d.str("`answer`", v, &r.Answer) {
				d.answerLinks(v, r.Answer)
			}
		},
		"estimate": func(v *yaml.Node) {
			if r.HasEstimate = d.number("`estimate`", v, &r.Estimate); r.HasEstimate && r.Estimate < 0 {
				d.errAt(v, fmt.Sprintf("`estimate` must be 0 or more, got %g", r.Estimate), "")
			}
		},
		"labels":   words("`labels`", &r.Labels),
		"sla":      func(v *yaml.Node) { d.sla(v, &r.SLA) },
		"team":     func(v *yaml.Node) { d.teamRef(v, &r.Team) },
		"continue": func(v *yaml.Node) { d.boolean("`continue`", v, &r.Continue) },
		"default":  func(v *yaml.Node) { d.boolean("`default`", v, &r.Default) },
	}
	// A condition written as an empty list (any: []) tests nothing; it is
	// reported at its key, and the rule is judged as if it were absent.
	empty := map[string]bool{}
	for _, k := range conditionKeys {
		decode := set[k]
		set[k] = func(v *yaml.Node) {
			if e := deref(v); isNull(e) || e.Kind == yaml.SequenceNode && len(e.Content) == 0 {
				empty[k] = true
				d.errAt(v, fmt.Sprintf("`%s` is empty, so it is no condition", k), fmt.Sprintf("list what it must match, e.g. %s: [...], or remove the key", k))
				return
			}
			decode(v)
		}
	}
	seen := d.fields(n, "rule", set)
	name := r.Name
	if name == "" {
		d.errAt(n, "rule has no `name`", "every rule needs a unique name; requesters and reports see it")
		name = fmt.Sprintf("at line %d", n.Line)
	}
	var conds []string
	for _, k := range conditionKeys {
		if seen[k] != nil && !empty[k] {
			conds = append(conds, "`"+k+"`")
		}
	}
	switch {
	case r.Default && len(conds) > 0:
		d.errAt(seen["default"], fmt.Sprintf("default rule `%s` must have no conditions, has %s", name, strings.Join(conds, ", ")), "it is the catch-all; move the conditions to another rule")
	case r.Default && r.Continue:
		d.errAt(seen["continue"], fmt.Sprintf("default rule `%s` cannot `continue`", name), "it is the last word on urgency")
	case !r.Default && !r.Continue && len(conds) == 0 && len(empty) == 0:
		d.errAt(n, fmt.Sprintf("rule `%s` has no conditions, so it matches every request", name), "add a condition, or make it the catch-all with `default: true`")
	}
	if seen["urgency"] == nil && !r.Continue {
		d.errAt(n, fmt.Sprintf("rule `%s` has no `urgency`", name), "add urgency: P1, P2, P3 or P4, or `continue: true` to only add labels")
	}
	return r, true
}

// regex decodes a pattern that must compile as Go RE2.
func (d *decoder) regex(v *yaml.Node, dst *string) {
	s, ok := d.text("`regex`", v, "a string")
	if !ok {
		return
	}
	if _, err := regexp.Compile(s); err != nil {
		d.errAt(v, fmt.Sprintf("`regex` does not compile: %v", err), "the syntax is Go RE2; lookarounds and backreferences are not supported")
		return
	}
	*dst = s
}

// sla decodes `sla: {ack, resolve}`.
func (d *decoder) sla(v *yaml.Node, s *SLA) {
	seen := d.fields(v, "sla", map[string]func(*yaml.Node){
		"ack":     func(v *yaml.Node) { d.positive("`ack`", v, &s.Ack) },
		"resolve": func(v *yaml.Node) { d.positive("`resolve`", v, &s.Resolve) },
	})
	if s.Ack > 0 && s.Resolve > 0 && s.Resolve < s.Ack {
		d.errAt(seen["resolve"], fmt.Sprintf("`resolve` (%v) is shorter than `ack` (%v)", s.Resolve, s.Ack), "a request is acknowledged before it is resolved")
	}
}

// oneOfProblem checks s against a fixed vocabulary.
func oneOfProblem(s string, choices []string) *problem {
	for _, c := range choices {
		if s == c {
			return nil
		}
	}
	p := &problem{msg: fmt.Sprintf("must be one of %s, got %q", strings.Join(choices, ", "), s)}
	if c := typo.Closest(s, choices); c != "" {
		p.hint = fmt.Sprintf("did you mean `%s`?", c)
	}
	return p
}

// answerLinks reports markup in a rule's answer that the requester would
// see as the text it is written in (slackmarkup.Shown says which): the
// answer keeps only http(s) links and mentions of a channel, a person or
// a user group written with their Slack IDs.
func (d *decoder) answerLinks(v *yaml.Node, answer string) {
	for _, m := range slackmarkup.Markup.FindAllString(answer, -1) {
		if slackmarkup.Shown(m) {
			continue
		}
		switch target, _, _ := strings.Cut(m[1:len(m)-1], "|"); {
		case target == "!channel" || target == "!here" || target == "!everyone":
			d.errAt(v, fmt.Sprintf("`answer` mentions %q, which the answer shows as text so that it never notifies a whole channel", m),
				"name who can help with a user group, <!subteam^S…|@handle>, or leave the mention out")
		case strings.HasPrefix(target, "#") || strings.HasPrefix(target, "@") || strings.HasPrefix(target, "!"):
			d.errAt(v, fmt.Sprintf("`answer` mentions %q, which Slack would show as text", m),
				"write a mention with its Slack ID: <#C…|channel>, <@U…> or <!subteam^S…|@handle> (a channel's, person's or group's details in Slack show the ID)")
		default:
			d.errAt(v, fmt.Sprintf("`answer` links to %q, which is not an http(s) link", m),
				"only <https://…|label> links show as links in Slack; the answer would show this one as text")
		}
	}
}
