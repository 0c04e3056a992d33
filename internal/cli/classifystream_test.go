package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
)

// The parallel stream answers every line as classifying it alone does, in
// input order, with each error on stderr after the answers of the lines
// before it, however the lines fall into batches and onto workers.
func TestClassifyStreamKeepsInputOrder(t *testing.T) {
	tf, err := readRulesTest(repo("examples", "rules_test.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	// Each reference line is a run of its own, which compiles the rules:
	// a dozen cases and their error lines are enough to interleave.
	for i, c := range tf.Cases[:min(len(tf.Cases), 12)] {
		in := c.classifyLine
		in.At = tf.At
		b, err := json.Marshal(in)
		if err != nil {
			t.Fatal(err)
		}
		lines = append(lines, string(b))
		switch i % 7 {
		case 1:
			lines = append(lines, `{"summary": "x", "team": "nosuchteam"}`)
		case 3:
			lines = append(lines, "", `not json`)
		case 5:
			lines = append(lines, `{"details": ""}`)
		}
	}
	run := func(stdin string) (string, int) {
		var both bytes.Buffer // stdout and stderr interleaved as written
		env := Env{Stdin: strings.NewReader(stdin), Stdout: &both, Stderr: &both, Getenv: func(string) string { return "" },
			Now: func() time.Time { return time.Date(2026, 11, 17, 16, 0, 0, 0, time.UTC) }}
		code := Main(context.Background(), []string{"classify", "--json", "--config", repo("examples", "sprintguard.yaml")}, env)
		return both.String(), code
	}
	// Each line alone, after as many empty lines as precede it, so that
	// its errors carry its line number.
	var want strings.Builder
	wantCode := ExitOK
	for i, l := range lines {
		out, code := run(strings.Repeat("\n", i) + l + "\n")
		want.WriteString(out)
		wantCode = max(wantCode, code)
	}
	if !strings.Contains(want.String(), "stdin:3: unknown team") || !strings.Contains(want.String(), `"decision"`) {
		t.Fatalf("the reference output lacks answers or errors:\n%s", want.String())
	}
	for _, batch := range []int{1, 3, 128} {
		t.Run(fmt.Sprint(batch), func(t *testing.T) {
			defer func(n int) { maxBatchLines = n }(maxBatchLines)
			maxBatchLines = batch
			got, code := run(strings.Join(lines, "\n") + "\n")
			if got != want.String() || code != wantCode {
				t.Errorf("exit %d, want %d; output:\n%s\nwant:\n%s", code, wantCode, got, want.String())
			}
		})
	}
}

// A byte order mark before the first line is what some editors save, not
// part of the JSON; a line too long to read names its line number.
func TestClassifyStreamBOMAndLongLine(t *testing.T) {
	run := func(stdin string) (string, string, int) {
		var out, errs bytes.Buffer
		env := Env{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errs, Getenv: func(string) string { return "" },
			Now: func() time.Time { return time.Date(2026, 11, 17, 16, 0, 0, 0, time.UTC) }}
		code := Main(context.Background(), []string{"classify", "--config", repo("examples", "sprintguard.yaml")}, env)
		return out.String(), errs.String(), code
	}
	out, errs, code := run("\ufeff{\"summary\": \"prod is down\"}\n{\"summary\": \"\ufeffx\"}\n")
	if code != ExitOK || strings.Count(out, "platform: ") != 2 || errs != "" {
		t.Errorf("with a BOM: exit %d, stdout %q, stderr %q; want two answers", code, out, errs)
	}
	long := `{"summary": "` + strings.Repeat("x", maxStdinLine) + `"}`
	out, errs, code = run("{\"summary\": \"prod is down\"}\n" + long + "\n{\"summary\": \"how do I rotate my key\"}\n")
	if code != ExitFail || strings.Count(out, ": P") != 2 || !strings.Contains(errs, "stdin:2: line longer than 1 MiB, skipped; write one") {
		t.Errorf("with a long line: exit %d, stdout %q, stderr %q; want the other two answers and stdin:2's error with what to do", code, out, errs)
	}
}

// A file saved as UTF-16 with its byte order mark is refused, saying how
// to save it, rather than read as JSON that starts with 'ÿ'.
func TestClassifyStreamUTF16(t *testing.T) {
	var out, errs bytes.Buffer
	env := Env{Stdin: strings.NewReader("\xff\xfe{\x00\"\x00}\x00\n\x00"), Stdout: &out, Stderr: &errs, Getenv: func(string) string { return "" },
		Now: func() time.Time { return time.Date(2026, 11, 17, 16, 0, 0, 0, time.UTC) }}
	code := Main(context.Background(), []string{"classify", "--config", repo("examples", "sprintguard.yaml")}, env)
	if code != ExitFail || out.Len() != 0 || !strings.Contains(errs.String(), "stdin is UTF-16; save it as UTF-8") {
		t.Errorf("exit %d, stdout %q, stderr %q; want 1 and stdin is UTF-16", code, out.String(), errs.String())
	}
}
