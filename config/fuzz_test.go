package config_test

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sprintguard/sprintguard/config"
	"github.com/sprintguard/sprintguard/internal/app"
)

// fuzzName is where FuzzParse says its input lives: in testdata, so that a
// `rules_file: rules/good.yaml` in a mutated seed reaches the real rules
// files and the rules-file decoder is fuzzed too.
const fuzzName = "testdata/fuzz.yaml"

// fuzzEnv sets the variables the seeds use, so that they load as written.
var fuzzEnv = map[string]string{
	"SG_BOT_TOKEN": "xoxb-1", "SG_APP_TOKEN": "xapp-1", "SG_SIGNING_SECRET": "s3cret",
	"SG_JIRA_TOKEN": "tok", "JIRA_API_TOKEN": "tok", "SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1",
	"TOKEN": "xoxb-1", "A": "a",
}

// FuzzParse feeds arbitrary bytes to config.Parse. It must never panic and
// return exactly one of a config and an error; a config must convert to
// the running settings or fail with placed errors; an error must be
// config.Errors whose every problem is one line, "FILE:LINE: message",
// with a line that exists in its file, unless it concerns the whole file.
func FuzzParse(f *testing.F) {
	var seeds []string
	for _, glob := range []string{"../examples/*.yaml", "testdata/*.yaml", "testdata/bad/*.yaml", "testdata/rules/*.yaml"} {
		m, err := filepath.Glob(glob)
		if err != nil {
			f.Fatal(err)
		}
		seeds = append(seeds, m...)
	}
	if len(seeds) < 10 {
		f.Fatalf("found only %d seed files: %q", len(seeds), seeds)
	}
	for _, p := range seeds {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	getenv := func(k string) string { return fuzzEnv[k] }
	f.Fuzz(func(t *testing.T, data []byte) {
		defer guardHang(data)()
		cfg, err := config.Parse(fuzzName, data, getenv)
		switch {
		case cfg == nil && err == nil:
			t.Fatal("Parse returned neither a config nor an error")
		case cfg != nil && err != nil:
			t.Fatalf("Parse returned a config and an error: %v", err)
		case err != nil:
			checkErrors(t, "Parse", err, data)
			return
		}
		// A config that passes validation must start the bot: what config
		// does not check (the classifier's rules) must come back placed.
		if _, err := app.Settings(cfg); err != nil {
			checkErrors(t, "app.Settings", err, data)
		}
	})
}

// checkErrors checks that err is a non-empty config.Errors whose problems
// each print as one well-formed line.
func checkErrors(t *testing.T, what string, err error, data []byte) {
	t.Helper()
	var es config.Errors
	if !errors.As(err, &es) || len(es) == 0 {
		t.Fatalf("%s: error %T is not a non-empty config.Errors: %v", what, err, err)
	}
	lines := strings.Split(err.Error(), "\n")
	if len(lines) != len(es) {
		t.Fatalf("%s: %d problems print as %d lines (a message holds a newline):\n%s", what, len(es), len(lines), err)
	}
	for i, e := range es {
		if e.File == "" || e.Msg == "" || e.Line < 0 || e.Column < 0 {
			t.Fatalf("%s: problem %d is incomplete: %#v", what, i, e)
		}
		prefix := e.File
		if e.Line > 0 {
			prefix += ":" + strconv.Itoa(e.Line)
		}
		if rest, ok := strings.CutPrefix(lines[i], prefix+": "); !ok || rest == "" {
			t.Fatalf("%s: problem %d does not read FILE:LINE: message: %q", what, i, lines[i])
		}
		if e.Line == 0 {
			if !wholeFile(e) {
				t.Errorf("%s: problem %d has no line: %q", what, i, lines[i])
			}
			continue
		}
		content := data
		if e.File != fuzzName {
			if content, err = os.ReadFile(e.File); err != nil {
				continue // a rules file the input named; its lines are not ours to count
			}
		}
		// One past the last line is where a parser that hit the end of
		// the file stands.
		if last := yamlLines(content) + 1; e.Line > last {
			t.Errorf("%s: problem %d is at line %d of a %d-line file: %q", what, i, e.Line, last-1, lines[i])
		}
	}
}

// yamlBreak matches a line break as YAML counts them.
var yamlBreak = regexp.MustCompile("\r\n|[\r\n\u0085\u2028\u2029]")

// yamlLines counts the lines of data as YAML numbers them.
func yamlLines(data []byte) int { return len(yamlBreak.FindAllIndex(data, -1)) + 1 }

// wholeFile reports whether e is one of the problems that concern a file as
// a whole: it is empty, unreadable, YAML could not say where it broke, or
// a required top-level key is missing.
func wholeFile(e config.Error) bool {
	return e.Msg == "file is empty" || e.Msg == "no teams are configured" ||
		strings.HasPrefix(e.Msg, "YAML syntax error: ") || strings.HasPrefix(e.Msg, "cannot read config: ")
}

// hangLimit is how long one fuzzed call may run before it counts as hung:
// far beyond any real input, which takes milliseconds.
const hangLimit = 10 * time.Second

// guardHang crashes the fuzz worker when the call it guards runs past
// hangLimit, so that the fuzzer records the input, since Go's fuzzer
// would otherwise wait on a hung worker for the whole -timeout. Outside
// fuzzing it does nothing, so that ordinary test runs never depend on time.
// Call the returned function when the call returns.
func guardHang(input []byte) (stop func()) {
	if f := flag.Lookup("test.fuzz"); f == nil || f.Value.String() == "" {
		return func() {}
	}
	timer := time.AfterFunc(hangLimit, func() {
		panic(fmt.Sprintf("still running after %v on input %q", hangLimit, input))
	})
	return func() { timer.Stop() }
}
