package config

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// Tracker kinds beyond local and Jira.
const (
	TrackerGitHub = "github"
	TrackerGitLab = "gitlab"
)

// trackerKinds lists every `kind:` a tracker may have.
var trackerKinds = []string{TrackerLocal, TrackerJira, TrackerGitHub, TrackerGitLab}

// GitHubTracker creates tickets as GitHub issues.
type GitHubTracker struct {
	Token  Secret
	APIURL string // REST API root ending in "/", e.g. https://api.github.com/
	// GitHubRepo holds the defaults for every team: repository and project.
	GitHubRepo
	// SyncEvery is how often changes made on GitHub are polled (>= 10s).
	SyncEvery time.Duration
	// WebhookSecret verifies X-Hub-Signature-256; empty disables the webhook.
	WebhookSecret Secret
	// Timeout bounds each call to GitHub (default 15s).
	Timeout time.Duration
}

// GitHubRepo says where a team's issues go on GitHub. Empty fields of a
// team's `github:` take tracker.github's value.
type GitHubRepo struct {
	Repo string // owner/name
	// Project is a Projects (v2) board, "ORG/NUMBER" or "users/LOGIN/NUMBER";
	// empty puts the sprint in a milestone instead.
	Project        string
	IterationField string // the project's iteration field (default "Iteration")
	Line           int    // line of `repo:`, for check --online
}

var (
	repoRE    = regexp.MustCompile(`^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/[A-Za-z0-9._-]{1,100}$`)
	projectRE = regexp.MustCompile(`^(?:users/)?[A-Za-z0-9][A-Za-z0-9-]{0,38}/[1-9][0-9]*$`)
)

// TrackerFor returns the tracker kind of team: its own `tracker:` when it
// sets one, tracker.kind otherwise. It may be called concurrently.
func (c *Config) TrackerFor(team string) string {
	if t, ok := c.Team(team); ok && t.Tracker != "" {
		return t.Tracker
	}
	return c.Tracker.Kind
}

// UsesTracker reports whether any team's tickets go to kind.
func (c *Config) UsesTracker(kind string) bool {
	if len(c.Teams) == 0 {
		return c.Tracker.Kind == kind
	}
	for _, t := range c.Teams {
		if c.TrackerFor(t.Name) == kind {
			return true
		}
	}
	return false
}

// GitHubFor returns the team's GitHub settings with tracker.github's filled
// in for what the team leaves empty. It may be called concurrently.
func (c *Config) GitHubFor(team string) GitHubRepo {
	g := c.Tracker.GitHub.GitHubRepo
	if t, ok := c.Team(team); ok {
		if t.GitHub.Repo != "" {
			g.Repo, g.Line = t.GitHub.Repo, t.GitHub.Line
		}
		if t.GitHub.Project != "" {
			g.Project = t.GitHub.Project
		}
		if t.GitHub.IterationField != "" {
			g.IterationField = t.GitHub.IterationField
		}
	}
	if g.IterationField == "" {
		g.IterationField = "Iteration"
	}
	return g
}

// ParseProject splits a Projects (v2) reference into its owner, whether
// the owner is a user, and the project number.
func ParseProject(s string) (owner string, user bool, number int, ok bool) {
	if !projectRE.MatchString(s) {
		return "", false, 0, false
	}
	if rest, isUser := strings.CutPrefix(s, "users/"); isUser {
		s, user = rest, true
	}
	owner, num, _ := strings.Cut(s, "/")
	number, _ = strconv.Atoi(num)
	return owner, user, number, true
}

func checkRepo(s string) (string, *problem) {
	if repoRE.MatchString(s) && !strings.HasSuffix(s, ".git") {
		return s, nil
	}
	return "", &problem{msg: fmt.Sprintf("must be a repository as owner/name, got %q", s), hint: "for example acme/ops, as in https://github.com/acme/ops"}
}

func checkProject(s string) (string, *problem) {
	if _, _, _, ok := ParseProject(s); ok {
		return s, nil
	}
	return "", &problem{msg: fmt.Sprintf("must be a project as ORG/NUMBER or users/LOGIN/NUMBER, got %q", s), hint: "the owner and number in the project's URL: github.com/orgs/acme/projects/5 is acme/5"}
}

// githubRepo decodes the fields shared by tracker.github and a team's
// github:, into set (which the caller extends with its own keys).
func (d *decoder) githubRepo(g *GitHubRepo, set map[string]func(*yaml.Node)) map[string]func(*yaml.Node) {
	set["repo"] = func(v *yaml.Node) {
		if parsed(d, "`repo`", v, &g.Repo, checkRepo) {
			g.Line = deref(v).Line
		}
	}
	set["project"] = func(v *yaml.Node) { parsed(d, "`project`", v, &g.Project, checkProject) }
	set["iteration_field"] = func(v *yaml.Node) { d.str("`iteration_field`", v, &g.IterationField) }
	return set
}

// githubTracker decodes tracker.github.
func (d *decoder) githubTracker(n *yaml.Node, g *GitHubTracker) {
	d.fields(n, "tracker.github", d.githubRepo(&g.GitHubRepo, map[string]func(*yaml.Node){
		"token": func(v *yaml.Node) { d.secret("`token`", v, &g.Token) },
		"api_url": func(v *yaml.Node) {
			if parsed(d, "`api_url`", v, &g.APIURL, func(x string) (string, *problem) { return x, checkURL(x) }) &&
				!strings.HasSuffix(g.APIURL, "/") {
				g.APIURL += "/"
			}
		},
		"sync_every":     func(v *yaml.Node) { d.durationAtLeast("`sync_every`", v, &g.SyncEvery, 10*time.Second) },
		"webhook_secret": func(v *yaml.Node) { d.secret("`webhook_secret`", v, &g.WebhookSecret) },
		"timeout":        func(v *yaml.Node) { d.durationAtLeast("`timeout`", v, &g.Timeout, time.Second) },
	}))
}

// teamGitHub decodes a team's `github:`.
func (d *decoder) teamGitHub(n *yaml.Node, g *GitHubRepo) {
	d.fields(n, "github", d.githubRepo(g, map[string]func(*yaml.Node){}))
}

// defaultGitHub is tracker.github before the file is read.
func defaultGitHub() GitHubTracker {
	return GitHubTracker{APIURL: "https://api.github.com/", SyncEvery: time.Minute, Timeout: 15 * time.Second}
}

// checkGitHub reports what teams on GitHub need but lack: a token and a
// repository. It is CheckTracker's GitHub part.
func (c *Config) checkGitHub() Errors {
	if !c.UsesTracker(TrackerGitHub) {
		return nil
	}
	var errs Errors
	if !c.Tracker.GitHub.Token.IsSet() {
		errs = append(errs, Error{File: c.Path, Line: c.Tracker.Line, Msg: "tracker `github` needs `github.token`",
			Hint: "a fine-grained token with Issues read/write: token: ${GITHUB_TOKEN}, and export GITHUB_TOKEN"})
	}
	for _, t := range c.Teams {
		if c.TrackerFor(t.Name) == TrackerGitHub && c.GitHubFor(t.Name).Repo == "" {
			errs = append(errs, Error{File: t.File, Line: t.Line, Msg: fmt.Sprintf("team `%s` keeps tickets on GitHub but names no repository", t.Name),
				Hint: "add github: {repo: owner/name} to the team, or repo: to tracker.github"})
		}
	}
	return errs
}
