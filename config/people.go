package config

import (
	"fmt"
	"regexp"
	"strings"

	"gopkg.in/yaml.v3"
)

// Person maps one Slack user to their accounts elsewhere: the trackers'
// logins, so that the on-call can be assigned there and a change made
// there can be told apart by who made it.
type Person struct {
	Slack  string // user id, U...
	Email  string
	Name   string
	GitHub string // GitHub login
	GitLab string // GitLab username
	Line   int    // the `- slack:` item's line, for `check --online`
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

// people decodes `people:`, a list of {slack, email, name, github, gitlab}.
func (d *decoder) people(n *yaml.Node) []Person {
	n = deref(n)
	if isNull(n) {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		d.errAt(n, "`people` must be a list, got "+kindName(n), "one `- slack: U0123ABCD` item per person")
		return nil
	}
	var out []Person
	first := map[string]int{}
	for _, item := range n.Content {
		p := Person{Line: deref(item).Line}
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
		seen := d.fields(item, "a person", map[string]func(*yaml.Node){
			"slack": func(v *yaml.Node) {
				parsed(d, "`slack`", v, &p.Slack, func(s string) (string, *problem) { return s, checkUser(s) })
			},
			"email":  func(v *yaml.Node) { d.str("`email`", v, &p.Email) },
			"name":   func(v *yaml.Node) { d.str("`name`", v, &p.Name) },
			"github": login("`github`", &p.GitHub),
			"gitlab": login("`gitlab`", &p.GitLab),
		})
		if seen["slack"] == nil {
			d.errAt(item, "a person has no `slack` user id", "add slack: U0123ABCD")
			continue
		}
		if line, dup := first[p.Slack]; dup {
			d.errAt(seen["slack"], fmt.Sprintf("`people` lists %s twice (first at line %d)", p.Slack, line), "")
			continue
		}
		first[p.Slack] = p.Line
		out = append(out, p)
	}
	return out
}
