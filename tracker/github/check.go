package github

import (
	"context"
	"errors"
	"fmt"
	"strings"

	gh "github.com/google/go-github/v93/github"

	"github.com/sprintguard/sprintguard/config"
	"github.com/sprintguard/sprintguard/triage"
)

// TeamRepo is a team's GitHub settings and where the config gives them
// (FILE:LINE), for Check.
type TeamRepo struct {
	Team string
	Repo config.GitHubRepo
	At   string
}

// Login is a people: login and where the config gives it.
type Login struct {
	Login string
	At    string
}

// Check asks GitHub whether what the config names works: the token, each
// team's repository (it exists, has issues, and the token may open,
// label and assign them there), its project's iteration field, and every
// people: login. It returns one sentence per problem, nothing when all is
// well. It may be called concurrently.
func (t *Tracker) Check(ctx context.Context, teams []TeamRepo, logins []Login) []string {
	var me *gh.User
	err := t.call(ctx, "get user", false, func(ctx context.Context) (*gh.Response, error) {
		var resp *gh.Response
		var err error
		me, resp, err = t.client.Users.Get(ctx, "")
		return resp, err
	})
	if err != nil {
		return []string{fmt.Sprintf("github: the token does not work at %s: %v (make a fine-grained token with Issues and Projects read and write)", t.opt.APIURL, err)}
	}
	var problems []string
	checked := map[string]bool{}
	for _, tr := range teams {
		if !checked[tr.Repo.Repo] {
			checked[tr.Repo.Repo] = true
			problems = append(problems, t.checkRepo(ctx, tr, me.GetLogin())...)
		}
		if p := tr.Repo.Project; p != "" && !checked["project "+p] {
			checked["project "+p] = true
			owner, user, number, _ := config.ParseProject(p)
			if _, err := t.project(ctx, p, owner, user, number, tr.Repo.IterationField); err != nil {
				problems = append(problems, fmt.Sprintf("%s: team %s: project %s: %v", tr.At, tr.Team, p, err))
			}
		}
	}
	for _, l := range logins {
		err := t.call(ctx, "get user "+l.Login, false, func(ctx context.Context) (*gh.Response, error) {
			_, resp, err := t.client.Users.Get(ctx, l.Login)
			return resp, err
		})
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s: people: GitHub has no user %q: %v (fix the login, or remove github:)", l.At, l.Login, err))
		}
	}
	return problems
}

func (t *Tracker) checkRepo(ctx context.Context, tr TeamRepo, me string) []string {
	owner, name := splitRepo(tr.Repo.Repo)
	var repo *gh.Repository
	var scopes string
	err := t.call(ctx, "get repo "+tr.Repo.Repo, false, func(ctx context.Context) (*gh.Response, error) {
		var resp *gh.Response
		var err error
		repo, resp, err = t.client.Repositories.Get(ctx, owner, name)
		if resp != nil {
			scopes = resp.Header.Get("X-OAuth-Scopes")
		}
		return resp, err
	})
	if err != nil {
		var hint string
		if triage.IsPermanent(err) && strings.Contains(err.Error(), "HTTP 404") {
			hint = fmt.Sprintf(" (it does not exist, or %s's token may not see it: grant the fine-grained token access to it)", me)
		}
		return []string{fmt.Sprintf("%s: team %s: repository %s: %v%s", tr.At, tr.Team, tr.Repo.Repo, errors.Unwrap(err), hint)}
	}
	var problems []string
	if !repo.GetHasIssues() {
		problems = append(problems, fmt.Sprintf("%s: team %s: repository %s has issues turned off (Settings, Features, Issues)", tr.At, tr.Team, tr.Repo.Repo))
	}
	// A classic token lists its scopes; a fine-grained one does not.
	if scopes != "" && !hasScope(scopes, "repo") && !(hasScope(scopes, "public_repo") && !repo.GetPrivate()) {
		problems = append(problems, fmt.Sprintf("%s: team %s: the token's scopes (%s) do not let it open issues in %s; give it repo, or use a fine-grained token with Issues read and write", tr.At, tr.Team, scopes, tr.Repo.Repo))
	}
	if p := repo.GetPermissions(); p != nil && !(p.GetTriage() || p.GetPush() || p.GetMaintain() || p.GetAdmin()) {
		problems = append(problems, fmt.Sprintf("%s: team %s: %s may open issues in %s but not label, assign or milestone them; give the token Issues read and write, and the user triage access", tr.At, tr.Team, me, tr.Repo.Repo))
	}
	return problems
}

func hasScope(list, scope string) bool {
	for _, s := range strings.Split(list, ",") {
		if strings.TrimSpace(s) == scope {
			return true
		}
	}
	return false
}
