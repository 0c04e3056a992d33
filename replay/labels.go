package replay

import (
	"fmt"
	"strings"

	"github.com/sprintguard/sprintguard/internal/plural"
	"github.com/sprintguard/sprintguard/learn"
)

// LabelScore is how one team's rules agreed with the labels file of the
// replayed export.
type LabelScore struct {
	Team  string       `json:"team"`
	File  string       `json:"file"`
	Score learn.Result `json:"score"`
}

func writeLabels(b *strings.Builder, ls []LabelScore) {
	if len(ls) == 0 {
		return
	}
	fmt.Fprintf(b, "\n%s\nRules against the labels in %s\n%s\n", rule, ls[0].File, rule)
	for _, l := range ls {
		fmt.Fprintf(b, "  %-12s %s %s\n", l.Team, learn.Headline(l.Score), plural.Noun(float64(l.Score.N), "labelled request"))
	}
}
