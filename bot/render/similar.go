package render

import (
	"strings"

	"github.com/sprintguard/sprintguard/triage"
)

// homeSimilar is how many open requests of a team show their similar
// past requests in the App Home.
const homeSimilar = 5

// similarText is the on-call's view of what r's similar past requests
// say: a learned estimate and the requests themselves, one a line, or ""
// when the lookup found nothing.
func similarText(r *triage.Request, unit string) string {
	var lines []string
	if r.EstimateWhy != "" {
		lines = append(lines, "*Learned* "+learnedLine(r, unit))
	}
	if len(r.Similar) > 0 {
		lines = append(lines, "*Similar past requests:*")
		for _, s := range r.Similar {
			lines = append(lines, "• "+similarLine(s, unit))
		}
	}
	return clip(strings.Join(lines, "\n"), maxSectionText)
}

// similarLine is one similar request: ticket, urgency, summary, who
// resolved it and the time it took; or, for one a rule's answer solved,
// the rule.
func similarLine(s triage.Similar, unit string) string {
	if s.AnsweredBy != "" {
		// No ticket, no on-call, no time spent: "request 6 · resolved"
		// would read as one that slipped through.
		return "*" + s.Urgency.String() + "* · " + short(s.Summary, 60) + " · answered by rule `" + Escape(s.AnsweredBy) + "`"
	}
	parts := []string{Escape(s.Ref), "*" + s.Urgency.String() + "*", short(s.Summary, 60)}
	resolved := s.Status == triage.StatusResolved
	switch {
	case resolved && s.Resolver != "":
		parts = append(parts, "resolved by "+mention(s.Resolver))
	case s.Status == triage.StatusDeclined:
		// Never to be resolved: "not resolved yet" would promise it. A
		// deferred or backlog one is still to be done, and says so.
		parts = append(parts, statusLabel(s.Status))
	case !resolved && s.Assignee != "":
		parts = append(parts, "not resolved yet ("+statusLabel(s.Status)+", "+mention(s.Assignee)+" has it)")
	case !resolved:
		parts = append(parts, "not resolved yet ("+statusLabel(s.Status)+")")
	default:
		parts = append(parts, statusLabel(s.Status))
	}
	switch {
	case s.HasActual:
		parts = append(parts, "took "+amount(s.Actual, unit))
	case resolved:
		parts = append(parts, "time spent not recorded")
	}
	return strings.Join(parts, " · ")
}

// homeSimilarText lists, for the newest open requests that have any, their
// similar past requests, or "" when none has.
func homeSimilarText(open []*triage.Request, unit string) string {
	var lines []string
	n := 0
	for _, r := range newestFirst(open) {
		if len(r.Similar) == 0 || n == homeSimilar {
			continue
		}
		n++
		like := "*Like " + ticketRef(r) + ":*"
		if r.EstimateWhy != "" {
			like += " " + learnedLine(r, unit)
		}
		lines = append(lines, like)
		for _, s := range r.Similar {
			lines = append(lines, "    • "+similarLine(s, unit))
		}
	}
	if len(lines) == 0 {
		return ""
	}
	return clip("*Similar past requests*\n"+strings.Join(lines, "\n"), maxSectionText)
}

// learnedLine is r's learned estimate with the rule's it replaced:
// "estimate 1 point: median of REQ-1, REQ-2, REQ-3 (the rule said 2 points)".
func learnedLine(r *triage.Request, unit string) string {
	return Escape(r.EstimateWhy) + " (the rule said " + amount(r.RuleEstimate, unit) + ")"
}
