package config

import (
	"fmt"
	"strconv"
	"time"

	"gopkg.in/yaml.v3"
)

// JiraProject says where a team's tickets go in Jira. Every field is
// optional in a team's `jira:`; empty ones take tracker.jira's value.
type JiraProject struct {
	Project   string            // project key, e.g. OPS
	IssueType string            // e.g. Task
	Board     int               // Agile board whose active sprint takes accepted tickets; 0 = none
	Priority  map[string]string // urgency ("P1".."P4") -> Jira priority name
	Labels    []string          // extra labels on every ticket
}

// DefaultJiraPriority maps urgencies to the priorities every Jira Cloud
// site starts with.
var DefaultJiraPriority = map[string]string{"P1": "Highest", "P2": "High", "P3": "Medium", "P4": "Low"}

// JiraFor returns the team's Jira settings with tracker.jira's filled in
// for what the team leaves empty. It may be called concurrently.
func (c *Config) JiraFor(team string) JiraProject {
	j := c.Tracker.Jira.JiraProject
	if t, ok := c.Team(team); ok {
		tj := t.Jira
		if tj.Project != "" {
			j.Project = tj.Project
		}
		if tj.IssueType != "" {
			j.IssueType = tj.IssueType
		}
		if tj.Board != 0 {
			j.Board = tj.Board
		}
		if len(tj.Labels) > 0 {
			j.Labels = append(append([]string(nil), j.Labels...), tj.Labels...)
		}
		if len(tj.Priority) > 0 {
			merged := map[string]string{}
			for k, v := range j.Priority {
				merged[k] = v
			}
			for k, v := range tj.Priority {
				merged[k] = v
			}
			j.Priority = merged
		}
	}
	if len(j.Priority) == 0 {
		j.Priority = DefaultJiraPriority
	}
	return j
}

// jiraProject decodes the project fields shared by tracker.jira and a
// team's jira:, into set (which the caller extends with its own keys).
func (d *decoder) jiraProject(p *JiraProject, set map[string]func(*yaml.Node)) map[string]func(*yaml.Node) {
	set["project"] = func(v *yaml.Node) {
		parsed(d, "`project`", v, &p.Project, func(x string) (string, *problem) {
			if prefixRE.MatchString(x) {
				return x, nil
			}
			return "", &problem{msg: fmt.Sprintf("must be a Jira project key such as OPS, got %q", x)}
		})
	}
	set["issue_type"] = func(v *yaml.Node) { d.str("`issue_type`", v, &p.IssueType) }
	set["board"] = func(v *yaml.Node) {
		parsed(d, "`board`", v, &p.Board, func(x string) (int, *problem) {
			n, err := strconv.Atoi(x)
			if err != nil || n <= 0 {
				return 0, &problem{msg: fmt.Sprintf("must be a board id (a positive number), got %q", x), hint: "the number in the board's URL: .../boards/7"}
			}
			return n, nil
		})
	}
	set["labels"] = func(v *yaml.Node) { p.Labels = d.strs("`labels`", v, checkLabel) }
	set["priority"] = func(v *yaml.Node) { p.Priority = d.priorityMap(v) }
	return set
}

// priorityMap decodes `priority: {P1: Highest, ...}`.
func (d *decoder) priorityMap(n *yaml.Node) map[string]string {
	n = deref(n)
	if n.Kind != yaml.MappingNode {
		d.errAt(n, "`priority` must map urgencies to Jira priority names, got "+kindName(n), "for example priority: {P1: Highest, P2: High, P3: Medium, P4: Low}")
		return nil
	}
	out := map[string]string{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], deref(n.Content[i+1])
		switch k.Value {
		case "P1", "P2", "P3", "P4":
		default:
			d.errAt(k, fmt.Sprintf("`priority` key %q is not an urgency", k.Value), "use P1, P2, P3 or P4")
			continue
		}
		if v.Kind != yaml.ScalarNode || v.Value == "" {
			d.errAt(v, fmt.Sprintf("`priority.%s` must be a Jira priority name", k.Value), "for example Highest")
			continue
		}
		out[k.Value] = v.Value
	}
	return out
}

func checkLabel(s string) *problem {
	for _, r := range s {
		if r == ' ' || r == '\t' {
			return &problem{msg: fmt.Sprintf("Jira labels cannot hold spaces, got %q", s), hint: "use - or _ instead"}
		}
	}
	if s == "" {
		return &problem{msg: "a label cannot be empty"}
	}
	return nil
}

// teamJira decodes a team's `jira:`.
func (d *decoder) teamJira(n *yaml.Node, p *JiraProject) {
	d.fields(n, "jira", d.jiraProject(p, map[string]func(*yaml.Node){}))
}

// positiveDuration decodes a duration that must be above min.
func (d *decoder) durationAtLeast(label string, v *yaml.Node, dst *time.Duration, min time.Duration) {
	if parsed(d, label, v, dst, parseDuration) && *dst < min {
		d.errAt(v, fmt.Sprintf("%s must be at least %s", label, min), "")
		*dst = min
	}
}
