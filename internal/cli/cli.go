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
	"github.com/sprintguard/sprintguard/triage"
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

	// sweep, set only by this package's tests, runs after serve's own
	// sweeps on each pass of its scheduler, on the store serve opened.
	sweep func(ctx context.Context, db triage.Store) (int, error)
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
		{"check", "[--offline | --online]", "validate the config and rules; every error with file:line", runCheck},
		{"classify", "[--team T] [--at TIME] [--channel C] [--user U] [--json] [TEXT]", "print the decision for TEXT, or for JSON lines on stdin", runClassify},
		{"rules", "test FILE | eval LABELS|--history [--team T] [--split S] [--format text|json] [--min-accuracy X] | suggest [--team T] [--export DIR [--labels FILE]] [--max N]", "run a table of rule examples, score the rules on labelled requests (exit 1 on a failure), or suggest rule edits from history", runRules},
		{"oncall", "[--at TIME] [--team T] [--format table|json]", "who is on call now and next, per team", runOncall},
		{"handoff", "--dry-run [--team T]", "print the next on-call handoff as it would be posted", runHandoff},
		{"replay", "--export DIR|ZIP [--format text|json] [--verbose] [--labels FILE] [--html-dir DIR] [--db FILE] [-o FILE]", "backtest a Slack export through the whole pipeline", runReplay},
		{"report", "[--team T] [--week 2026-W47] [--format text|md|json|csv|html|png] [-o FILE]", "the weekly report from the store", runReport},
		{"backup", "FILE", "a consistent copy of the database, even while the bot runs (postgres: a pg_dump custom-format archive)", runBackup},
		{"restore", "BACKUP", "put a backup in place of the database (the bot must be stopped; postgres: into an empty database)", runRestore},
		{"export", "--format csv|jsonl [-o FILE]", "every request, one row each", runExport},
		{"migrate", "status [--url URL] | --from bolt:FILE [--to URL] [--force]", "the PostgreSQL schema's migrations, applied or pending; or copy a whole store to another driver, verified", runMigrate},
		{"version", "", "version, commit and Go version", runVersion},
	}
}

// Main runs the command named by args[0].
func Main(ctx context.Context, args []string, env Env) int {
	if len(args) > 0 && (args[0] == "help" || args[0] == "-h" || args[0] == "--help") {
		usage(env.Stdout)
		return ExitOK
	}
	if len(args) == 0 {
		fmt.Fprintln(env.Stderr, "sprintguard: no command given (run sprintguard help for the list)")
		return ExitUsage
	}
	for _, c := range commands() {
		if c.name == args[0] {
			return c.run(ctx, env, args[1:])
		}
	}
	fmt.Fprintf(env.Stderr, "sprintguard: unknown command %q%s (run sprintguard help for the list)\n", args[0], suggest(args[0]))
	return ExitUsage
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "Usage: sprintguard <command> [--config FILE] [flags]")
	fmt.Fprintln(w, "\nCommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-9s %-55s %s\n", c.name, c.args, c.help)
	}
	fmt.Fprintln(w, "\nEvery command takes --config FILE (default $SPRINTGUARD_CONFIG, else ./sprintguard.yaml;")
	fmt.Fprintln(w, "when neither exists, the embedded example config is used). `sprintguard COMMAND -h` lists its flags.")
	fmt.Fprintln(w, "\n"+exitStatus)
}

// exitStatus is what every -h says of the exit codes, so that a CI job can
// tell a broken config from rules that fail their own test.
const exitStatus = `Exit status: 0 done; 1 the command failed (check found a problem, a rules test case
failed, rules eval scored below --min-accuracy, or an error at run time); 2 a usage
error, or a config that does not load (classify, rules, replay, report).`

func suggest(name string) string {
	var names []string
	for _, c := range commands() {
		if name != "" && strings.HasPrefix(c.name, name[:1]) {
			names = append(names, c.name)
		}
	}
	sort.Strings(names)
	if len(names) == 0 {
		return ""
	}
	return " (did you mean " + strings.Join(names, " or ") + "?)"
}

// flags returns a flag set with --config. Usage errors go to env.Stderr as
// one line (see parse); -h prints the command's flags to env.Stdout.
func flags(env Env, name string) (*flag.FlagSet, *string) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	fs.Usage = func() {
		fmt.Fprintf(env.Stdout, "Usage: sprintguard %s\n\nFlags:\n", synopsis(name))
		out := fs.Output()
		fs.SetOutput(env.Stdout)
		fs.PrintDefaults()
		fs.SetOutput(out)
		fmt.Fprintln(env.Stdout, "\n"+exitStatus)
	}
	path := fs.String("config", "", "config `FILE` (default $SPRINTGUARD_CONFIG or ./sprintguard.yaml)")
	return fs, path
}

// synopsis returns the named command with its arguments, as the help
// lists them; name may hold a subcommand ("rules test").
func synopsis(name string) string {
	if s, ok := rulesSynopsis(name); ok {
		return s
	}
	first, _, _ := strings.Cut(name, " ")
	for _, c := range commands() {
		if c.name == first && c.args != "" {
			return first + " " + c.args
		}
	}
	return name
}

// parse parses args, allowing flags after positional arguments, and
// returns the positional ones. A bad flag is printed as one line with a
// hint; -h prints the command's flags. Either way the caller returns
// parseFailed(err).
func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		// The flag package's own message and usage would be more lines.
		out, help := fs.Output(), fs.Usage
		fs.SetOutput(io.Discard)
		fs.Usage = func() {}
		err := fs.Parse(args)
		fs.SetOutput(out)
		fs.Usage = help
		if errors.Is(err, flag.ErrHelp) {
			fs.Usage()
			return nil, err
		}
		if err != nil {
			fmt.Fprintf(out, "sprintguard %s: %v (see sprintguard %s -h)\n", fs.Name(), err, fs.Name())
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

// parseFailed is the exit code for an error from parse: 0 after -h, which
// asked for the help, else ExitUsage.
func parseFailed(err error) int {
	if errors.Is(err, flag.ErrHelp) {
		return ExitOK
	}
	return ExitUsage
}

// noArgs reports, as a usage error, an argument given to a command that
// takes only flags; it returns ExitOK when there is none.
func noArgs(env Env, cmd string, pos []string) int {
	if len(pos) == 0 {
		return ExitOK
	}
	return usageError(env, cmd, fmt.Sprintf("unexpected argument %q (%s takes only flags)", pos[0], cmd))
}

// embeddedName stands for the embedded example config in messages.
const embeddedName = "sprintguard.yaml (embedded example)"

// loadConfig finds and loads the config: --config, $SPRINTGUARD_CONFIG,
// ./sprintguard.yaml, else the embedded example.
func loadConfig(env Env, flagPath string) (*config.Config, error) {
	cfg, _, err := loadConfigWith(env, flagPath, config.Options{})
	return cfg, err
}

// loadConfigWith is loadConfig with options, and returns the warnings.
func loadConfigWith(env Env, flagPath string, o config.Options) (*config.Config, config.Errors, error) {
	o.Getenv = env.Getenv
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
		return config.ParseWith(embeddedName, examples.Config, o)
	}
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return nil, nil, fmt.Errorf("config file %s does not exist (pass --config FILE, or set SPRINTGUARD_CONFIG)", path)
	}
	return config.LoadWith(path, o)
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
