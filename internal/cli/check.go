package cli

import (
	"context"
	"errors"
	"fmt"

	"github.com/sprintguard/sprintguard/config"
	"github.com/sprintguard/sprintguard/internal/app"
	"github.com/sprintguard/sprintguard/triage"
)

func runCheck(ctx context.Context, env Env, args []string) int {
	fs, path := flags(env, "check")
	if _, err := parse(fs, args); err != nil {
		return ExitUsage
	}
	cfg, st, err := loadSettings(env, *path)
	if err != nil {
		return printErrors(env, err)
	}
	rules := 0
	for _, t := range st.Teams {
		rules += len(t.Rules.Rules())
	}
	fmt.Fprintf(env.Stdout, "%s: ok (%d teams, %d rules in effect, tracker %s, slack %s mode)\n",
		cfg.Path, len(st.Teams), rules, cfg.Tracker.Kind, cfg.Slack.Mode)
	return ExitOK
}

// loadSettings loads the config and builds triage's settings from it.
func loadSettings(env Env, path string) (*config.Config, *triage.Settings, error) {
	cfg, err := loadConfig(env, path)
	if err != nil {
		return nil, nil, err
	}
	st, err := app.Settings(cfg)
	if err != nil {
		return nil, nil, err
	}
	return cfg, st, nil
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
	fmt.Fprintf(env.Stderr, "%d problem(s) found\n", len(ce))
	return ExitFail
}
