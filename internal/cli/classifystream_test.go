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
	for i, c := range tf.Cases[:min(len(tf.Cases), 20)] {
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
