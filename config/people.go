package config

import (
	"fmt"
	"net/mail"
	"regexp"
	"strings"

	"gopkg.in/yaml.v3"
)

// Person is one entry of the top-level `people:` directory: a Slack user
// and how other systems name them, for when Slack's users.lookupByEmail is
// not enough (the schedule's e-mail differs from Slack's, or the schedule
// names people only by name), and the trackers' logins, so that the on-call
// can be assigned there and a change made there can be told apart by who
// made it. File and Line locate the entry.
type Person struct {
	Slack  string // user id, U...
	Email  string // lowercased
	Name   string
	GitHub string // GitHub login
	GitLab string // GitLab username
	File   string
	Line   int
}

// loginRE is the form GitHub and GitLab logins share: letters, digits and
// single inner hyphens (GitLab also allows _ and .).
var loginRE = regexp.MustCompile(`^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,98}[A-Za-z0-9])?$`)

// PersonBySlack returns the person with Slack user id user. It may be
// called concurrently.
func (c *Config) PersonBySlack(user string) (Person, bool) {
	for _, p := range c.People {
		if p.Slack == user {
			return p, true
		}
	}
	return Person{}, false
}

// people decodes `people:`: a list of mappings with `slack` and at least
// one of `email`, `name`, `github` and `gitlab`.
func (d *decoder) people(n *yaml.Node) []Person {
	n = deref(n)
	if isNull(n) {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		d.errAt(n, "`people` must be a list of {slack, email, name, github, gitlab}, got "+kindName(n), "for example people: [{slack: U0123ABCD, email: ann@example.com}]")
		return nil
	}
	var out []Person
	slacks, emails, names := map[string]int{}, map[string]int{}, map[string]int{}
	for _, it := range n.Content {
		p := Person{File: d.file, Line: it.Line}
		seen := d.fields(it, "a `people` entry", d.personFields(&p))
		if seen["slack"] == nil {
			d.errAt(it, "`people` entry has no `slack` user id", "add slack: U0123ABCD")
		} else if at, dup := slacks[p.Slack]; dup {
			d.errAt(seen["slack"], fmt.Sprintf("`people` lists %s twice (first at line %d)", p.Slack, at), "one entry per person")
		} else {
			slacks[p.Slack] = it.Line
		}
		if seen["email"] == nil && seen["name"] == nil && seen["github"] == nil && seen["gitlab"] == nil {
			d.errAt(it, "`people` entry needs `email`, `name`, `github` or `gitlab` to match the other system with", "add email: as the schedule has it")
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
	login := func(label string, dst *string) func(*yaml.Node) {
		return func(v *yaml.Node) {
			parsed(d, label, v, dst, func(s string) (string, *problem) {
				s = strings.TrimPrefix(s, "@")
				if loginRE.MatchString(s) {
					return s, nil
				}
				return "", &problem{msg: fmt.Sprintf("must be a login such as octocat, got %q", s), hint: "the name in the profile's URL, without @"}
			})
		}
	}
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
		"name":   func(v *yaml.Node) { d.str("`name`", v, &p.Name) },
		"github": login("`github`", &p.GitHub),
		"gitlab": login("`gitlab`", &p.GitLab),
	}
}
