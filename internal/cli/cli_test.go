package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// run runs the CLI in-process and returns its exit code and output.
func run(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	env := Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb,
		Getenv: func(string) string { return "" },
		Now:    func() time.Time { return time.Date(2026, 11, 23, 15, 0, 0, 0, time.UTC) }}
	code = Main(context.Background(), args, env)
	return code, out.String(), errb.String()
}

// repo returns a path inside the repository.
func repo(parts ...string) string {
	return filepath.Join(append([]string{"..", ".."}, parts...)...)
}

func writeFile(t *testing.T, dir, name, body string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestCheckExample(t *testing.T) {
	code, out, errs := run(t, "check", "--offline", "--config", repo("examples", "sprintguard.yaml"))
	if code != ExitOK || !strings.Contains(out, ": ok (2 teams") {
		t.Fatalf("check on the example: exit %d\n%s%s", code, out, errs)
	}
}

const threeMistakes = `storage:
  path: sg.db
teams:
  - name: platform
    timezone: Europe/Pariss
    members: [U01]
    oncall:
      rotation: []
    sprint:
      start: 2026-01-05
      capacity: 40
      interrupt_budget: 20%
    rules:
      - name: outage
        any: [down]
        urgency: P5
      - name: default
        default: true
        urgency: P3
`

func TestCheckReportsEveryMistake(t *testing.T) {
	p := writeFile(t, t.TempDir(), "sprintguard.yaml", threeMistakes)
	code, out, errs := run(t, "check", "--config", p)
	if code != ExitFail {
		t.Fatalf("exit %d, want 1\n%s%s", code, out, errs)
	}
	lineRE := regexp.MustCompile(`^` + regexp.QuoteMeta(p) + `:(\d+): `)
	var lines []string
	for _, l := range strings.Split(strings.TrimSpace(errs), "\n") {
		if m := lineRE.FindStringSubmatch(l); m != nil {
			lines = append(lines, m[1])
		}
	}
	if strings.Join(lines, ",") != "5,8,16" {
		t.Errorf("errors at lines %v, want 5 (zone), 8 (rotation), 16 (urgency):\n%s", lines, errs)
	}
	for _, want := range []string{"Europe/Pariss", "urgency", "rotation"} {
		if !strings.Contains(errs, want) {
			t.Errorf("errors do not mention %q:\n%s", want, errs)
		}
	}
}

func TestCheckMissingFile(t *testing.T) {
	code, _, errs := run(t, "check", "--config", filepath.Join(t.TempDir(), "nope.yaml"))
	if code != ExitFail || !strings.Contains(errs, "does not exist") {
		t.Errorf("exit %d, %q", code, errs)
	}
}

func TestClassify(t *testing.T) {
	code, out, errs := run(t, "classify", "--config", repo("examples", "sprintguard.yaml"), "--team", "platform",
		"the", "checkout", "API", "is", "down", "for", "customers")
	if code != ExitOK || !strings.HasPrefix(out, "platform: P1 ") || !strings.Contains(out, "because rule `") {
		t.Errorf("exit %d: %s%s", code, out, errs)
	}
}

func TestRulesTest(t *testing.T) {
	cfg := repo("examples", "sprintguard.yaml")
	cases := repo("examples", "rules_test.yaml")
	code, out, errs := run(t, "rules", "test", cases, "--config", cfg)
	if code != ExitOK || !regexp.MustCompile(`: (\d+) passed, 0 failed`).MatchString(out) {
		t.Fatalf("examples/rules_test.yaml: exit %d\n%s%s", code, out, errs)
	}
	if n, _ := strconv.Atoi(regexp.MustCompile(`: (\d+) passed`).FindStringSubmatch(out)[1]); n < 30 {
		t.Errorf("only %d cases; the example needs at least 30", n)
	}

	// Change one expectation: the case is printed and the exit code is 1.
	data, err := os.ReadFile(cases)
	if err != nil {
		t.Fatal(err)
	}
	broken := strings.Replace(string(data), "urgency: P1", "urgency: P4", 1)
	if broken == string(data) {
		t.Fatal("no `urgency: P1` expectation in the example to break")
	}
	p := writeFile(t, t.TempDir(), "rules_test.yaml", broken)
	code, out, _ = run(t, "rules", "test", p, "--config", cfg)
	if code != ExitFail || !strings.Contains(out, "urgency=P4") || !strings.Contains(out, "urgency=P1") || !strings.Contains(out, "1 failed") {
		t.Errorf("broken expectation: exit %d\n%s", code, out)
	}
}

func TestClassifyJSONLines(t *testing.T) {
	var out, errb bytes.Buffer
	env := Env{Stdin: strings.NewReader(`{"summary": "site is down", "team": "platform"}
not json
{"summary": "how do I query the events table", "team": "data"}
`), Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" },
		Now: func() time.Time { return time.Date(2026, 11, 17, 16, 0, 0, 0, time.UTC) }}
	code := Main(context.Background(), []string{"classify", "--json", "--config", repo("examples", "sprintguard.yaml")}, env)
	if code != ExitFail || !strings.Contains(errb.String(), "stdin:2:") {
		t.Errorf("exit %d, stderr %q: want 1 and the bad line named", code, errb.String())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 2 || !strings.Contains(lines[0], `"urgency":"P1"`) || !strings.Contains(lines[1], `"team":"data"`) || !strings.Contains(lines[1], `"urgency":"P4"`) {
		t.Errorf("output:\n%s", out.String())
	}
}
