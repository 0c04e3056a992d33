package main

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/sprintguard/sprintguard/classifier"
	"github.com/sprintguard/sprintguard/config"
	"github.com/sprintguard/sprintguard/examples"
	"github.com/sprintguard/sprintguard/internal/app"
	"github.com/sprintguard/sprintguard/internal/cli"
	"github.com/sprintguard/sprintguard/internal/synthtext"
	"github.com/sprintguard/sprintguard/store"
	"github.com/sprintguard/sprintguard/triage"
)

// command times `sprintguard rules suggest --team platform` itself, reading
// the history from a bbolt store and printing the diff, over history
// requests of the example config's team platform. The store is written
// first, untimed, as the on-call would have left it: of every 20 requests,
// two deferred, one declined and one approved; the rest changed to the
// topic's label where the rules disagree; three in five resolved with the
// time spent.
func command(history int, show bool) error {
	dir, err := os.MkdirTemp("", "bench-suggest-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	db := filepath.Join(dir, "sg.db")
	text := strings.Replace(string(examples.Config), "  path: sprintguard.db\n", "  path: "+db+"\n", 1)
	path := filepath.Join(dir, "sprintguard.yaml")
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		return err
	}
	cfg, err := config.Parse(path, []byte(text), func(string) string { return "" })
	if err != nil {
		return err
	}
	st, err := app.Settings(cfg)
	if err != nil {
		return err
	}
	if err := seed(db, st.Team("platform"), history); err != nil {
		return fmt.Errorf("seed the store: %w", err)
	}
	var out, errs bytes.Buffer
	env := cli.Env{Stdout: &out, Stderr: &errs, Getenv: func(string) string { return "" }, Now: time.Now}
	start, c0 := time.Now(), cpu()
	code := cli.Main(context.Background(), []string{"rules", "suggest", "--team", "platform", "--config", path}, env)
	wall, used := time.Since(start), cpu()-c0
	if code != cli.ExitOK {
		return fmt.Errorf("rules suggest: exit %d: %s", code, errs.String())
	}
	if show {
		fmt.Print(out.String())
	}
	edits := 0
	for _, l := range strings.Split(out.String(), "\n") {
		if strings.HasPrefix(l, "# ") && len(l) > 3 && l[2] >= '1' && l[2] <= '9' {
			edits++
		}
	}
	fmt.Printf("rules suggest command: %d history items in a bbolt store in %v, CPU %v (bar 10s): %d edits, %d lines of diff\n",
		history, wall.Round(time.Millisecond), used.Round(time.Millisecond), edits, strings.Count(out.String(), "\n@@")+
			strings.Count(out.String(), "\n+")+strings.Count(out.String(), "\n-"))
	return nil
}

// seed writes history labelled requests of team into a new store at path.
func seed(path string, team *triage.Team, history int) error {
	s, err := store.Open(path, store.Options{NoSync: true})
	if err != nil {
		return err
	}
	defer s.Close()
	r := rand.New(rand.NewPCG(5, 6))
	z := synthtext.Zipf(r)
	at := time.Date(2026, 9, 1, 9, 0, 0, 0, time.UTC)
	return s.Update(func(tx triage.Tx) error {
		for i := range history {
			t := r.IntN(len(synthtext.Topics))
			at = at.Add(time.Minute)
			in := classifier.Input{Summary: synthtext.Text(r, z, t), At: at}
			d := team.Rules.Classify(in)
			req := &triage.Request{ID: int64(i + 1), Team: team.Name, Summary: in.Summary, CreatedAt: at,
				Decision: d, Urgency: d.Urgency, Estimate: d.Estimate, Outcome: triage.Accepted, Status: triage.StatusOpen}
			label := func(kind, from, to string) error {
				return tx.AddLabel(triage.Label{RequestID: req.ID, Team: team.Name, At: at, Actor: "U0ONCALL",
					Kind: kind, Rule: d.Rule, From: from, To: to, Actual: req.Actual, HasActual: req.HasActual})
			}
			// Each action is an event of the request and a label, as
			// triage's lifecycle records it.
			var labels []func() error
			act := func(kind, from, to string) {
				req.Events = append(req.Events, triage.Event{At: at, Kind: kind, Actor: "U0ONCALL"})
				labels = append(labels, func() error { return label(kind, from, to) })
			}
			switch i % 20 {
			case 0, 1:
				req.Status = triage.StatusDeferred
				act(triage.ActDeferReq, "", "")
			case 2:
				req.Status = triage.StatusDeclined
				act(triage.ActDecline, "", "")
			case 3:
				act(triage.ActApprove, "", "")
			default:
				u, _ := classifier.ParseUrgency(synthtext.Topics[t].Urgency)
				if u != d.Urgency {
					req.Urgency = u
					req.Overrides = []triage.UrgencyChange{{At: at, Actor: "U0ONCALL", From: d.Urgency, To: u}}
					act(triage.ActUrgency, d.Urgency.String(), u.String())
				}
				if c := synthtext.Topics[t].Category; c != d.Category {
					req.Category = c
					act(triage.ActCategory, d.Category, c)
				}
			}
			if req.Status != triage.StatusDeclined && r.IntN(5) < 3 {
				req.Status, req.ResolvedAt = triage.StatusResolved, at.Add(time.Hour)
				req.Actual, req.HasActual = float64(1+r.IntN(8)), true
				act(triage.ActResolve, "", "")
			}
			if err := tx.PutRequest(req); err != nil {
				return err
			}
			for _, l := range labels {
				if err := l(); err != nil {
					return err
				}
			}
		}
		return nil
	})
}
