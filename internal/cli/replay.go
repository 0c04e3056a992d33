package cli

import (
	"context"
	"fmt"

	"github.com/sprintguard/sprintguard/replay"
	"github.com/sprintguard/sprintguard/slackexport"
)

func runReplay(ctx context.Context, env Env, args []string) int {
	fs, path := flags(env, "replay")
	export := fs.String("export", "", "the Slack export: a `DIR` or a .zip file")
	format := fs.String("format", "text", "text or json")
	out := fs.String("o", "", "write to `FILE` instead of stdout")
	if _, err := parse(fs, args); err != nil {
		return ExitUsage
	}
	if *export == "" {
		fmt.Fprintln(env.Stderr, "sprintguard replay: --export DIR|ZIP is required (a Slack workspace export)")
		return ExitUsage
	}
	if *format != "text" && *format != "json" {
		fmt.Fprintf(env.Stderr, "sprintguard replay: --format %q: use text or json\n", *format)
		return ExitUsage
	}
	_, st, err := loadSettings(env, *path)
	if err != nil {
		return printErrors(env, err)
	}
	exp, err := slackexport.Open(*export)
	if err != nil {
		return fail(env, err)
	}
	defer exp.Close()
	res, err := replay.Run(ctx, exp, replay.Options{Settings: st})
	if err != nil {
		return fail(env, err)
	}
	w, done, err := output(env, *out)
	if err != nil {
		return fail(env, err)
	}
	if *format == "json" {
		err = res.WriteJSON(w)
	} else {
		err = res.WriteText(w)
	}
	if cerr := done(); err == nil {
		err = cerr
	}
	if err != nil {
		return fail(env, err)
	}
	for _, p := range res.Problems {
		fmt.Fprintf(env.Stderr, "warning: %s (skipped)\n", p)
	}
	return ExitOK
}
