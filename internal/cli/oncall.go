package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"text/tabwriter"
	"time"

	"github.com/sprintguard/sprintguard/config"
	"github.com/sprintguard/sprintguard/internal/app"
	"github.com/sprintguard/sprintguard/oncall"
	"github.com/sprintguard/sprintguard/oncall/refresh"
	"github.com/sprintguard/sprintguard/people"
	"github.com/sprintguard/sprintguard/triage"
)

// oncallRow is one team's answer in `sprintguard oncall --format json`.
// Now and Next are the Slack users requests go to: escalate_to when
// nobody, or nobody mapped, is on call.
type oncallRow struct {
	Team      string     `json:"team"`
	Now       string     `json:"now"`
	Until     time.Time  `json:"until"`
	Next      string     `json:"next"`
	Source    string     `json:"source"`
	FetchedAt *time.Time `json:"fetched_at"`
}

func runOncall(ctx context.Context, env Env, args []string) int {
	fs, path := flags(env, "oncall")
	atFlag := fs.String("at", "", "the `TIME` to ask about (RFC 3339, or 2026-11-17T14:30 in each team's zone; default now)")
	teamFlag := fs.String("team", "", "only this team")
	format := fs.String("format", "table", "table or json")
	pos, err := parse(fs, args)
	if err != nil {
		return parseFailed(err)
	}
	if code := noArgs(env, "oncall", pos); code != ExitOK {
		return code
	}
	if *format != "table" && *format != "json" {
		return usageError(env, "oncall", fmt.Sprintf("--format %q: use table or json", *format))
	}
	cfg, st, err := loadSettings(env, *path)
	if err != nil {
		return printErrors(env, err)
	}
	teams, code := pickTeams(env, "oncall", st, *teamFlag)
	if code != ExitOK {
		return code
	}
	overrides, err := readOnCallState(ctx, cfg, st)
	if err != nil {
		return fail(env, err)
	}
	since := time.Time{}
	if *atFlag != "" {
		if at, err := parseTime(*atFlag, time.UTC, env.Now()); err == nil {
			since = at.Add(-48 * time.Hour) // any zone's reading of --at
		}
	}
	fetched := fetchMissing(ctx, cfg, st, env.Now, since)
	var rows []oncallRow
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "TEAM\tON CALL\tSINCE\tUNTIL\tNEXT\tFROM\tSOURCE")
	for _, t := range teams {
		at, err := parseTime(*atFlag, t.Location, env.Now())
		if err != nil {
			return usageError(env, "oncall", "--at: "+err.Error())
		}
		roster := t.Roster()
		cur, route := st.OnCall(t, at, overrides[t.Name])
		next, nextRoute := st.OnCall(t, cur.End, overrides[t.Name])
		row := oncallRow{Team: t.Name, Now: route, Until: cur.End, Next: nextRoute, Source: roster.Source()}
		source := roster.Source()
		if tl := roster.Timeline(); tl != nil {
			fetchedAt := tl.FetchedAt
			row.FetchedAt = &fetchedAt
			source += ", as of " + stamp(fetchedAt, t.Location)
		}
		if note := fetched[t.Name]; note != "" {
			source += " (" + note + ")"
		}
		rows = append(rows, row)
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", t.Name, who(cur, route), stamp(cur.Start, t.Location),
			stamp(cur.End, t.Location), who(next, nextRoute), stamp(next.Start, t.Location), source)
	}
	if *format == "json" {
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		if rows == nil {
			rows = []oncallRow{}
		}
		if err := enc.Encode(rows); err != nil {
			return fail(env, err)
		}
		return ExitOK
	}
	tw.Flush()
	return ExitOK
}

// who shows a shift's person for the table: the user, marked when an
// override or escalate_to decided it.
func who(s oncall.Shift, route string) string {
	switch {
	case s.User == "" && s.Name != "":
		return route + " (escalate_to: " + s.Name + " has no Slack user)"
	case s.User == "":
		return route + " (escalate_to: nobody on call)"
	case s.Override != nil:
		return s.User + " (override)"
	}
	return s.User
}

// fetchMissing fetches, without keeping them, the schedules of the teams
// that follow a source but have none in the store (no bot has kept one),
// mapping people by the `people:` list only. It returns a note per team.
func fetchMissing(ctx context.Context, cfg *config.Config, st *triage.Settings, now func() time.Time, since time.Time) map[string]string {
	notes := map[string]string{}
	r := &refresh.Refresher{Settings: func() *triage.Settings { return st }, Now: now, Since: since,
		People: people.New(app.People(cfg), nil, people.DefaultTTL, now)}
	for _, t := range app.ScheduleSources(cfg) {
		team := st.Team(t.Name)
		if team == nil || team.OnCall.Timeline() != nil {
			continue
		}
		fctx, cancel := context.WithTimeout(ctx, 15*time.Second)
		tl, err := r.Fetch(fctx, t)
		cancel()
		if err != nil {
			notes[t.Name] = "no schedule kept, and fetching it failed: " + err.Error()
			continue
		}
		team.OnCall.Set(tl)
		notes[t.Name] = "fetched now"
	}
	return notes
}

// readOnCallState reads the on-call overrides and gives the teams that
// follow a schedule source their last good schedule from the store, as the
// running bot would answer. While serve holds the store it reads a copy,
// as export does; with no store yet the config alone answers.
func readOnCallState(ctx context.Context, cfg *config.Config, st *triage.Settings) (map[string][]oncall.Override, error) {
	out := map[string][]oncall.Override{}
	if cfg.Storage.Driver != config.DriverPostgres {
		if _, err := os.Stat(cfg.Storage.Path); err != nil {
			return out, nil
		}
	}
	db, closeDB, err := openReader(ctx, cfg)
	if errors.Is(err, errNoTablesYet) {
		return out, nil
	}
	if err != nil {
		return nil, err
	}
	defer closeDB()
	err = db.View(func(tx triage.Tx) error {
		for _, t := range st.Teams {
			ovs, err := tx.Overrides(t.Name, time.Time{})
			if err != nil {
				return err
			}
			out[t.Name] = ovs
		}
		return st.LoadSchedules(tx)
	})
	return out, err
}

func stamp(t time.Time, loc *time.Location) string {
	return t.In(loc).Format("Mon 2006-01-02 15:04 MST")
}
