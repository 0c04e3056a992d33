// Command gen-export writes a deterministic sample Slack workspace export
// with internal/exportgen, for replay tests, the committed example in
// examples/slack-export and the replay benchmark's large inputs.
//
// Usage:
//
//	go run ./bench/gen-export -o DIR [-seed 1] [-start 2026-08-31] [-weeks 10] [-per-day 5] [-force]
//
// The committed sample is the default flags with -o examples/slack-export.
// The replay benchmark's 100,000-message input is
// "-weeks 52 -per-day 170" (about 103,000 messages and 180 MB, written in
// about 1.5 s on two cores). The statistics are printed on stdout.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/sprintguard/sprintguard/internal/exportgen"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "gen-export:", err)
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

func run(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("gen-export", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("o", "", "output directory (required)")
	seed := fs.Uint64("seed", 1, "random seed; the same flags always give the same files")
	start := fs.String("start", "2026-08-31", "first day, YYYY-MM-DD (UTC)")
	weeks := fs.Int("weeks", 10, "number of weeks")
	perDay := fs.Float64("per-day", 5, "mean top-level requests per day across both intake channels")
	force := fs.Bool("force", false, "replace an export already in the output directory")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *out == "" || fs.NArg() > 0 {
		fs.Usage()
		return fmt.Errorf("need -o DIR and no positional arguments: %w", flag.ErrHelp)
	}
	day, err := time.Parse(time.DateOnly, *start)
	if err != nil {
		return fmt.Errorf("parse -start: %w", err)
	}
	began := time.Now()
	stats, err := exportgen.Generate(exportgen.Options{
		Seed: *seed, Start: day, Weeks: *weeks, MessagesPerDay: *perDay, Dir: *out, Overwrite: *force,
	})
	if err != nil {
		return err
	}
	fmt.Fprint(stdout, stats)
	fmt.Fprintf(stdout, "elapsed: %s\n", time.Since(began).Round(time.Millisecond))
	return nil
}
