package cli

import (
	"context"
	"fmt"
	"io"

	"github.com/sprintguard/sprintguard/report"
	"github.com/sprintguard/sprintguard/triage"
)

func runReport(ctx context.Context, env Env, args []string) int {
	fs, path := flags(env, "report")
	teamFlag := fs.String("team", "", "only this `TEAM` (default: every team)")
	week := fs.String("week", "last", "`WEEK`: last (the last full week), this, or an ISO week such as 2026-W47")
	format := fs.String("format", "text", "text, md or json")
	out := fs.String("o", "", "write to `FILE` instead of stdout")
	if _, err := parse(fs, args); err != nil {
		return ExitUsage
	}
	render, ok := renderers[*format]
	if !ok {
		fmt.Fprintf(env.Stderr, "sprintguard report: --format %q: use text, md or json\n", *format)
		return ExitUsage
	}
	cfg, st, err := loadSettings(env, *path)
	if err != nil {
		return printErrors(env, err)
	}
	teams := st.Teams
	if *teamFlag != "" {
		t := st.Team(*teamFlag)
		if t == nil {
			fmt.Fprintf(env.Stderr, "sprintguard report: no team %q (teams: %s)\n", *teamFlag, teamNames(st))
			return ExitUsage
		}
		teams = []*triage.Team{t}
	}
	db, closeDB, err := openForRead(ctx, cfg.Storage.Path)
	if err != nil {
		return fail(env, err)
	}
	defer closeDB()
	w, done, err := output(env, *out)
	if err != nil {
		return fail(env, err)
	}
	now := env.Now()
	for i, t := range teams {
		win, err := report.PickWeek(*week, t.Location, now)
		if err != nil {
			fmt.Fprintf(env.Stderr, "sprintguard report: --week: %v\n", err)
			return ExitUsage
		}
		d, err := report.Load(db, t, win, now)
		if err != nil {
			return fail(env, err)
		}
		if i > 0 && *format != "json" {
			io.WriteString(w, "\n")
		}
		if err := render(w, report.Compute(d)); err != nil {
			return fail(env, err)
		}
	}
	if err := done(); err != nil {
		return fail(env, err)
	}
	return ExitOK
}

var renderers = map[string]func(io.Writer, *report.Weekly) error{
	"text": func(w io.Writer, r *report.Weekly) error { _, err := io.WriteString(w, r.Text()); return err },
	"md":   func(w io.Writer, r *report.Weekly) error { _, err := io.WriteString(w, r.Markdown()); return err },
	"json": func(w io.Writer, r *report.Weekly) error {
		b, err := r.JSON()
		if err == nil {
			_, err = w.Write(append(b, '\n'))
		}
		return err
	},
}
