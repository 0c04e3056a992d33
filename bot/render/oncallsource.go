package render

import (
	"strings"
	"time"

	"github.com/sprintguard/sprintguard/oncall"
)

// sourceNames are how `/sg oncall` names where a schedule comes from.
var sourceNames = map[string]string{
	oncall.SourceICal:      "the calendar feed",
	oncall.SourcePagerDuty: "PagerDuty",
}

// OnCallSource returns the line that says where a fetched schedule comes
// from and how fresh it is ("From PagerDuty, as of 10:42."), and names
// the people in it that match no Slack user. It is "" for a rotation kept
// in the config. tl is nil before the first good fetch. It is pure.
func OnCallSource(source string, tl *oncall.Timeline, escalateTo string, loc *time.Location) string {
	name, ok := sourceNames[source]
	if !ok {
		return ""
	}
	if tl == nil {
		return "_No schedule from " + name + " yet: requests go to escalate_to (" + escalation(escalateTo) + ")._"
	}
	line := "_From " + name + ", as of " + tl.FetchedAt.In(loc).Format("Mon 15:04 MST") + "._"
	if len(tl.Unmapped) > 0 {
		esc := make([]string, len(tl.Unmapped))
		for i, u := range tl.Unmapped {
			esc[i] = Escape(u)
		}
		line += "\n:warning: No Slack user matches " + strings.Join(esc, ", ") +
			" in the schedule; add them to `people:`. Their shifts go to escalate_to (" + escalation(escalateTo) + ")."
	}
	return line
}

func escalation(to string) string {
	switch {
	case to == "":
		return "not set"
	case strings.HasPrefix(to, "@"):
		return Escape(to)
	default:
		return mention(to)
	}
}

// until renders the end of a shift; a schedule that names nobody after a
// time has no end to show.
func until(end time.Time, loc *time.Location) string {
	if end.Year() >= 9999 {
		return " until the schedule says otherwise"
	}
	return " until " + stamp(end, loc)
}
