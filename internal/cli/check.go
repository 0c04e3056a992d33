package cli

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/sprintguard/sprintguard/bot"
	"github.com/sprintguard/sprintguard/tracker/jira"

	"github.com/sprintguard/sprintguard/config"
	"github.com/sprintguard/sprintguard/internal/app"
	"github.com/sprintguard/sprintguard/triage"

	"github.com/sprintguard/sprintguard/internal/plural"
)

func runCheck(ctx context.Context, env Env, args []string) int {
	fs, path := flags(env, "check")
	offline := fs.Bool("offline", false, "skip the Slack and tracker credential checks (for CI jobs that check rules without secrets)")
	online := fs.Bool("online", false, "also ask Slack and Jira whether the credentials, projects, issue types, priorities and boards exist")
	pos, err := parse(fs, args)
	if err != nil {
		return parseFailed(err)
	}
	if code := noArgs(env, "check", pos); code != ExitOK {
		return code
	}
	if *offline && *online {
		return usageError(env, "check", "give --offline or --online, not both")
	}
	// Offline, the secrets are elsewhere: an unset ${VAR} is a warning.
	cfg, warns, err := loadConfigWith(env, *path, config.Options{UnsetWarns: *offline, Partial: true})
	for _, w := range warns {
		fmt.Fprintf(env.Stderr, "%s\n", warning(w))
	}
	if err != nil {
		return printErrors(env, withDeeperErrors(cfg, err))
	}
	st, err := app.Settings(cfg)
	if err != nil {
		return printErrors(env, err)
	}
	creds := "credentials present"
	if *offline {
		creds = "credentials not checked (--offline)"
	} else if err := checkCredentials(cfg); err != nil {
		return printErrors(env, err)
	}
	if *online && !*offline {
		if problems := append(checkOnline(ctx, cfg), checkSchedules(ctx, env, cfg, st)...); len(problems) > 0 {
			for _, p := range problems {
				fmt.Fprintln(env.Stderr, p)
			}
			fmt.Fprintf(env.Stderr, "%s found\n", plural.Count(len(problems), "problem"))
			return ExitFail
		}
		creds = "credentials accepted by Slack and the tracker"
	}
	rules := 0
	for _, t := range st.Teams {
		rules += len(t.Rules.Rules())
	}
	fmt.Fprintf(env.Stdout, "%s: ok (%s, %s in effect, storage %s, tracker %s, slack %s mode, %s)\n",
		cfg.Path, plural.Count(len(st.Teams), "team"), plural.Count(rules, "rule"), cfg.Storage.Driver, cfg.Tracker.Kind, cfg.Slack.Mode, creds)
	for _, n := range unfilteredNotes(cfg, st) {
		fmt.Fprintln(env.Stdout, n)
	}
	if names := channelNamesOf(cfg); len(names) > 0 {
		// The check stays offline; the names are Slack's to know.
		fmt.Fprintf(env.Stdout, "note: %s written as #name (#%s): serve looks them up with conversations.list when it starts, and refuses a name it does not find where the bot listens or posts; channel ids skip the lookup\n",
			plural.Count(len(names), "channel"), strings.Join(names, ", #"))
	}
	return ExitOK
}

// checkOnline asks Slack and, with Jira configured, Jira whether what the
// config names works, and returns the problems as sentences.
func checkOnline(ctx context.Context, cfg *config.Config) []string {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	var problems []string
	gw := bot.NewGateway(slackClient(cfg.Slack), nil)
	if _, err := gw.AuthTest(ctx); err != nil {
		problems = append(problems, fmt.Sprintf("slack: the bot token does not work at %s: %v", cfg.Slack.APIURL, err))
	}
	if p := checkAppToken(ctx, cfg); p != "" {
		problems = append(problems, p)
	}
	problems = append(problems, checkGitHubOnline(ctx, cfg)...)
	problems = append(problems, checkGitLabOnline(ctx, cfg)...)
	if !cfg.UsesTracker(config.TrackerJira) {
		return problems
	}
	j := cfg.Tracker.Jira
	tr, err := jira.New(jira.Options{URL: j.URL, User: j.User, Token: j.Token, Projects: cfg.JiraFor, Timeout: j.Timeout})
	if err != nil {
		return append(problems, err.Error())
	}
	var teams []string
	for _, t := range cfg.Teams {
		if cfg.TrackerFor(t.Name) == config.TrackerJira {
			teams = append(teams, t.Name)
		}
	}
	return append(problems, tr.Check(ctx, teams)...)
}

// checkCredentials reports every secret or setting that serve would need
// and the config lacks, Slack's and the tracker's together, in line order.
// Load leaves this out so that the offline commands run without secrets.
func checkCredentials(cfg *config.Config) error {
	var all config.Errors
	for _, err := range []error{cfg.CheckSlack(), cfg.CheckTracker()} {
		if err == nil {
			continue
		}
		var ce config.Errors
		if !errors.As(err, &ce) {
			return err
		}
		all = append(all, ce...)
	}
	if len(all) == 0 {
		return nil
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].Line < all[j].Line })
	return all
}

// warning formats w as FILE:LINE: warning: msg (hint), the form editors
// and CI annotations tell from an error.
func warning(w config.Error) string {
	w.Msg = "warning: " + w.Msg
	return w.Error()
}

// loadSettings loads the config and builds triage's settings from it.
func loadSettings(env Env, path string) (*config.Config, *triage.Settings, error) {
	return loadSettingsWith(env, path, config.Options{})
}

// loadOfflineSettings is loadSettings for the commands that never connect
// to Slack or a tracker (classify, rules, replay, report): like `check
// --offline` they run where the secrets are not, such as a team's CI, and
// since they need none they say nothing about them. The caller reports
// an error with configFailed.
func loadOfflineSettings(env Env, path string) (*config.Config, *triage.Settings, error) {
	return loadSettingsWith(env, path, config.Options{CredentialsOptional: true})
}

func loadSettingsWith(env Env, path string, o config.Options) (*config.Config, *triage.Settings, error) {
	cfg, _, err := loadConfigWith(env, path, o)
	if err != nil {
		return nil, nil, err
	}
	st, err := app.Settings(cfg)
	if err != nil {
		return nil, nil, err
	}
	return cfg, st, nil
}

// configFailed prints err as printErrors does and returns ExitUsage: a
// config that does not load is the caller's mistake, and CI must tell it
// from a command's own failure (rules eval below --min-accuracy, a rules
// test case that fails), which is ExitFail.
func configFailed(env Env, err error) int {
	printErrors(env, err)
	return ExitUsage
}

// printErrors prints every config problem on its own FILE:LINE: line, or
// any other error once, and returns ExitFail.
func printErrors(env Env, err error) int {
	var ce config.Errors
	if !errors.As(err, &ce) {
		return fail(env, err)
	}
	for _, e := range ce {
		fmt.Fprintln(env.Stderr, e.Error())
	}
	fmt.Fprintf(env.Stderr, "%s found\n", plural.Count(len(ce), "problem"))
	return ExitFail
}

// unfilteredNotes names, once per rule and at its FILE:LINE, the rules
// whose regex runs on every request (classifier.Set.Unfiltered), with the
// teams that use them: a rule grown past what its literal prefilter holds
// still decides the same, but makes every request pay for its whole regex.
func unfilteredNotes(cfg *config.Config, st *triage.Settings) []string {
	var places []string
	teams := map[string][]string{}
	for _, t := range st.Teams {
		for _, name := range t.Rules.Unfiltered() {
			at := ruleAt(cfg, t.Name, name)
			if teams[at] == nil {
				places = append(places, at)
			}
			teams[at] = append(teams[at], t.Name)
		}
	}
	out := make([]string, 0, len(places))
	for _, at := range places {
		out = append(out, fmt.Sprintf("%s runs its regex on every request (team %s), since no word of it rules a text out: give it a literal word every match needs, or split its alternatives over two rules (a rule splits into at most 32)",
			at, strings.Join(teams[at], ", ")))
	}
	return out
}

// ruleAt is `FILE:LINE: note: rule "NAME"` for team's rule name, as
// config.Error places a problem, so that an editor can go to the rule.
func ruleAt(cfg *config.Config, team, name string) string {
	note := fmt.Sprintf("note: rule %q", name)
	if ct, ok := cfg.Team(team); ok {
		for _, r := range ct.Rules {
			if r.Name == name {
				return config.Error{File: cmp.Or(r.File, cfg.Path), Line: r.Line, Msg: note}.Error()
			}
		}
	}
	return cfg.Path + ": " + note
}
