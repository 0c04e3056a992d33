package cli

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"
)

// oneLine checks that s is exactly one line and returns it.
func oneLine(t *testing.T, s string) string {
	t.Helper()
	if strings.Count(s, "\n") != 1 || !strings.HasSuffix(s, "\n") {
		t.Errorf("want one line, got %d:\n%s", strings.Count(s, "\n"), s)
	}
	return strings.TrimSuffix(s, "\n")
}

// TestUsageErrors runs every subcommand with a flag it does not know, and
// those that take no arguments with one: each is exit 2 and one line that
// names the command and points at its -h.
func TestUsageErrors(t *testing.T) {
	onlyFlags := map[string]bool{"check": true, "oncall": true, "handoff": true, "replay": true,
		"report": true, "export": true, "serve": true, "version": true}
	for _, c := range commands() {
		t.Run(c.name+" bad flag", func(t *testing.T) {
			code, out, errs := run(t, c.name, "--no-such-flag")
			line := oneLine(t, errs)
			if code != ExitUsage || out != "" || !strings.HasPrefix(line, "sprintguard "+c.name) ||
				!strings.Contains(line, "-no-such-flag") || !strings.HasSuffix(line, " -h)") {
				t.Errorf("exit %d, stdout %q, stderr %q; want 2 and one line naming the flag and the hint", code, out, errs)
			}
		})
		t.Run(c.name+" -h", func(t *testing.T) {
			code, out, errs := run(t, c.name, "-h")
			if code != ExitOK || errs != "" || !strings.HasPrefix(out, "Usage: sprintguard "+c.name) {
				t.Errorf("exit %d, stdout %q, stderr %q; want 0 and the command's usage", code, out, errs)
			}
		})
		if onlyFlags[c.name] {
			t.Run(c.name+" stray argument", func(t *testing.T) {
				args := []string{c.name, "stray"}
				if c.name == "handoff" {
					args = append(args, "--dry-run")
				}
				code, out, errs := run(t, args...)
				line := oneLine(t, errs)
				if code != ExitUsage || out != "" || line != `sprintguard `+c.name+`: unexpected argument "stray" (`+c.name+` takes only flags) (see sprintguard `+c.name+` -h)` {
					t.Errorf("exit %d, stdout %q, stderr %q", code, out, errs)
				}
			})
		}
	}
	for _, args := range [][]string{
		{}, {"nosuch"}, {"rules", "run", "x"}, {"backup"}, {"restore"}, {"rules"}, {"rules", "test"},
		{"rules", "eval"}, {"rules", "eval", "x.jsonl", "--format", "xml"}, {"rules", "eval", "x.jsonl", "--min-accuracy", "lots"},
		{"export", "--format", "xml"}, {"replay"}, {"report", "--format", "pdf"}, {"report", "--week", "2026-W99"},
		{"handoff"}, {"serve", "--log-format", "xml"},
		{"rules", "eval"}, {"oncall", "--at", "garbage"}, {"classify", "--at", "garbage", "x"}, {"classify", " "},
		{"check", "--offline", "--online"},
	} {
		t.Run(strings.Join(append([]string{"sprintguard"}, args...), " "), func(t *testing.T) {
			code, out, errs := run(t, args...)
			line := oneLine(t, errs)
			if code != ExitUsage || out != "" || !strings.Contains(line, "sprintguard ") || !strings.Contains(line, "sprintguard help") && !strings.Contains(line, " -h)") {
				t.Errorf("exit %d, stdout %q, stderr %q; want 2 and one line with a hint", code, out, errs)
			}
		})
	}
	if code, out, errs := run(t, "rules", "eval", "-h"); code != ExitOK || errs != "" || !strings.Contains(out, "-min-accuracy") {
		t.Errorf("rules eval -h: exit %d, stdout %q, stderr %q; want 0 and its usage", code, out, errs)
	}
	code, out, errs := run(t, "help")
	if code != ExitOK || errs != "" || !strings.Contains(out, "Commands:") {
		t.Errorf("help: exit %d, stdout %q, stderr %q", code, out, errs)
	}
}

// TestUnknownTeam checks that every command that takes --team rejects a
// team that is not configured, naming the known ones.
func TestUnknownTeam(t *testing.T) {
	for _, args := range [][]string{
		{"classify", "--team", "nosuchteam", "prod is down"},
		{"oncall", "--team", "nosuchteam"},
		{"handoff", "--dry-run", "--team", "nosuchteam"},
		{"report", "--team", "nosuchteam"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			code, out, errs := run(t, args...)
			want := `sprintguard ` + args[0] + `: --team: unknown team "nosuchteam"; known teams: platform, data (see sprintguard ` + args[0] + ` -h)`
			if line := oneLine(t, errs); code != ExitUsage || out != "" || line != want {
				t.Errorf("exit %d, stdout %q, stderr %q\nwant 2 and %q", code, out, errs, want)
			}
		})
	}
}

// TestUnknownTeamOnStdin checks a JSON line of classify that names a team
// that is not configured: the line is an error naming the known teams.
func TestUnknownTeamOnStdin(t *testing.T) {
	var out, errb bytes.Buffer
	env := Env{Stdin: strings.NewReader(`{"summary": "prod is down", "team": "nosuchteam", "channel": "C0PLATHELP"}` + "\n"),
		Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }, Now: time.Now}
	code := Main(context.Background(), []string{"classify"}, env)
	want := `stdin:1: unknown team "nosuchteam"; known teams: platform, data` + "\n"
	if code != ExitFail || out.String() != "" || errb.String() != want {
		t.Errorf("exit %d, stdout %q, stderr %q; want 1 and %q", code, out.String(), errb.String(), want)
	}
}

// TestUsageListsEveryFlag: the usage line of each command, which
// `sprintguard -h` lists too, names every flag it takes (--config is
// everyone's), and every -h but version's ends with the exit codes. The rules
// subcommands keep their flags in their own -h.
func TestUsageListsEveryFlag(t *testing.T) {
	for _, c := range commands() {
		if c.name == "rules" {
			continue
		}
		t.Run(c.name, func(t *testing.T) {
			_, out, _ := run(t, c.name, "-h")
			usage, _, _ := strings.Cut(out, "\n")
			for _, l := range strings.Split(out, "\n") {
				name, ok := strings.CutPrefix(l, "  -")
				if !ok {
					continue
				}
				name, _, _ = strings.Cut(name, " ")
				if name != "config" && !strings.Contains(usage, "-"+name+" ") && !strings.Contains(usage, "-"+name+"]") {
					t.Errorf("the usage line lacks -%s: %s", name, usage)
				}
			}
			if c.name != "version" && !strings.Contains(out, "Exit status: 0 done") {
				t.Errorf("-h says nothing of the exit codes:\n%s", out)
			}
		})
	}
}
