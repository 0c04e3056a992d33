package config

import (
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"
)

// teams decodes `teams:` and checks what spans teams: unique names and
// intake channels that feed one team only.
func (d *decoder) teams(key, n *yaml.Node, shared *ruleList) []Team {
	n = deref(n)
	if key == nil || isNull(n) {
		d.errAt(key, "no teams are configured", "add a `teams:` list with at least one team")
		return nil
	}
	if n.Kind != yaml.SequenceNode || len(n.Content) == 0 {
		d.errAt(n, "`teams` must be a list of at least one team, got "+describeList(n), "one `- name: ...` item per team")
		return nil
	}
	var out []Team
	names := map[string]int{}
	intake := map[string]string{}
	for _, item := range n.Content {
		t, channels, ok := d.team(deref(item), shared)
		if !ok {
			continue
		}
		if line, dup := names[t.Name]; dup && t.Name != "" {
			d.errAt(item, fmt.Sprintf("team name `%s` is used twice (first at line %d)", t.Name, line), "team names must be unique")
		} else {
			names[t.Name] = t.Line
		}
		for _, c := range channels {
			if other, taken := intake[c.text]; taken && other != t.Name {
				d.errAt(c.node, fmt.Sprintf("intake channel %s already belongs to team `%s`", c.text, other), "a channel feeds one team; send requests elsewhere with a rule's `team:`")
				continue
			}
			intake[c.text] = t.Name
		}
		out = append(out, t)
	}
	return out
}

// describeList names what stood where a non-empty list was expected.
func describeList(n *yaml.Node) string {
	if n.Kind == yaml.SequenceNode {
		return "an empty list"
	}
	return kindName(n)
}

// team decodes one team. It returns the intake channel items for the
// cross-team check; ok is false when n is not a mapping.
func (d *decoder) team(n *yaml.Node, shared *ruleList) (Team, []item, bool) {
	if n.Kind != yaml.MappingNode {
		d.errAt(n, "a team must be a mapping, got "+kindName(n), "for example - name: platform")
		return Team{}, nil, false
	}
	t := defaultTeam()
	t.File, t.Line = d.file, n.Line
	var channels []item
	var rulesFile, rules *yaml.Node
	var rotationSet, sprintStart, capacity bool
	seen := d.fields(n, "team", map[string]func(*yaml.Node){
		"name": func(v *yaml.Node) {
			// An invalid name is kept so that references to it do not
			// produce a second error for the same mistake.
			if d.str("`name`", v, &t.Name) && !teamNameRE.MatchString(t.Name) {
				d.errAt(v, fmt.Sprintf("`name` must be lowercase letters, digits and -, got %q", t.Name), "for example platform or data-eng")
			}
		},
		"channel": func(v *yaml.Node) {
			parsed(d, "`channel`", v, &t.Channel, d.channelValue(v, UseTeam))
		},
		"timezone": func(v *yaml.Node) {
			if s, ok := d.text("`timezone`", v, "a string"); ok {
				loc, p := parseZone(s)
				if p != nil {
					d.errAt(v, p.msg, p.hint)
					return
				}
				t.Timezone, t.loc = s, loc
			}
		},
		"members":        func(v *yaml.Node) { t.Members = d.userList("`members`", v) },
		"leads":          func(v *yaml.Node) { t.Leads = d.userList("`leads`", v) },
		"business_hours": func(v *yaml.Node) { d.businessHours(v, &t.BusinessHours) },
		"intake":         func(v *yaml.Node) { channels = d.intake(v, &t.Intake) },
		"oncall":         func(v *yaml.Node) { rotationSet = d.oncall(v, &t.Oncall) },
		"sprint":         func(v *yaml.Node) { sprintStart, capacity = d.sprint(v, &t.Sprint) },
		"policy":         func(v *yaml.Node) { d.policy(v, &t.Policy) },
		"report":         func(v *yaml.Node) { d.reportSection(v, &t.Report) },
		"jira":           func(v *yaml.Node) { d.teamJira(v, &t.Jira) },
		"github":         func(v *yaml.Node) { d.teamGitHub(v, &t.GitHub) },
		"gitlab":         func(v *yaml.Node) { d.teamGitLab(v, &t.GitLab) },
		"tracker":        func(v *yaml.Node) { d.choice("`tracker`", v, &t.Tracker, trackerKinds...) },
		"rules_file":     func(v *yaml.Node) { rulesFile = v },
		"rules":          func(v *yaml.Node) { rules = v },
	})
	name := t.Name
	if seen["name"] == nil {
		d.errAt(n, "team has no `name`", "add name: followed by lowercase letters, digits and -")
		name = fmt.Sprintf("at line %d", n.Line)
	}
	if seen["timezone"] == nil {
		d.errAt(n, fmt.Sprintf("team `%s` has no `timezone`", name), "add an IANA zone such as timezone: Europe/Paris")
	}
	switch {
	case seen["oncall"] == nil:
		d.errAt(n, fmt.Sprintf("team `%s` has no `oncall`", name), "add oncall: {rotation: [U0123ABCD, ...]}")
	default:
		d.checkSource(name, seen["oncall"], &t.Oncall, rotationSet)
	}
	switch {
	case seen["sprint"] == nil:
		d.errAt(n, fmt.Sprintf("team `%s` has no `sprint`", name), "add sprint: {start: 2026-01-05, capacity: 40}")
	case !sprintStart && !capacity:
		d.errAt(seen["sprint"], fmt.Sprintf("team `%s` has no sprint `start` nor `capacity`", name), "add start: YYYY-MM-DD (any sprint's first day) and capacity: N")
	case !sprintStart:
		d.errAt(seen["sprint"], fmt.Sprintf("team `%s` has no sprint `start`", name), "add start: YYYY-MM-DD, any sprint's first day")
	case !capacity:
		d.errAt(seen["sprint"], fmt.Sprintf("team `%s` has no sprint `capacity`", name), "add capacity: N, in points or hours per sprint")
	}
	if t.Report.Channel == "" {
		t.Report.Channel = t.Channel
	}
	own := d.ruleSource(fmt.Sprintf("team `%s`", name), seen["rules_file"], rulesFile, seen["rules"], rules)
	switch {
	case own.present:
		t.Rules, t.RulesFile = own.rules, own.file
	case shared.present:
		t.Rules = append([]Rule(nil), shared.rules...)
	default:
		d.errAt(n, fmt.Sprintf("no rules for team %s", name), "add a `rules:` list with a `default: true` rule, or a top-level rules_file")
	}
	return t, channels, true
}

// userList decodes user ids and reports any listed twice.
func (d *decoder) userList(label string, v *yaml.Node) []string {
	var out []string
	first := map[string]int{}
	for _, it := range d.items(label, v) {
		if p := checkUser(it.text); p != nil {
			d.report(it.node, label+" item", p)
			continue
		}
		if line, dup := first[it.text]; dup {
			d.errAt(it.node, fmt.Sprintf("%s lists %s twice (first at line %d)", label, it.text, line), "")
			continue
		}
		first[it.text] = it.node.Line
		out = append(out, it.text)
	}
	return out
}

// reaction normalises an emoji name written with or without colons.
func reaction(s string) (string, *problem) {
	name := strings.Trim(s, ":")
	if emojiRE.MatchString(name) {
		return name, nil
	}
	return "", &problem{msg: fmt.Sprintf("must be an emoji name such as ticket, got %q", s), hint: "lowercase, without colons"}
}
