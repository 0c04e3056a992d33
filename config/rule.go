package config

import "time"

// Rule is one classification rule. Conditions are Any through NeededWithin;
// actions are Urgency through Team. File and Line locate the rule's
// `- name:` item, for errors found later (for example by the classifier).
type Rule struct {
	Name         string
	Any          []string
	All          []string
	None         []string
	Regex        string   // compiles as Go RE2
	In           []string // "text", "code": what any/all/none/regex see; empty is text
	Type         []string
	Impact       []string
	Channel      []string
	RequesterIn  []string // user ids or "@handle" of Config.Groups
	When         string   // "business_hours", "after_hours" or ""
	NeededWithin time.Duration
	Urgency      string // "P1".."P4"; "" only on a continue rule
	// UrgencyAtLeast and UrgencyAtMost ("P1".."P4" or "") bound, on a
	// continue rule, the urgency another rule decides.
	UrgencyAtLeast string
	UrgencyAtMost  string
	Category       string
	Estimate       float64 // in the team's budget unit, when HasEstimate
	HasEstimate    bool
	Labels         []string
	SLA            SLA
	Team           string // route to this team, or ""
	Continue       bool
	Default        bool
	Answer         string // text or link shown to the requester first, or ""
	File           string
	Line           int
	// Alias is the line of the `- *anchor` item by which the list reuses a
	// rule written out elsewhere (Line is there), or 0: a rule put before
	// this one in this list goes at the alias, not at the anchor.
	Alias int
}

// SLA is how soon a request must be acknowledged and resolved; zero means
// no target.
type SLA struct {
	Ack     time.Duration
	Resolve time.Duration
}

// HasConditions reports whether the rule tests anything; a rule without
// conditions matches every request.
func (r Rule) HasConditions() bool {
	return len(r.Any)+len(r.All)+len(r.None)+len(r.Type)+len(r.Impact)+
		len(r.Channel)+len(r.RequesterIn) > 0 ||
		r.Regex != "" || r.When != "" || r.NeededWithin != 0
}
