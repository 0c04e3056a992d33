package triage

import "testing"

// TestSimilarity checks the Jaccard index of summaries' word sets: case,
// punctuation and repeated words do not count, letters and digits of any
// script do.
func TestSimilarity(t *testing.T) {
	tests := []struct {
		a, b string
		want float64
	}{
		{"Deploy is stuck", "deploy IS stuck!!", 1},
		{"deploy deploy stuck", "deploy stuck", 1},
		{"deploy is stuck", "deploy is stuck again", 0.75},
		{"a b c d e", "a b c d e f g h", 5.0 / 8},
		{"accès refusé à la base", "Accès refusé, à la BASE", 1},
		{"v2.3 rollout", "v2 3 rollout", 1},
		{"", "anything", 0},
		{"!!!", "???", 0},
		{"alpha beta", "gamma delta", 0},
	}
	for _, tc := range tests {
		t.Run(tc.a+"|"+tc.b, func(t *testing.T) {
			if got := similarity(wordSet(nil, tc.a), wordSet(nil, tc.b)); got != tc.want {
				t.Errorf("similarity = %v, want %v", got, tc.want)
			}
			if got := similarity(wordSet(nil, tc.b), wordSet(nil, tc.a)); got != tc.want {
				t.Errorf("reversed: similarity = %v, want %v", got, tc.want)
			}
		})
	}
}
