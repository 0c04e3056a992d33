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
	pos, err := parse(fs, args)
	if err != nil {
		return parseFailed(err)
	}
	if code := noArgs(env, "export", pos); code != ExitOK {
		return code
	}
	if *format != "csv" && *format != "jsonl" {
		return usageError(env, "export", fmt.Sprintf("--format %q: use csv or jsonl", *format))
	}
	cfg, err := loadConfig(env, *path)
	if err != nil {
		return printErrors(env, err)
	}
	db, closeDB, err := openReader(ctx, cfg)
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
			if format == "csv" {
				return cw.Write(exportRow(r))
			}
			return enc.Encode(exportLine(r))
		})
	})
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	cw.Flush()
	return cw.Error()
}

// exportJSON is one line of `export --format jsonl`: the CSV's columns,
// typed. Numbers are numbers, created_at is RFC 3339 in UTC, and a value
// the request lacks (no ticket yet, no time spent) is null.
type exportJSON struct {
	ID        int64     `json:"id"`
	Team      string    `json:"team"`
	Channel   *string   `json:"channel"`
	User      string    `json:"user"`
	TS        *string   `json:"ts"`
	CreatedAt time.Time `json:"created_at"`
	Summary   string    `json:"summary"`
	Urgency   string    `json:"urgency"`
	Category  *string   `json:"category"`
	Rule      *string   `json:"rule"`
	Status    string    `json:"status"`
	Ticket    *string   `json:"ticket"`
	Sprint    int       `json:"sprint"`
	Estimate  float64   `json:"estimate"`
	Actual    *float64  `json:"actual"`
	TicketURL *string   `json:"ticket_url"`
}

func exportLine(r *triage.Request) exportJSON {
	e := exportJSON{ID: r.ID, Team: r.Team, Channel: orNull(r.Channel), User: r.User, TS: orNull(r.TS),
		CreatedAt: r.CreatedAt.UTC(), Summary: r.Summary, Urgency: r.Urgency.String(),
		Category: orNull(r.CategoryNow()), Rule: orNull(r.Decision.Rule), Status: string(r.Status),
		Ticket: orNull(r.Ticket.Key), Sprint: r.Sprint, Estimate: r.Estimate, TicketURL: orNull(r.Ticket.URL)}
	if r.HasActual {
		e.Actual = &r.Actual
	}
	return e
}

// orNull is s, or nil (JSON null) when s is empty.
func orNull(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func exportRow(r *triage.Request) []string {
	actual := ""
	if r.HasActual {
		actual = strconv.FormatFloat(r.Actual, 'f', -1, 64)
	}
	return []string{strconv.FormatInt(r.ID, 10), r.Team, r.Channel, r.User, r.TS, r.CreatedAt.UTC().Format(time.RFC3339),
		r.Summary, r.Urgency.String(), r.CategoryNow(), r.Decision.Rule, string(r.Status), r.Ticket.Key,
		strconv.Itoa(r.Sprint), strconv.FormatFloat(r.Estimate, 'f', -1, 64), actual, r.Ticket.URL}
}
