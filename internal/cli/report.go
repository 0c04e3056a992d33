package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/sprintguard/sprintguard/bot"
	"github.com/sprintguard/sprintguard/config"
	"github.com/sprintguard/sprintguard/report"
)

// reportFormats are the values of report --format, in the order the help
// lists them.
var reportFormats = []string{"text", "md", "json", "csv", "html", "png"}

func runReport(ctx context.Context, env Env, args []string) int {
	fs, path := flags(env, "report")
	teamFlag := fs.String("team", "", "only this `TEAM` (default: every team)")
	week := fs.String("week", "last", "`WEEK`: last (the last full week), this, or an ISO week such as 2026-W47")
	format := fs.String("format", "text", "`FORMAT`: text, md, json, csv, html (one self-contained page per team) or png (the chart; needs -o)")
	out := fs.String("o", "", "write to `FILE` instead of stdout; for html and png with several teams, one file per team, named FILE-TEAM.EXT")
	pos, err := parse(fs, args)
	if err != nil {
		return parseFailed(err)
	}
	if code := noArgs(env, "report", pos); code != ExitOK {
		return code
	}
	if !slices.Contains(reportFormats, *format) {
		return usageError(env, "report", fmt.Sprintf("--format %q: use %s", *format, strings.Join(reportFormats, ", ")))
	}
	toStdout := *out == "" || *out == "-"
	if *format == "png" && toStdout {
		return usageError(env, "report", "--format png writes an image: give -o FILE.png (with several teams, one file per team)")
	}
	if _, err := report.PickWeek(*week, time.UTC, env.Now()); err != nil {
		return usageError(env, "report", fmt.Sprintf("--week: %v", err))
	}
	cfg, st, err := loadOfflineSettings(env, *path)
	if err != nil {
		return configFailed(env, err)
	}
	teams, code := pickTeams(env, "report", st, *teamFlag)
	if code != ExitOK {
		return code
	}
	perTeam := (*format == "html" || *format == "png") && len(teams) > 1
	if perTeam && toStdout {
		return usageError(env, "report", fmt.Sprintf("--format %s with %d teams: give -o FILE (one file per team) or --team", *format, len(teams)))
	}
	db, closeDB, err := openReader(ctx, cfg)
	if err != nil {
		return fail(env, err)
	}
	defer closeDB()
	now := env.Now()
	names := requesterNames(cfg, env)
	var reports []*report.Weekly
	for _, t := range teams {
		win, err := report.PickWeek(*week, t.Location, now)
		if err != nil {
			return usageError(env, "report", fmt.Sprintf("--week: %v", err))
		}
		d, err := report.Load(db, t, win, now)
		if err != nil {
			return fail(env, err)
		}
		d.Names = names(ctx, d.Requesters())
		reports = append(reports, report.Compute(d))
	}
	if perTeam {
		for _, r := range reports {
			b, err := binaryReport(*format, r)
			if err != nil {
				return fail(env, err)
			}
			file := teamFile(*out, r.Team)
			if err := os.WriteFile(file, b, 0o644); err != nil {
				return fail(env, err)
			}
			fmt.Fprintf(env.Stdout, "wrote %s\n", file)
		}
		return ExitOK
	}
	w, done, err := output(env, *out)
	if err != nil {
		return fail(env, err)
	}
	err = writeReports(w, *format, reports)
	if cerr := done(); err == nil {
		err = cerr
	}
	if err != nil {
		return fail(env, err)
	}
	return ExitOK
}

// reportNamesWait bounds the display name lookups of one report, so that
// an unreachable Slack delays it by seconds, not minutes.
const reportNamesWait = 10 * time.Second

// requesterNames returns how the report names requesters: by display name
// from Slack's users.info when the config has a bot token, else not at
// all, so that the report shows user ids.
func requesterNames(cfg *config.Config, env Env) func(ctx context.Context, ids []string) map[string]string {
	if !cfg.Slack.BotToken.IsSet() {
		return func(context.Context, []string) map[string]string { return nil }
	}
	names := bot.NewNames(bot.NewGateway(slackClient(cfg.Slack), nil), 0, env.Now)
	return func(ctx context.Context, ids []string) map[string]string {
		ctx, cancel := context.WithTimeout(ctx, reportNamesWait)
		defer cancel()
		return names.Lookup(ctx, ids)
	}
}

// writeReports writes the reports in one stream: text formats one after
// the other, CSV as one table, html and png only ever one report.
func writeReports(w io.Writer, format string, reports []*report.Weekly) error {
	if format == "csv" {
		return report.WriteCSV(w, reports...)
	}
	for i, r := range reports {
		var err error
		switch format {
		case "html", "png":
			var b []byte
			if b, err = binaryReport(format, r); err == nil {
				_, err = w.Write(b)
			}
		case "text", "md":
			if i > 0 {
				io.WriteString(w, "\n")
			}
			if format == "text" {
				_, err = io.WriteString(w, r.Text())
			} else {
				_, err = io.WriteString(w, r.Markdown())
			}
		case "json":
			var b []byte
			if b, err = r.JSON(); err == nil {
				_, err = w.Write(append(b, '\n'))
			}
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func binaryReport(format string, r *report.Weekly) ([]byte, error) {
	if format == "png" {
		return r.PNG(report.ChartWidth, report.ChartHeight)
	}
	return r.HTML()
}

// teamFile returns path with the team's name inserted before the
// extension: report.png for team platform is report-platform.png.
// Characters that do not belong in a file name become '-', so that a team
// name cannot point outside the directory.
func teamFile(path, team string) string {
	ext := filepath.Ext(path)
	safe := strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_':
			return r
		}
		return '-'
	}, team)
	return strings.TrimSuffix(path, ext) + "-" + safe + ext
}
