package cli

import (
	"context"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/sprintguard/sprintguard/oncall"
	"github.com/sprintguard/sprintguard/store"
	"github.com/sprintguard/sprintguard/triage"
)

func runOncall(ctx context.Context, env Env, args []string) int {
	fs, path := flags(env, "oncall")
	atFlag := fs.String("at", "", "the `TIME` to ask about (RFC 3339, or 2026-11-17T14:30 in each team's zone; default now)")
	teamFlag := fs.String("team", "", "only this team")
	pos, err := parse(fs, args)
	if err != nil {
		return parseFailed(err)
	}
	if code := noArgs(env, "oncall", pos); code != ExitOK {
		return code
	}
	cfg, st, err := loadSettings(env, *path)
	if err != nil {
		return printErrors(env, err)
	}
	teams, code := pickTeams(env, "oncall", st, *teamFlag)
	if code != ExitOK {
		return code
	}
	overrides := readOverrides(cfg.Storage.Path, st)
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "TEAM\tON CALL\tSINCE\tUNTIL\tNEXT\tFROM")
	for _, t := range teams {
		at, err := parseTime(*atFlag, t.Location, env.Now())
		if err != nil {
			return usageError(env, "oncall", "--at: "+err.Error())
		}
		cur := t.Rotation.Current(at, overrides[t.Name])
		next := t.Rotation.Next(at, overrides[t.Name])
		who := cur.User
		if cur.Override != nil {
			who += " (override)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", t.Name, who, stamp(cur.Start, t.Location), stamp(cur.End, t.Location), next.User, stamp(next.Start, t.Location))
	}
	tw.Flush()
	return ExitOK
}

// readOverrides reads the on-call overrides when the store can be opened;
// without a store (or while the bot holds it) the rotation alone answers.
func readOverrides(path string, st *triage.Settings) map[string][]oncall.Override {
	out := map[string][]oncall.Override{}
	db, err := store.Open(path, store.Options{ReadOnly: true, Timeout: 200 * time.Millisecond})
	if err != nil {
		return out
	}
	defer db.Close()
	_ = db.View(func(tx triage.Tx) error {
		for _, t := range st.Teams {
			ovs, err := tx.Overrides(t.Name, time.Time{})
			if err != nil {
				return err
			}
			out[t.Name] = ovs
		}
		return nil
	})
	return out
}

func stamp(t time.Time, loc *time.Location) string {
	return t.In(loc).Format("Mon 2006-01-02 15:04 MST")
}
