package config

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/sprintguard/sprintguard/internal/typo"
)

// users decodes user ids and "@handle"s; handles are checked against
// `groups:` once the whole file is read, since groups may come later.
func (d *decoder) users(label string, v *yaml.Node) []string {
	var out []string
	for _, it := range d.items(label, v) {
		if p := checkUserOrHandle(it.text); p != nil {
			d.report(it.node, label+" item", p)
			continue
		}
		if strings.HasPrefix(it.text, "@") {
			d.refs = append(d.refs, ref{d: d, node: it.node, kind: "group", name: it.text[1:]})
		}
		out = append(out, it.text)
	}
	return out
}

// teamRef decodes a rule's `team:`, checked once every team is read.
func (d *decoder) teamRef(v *yaml.Node, dst *string) {
	if d.str("`team`", v, dst) {
		d.refs = append(d.refs, ref{d: d, node: v, kind: "team", name: *dst})
	}
}

// positive decodes a duration that must be more than zero.
func (d *decoder) positive(label string, v *yaml.Node, dst *time.Duration) {
	if parsed(d, label, v, dst, parseDuration) && *dst <= 0 {
		d.errAt(v, label+" must be more than 0", "")
	}
}

// resolve checks the references collected while decoding.
func (l *loader) resolve(c *Config) {
	teams := map[string]bool{}
	var teamNames []string
	for _, t := range c.Teams {
		if t.Name != "" && !teams[t.Name] {
			teams[t.Name] = true
			teamNames = append(teamNames, t.Name)
		}
	}
	var groupNames []string
	for g := range c.Groups {
		groupNames = append(groupNames, g)
	}
	sort.Strings(groupNames)
	for _, r := range l.refs {
		switch r.kind {
		case "team":
			if teams[r.name] || len(c.Teams) == 0 {
				continue
			}
			r.d.errAt(r.node, fmt.Sprintf("`team` names unknown team `%s`", r.name), suggest(r.name, teamNames, "configured teams"))
		case "group":
			if _, ok := c.Groups[r.name]; ok {
				continue
			}
			hint := suggest(r.name, groupNames, "defined groups")
			if len(groupNames) == 0 {
				hint = fmt.Sprintf("define it under the top-level `groups:`, e.g. %s: [U0123ABCD]", r.name)
			}
			r.d.errAt(r.node, fmt.Sprintf("unknown group `@%s`", r.name), hint)
		}
	}
}

// suggest returns "did you mean `x`?" or the list of known names.
func suggest(name string, known []string, what string) string {
	if s := typo.Closest(name, known); s != "" {
		return fmt.Sprintf("did you mean `%s`?", s)
	}
	if len(known) == 0 {
		return ""
	}
	return what + ": " + strings.Join(known, ", ")
}
