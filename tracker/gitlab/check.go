package gitlab

import (
	"context"
	"fmt"

	gl "gitlab.com/gitlab-org/api/client-go/v2"
)

// TeamProject is a team's project and where the config names it.
type TeamProject struct {
	Team, Project, At string
}

// Login is a people: username and where the config gives it.
type Login struct {
	Login, At string
}

// Check asks GitLab whether what the config names works: the token, each
// team's project (it exists, has issues, and the token's user may open
// and label them: Planner, Reporter or more), and every people: username.
// It returns one sentence per problem. It may be called concurrently.
func (t *Tracker) Check(ctx context.Context, teams []TeamProject, logins []Login) []string {
	var me *gl.User
	err := t.call(ctx, "current user", false, func(o ...gl.RequestOptionFunc) (*gl.Response, error) {
		var resp *gl.Response
		var err error
		me, resp, err = t.client.Users.CurrentUser(o...)
		return resp, err
	})
	if err != nil {
		return []string{fmt.Sprintf("gitlab: the token does not work at %s: %v (make a token with the api scope)", t.opt.URL, err)}
	}
	var problems []string
	checked := map[string]bool{}
	for _, tp := range teams {
		if checked[tp.Project] {
			continue
		}
		checked[tp.Project] = true
		var p *gl.Project
		err := t.call(ctx, "get project "+tp.Project, false, func(o ...gl.RequestOptionFunc) (*gl.Response, error) {
			var resp *gl.Response
			var err error
			p, resp, err = t.client.Projects.GetProject(tp.Project, nil, o...)
			return resp, err
		})
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s: team %s: project %s: %v (it does not exist, or %s may not see it)", tp.At, tp.Team, tp.Project, err, me.Username))
			continue
		}
		if !p.IssuesEnabled {
			problems = append(problems, fmt.Sprintf("%s: team %s: project %s has issues turned off", tp.At, tp.Team, tp.Project))
		}
		if level := accessLevel(p); level < gl.PlannerPermissions {
			problems = append(problems, fmt.Sprintf("%s: team %s: %s may not label or assign issues in %s (access level %d); give the token's user the Planner or Reporter role", tp.At, tp.Team, me.Username, tp.Project, level))
		}
	}
	for _, l := range logins {
		id, err := t.userID(ctx, l.Login)
		switch {
		case err != nil:
			problems = append(problems, fmt.Sprintf("%s: people: cannot look up GitLab user %q: %v", l.At, l.Login, err))
		case id == 0:
			problems = append(problems, fmt.Sprintf("%s: people: GitLab has no user %q (fix the username, or remove gitlab:)", l.At, l.Login))
		}
	}
	return problems
}

func accessLevel(p *gl.Project) gl.AccessLevelValue {
	var level gl.AccessLevelValue
	if p.Permissions == nil {
		return level
	}
	if a := p.Permissions.ProjectAccess; a != nil {
		level = a.AccessLevel
	}
	if a := p.Permissions.GroupAccess; a != nil && a.AccessLevel > level {
		level = a.AccessLevel
	}
	return level
}
