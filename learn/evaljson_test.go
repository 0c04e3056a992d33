package learn

import (
	"encoding/json"
	"strings"
	"testing"
)

// A level the rules never decided has no precision, and one nobody
// labelled no recall: JSON says null, as the text says "-" (issue 12).
func TestUrgencyScoreJSONNullWithoutCounts(t *testing.T) {
	for _, c := range []struct {
		s    UrgencyScore
		want string
	}{
		{UrgencyScore{Urgency: 1, Labelled: 2}, `"precision":null,"recall":0}`},
		{UrgencyScore{Urgency: 4, Decided: 3}, `"precision":0,"recall":null}`},
		{UrgencyScore{Urgency: 2, Labelled: 4, Decided: 2, Correct: 1, Precision: 0.5, Recall: 0.25}, `"precision":0.5,"recall":0.25}`},
	} {
		got, err := json.Marshal(c.s)
		if err != nil || !strings.HasSuffix(string(got), c.want) || strings.Count(string(got), "precision") != 1 {
			t.Errorf("%+v: %s, %v; want it to end %s", c.s, got, err, c.want)
		}
	}
}
