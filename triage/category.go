package triage

import (
	"slices"
	"strings"
)

// standardCategories are the categories offered when a team's rules assign
// none, so that the on-call can still file a request under one.
var standardCategories = []string{"access", "deploy", "incident", "infra_change", "question", "security", "other"}

// Categories returns the categories a request of the team may be filed
// under: those its rules assign, or the standard list when they assign
// none. It is safe for concurrent use.
func (t *Team) Categories() []string {
	if t != nil && t.Rules != nil {
		if cats := t.Rules.Categories(); len(cats) > 0 {
			return cats
		}
	}
	return slices.Clone(standardCategories)
}

// checkCategory refuses a category the team does not know, naming those
// it does: a label with a typo would teach the rules nothing.
func checkCategory(team *Team, c string) error {
	if c == "" {
		return Errorf(EINVALID, "a category change needs a category")
	}
	if cats := team.Categories(); !slices.Contains(cats, c) {
		return Errorf(EINVALID, "%q is not a category of team %s; pick one of %s", c, team.Name, strings.Join(cats, ", "))
	}
	return nil
}
