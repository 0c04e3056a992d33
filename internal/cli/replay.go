package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/sprintguard/sprintguard/learn"
	"github.com/sprintguard/sprintguard/replay"
	"github.com/sprintguard/sprintguard/report"
	"github.com/sprintguard/sprintguard/slackexport"
)

func runReplay(ctx context.Context, env Env, args []string) int {
	fs, path := flags(env, "replay")
	usage := fs.Usage
	fs.Usage = func() {
		usage()
		fmt.Fprint(env.Stdout, labelsHelp)
	}
	export := fs.String("export", "", "the Slack export: a `DIR` or a .zip file")
	format := fs.String("format", "text", "text or json")
	out := fs.String("o", "", "write to `FILE` instead of stdout")
	verbose := fs.Bool("verbose", false, "with --format text, print every week's full report, not just the one-screen summary")
	htmlDir := fs.String("html-dir", "", "also write each team's last full week as a self-contained HTML page, report-TEAM.html, into `DIR`")
	dbFile := fs.String("db", "", "also keep the replay's state: write it through the durable store into this new bbolt `FILE`, to open later (slower; the default keeps it in memory)")
	labels := fs.String("labels", "", "score the rules against this labels `FILE` (default: labels.jsonl in the export, or EXPORT.labels.jsonl beside it, when there is one)")
	pos, err := parse(fs, args)
	if err != nil {
		return parseFailed(err)
	}
	if code := noArgs(env, "replay", pos); code != ExitOK {
		return code
	}
	if *export == "" {
		return usageError(env, "replay", "--export DIR|ZIP is required (a Slack workspace export)")
	}
	if *format != "text" && *format != "json" {
		return usageError(env, "replay", fmt.Sprintf("--format %q: use text or json", *format))
	}
	_, st, err := loadOfflineSettings(env, *path)
	if err != nil {
		return configFailed(env, err)
	}
	exp, err := slackexport.Open(*export)
	if err != nil {
		return fail(env, err)
	}
	defer exp.Close()
	var lr io.ReadCloser
	if *labels, lr, err = openLabels(*export, *labels, exp); err != nil {
		return fail(env, err)
	}
	opt := replay.Options{Settings: st, DB: *dbFile}
	var ls []learn.FileLabel
	if lr != nil {
		ls, err = replayLabels(&opt, *labels, lr)
		lr.Close()
		if err != nil {
			return fail(env, err)
		}
	}
	res, err := replay.Run(ctx, exp, opt)
	if err != nil {
		return fail(env, err)
	}
	if *labels != "" {
		scoreReplay(env, exp, res, ls, *labels)
	}
	w, done, err := output(env, *out)
	if err != nil {
		return fail(env, err)
	}
	switch {
	case *format == "json":
		err = res.WriteJSON(w)
	case *verbose:
		err = res.WriteText(w)
	default:
		if err = res.WriteSummary(w); err == nil {
			_, err = fmt.Fprintln(w, "\nEvery week's full report: add --verbose.")
		}
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
	if *htmlDir != "" {
		if err := writeReplayHTML(env, *htmlDir, res); err != nil {
			return fail(env, err)
		}
	}
	return ExitOK
}

// writeReplayHTML writes the HTML report of each team's last full week
// into dir and says where on stderr, which keeps stdout for the report
// itself (JSON with --format json).
func writeReplayHTML(env Env, dir string, res *replay.Result) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("html dir: %w", err)
	}
	for _, t := range res.Teams {
		w := lastFullWeek(t.Weeks, res.Last)
		if w == nil {
			fmt.Fprintf(env.Stderr, "no week to write for team %s\n", t.Team.Name)
			continue
		}
		b, err := w.HTML()
		if err != nil {
			return err
		}
		file := teamFile(filepath.Join(dir, "report.html"), t.Team.Name)
		if err := os.WriteFile(file, b, 0o644); err != nil {
			return fmt.Errorf("write html report: %w", err)
		}
		fmt.Fprintf(env.Stderr, "wrote %s (%s, %s)\n", file, w.Team, w.Week)
	}
	return nil
}

// lastFullWeek returns the last week whose final day the export reaches,
// since a week cut short by the end of the export would understate the
// load; failing that, the last week there is.
func lastFullWeek(weeks []*report.Weekly, last time.Time) *report.Weekly {
	for i := len(weeks) - 1; i >= 0; i-- {
		if !weeks[i].End.AddDate(0, 0, -1).After(last) {
			return weeks[i]
		}
	}
	if len(weeks) > 0 {
		return weeks[len(weeks)-1]
	}
	return nil
}
