package cli

import (
	"context"
	"fmt"
	"time"

	"github.com/sprintguard/sprintguard/bot/render"
	"github.com/sprintguard/sprintguard/jobs"
	"github.com/sprintguard/sprintguard/triage"
)

func runHandoff(ctx context.Context, env Env, args []string) int {
	fs, path := flags(env, "handoff")
	dry := fs.Bool("dry-run", false, "print what the next handoff would post, with the figures as of now")
	teamFlag := fs.String("team", "", "only this `TEAM`")
	pos, err := parse(fs, args)
	if err != nil {
		return parseFailed(err)
	}
	if code := noArgs(env, "handoff", pos); code != ExitOK {
		return code
	}
	if !*dry {
		return usageError(env, "handoff", "serve posts handoffs at each team's handoff time; use --dry-run to preview the next one")
	}
	cfg, st, err := loadSettings(env, *path)
	if err != nil {
		return printErrors(env, err)
	}
	teams, code := pickTeams(env, "handoff", st, *teamFlag)
	if code != ExitOK {
		return code
	}
	db, closeDB, err := openReader(ctx, cfg)
	if err != nil {
		return fail(env, err)
	}
	defer closeDB()
	if err := db.View(st.LoadSchedules); err != nil {
		return fail(env, err)
	}
	now := env.Now()
	for _, t := range teams {
		var h *jobs.Handoff
		err := db.View(func(tx triage.Tx) error {
			job, err := jobs.HandoffAt(tx, t, t.Roster().HandoffAfter(now))
			if err != nil {
				return err
			}
			h, err = jobs.BuildHandoff(tx, t, job)
			return err
		})
		if err != nil {
			return fail(env, err)
		}
		fmt.Fprintf(env.Stdout, "# %s: handoff at %s, to %s\n%s\n\n", t.Name, h.Job.At.In(t.Location).Format(time.RFC3339),
			t.Channel, render.Handoff(h, nil).Text)
	}
	return ExitOK
}
