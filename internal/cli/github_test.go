package cli

import (
	"context"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sprintguard/sprintguard/bot/slackfake"
	"github.com/sprintguard/sprintguard/config"
	"github.com/sprintguard/sprintguard/examples"
	"github.com/sprintguard/sprintguard/internal/app"
	"github.com/sprintguard/sprintguard/store"
	"github.com/sprintguard/sprintguard/tracker/github/githubfake"
	"github.com/sprintguard/sprintguard/tracker/gitlab/gitlabfake"
	"github.com/sprintguard/sprintguard/tracker/jira/jirafake"
	"github.com/sprintguard/sprintguard/triage"
)

// mixedConfig is the example config with platform in Jira and data on
// GitHub, and the data rotation known on GitHub.
func mixedConfig(jiraURL, githubURL, dataRepo string) string {
	cfg := jiraTracker(jiraURL)(string(examples.Config))
	cfg = strings.Replace(cfg, "    project: OPS\n    timeout: 2s\n", "    project: OPS\n    timeout: 2s\n  github:\n    token: ${GITHUB_TOKEN}\n    api_url: "+githubURL+"\n    timeout: 2s\n", 1)
	cfg = strings.Replace(cfg, "  - name: data\n", "  - name: data\n    tracker: github\n    github: {repo: "+dataRepo+"}\n", 1)
	return cfg + "\npeople:\n  - {slack: U0DATA002, name: Dana, github: dana}\n  - {slack: U0DATA003, name: Dev, github: dev}\n"
}

func TestCheckOnlineGitHub(t *testing.T) {
	jf := jirafake.New(t)
	gf := githubfake.New(t, nil)
	gf.AddRepo("acme/data")
	gf.AddUser("dana")
	gf.AddUser("dev")
	sf := slackfake.New(t)
	dir := t.TempDir()
	slackURL := func(s string) string {
		return strings.Replace(s, "api_url: https://slack.com/api/", "api_url: "+sf.APIURL(), 1)
	}
	good := writeFile(t, dir, "good.yaml", slackURL(mixedConfig(jf.URL(), gf.URL(), "acme/data")))
	bad := writeFile(t, dir, "bad.yaml", strings.Replace(slackURL(mixedConfig(jf.URL(), gf.URL(), "acme/nope")), "github: dev}", "github: ghost}", 1))
	env := map[string]string{"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1", "JIRA_API_TOKEN": jirafake.Token, "GITHUB_TOKEN": githubfake.Token}
	if code, out, errs := runEnv(t, env, "check", "--online", "--config", good); code != ExitOK {
		t.Fatalf("good config: exit %d\n%s%s", code, out, errs)
	}
	code, _, errs := runEnv(t, env, "check", "--online", "--config", bad)
	for _, want := range []string{
		bad + ":", "team data: repository acme/nope", "does not exist, or sprintguard-bot's token may not see it",
		"people: GitHub has no user \"ghost\"",
	} {
		if !strings.Contains(errs, want) {
			t.Errorf("bad config: stderr lacks %q:\n%s", want, errs)
		}
	}
	if code != ExitFail {
		t.Errorf("bad config: exit %d", code)
	}
	gf.ReadOnly("acme/data")
	if code, _, errs := runEnv(t, env, "check", "--online", "--config", good); code != ExitFail || !strings.Contains(errs, "may open issues in acme/data but not label") {
		t.Errorf("read-only token: exit %d\n%s", code, errs)
	}
	env["GITHUB_TOKEN"] = "wrong"
	if code, _, errs := runEnv(t, env, "check", "--online", "--config", good); code != ExitFail || !strings.Contains(errs, "github: the token does not work") {
		t.Errorf("wrong token: exit %d\n%s", code, errs)
	}
}

// nobody is a Slack directory that knows no emails.
type nobody struct{}

func (nobody) Email(context.Context, string) (string, error)       { return "", nil }
func (nobody) UserByEmail(context.Context, string) (string, error) { return "", nil }

// Platform's tickets go to Jira and data's to GitHub, and export shows
// each with its key and link.
func TestMixedTrackers(t *testing.T) {
	// Mostly waiting on real time (the trackers' retries): it runs beside
	// the package's other waiting tests, not after them.
	t.Parallel()
	jf := jirafake.New(t)
	gf := githubfake.New(t, nil)
	gf.AddRepo("acme/data")
	gf.AddUser("dana")
	gf.AddUser("dev")
	dir := t.TempDir()
	src := strings.Replace(mixedConfig(jf.URL(), gf.URL(), "acme/data"), "  path: sprintguard.db", "  path: "+filepath.Join(dir, "sg.db"), 1)
	path := writeFile(t, dir, "sg.yaml", src)
	vars := map[string]string{"JIRA_API_TOKEN": jirafake.Token, "GITHUB_TOKEN": githubfake.Token}
	cfg, err := config.Load(path, func(k string) string { return vars[k] })
	if err != nil {
		t.Fatal(err)
	}
	st, err := app.Settings(cfg)
	if err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(cfg.Storage.Path, store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	now := func() time.Time { return time.Date(2026, 11, 23, 15, 0, 0, 0, time.UTC) }
	trs, err := buildTrackers(cfg, db, nobody{}, now, slog.New(slog.DiscardHandler), nil)
	if err != nil {
		t.Fatal(err)
	}
	svc := triage.NewService(db, st, now)
	svc.Silent = true
	w := &triage.Worker{Store: db, Now: now, Log: slog.New(slog.DiscardHandler), Handlers: svc.TicketHandlers(trs.main, trs.fallback)}
	ctx := context.Background()
	for i, in := range []triage.NewRequest{
		{Team: "platform", Channel: "C0PLATHELP", User: "U0PAY001", Summary: "checkout is down", TS: "1764000000.000001"},
		{Team: "data", Channel: "C0DATAHELP", User: "U0PAY001", Summary: "the nightly load is down", TS: "1764000000.000002"},
	} {
		if _, err := svc.Intake(ctx, in); err != nil {
			t.Fatalf("intake %d: %v", i, err)
		}
	}
	for range 10 {
		if _, err := w.RunOnce(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(jf.Issues()); n != 1 {
		t.Errorf("%d Jira issues, want 1 (platform's)", n)
	}
	gh := gf.Issues("acme/data")
	if len(gh) != 1 || len(gh[0].Assignees) != 1 {
		t.Fatalf("GitHub issues: %+v, want data's one, assigned", gh)
	}
	db.Close()
	code, out, errs := runEnv(t, vars, "export", "--config", path, "--format", "csv")
	if code != ExitOK {
		t.Fatalf("export: exit %d\n%s", code, errs)
	}
	for _, want := range []string{",OPS-1,", ",acme/data#1,", "/browse/OPS-1", "https://github.com/acme/data/issues/1"} {
		if !strings.Contains(out, want) {
			t.Errorf("export lacks %q:\n%s", want, out)
		}
	}
}

// check --online asks GitLab for data's project and the people's
// usernames.
func TestCheckOnlineGitLab(t *testing.T) {
	gf := gitlabfake.New(t, nil)
	gf.AddProject("acme/data")
	gf.AddUser("dana")
	sf := slackfake.New(t)
	dir := t.TempDir()
	cfg := strings.Replace(string(examples.Config), "api_url: https://slack.com/api/", "api_url: "+sf.APIURL(), 1)
	cfg = strings.Replace(cfg, "  kind: local\n", "  kind: local\n  gitlab: {token: \"${GITLAB_TOKEN}\", url: "+gf.URL()+", timeout: 2s}\n", 1)
	with := func(project, login string) string {
		c := strings.Replace(cfg, "  - name: data\n", "  - name: data\n    tracker: gitlab\n    gitlab: {project: "+project+"}\n", 1)
		return c + "\npeople:\n  - {slack: U0DATA002, gitlab: " + login + "}\n"
	}
	good := writeFile(t, dir, "good.yaml", with("acme/data", "dana"))
	bad := writeFile(t, dir, "bad.yaml", with("acme/nope", "ghost"))
	env := map[string]string{"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1", "GITLAB_TOKEN": gitlabfake.Token}
	if code, out, errs := runEnv(t, env, "check", "--online", "--config", good); code != ExitOK {
		t.Fatalf("good config: exit %d\n%s%s", code, out, errs)
	}
	code, _, errs := runEnv(t, env, "check", "--online", "--config", bad)
	for _, want := range []string{"team data: project acme/nope", "people: GitLab has no user \"ghost\"", bad + ":"} {
		if !strings.Contains(errs, want) {
			t.Errorf("bad config: stderr lacks %q:\n%s", want, errs)
		}
	}
	if code != ExitFail {
		t.Errorf("bad config: exit %d", code)
	}
	gf.Guest("acme/data")
	if code, _, errs := runEnv(t, env, "check", "--online", "--config", good); code != ExitFail || !strings.Contains(errs, "may not label or assign issues in acme/data") {
		t.Errorf("guest: exit %d\n%s", code, errs)
	}
}
