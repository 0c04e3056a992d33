package config

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// GitLabTracker creates tickets as GitLab issues, on gitlab.com or a
// self-managed instance.
type GitLabTracker struct {
	Token Secret
	URL   string // the instance, e.g. https://gitlab.com/ or https://gitlab.acme.com/
	// GitLabProject holds the defaults for every team.
	GitLabProject
	// SyncEvery is how often changes made on GitLab are polled (>= 10s).
	SyncEvery time.Duration
	// WebhookSecret is the webhook's X-Gitlab-Token; empty disables it.
	WebhookSecret Secret
	// Timeout bounds each call to GitLab (default 15s).
	Timeout time.Duration
}

// GitLabProject says where a team's issues go on GitLab.
type GitLabProject struct {
	Project string // full path, group/subgroup/name
	Line    int    // line of `project:`, for check --online
}

var gitlabPathRE = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.-]*(?:/[A-Za-z0-9_][A-Za-z0-9_.-]*)+$`)

// GitLabFor returns the team's GitLab project, tracker.gitlab's when the
// team names none. It may be called concurrently.
func (c *Config) GitLabFor(team string) GitLabProject {
	g := c.Tracker.GitLab.GitLabProject
	if t, ok := c.Team(team); ok && t.GitLab.Project != "" {
		g = t.GitLab
	}
	return g
}

func checkGitLabPath(s string) (string, *problem) {
	if gitlabPathRE.MatchString(s) && !strings.HasSuffix(s, ".git") {
		return s, nil
	}
	return "", &problem{msg: fmt.Sprintf("must be a project path as group/name, got %q", s), hint: "for example acme/ops, as in https://gitlab.com/acme/ops"}
}

func (d *decoder) gitlabProject(g *GitLabProject, set map[string]func(*yaml.Node)) map[string]func(*yaml.Node) {
	set["project"] = func(v *yaml.Node) {
		if parsed(d, "`project`", v, &g.Project, checkGitLabPath) {
			g.Line = deref(v).Line
		}
	}
	return set
}

// gitlabTracker decodes tracker.gitlab.
func (d *decoder) gitlabTracker(n *yaml.Node, g *GitLabTracker) {
	d.fields(n, "tracker.gitlab", d.gitlabProject(&g.GitLabProject, map[string]func(*yaml.Node){
		"token": func(v *yaml.Node) { d.secret("`token`", v, &g.Token) },
		"url": func(v *yaml.Node) {
			if parsed(d, "`url`", v, &g.URL, func(x string) (string, *problem) { return x, checkURL(x) }) && !strings.HasSuffix(g.URL, "/") {
				g.URL += "/"
			}
		},
		"sync_every":     func(v *yaml.Node) { d.durationAtLeast("`sync_every`", v, &g.SyncEvery, 10*time.Second) },
		"webhook_secret": func(v *yaml.Node) { d.secret("`webhook_secret`", v, &g.WebhookSecret) },
		"timeout":        func(v *yaml.Node) { d.durationAtLeast("`timeout`", v, &g.Timeout, time.Second) },
	}))
}

// teamGitLab decodes a team's `gitlab:`.
func (d *decoder) teamGitLab(n *yaml.Node, g *GitLabProject) {
	d.fields(n, "gitlab", d.gitlabProject(g, map[string]func(*yaml.Node){}))
}

func defaultGitLab() GitLabTracker {
	return GitLabTracker{URL: "https://gitlab.com/", SyncEvery: time.Minute, Timeout: 15 * time.Second}
}

// checkGitLab reports what teams on GitLab need but lack: a token and a
// project.
func (c *Config) checkGitLab() Errors {
	if !c.UsesTracker(TrackerGitLab) {
		return nil
	}
	var errs Errors
	if !c.Tracker.GitLab.Token.IsSet() {
		errs = append(errs, Error{File: c.Path, Line: c.Tracker.Line, Msg: "tracker `gitlab` needs `gitlab.token`",
			Hint: "a personal, group or project access token with the api scope: token: ${GITLAB_TOKEN}, and export GITLAB_TOKEN"})
	}
	for _, t := range c.Teams {
		if c.TrackerFor(t.Name) == TrackerGitLab && c.GitLabFor(t.Name).Project == "" {
			errs = append(errs, Error{File: t.File, Line: t.Line, Msg: fmt.Sprintf("team `%s` keeps tickets on GitLab but names no project", t.Name),
				Hint: "add gitlab: {project: group/name} to the team, or project: to tracker.gitlab"})
		}
	}
	return errs
}
