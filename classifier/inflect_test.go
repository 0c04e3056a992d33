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
		{word: "fails", onlySelf: true},
		{word: "cert", want: []string{"certs"}},
		{word: "cert", wantNot: []string{"certificate"}},
		{word: "queue", want: []string{"queues", "queued", "queuing", "queueing"}},
		{word: "queues", onlySelf: true},
		{word: "use", want: []string{"uses", "used", "using"}},
		{word: "retry", want: []string{"retries", "retried", "retrying"}},
		{word: "retries", onlySelf: true},
		{word: "deploy", want: []string{"deploys", "deployed", "deploying"}, wantNot: []string{"deployment", "deploies"}},
		{word: "stop", want: []string{"stopped", "stopping"}},
		{word: "transfer", want: []string{"transferred", "transfers"}},
		{word: "log", want: []string{"logs", "logged", "logging"}},
		{word: "patch", want: []string{"patches", "patched"}},
		{word: "fix", want: []string{"fixes", "fixed", "fixing"}},
		{word: "need", want: []string{"needs", "needed"}},
		{word: "access", want: []string{"accesses", "accessed", "accessing"}},
		{word: "status", want: []string{"statuses"}},
		{word: "runner", wantNot: []string{"run", "running"}},
		{word: "break", want: []string{"breaks", "broke", "broken", "breaking"}},
		{word: "broken", onlySelf: true},
		{word: "build", want: []string{"builds", "built", "building"}},
		{word: "die", want: []string{"dies", "died", "dying"}},
		{word: "lost", onlySelf: true},
		{word: "staging", onlySelf: true},
		{word: "onboarding", onlySelf: true},
		{word: "building", onlySelf: true},
		{word: "customers", onlySelf: true},
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
