package jira

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"

	gojira "github.com/andygrunwald/go-jira"
)

// Check asks Jira whether what the config names exists: the credentials,
// each team's project and issue type, the priorities its urgencies map to,
// and its board. It returns one sentence per problem, nothing when all is
// well. It may be called concurrently.
func (t *Tracker) Check(ctx context.Context, teams []string) []string {
	var problems []string
	var me gojira.User
	if err := t.get(ctx, "rest/api/2/myself", &me); err != nil {
		return []string{fmt.Sprintf("jira: the credentials do not work at %s: %v (create an API token at https://id.atlassian.com/manage-profile/security/api-tokens for %s)", t.base, err, t.opt.User)}
	}
	var prios []gojira.Priority
	if err := t.get(ctx, "rest/api/2/priority", &prios); err != nil {
		problems = append(problems, fmt.Sprintf("jira: cannot list priorities: %v", err))
	}
	known := map[string]bool{}
	for _, p := range prios {
		known[p.Name] = true
	}
	projects := map[string]*gojira.Project{}
	for _, team := range teams {
		proj := t.opt.Projects(team)
		p, ok := projects[proj.Project]
		if !ok {
			p = new(gojira.Project)
			if err := t.get(ctx, "rest/api/2/project/"+proj.Project, p); err != nil {
				problems = append(problems, fmt.Sprintf("team %s: jira project %s: %v (check the key, and that %s may browse it)", team, proj.Project, err, t.opt.User))
				p = nil
			}
			projects[proj.Project] = p
		}
		if p != nil && !hasIssueType(p, proj.IssueType) {
			problems = append(problems, fmt.Sprintf("team %s: project %s has no issue type %q (it has %s)", team, proj.Project, proj.IssueType, issueTypes(p)))
		}
		if len(prios) > 0 {
			for _, u := range sortedKeys(proj.Priority) {
				if name := proj.Priority[u]; !known[name] {
					problems = append(problems, fmt.Sprintf("team %s: %s maps to priority %q, which Jira does not have (it has %s)", team, u, name, priorityNames(prios)))
				}
			}
		}
		if proj.Board != 0 {
			var b gojira.Board
			if err := t.get(ctx, fmt.Sprintf("rest/agile/1.0/board/%d", proj.Board), &b); err != nil {
				problems = append(problems, fmt.Sprintf("team %s: jira board %d: %v", team, proj.Board, err))
			} else if _, err := t.activeSprint(ctx, proj.Board); err != nil {
				problems = append(problems, fmt.Sprintf("team %s: sprints of board %d: %v (is it a scrum board?)", team, proj.Board, err))
			}
		}
	}
	return problems
}

func (t *Tracker) get(ctx context.Context, path string, v any) error {
	return t.call(ctx, "get "+path, func(ctx context.Context) (*gojira.Response, error) {
		req, err := t.client.NewRequestWithContext(ctx, "GET", path, nil)
		if err != nil {
			return nil, err
		}
		return t.do(req, v)
	})
}

func hasIssueType(p *gojira.Project, name string) bool {
	return slices.ContainsFunc(p.IssueTypes, func(it gojira.IssueType) bool { return strings.EqualFold(it.Name, name) })
}

func issueTypes(p *gojira.Project) string {
	var names []string
	for _, it := range p.IssueTypes {
		names = append(names, it.Name)
	}
	return strings.Join(names, ", ")
}

func priorityNames(ps []gojira.Priority) string {
	var names []string
	for _, p := range ps {
		names = append(names, p.Name)
	}
	return strings.Join(names, ", ")
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
