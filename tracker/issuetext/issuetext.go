// Package issuetext is what sprintguard writes in an issue on GitHub or
// GitLab: the hidden marker that makes creation idempotent, the label
// set, the title's length, and the sprint a milestone is named after.
package issuetext

import (
	"strings"
	"time"

	"github.com/sprintguard/sprintguard/sprint"
	"github.com/sprintguard/sprintguard/triage"
)

// Labels every sprintguard issue may carry besides the urgency, the
// category and the rules' labels.
const (
	LabelInterrupt = "interrupt"
	LabelDeferred  = "deferred"
)

// Marker is the hidden line that ties an issue to the creation job that
// made it; neither GitHub nor GitLab renders an HTML comment.
func Marker(idempotencyKey string) string { return "<!-- sprintguard: " + idempotencyKey + " -->" }

// Labels is the label set of a new issue, in order and without repeats:
// sprintguard's own, urgency (the tracker's spelling of the urgency
// label), interrupt or deferred, the category and the rules' labels. The
// per-request sg-<id> label Jira needs is left out: the marker does its
// work without a label per request. Labels holding a comma are dropped,
// as both trackers take labels as a comma-separated list somewhere.
func Labels(spec triage.TicketSpec, urgency string) []string {
	kind := LabelInterrupt
	if spec.Deferred {
		kind = LabelDeferred
	}
	var out []string
	seen := map[string]bool{}
	add := func(l string) {
		l = strings.TrimSpace(l)
		if l == "" || seen[strings.ToLower(l)] || isRequestLabel(l) || strings.Contains(l, ",") {
			return
		}
		seen[strings.ToLower(l)] = true
		out = append(out, l)
	}
	add("sprintguard")
	add(urgency)
	add(kind)
	add(spec.Category)
	for _, l := range spec.Labels {
		add(l)
	}
	return out
}

// isRequestLabel reports whether l is a per-request sg-<id> label.
func isRequestLabel(l string) bool {
	rest, ok := strings.CutPrefix(l, "sg-")
	return ok && rest != "" && strings.Trim(rest, "0123456789") == ""
}

// Backlog reports whether the request goes to no sprint at all: a
// deferred P4 is the policy's backlog. Other deferred requests go to the
// next sprint.
func Backlog(spec triage.TicketSpec) bool { return spec.Deferred && spec.Urgency >= 4 }

// Sprint is the sprint running at now on cal, or the one after it.
func Sprint(cal sprint.Calendar, now time.Time, next bool) sprint.Sprint {
	s := cal.At(now)
	if next {
		s = cal.Number(s.N + 1)
	}
	return s
}

// Clip shortens s to n runes, ending with an ellipsis when cut.
func Clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
