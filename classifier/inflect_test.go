package classifier

import (
	"slices"
	"testing"
)

func TestForms(t *testing.T) {
	tests := []struct {
		word     string
		want     []string // among the forms
		wantNot  []string // not among them
		onlySelf bool
	}{
		{word: "fail", want: []string{"fail", "fails", "failed", "failing"}},
		{word: "fails", want: []string{"fail", "failed", "failing"}},
		{word: "cert", want: []string{"certs"}},
		{word: "certs", want: []string{"cert"}, wantNot: []string{"certificate"}},
		{word: "queue", want: []string{"queues", "queued", "queuing", "queueing"}},
		{word: "queues", want: []string{"queue", "queued"}},
		{word: "use", want: []string{"uses", "used", "using"}},
		{word: "retry", want: []string{"retries", "retried", "retrying"}},
		{word: "retries", want: []string{"retry", "retried"}},
		{word: "deploy", want: []string{"deploys", "deployed", "deploying"}, wantNot: []string{"deployment", "deploies"}},
		{word: "stop", want: []string{"stopped", "stopping"}},
		{word: "transfer", want: []string{"transferred", "transfers"}},
		{word: "log", want: []string{"logs", "logged", "logging"}},
		{word: "patch", want: []string{"patches", "patched"}},
		{word: "fixes", want: []string{"fix", "fixed"}},
		{word: "need", want: []string{"needs", "needed"}},
		{word: "access", want: []string{"accessed"}, wantNot: []string{"acces"}},
		{word: "status", wantNot: []string{"statu"}},
		{word: "runner", wantNot: []string{"run", "running"}},
		{word: "broken", want: []string{"break", "broke", "breaks"}},
		{word: "die", want: []string{"dies", "died", "dying"}},
		{word: "staging", onlySelf: true},
		{word: "onboarding", onlySelf: true},
		{word: "queued", onlySelf: true},
		{word: "https", onlySelf: true}, // not the plural of "http"
		{word: "new", onlySelf: true},
		{word: "can", onlySelf: true},
		{word: "rights", onlySelf: true},
		{word: "ci", onlySelf: true},
		{word: "5xx", onlySelf: true},
		{word: "échec", onlySelf: true},
		{word: "call_rota", onlySelf: true},
	}
	for _, tt := range tests {
		t.Run(tt.word, func(t *testing.T) {
			got := Forms(tt.word)
			if !slices.Contains(got, tt.word) {
				t.Errorf("Forms(%q) = %q, missing the word itself", tt.word, got)
			}
			if tt.onlySelf && len(got) != 1 {
				t.Errorf("Forms(%q) = %q, want only the word", tt.word, got)
			}
			for _, w := range tt.want {
				if !slices.Contains(got, w) {
					t.Errorf("Forms(%q) = %q, missing %q", tt.word, got, w)
				}
			}
			for _, w := range tt.wantNot {
				if slices.Contains(got, w) {
					t.Errorf("Forms(%q) = %q, should not contain %q", tt.word, got, w)
				}
			}
		})
	}
}

// TestFormsSymmetric checks that a plain word and its plural match the same
// text words, whichever of them a rule names.
func TestFormsSymmetric(t *testing.T) {
	for _, pair := range [][2]string{{"cert", "certs"}, {"queue", "queues"}, {"job", "jobs"}, {"retry", "retries"}, {"patch", "patches"}} {
		a, b := Forms(pair[0]), Forms(pair[1])
		for _, w := range []string{pair[0], pair[1]} {
			if !slices.Contains(a, w) || !slices.Contains(b, w) {
				t.Errorf("Forms(%q) = %q and Forms(%q) = %q should both contain %q", pair[0], a, pair[1], b, w)
			}
		}
	}
}
