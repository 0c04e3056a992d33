package triage

import (
	"slices"
	"strings"
	"time"
	"unicode"
)

// similarEnough is the share of words two summaries must have in common to
// be the same request asked twice.
const similarEnough = 0.8

// findDuplicate returns an earlier open request of the same requester with a
// near-identical summary inside the team's duplicate window, or nil.
// Word sets come from (and go to) cache. A RequestPeeker shows the
// earlier requests without copying them; only the duplicate is copied.
func findDuplicate(tx Tx, cache *wordCache, team *Team, in NewRequest, at time.Time) (*Request, error) {
	if team.DuplicateWindow <= 0 || in.User == "" {
		return nil, nil
	}
	var want []string // split when there is an earlier request to compare
	var dup *Request
	// The closure holds the summary alone: holding in would move all of
	// it to the heap at every intake.
	summary := in.Summary
	walk := tx.RequestsBy
	p, peek := tx.(RequestPeeker)
	if peek {
		walk = p.PeekRequestsBy
	}
	err := walk(team.Name, in.User, at.Add(-team.DuplicateWindow), at.Add(time.Nanosecond), func(r *Request) error {
		if r.Status == StatusDeclined {
			return nil
		}
		if want == nil {
			want = cache.words(summary)
		}
		if similarity(want, cache.words(r.Summary)) >= similarEnough {
			dup = r
			return ErrStop
		}
		return nil
	})
	if peek && dup != nil {
		dup = dup.Clone() // the caller changes it
	}
	return dup, err
}

// wordSet puts the distinct lower-cased words of s (runs of letters and
// digits) into buf, sorted, and returns it.
func wordSet(buf []string, s string) []string {
	if buf == nil {
		buf = make([]string, 0, 16) // most summaries have fewer words
	}
	buf = buf[:0]
	s = strings.ToLower(s)
	start := -1
	for i, r := range s {
		if unicode.IsLetter(r) || unicode.IsNumber(r) {
			if start < 0 {
				start = i
			}
		} else if start >= 0 {
			buf = append(buf, s[start:i])
			start = -1
		}
	}
	if start >= 0 {
		buf = append(buf, s[start:])
	}
	slices.Sort(buf)
	return slices.Compact(buf)
}

// similarity is the Jaccard index of two word sets made by wordSet.
func similarity(a, b []string) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	common := 0
	for i, j := 0, 0; i < len(a) && j < len(b); {
		switch c := strings.Compare(a[i], b[j]); {
		case c == 0:
			common++
			i++
			j++
		case c < 0:
			i++
		default:
			j++
		}
	}
	return float64(common) / float64(len(a)+len(b)-common)
}
