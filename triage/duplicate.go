package triage

import (
	"strings"
	"time"
	"unicode"
)

// similarEnough is the share of words two summaries must have in common to
// be the same request asked twice.
const similarEnough = 0.8

// findDuplicate returns an earlier open request of the same requester with a
// near-identical summary inside the team's duplicate window, or nil.
func findDuplicate(tx Tx, team *Team, in NewRequest, at time.Time) (*Request, error) {
	if team.DuplicateWindow <= 0 || in.User == "" {
		return nil, nil
	}
	want := words(in.Summary)
	var dup *Request
	err := tx.RequestsBy(team.Name, in.User, at.Add(-team.DuplicateWindow), at.Add(time.Nanosecond), func(r *Request) error {
		if r.Status != StatusDeclined && similarity(want, words(r.Summary)) >= similarEnough {
			dup = r
			return ErrStop
		}
		return nil
	})
	return dup, err
}

func words(s string) map[string]bool {
	set := map[string]bool{}
	for _, w := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsNumber(r)
	}) {
		set[w] = true
	}
	return set
}

// similarity is the Jaccard index of two word sets.
func similarity(a, b map[string]bool) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	common := 0
	for w := range a {
		if b[w] {
			common++
		}
	}
	return float64(common) / float64(len(a)+len(b)-common)
}
