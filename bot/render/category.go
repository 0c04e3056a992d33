package render

import (
	"slices"

	"github.com/slack-go/slack"

	"github.com/sprintguard/sprintguard/triage"
)

// maxSelectOptions is Slack's limit on a static select's options.
const maxSelectOptions = 100

// categorySelect lets the on-call file r under another category; the
// current one is pre-selected, and offered even when the rules no longer
// assign it, so that the menu shows it.
func categorySelect(r *triage.Request, team *triage.Team) *slack.SelectBlockElement {
	cats := team.Categories()
	now := r.CategoryNow()
	if now != "" && !slices.Contains(cats, now) {
		cats = append([]string{now}, cats...)
	}
	if len(cats) > maxSelectOptions {
		cats = cats[:maxSelectOptions]
	}
	cs := make([]choice, len(cats))
	for i, c := range cats {
		cs[i] = choice{categoryValue(r.ID, c), c}
	}
	return changeSelect("Change category", ActionCategory, cs, categoryValue(r.ID, now))
}
