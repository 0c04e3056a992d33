package triage

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestSummarize(t *testing.T) {
	deploys := strings.Repeat("deploy ", 30)              // a space every 7 runes: rune 149 is inside a word
	exact := strings.Repeat("éé ", 49) + "ééé"            // 150 runes, 250 bytes
	errs := strings.Repeat("ошибка ", 10) + "/var/log/" + // 70 runes of words, then one long path
		strings.Repeat("x", 120)
	tests := []struct {
		name, text, summary, details string
	}{
		{"one line", "  the staging deploy is stuck\n", "the staging deploy is stuck", ""},
		{"multi-line", "db is slow\nsince 10:00, p99 is 3s\n\nplease look", "db is slow", "since 10:00, p99 is 3s\n\nplease look"},
		{"blank first line", "\n\n  grafana is down  \nsince noon", "grafana is down", "since noon"},
		{"long first line", deploys + "\nlogs attached",
			strings.TrimSpace(strings.Repeat("deploy ", 21)) + "…", strings.TrimSpace(deploys + "\nlogs attached")},
		{"first line of exactly 150 runes", exact + "\nmore", exact, "more"},
		{"first line of 151 runes", exact + "é",
			strings.TrimSpace(strings.Repeat("éé ", 49)) + "…", exact + "é"},
		{"a long word past half the summary", errs,
			string([]rune(errs)[:149]) + "…", errs},
		{"nothing", " \n\t", "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, d := Summarize(tc.text)
			if s != tc.summary || d != tc.details {
				t.Errorf("Summarize(%q)\n = %q, %q\nwant %q, %q", tc.text, s, d, tc.summary, tc.details)
			}
			if n := utf8.RuneCountInString(s); n > MaxSummary {
				t.Errorf("summary has %d runes, over %d", n, MaxSummary)
			}
		})
	}
}

// FuzzSummarize checks that any text gives a one-line trimmed summary of
// at most MaxSummary runes, and that the summary and the details together
// hold every word of the text: the lines after a whole first line, or the
// whole text after a cut one.
func FuzzSummarize(f *testing.F) {
	f.Add("the staging deploy is stuck")
	f.Add("db is slow\nsince 10:00")
	f.Add(strings.Repeat("é ", 100) + "\nmore")
	f.Add(strings.Repeat("x", 200))
	f.Fuzz(func(t *testing.T, text string) {
		summary, details := Summarize(text)
		if n := utf8.RuneCountInString(summary); n > MaxSummary {
			t.Errorf("summary has %d runes, more than %d: %q", n, MaxSummary, summary)
		}
		if strings.Contains(summary, "\n") || strings.TrimSpace(summary) != summary {
			t.Errorf("summary is not one trimmed line: %q", summary)
		}
		if utf8.ValidString(text) && (!utf8.ValidString(summary) || !utf8.ValidString(details)) {
			t.Errorf("valid UTF-8 %q gave invalid summary %q or details %q", text, summary, details)
		}
		words := strings.Fields(text)
		if !slices.Equal(strings.Fields(summary+"\n"+details), words) && details != strings.TrimSpace(text) {
			t.Errorf("Summarize(%q) = %q, %q: words lost", text, summary, details)
		}
	})
}

func TestMessageText(t *testing.T) {
	tests := []struct {
		name    string
		text    string
		files   []File
		want    string
		unnamed bool
	}{
		{"words", "the deploy fails, log attached", []File{{Name: "deploy.log", Title: "deploy.log"}}, "the deploy fails, log attached", false},
		{"a titled file", " ", []File{{Name: "image.png", Title: "the invoices dashboard is blank"}}, "the invoices dashboard is blank", false},
		{"a named file", "", []File{{Name: "terraform-plan.txt"}}, "terraform-plan.txt", false},
		{"a hidden file, then a titled one", "", []File{{}, {Title: " vpn error "}}, "vpn error", false},
		{"files with no name", "", []File{{}, {Title: " "}}, "", true},
		{"nothing", " ", nil, "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, unnamed := MessageText(tc.text, tc.files)
			if got != tc.want || unnamed != tc.unnamed {
				t.Errorf("MessageText(%q, %v) = %q, %v; want %q, %v", tc.text, tc.files, got, unnamed, tc.want, tc.unnamed)
			}
		})
	}
}
