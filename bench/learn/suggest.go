package main

import (
	"fmt"
	"math/rand/v2"
	"os"
	"runtime/pprof"
	"time"

	"github.com/sprintguard/sprintguard/classifier"
	"github.com/sprintguard/sprintguard/config"
	"github.com/sprintguard/sprintguard/examples"
	"github.com/sprintguard/sprintguard/internal/app"
	"github.com/sprintguard/sprintguard/internal/synthtext"
	"github.com/sprintguard/sprintguard/learn"
)

// suggest times learn.Suggest, what `rules suggest` spends its time on, on
// history items labelled by topic, against the example config's rules.
func suggest(history int, profile string) error {
	cfg, err := config.Parse("sprintguard.yaml", examples.Config, func(string) string { return "" })
	if err != nil {
		return err
	}
	// The rules as serve compiles them: a copy field by field fell behind
	// the rules (in, sla, urgency bounds) and no longer compiled.
	set, err := app.Rules(cfg.Rules, cfg.Groups)
	if err != nil {
		return err
	}
	rules := set.Rules()
	r := rand.New(rand.NewPCG(3, 4))
	z := synthtext.Zipf(r)
	ex := make([]learn.Example, history)
	for i := range ex {
		t := r.IntN(len(synthtext.Topics))
		u, _ := classifier.ParseUrgency(synthtext.Topics[t].Urgency)
		ex[i] = learn.Example{ID: fmt.Sprint(i), Input: classifier.Input{Summary: synthtext.Text(r, z, t)},
			Urgency: u, Category: synthtext.Topics[t].Category, Overridden: true, Actual: float64(1 + r.IntN(4)), HasActual: true}
	}
	if profile != "" {
		f, err := os.Create(profile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
	}
	start, c0 := time.Now(), cpu()
	s, err := learn.Suggest(rules, classifier.Options{Groups: cfg.Groups}, ex, learn.SuggestOptions{})
	if profile != "" {
		pprof.StopCPUProfile()
	}
	if err != nil {
		return err
	}
	fmt.Printf("rules suggest: %d history items in %v, CPU %v (bar 10s): %d edits, urgency right %d -> %d\n",
		history, time.Since(start).Round(time.Millisecond), (cpu() - c0).Round(time.Millisecond), len(s.Edits),
		s.Before.Urgency.Agree, s.After.Urgency.Agree)
	return nil
}
