package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"
)

// Someone typing lines sees each answer before typing the next: answers
// are buffered, and the buffer is flushed before every read of stdin.
func TestClassifyAnswersEachLineBeforeTheNext(t *testing.T) {
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	env := Env{Stdin: inR, Stdout: outW, Stderr: io.Discard, Getenv: func(string) string { return "" },
		Now: func() time.Time { return time.Date(2026, 11, 17, 16, 0, 0, 0, time.UTC) }}
	done := make(chan int, 1)
	go func() {
		done <- Main(context.Background(), []string{"classify", "--json", "--config", repo("examples", "sprintguard.yaml")}, env)
		outW.Close()
	}()
	answers := bufio.NewReader(outR)
	for _, text := range []string{"site is down", "how do I query the events table"} {
		if _, err := fmt.Fprintf(inW, "{\"summary\": %q}\n", text); err != nil {
			t.Fatal(err)
		}
		line := make(chan string, 1)
		go func() {
			l, _ := answers.ReadString('\n')
			line <- l
		}()
		select {
		case l := <-line:
			var res classifyResult
			if err := json.Unmarshal([]byte(l), &res); err != nil || res.Decision.Urgency.String() == "" {
				t.Fatalf("answer to %q: %q (%v)", text, l, err)
			}
		case <-time.After(30 * time.Second):
			t.Fatalf("no answer to %q while stdin stays open: it sits in the output buffer", text)
		}
	}
	inW.Close()
	if code := <-done; code != ExitOK {
		t.Errorf("exit %d", code)
	}
}

// TestClassifyShowsTheAnswerAndItsRule: text mode shows a rule's answer as
// the requester would get it, naming the continue rule that carried it
// rather than the rule that decided.
func TestClassifyShowsTheAnswerAndItsRule(t *testing.T) {
	cfg := writeFile(t, t.TempDir(), "sprintguard.yaml", `teams:
  - name: platform
    timezone: UTC
    oncall: {rotation: [U01]}
    sprint: {start: 2026-01-05, capacity: 40}
    rules:
      - {name: vpn-help, any: [vpn], continue: true, answer: "https://wiki.example.com/vpn"}
      - {name: access, any: [access], urgency: P3, category: access}
      - {name: fallback, default: true, urgency: P3}
`)
	code, out, errs := run(t, "classify", "--config", cfg, "I lost vpn access")
	if want := "  answer (rule vpn-help): https://wiki.example.com/vpn\n"; code != ExitOK || !strings.Contains(out, "(rule access)") || !strings.HasSuffix(out, want) {
		t.Errorf("exit %d, stdout %q, stderr %q; want the decision by access, then %q", code, out, errs, want)
	}
	code, out, _ = run(t, "classify", "--config", cfg, "I need access")
	if code != ExitOK || strings.Contains(out, "answer") {
		t.Errorf("exit %d, stdout %q; want no answer line", code, out)
	}
}
