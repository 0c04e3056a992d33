package cli

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/sprintguard/sprintguard/triage"
)

// exportColumns are the columns of `sprintguard export`, in order.
var exportColumns = []string{"id", "team", "channel", "user", "ts", "created_at", "summary", "urgency",
	"category", "rule", "status", "ticket", "sprint", "estimate", "actual", "ticket_url"}

func runExport(ctx context.Context, env Env, args []string) int {
	fs, path := flags(env, "export")
	format := fs.String("format", "csv", "csv or jsonl")
	out := fs.String("o", "", "write to `FILE` instead of stdout")
	if _, err := parse(fs, args); err != nil {
		return ExitUsage
	}
	if *format != "csv" && *format != "jsonl" {
		fmt.Fprintf(env.Stderr, "sprintguard export: --format %q: use csv or jsonl\n", *format)
		return ExitUsage
	}
	cfg, err := loadConfig(env, *path)
	if err != nil {
		return printErrors(env, err)
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
	if err := exportRequests(db, *format, w); err != nil {
		return fail(env, err)
	}
	if err := done(); err != nil {
		return fail(env, err)
	}
	return ExitOK
}

func exportRequests(st triage.Store, format string, w io.Writer) error {
	cw := csv.NewWriter(w)
	enc := json.NewEncoder(w)
	if format == "csv" {
		if err := cw.Write(exportColumns); err != nil {
			return err
		}
	}
	err := st.View(func(tx triage.Tx) error {
		return tx.Requests("", time.Time{}, time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC), func(r *triage.Request) error {
			row := exportRow(r)
			if format == "csv" {
				return cw.Write(row)
			}
			obj := make(map[string]string, len(row))
			for i, c := range exportColumns {
				obj[c] = row[i]
			}
			return enc.Encode(obj)
		})
	})
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	cw.Flush()
	return cw.Error()
}

func exportRow(r *triage.Request) []string {
	actual := ""
	if r.HasActual {
		actual = strconv.FormatFloat(r.Actual, 'f', -1, 64)
	}
	return []string{strconv.FormatInt(r.ID, 10), r.Team, r.Channel, r.User, r.TS, r.CreatedAt.UTC().Format(time.RFC3339),
		r.Summary, r.Urgency.String(), r.Decision.Category, r.Decision.Rule, string(r.Status), r.Ticket.Key,
		strconv.Itoa(r.Sprint), strconv.FormatFloat(r.Estimate, 'f', -1, 64), actual, r.Ticket.URL}
}
