package triage

import (
	"strings"
	"unicode/utf8"
)

// MaxSummary is the request modal's limit on a summary, kept for every
// way a request comes in.
const MaxSummary = 150

// Summarize cuts a message's plain text (its Slack markup already turned
// into text by the caller) into a request's summary and details. The
// summary is the first line; one longer than MaxSummary runes is cut at
// a word and marked "…". The details are the lines after the first, or
// the whole text when the summary was cut, so that the ticket, which
// shows the summary above the details, reads every word once and the
// cut line whole. serve and replay both cut by it, so that a replay's
// tickets read as serve's would.
func Summarize(text string) (summary, details string) {
	text = strings.TrimSpace(text)
	first, rest, _ := strings.Cut(text, "\n")
	first = strings.TrimSpace(first)
	if utf8.RuneCountInString(first) <= MaxSummary {
		return first, strings.TrimSpace(rest)
	}
	head, _ := CutWords(first, MaxSummary-1)
	return head + "…", text
}

// CutWords splits s after at most n runes, at the last space when one
// leaves the head at least n/2 runes, so that a word is not split; a
// head of one long word is cut inside it. Both parts are trimmed, and
// together they hold every word of s.
func CutWords(s string, n int) (head, tail string) {
	i, count := len(s), 0
	for j := range s {
		if count == n {
			i = j
			break
		}
		count++
	}
	if i == len(s) {
		return strings.TrimSpace(s), ""
	}
	if sp := strings.LastIndexByte(s[:i+1], ' '); sp > 0 && utf8.RuneCountInString(s[:sp]) >= n/2 {
		i = sp
	}
	return strings.TrimSpace(s[:i]), strings.TrimSpace(s[i:])
}
