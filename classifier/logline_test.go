package classifier

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// mayStartLog may only rule out lines that logStart cannot match: every
// first byte it rules out is tried before tails that complete each kind of
// alternative, and a line logStart matches must never be ruled out.
func TestMayStartLogKeepsLogLines(t *testing.T) {
	tails := []string{
		"", "x.go:12", "12:30:45 z", "2026-01-02T10:00 x", "/a.go:1", "@h:~$ ls", "0.0.0 a b [", " 1.0]", "ERROR]",
		"1 0x1f", ".. 2 more", " ls", ` "a": 1}`, "Exception: x", ".Foo.BarError", "an 2 10:00:00 x", "ERROR:x",
	}
	matched := 0
	for c := range 256 {
		for _, tail := range tails {
			line := string(rune(c)) + tail
			if c >= 0x80 {
				line = string([]byte{byte(c)}) + tail
			}
			if keepsLogLine(t, line) {
				matched++
			}
		}
	}
	if matched < 40 {
		t.Fatalf("only %d lines matched logStart: the tails no longer exercise it", matched)
	}
	for _, line := range []string{"<!subteam^S1|@oncall> help", ":fire: prod is down", "@here the site", "\"quoted\" words", "* a list item"} {
		if mayStartLog(line) {
			t.Errorf("mayStartLog(%q) = true; such lines cannot start a log", line)
		}
	}
}

// Lines made at random of log-like and prose-like words: whenever
// logStart matches one, mayStartLog must let it through; and the
// greetings and labels that start chat are ruled out.
func TestMayStartLogKeepsGeneratedLogLines(t *testing.T) {
	words := []string{
		"ERROR", "ERROR:", "ERROR:x", "ERROR[", "Error:", "IOException:", "IOException", "com.foo.BarException",
		"main.go:12", "pkg/x.go:3", "user@host:~$", "u@h:/tmp#", "Mon,", "Mon", "Jan", "Jan,", "12", "2", "2026",
		"E0102", "W1231", "at", "async", "panic:", "panic", "[INFO]", "[", "]", "x", "Hi!", "Hello,", "urgent:",
		"{", `"level":`, "...", "more", "2026-01-02T10:00", "10:00:00", "15:04", "(", ")", "(x.js:1:2)", "npm",
		"ERR!", "WARN", "GET", "/x", "HTTP/1", "0x1f", "#1", "$", "ls", "File", `"a.py",`, "line", "Caused", "by:",
		"thread", "'main'", "panicked", "goroutine", "Traceback", "Exception", "in", "1.2.3.4", "-", "a=b", "FATAL",
	}
	seps := []string{" ", " ", "  ", "\t", ""}
	rnd := rand.New(rand.NewPCG(3, 5))
	matched := 0
	for range 40000 {
		if keepsLogLine(t, strings.TrimSpace(randomText(rnd, words, seps, 5))) {
			matched++
		}
	}
	if matched < 4000 {
		t.Fatalf("only %d lines matched logStart: the words no longer exercise it", matched)
	}
	for _, line := range []string{
		"Mon, Jan 2 15:04 host x", "E0102 15:04:05.000 x", "panic: boom", "ERROR:x", "ERROR[main] x", "WARNING  x",
		"IOException: x", "com.foo.BarException: x", "main.go:12 +0x1f", "user@host:~$ ls",
	} {
		if !logStart.MatchString(line) || !mayStartLog(line) {
			t.Errorf("%q: logStart %v, mayStartLog %v; want both", line, logStart.MatchString(line), mayStartLog(line))
		}
	}
	for _, line := range []string{"Hi! the deploy is stuck", "Hello, can someone help", "urgent: prod is down", "API is down", "hey, any news?", "URGENT please"} {
		if mayStartLog(line) {
			t.Errorf("mayStartLog(%q) = true; it starts prose", line)
		}
	}
}

// keepsLogLine reports whether logStart matches line, and fails the test
// when mayStartLog rules such a line out.
func keepsLogLine(t *testing.T, line string) bool {
	t.Helper()
	if !logStart.MatchString(line) {
		return false
	}
	if !mayStartLog(line) {
		t.Fatalf("mayStartLog rules out %q, which logStart matches", line)
	}
	return true
}

// randomText joins one to most of parts chosen by rnd, each followed by
// one of seps, if any.
func randomText(rnd *rand.Rand, parts, seps []string, most int) string {
	var b strings.Builder
	for range 1 + rnd.IntN(most) {
		b.WriteString(parts[rnd.IntN(len(parts))])
		if len(seps) > 0 {
			b.WriteString(seps[rnd.IntN(len(seps))])
		}
	}
	return b.String()
}

// Two spaces after a sentence are how many people type prose; the columns
// of a pasted table or an aligned log line are still output.
func TestIsLogLineSentenceSpacing(t *testing.T) {
	prose := []string{
		"Hi team.  The checkout site is down.  Nobody can pay.  Please help asap.",
		"Is prod down?  Checkout fails!  Nothing loads.  (Since 10:00.)  Help",
		`He said "it's fine."  It isn't.  The queue is stuck.  "Help!"  Anyone?`,
		"*Urgent.*  _The site is down._  Nobody can pay.  3 teams are blocked.",
	}
	for _, line := range prose {
		if isLogLine(line, false) {
			t.Errorf("isLogLine(%q) = true; it is prose typed with two spaces after each sentence", line)
		}
	}
	output := []string{
		"NAME                         READY   STATUS             RESTARTS   AGE",
		"checkout-7d9f8b6c5d-x2k4q    0/1     CrashLoopBackOff   12         5m",
		"payments-api   ERROR   upstream timed out   10.0.0.3",
		"Ready.\tRunning.\tDone.\tok",
		"Done.     Failed.     Pending.     ok",
		"1.  web-1  Running  0  5d",
	}
	for _, line := range output {
		if !isLogLine(line, false) {
			t.Errorf("isLogLine(%q) = false; its columns are output", line)
		}
	}
}
