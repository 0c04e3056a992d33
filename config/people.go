package config

import (
	"fmt"
	"net/mail"
	"strings"

	"gopkg.in/yaml.v3"
)

// Person is one entry of the top-level `people:` directory: a Slack user
// and how other systems name them, for when Slack's users.lookupByEmail is
// not enough (the schedule's e-mail differs from Slack's, or the schedule
// names people only by name). Other systems' accounts (GitHub or GitLab
// login, PagerDuty or Jira account) are further fields of the same entry.
// File and Line locate the entry.
type Person struct {
	Slack string // user id, U...
	Email string // lowercased
	Name  string
	File  string
	Line  int
}

// people decodes `people:`: a list of mappings with `slack` and at least
// one of `email` and `name`.
func (d *decoder) people(n *yaml.Node) []Person {
	n = deref(n)
	if isNull(n) {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		d.errAt(n, "`people` must be a list of {slack, email, name}, got "+kindName(n), "for example people: [{slack: U0123ABCD, email: ann@example.com}]")
		return nil
	}
	var out []Person
	emails, names := map[string]int{}, map[string]int{}
	for _, it := range n.Content {
		p := Person{File: d.file, Line: it.Line}
		seen := d.fields(it, "a `people` entry", d.personFields(&p))
		if seen["slack"] == nil {
			d.errAt(it, "`people` entry has no `slack` user id", "add slack: U0123ABCD")
		}
		if seen["email"] == nil && seen["name"] == nil {
			d.errAt(it, "`people` entry needs `email` or `name` to match the schedule with", "add email: as the schedule has it")
		}
		if at, dup := emails[p.Email]; dup && p.Email != "" {
			d.errAt(seen["email"], fmt.Sprintf("e-mail %q is listed twice in `people` (first at line %d)", p.Email, at), "one entry per person")
		} else if p.Email != "" {
			emails[p.Email] = it.Line
		}
		if at, dup := names[strings.ToLower(p.Name)]; dup && p.Name != "" {
			d.errAt(seen["name"], fmt.Sprintf("name %q is listed twice in `people` (first at line %d)", p.Name, at), "one entry per person")
		} else if p.Name != "" {
			names[strings.ToLower(p.Name)] = it.Line
		}
		out = append(out, p)
	}
	return out
}

// personFields are the keys of a `people` entry; another system's account
// is one more key here and one more field of Person.
func (d *decoder) personFields(p *Person) map[string]func(*yaml.Node) {
	return map[string]func(*yaml.Node){
		"slack": func(v *yaml.Node) {
			parsed(d, "`slack`", v, &p.Slack, func(s string) (string, *problem) { return s, checkUser(s) })
		},
		"email": func(v *yaml.Node) {
			parsed(d, "`email`", v, &p.Email, func(s string) (string, *problem) {
				a, err := mail.ParseAddress(s)
				if err != nil || a.Address != s {
					return "", &problem{msg: fmt.Sprintf("must be an e-mail address such as ann@example.com, got %q", s)}
				}
				return strings.ToLower(s), nil
			})
		},
		"name": func(v *yaml.Node) { d.str("`name`", v, &p.Name) },
	}
}
