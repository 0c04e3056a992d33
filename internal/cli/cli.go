// Package cli implements the sprintguard commands. Every command returns an
// exit code: 0 ok, 1 a failed check or test (or any runtime failure), 2 a
// usage error.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/sprintguard/sprintguard/config"
	"github.com/sprintguard/sprintguard/examples"
)

// Exit codes.
const (
	ExitOK    = 0
	ExitFail  = 1
	ExitUsage = 2
)

// Env is the world a command sees, so tests can give it their own.
type Env struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	Getenv         func(string) string
	Now            func() time.Time
}

// System returns the process's own environment.
func System() Env {
	return Env{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv, Now: time.Now}
}

type command struct {
	name, args, help string
	run              func(ctx context.Context, env Env, args []string) int
}

func commands() []command {
	return []command{
		{"serve", "[--log-format json|text]", "run the bot, the outbox worker and the scheduled jobs", runServe},
		{"check", "", "validate the config and rules; every error with file:line", runCheck},
		{"classify", "[--team T] [--json] [TEXT]", "print the decision for TEXT, or for JSON lines on stdin", runClassify},
		{"rules", "test FILE | suggest [--team T] [--export DIR]", "run a table of rule examples (exit 1 on any failure), or suggest rule edits from history", runRules},
		{"oncall", "[--at TIME] [--team T]", "who is on call now and next, per team", runOncall},
		{"handoff", "--dry-run [--team T]", "print the next on-call handoff as it would be posted", runHandoff},
		{"replay", "--export DIR|ZIP [--format text|json] [--html-dir DIR]", "backtest a Slack export through the whole pipeline", runReplay},
		{"report", "[--team T] [--week 2026-W47] [--format text|md|json|csv|html|png] [-o FILE]", "the weekly report from the store", runReport},
		{"backup", "FILE", "a consistent copy of the database, even while the bot runs", runBackup},
		{"restore", "BACKUP", "put a backup in place of the database (the bot must be stopped)", runRestore},
		{"export", "--format csv|jsonl [-o FILE]", "every request, one row each", runExport},
		{"version", "", "version, commit and Go version", runVersion},
	}
}

// Main runs the command named by args[0].
func Main(ctx context.Context, args []string, env Env) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(env.Stderr)
		if len(args) == 0 {
			return ExitUsage
		}
		return ExitOK
	}
	for _, c := range commands() {
		if c.name == args[0] {
			return c.run(ctx, env, args[1:])
		}
	}
	fmt.Fprintf(env.Stderr, "sprintguard: unknown command %q%s\n\n", args[0], suggest(args[0]))
	usage(env.Stderr)
	return ExitUsage
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "Usage: sprintguard <command> [--config FILE] [flags]")
	fmt.Fprintln(w, "\nCommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-9s %-55s %s\n", c.name, c.args, c.help)
	}
	fmt.Fprintln(w, "\nEvery command takes --config FILE (default $SPRINTGUARD_CONFIG, else ./sprintguard.yaml;")
	fmt.Fprintln(w, "when neither exists, the embedded example config is used).")
}

func suggest(name string) string {
	var names []string
	for _, c := range commands() {
		if strings.HasPrefix(c.name, name[:1]) {
			names = append(names, c.name)
		}
	}
	sort.Strings(names)
	if len(names) == 0 {
		return ""
	}
	return " (did you mean " + strings.Join(names, " or ") + "?)"
}

// flags returns a flag set with --config, printing usage errors to env.Stderr.
func flags(env Env, name string) (*flag.FlagSet, *string) {
	fs := flag.NewFlagSet("sprintguard "+name, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	path := fs.String("config", "", "config `FILE` (default $SPRINTGUARD_CONFIG or ./sprintguard.yaml)")
	return fs, path
}

// parse parses args, allowing flags after positional arguments, and
// returns the positional ones.
func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// embeddedName stands for the embedded example config in messages.
const embeddedName = "sprintguard.yaml (embedded example)"

// loadConfig finds and loads the config: --config, $SPRINTGUARD_CONFIG,
// ./sprintguard.yaml, else the embedded example.
func loadConfig(env Env, flagPath string) (*config.Config, error) {
	path := flagPath
	if path == "" {
		path = env.Getenv("SPRINTGUARD_CONFIG")
	}
	if path == "" {
		if _, err := os.Stat("sprintguard.yaml"); err == nil {
			path = "sprintguard.yaml"
		}
	}
	if path == "" {
		return config.Parse(embeddedName, examples.Config, env.Getenv)
	}
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("config file %s does not exist (pass --config FILE, or set SPRINTGUARD_CONFIG)", path)
	}
	return config.Load(path, env.Getenv)
}

// fail prints err for a person and returns ExitFail.
func fail(env Env, err error) int {
	fmt.Fprintf(env.Stderr, "sprintguard: %v\n", err)
	return ExitFail
}

// output opens -o FILE, or stdout when path is "" or "-".
func output(env Env, path string) (io.Writer, func() error, error) {
	if path == "" || path == "-" {
		return env.Stdout, func() error { return nil }, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, nil, err
	}
	return f, f.Close, nil
}
