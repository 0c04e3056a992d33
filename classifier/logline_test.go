package classifier

import "testing"

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
			if logStart.MatchString(line) {
				matched++
				if !mayStartLog(line) {
					t.Errorf("mayStartLog rules out %q, which logStart matches", line)
				}
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
