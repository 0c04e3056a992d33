package report

import (
	"time"

	"github.com/sprintguard/sprintguard/triage"
)

// Data is everything one team's weekly report is computed from. Compute
// only reads it, so one Data may be shared by concurrent Compute calls.
type Data struct {
	Team *triage.Team
	// Week is the reported week, as made by WeekOf or ParseWeek in the
	// team's time zone.
	Week Window
	// Requests holds the team's requests created from the first week of the
	// trend (or the start of the report's sprint, if earlier) to Week.End.
	// Requests of other teams and requests outside those windows are ignored.
	Requests []*triage.Request
	// Now is the report's clock: open requests are judged against their SLA
	// at Now, and a week that has not ended yet is reported up to Now. Zero
	// means Week.End.
	Now time.Time
	// Names holds requesters' display names by Slack user id, resolved
	// before Compute (see Requesters) so that computing and rendering stay
	// pure. A requester without one is shown by the name the request
	// recorded, else by user id.
	Names map[string]string
}

// Weekly is one team's computed weekly report. All times are in the team's
// time zone. A Weekly is not changed after Compute returns it, so it may be
// rendered concurrently.
type Weekly struct {
	Team     string    `json:"team"`
	Week     string    `json:"week"` // "2026-W47"
	TimeZone string    `json:"time_zone"`
	Start    time.Time `json:"start"`
	End      time.Time `json:"end"`
	// Cutoff is min(Now, End): nothing created at or after it is counted.
	Cutoff time.Time `json:"cutoff"`
	// Generated is the report's Now.
	Generated time.Time `json:"generated"`

	// ThisWeek covers requests created in [Start, Cutoff).
	ThisWeek Period `json:"this_week"`
	// Sprint covers requests created from the start of the sprint holding
	// the last instant before Cutoff, up to Cutoff. That sprint is the one
	// the week belongs to, even when the report runs on the Monday that
	// starts the next sprint.
	Sprint     Period       `json:"sprint"`
	SprintInfo SprintStatus `json:"sprint_info"`
	// Trend is the last 8 weeks, oldest first, ending with this week.
	Trend []TrendPoint `json:"trend"`
	// Days is the reported week's local days, Monday first.
	Days []DayCount `json:"days"`
	// BurnUp is the sprint's local days up to Cutoff.
	BurnUp []BurnPoint `json:"burn_up"`
}

// Period is the statistics of the requests created in one span of time.
// Outcomes and the status-derived figures use each request's current state.
// Breakdowns are sorted by count, largest first, then by name; uncategorised
// requests are named "(none)", requesters without a team "(no team)", and a
// requester by their display name from Data.Names, else the newest name a
// request recorded, else their user id. A Period is a plain value, safe for
// concurrent reads.
type Period struct {
	Requests int `json:"requests"`
	// ByUrgency counts current urgency (after human overrides); the keys
	// "P1".."P4" are always present, and "P?" counts requests without a
	// valid urgency, if any.
	ByUrgency map[string]int `json:"by_urgency"`
	// ByCategory counts the category now: the on-call's, when they changed
	// it, else the rules'.
	ByCategory      []Count `json:"by_category"`
	ByRequesterTeam []Count `json:"by_requester_team"`
	ByRequester     []Count `json:"by_requester"`
	// Outcomes has the keys accepted, deferred, needs_approval, backlog and
	// declined, always; a request deferred after it was accepted counts as
	// deferred.
	Outcomes map[string]int `json:"outcomes"`
	// TicketedBy counts the requests that have a ticket by who caused it,
	// with the keys requester, member and deadline, always; a request a
	// rule's answer solved has none.
	TicketedBy map[string]int `json:"ticketed_by"`
	// BudgetUsed sums the charge of the period's requests that count
	// against a sprint budget now (actual time where recorded, else the
	// estimate), whichever sprint they are charged to; SprintStatus.Used is
	// the sprint ledger's view instead.
	BudgetUsed float64 `json:"budget_used"`
	// Ack and Resolve run from when the on-call was told (Request.NotifyAt,
	// else creation) to acknowledgement and resolution, over the requests
	// that have them.
	Ack         Durations `json:"ack"`
	Resolve     Durations `json:"resolve"`
	SLABreaches Breaches  `json:"sla_breaches"`
	// Overridden counts requests whose urgency a person changed at least
	// once; OverrideRate is Overridden / Requests.
	Overridden   int     `json:"overridden"`
	OverrideRate float64 `json:"override_rate"`
	// TopRequesters is the first 5 of ByRequester.
	TopRequesters []Count `json:"top_requesters"`
	// FalseEmergencies are requests claimed as P1 or P2 that the rules
	// classified lower, oldest first; a request a person later raised to
	// the claimed urgency is left out, since then the rules were wrong (as
	// Overridden shows), not the requester.
	FalseEmergencies []Item `json:"false_emergencies"`
	// OverriddenRules counts, per rule, the requests it decided that
	// people overrode as rules suggest learns it (learn.Blamed): the
	// urgency or category changed, an interrupt deferred, or the request
	// declined; a bound that moved the urgency the people set back is
	// counted instead of the rule that decided. The rules that were overridden most, most first, at most 5.
	OverriddenRules []Count `json:"overridden_rules"`
	// Deflected counts the requests a rule's answer solved, by the
	// requester's word, before anyone on call saw them; AnswersOffered
	// counts every request offered a rule's answer (every deflection),
	// solved, still needing help or not answered yet.
	Deflected      int `json:"deflected"`
	AnswersOffered int `json:"answers_offered"`
	// LearnedEstimates counts the requests charged the median time spent
	// on similar earlier ones instead of their rule's estimate.
	LearnedEstimates int `json:"learned_estimates"`
}

// Count is one row of a breakdown: a category, a requesting team or a
// requester, with how many requests it made and what they charged.
type Count struct {
	Name string `json:"name"`
	// ID is the Slack user id, for requesters only.
	ID     string  `json:"id,omitempty"`
	N      int     `json:"count"`
	Budget float64 `json:"budget"`
}

// Durations summarises a set of elapsed times. Median is the nearest-rank
// 50th percentile and P90 the nearest-rank 90th: both are values that
// actually occurred, never interpolations. In JSON the durations are
// written in seconds and as text (see MarshalJSON).
type Durations struct {
	N      int           `json:"n"`
	Median time.Duration `json:"median"`
	P90    time.Duration `json:"p90"`
	Max    time.Duration `json:"max"`
}

// Breaches counts SLA breaches against the targets of the rule that
// classified each request. A request breaches its acknowledge SLA when it
// was acknowledged late, or is accepted and still waiting for
// acknowledgement past its SLA at the report's Now; likewise for resolve.
// The clock starts when the on-call was told (Request.NotifyAt), which for
// a P2 that arrived after hours, or an approved request, is after creation.
type Breaches struct {
	Ack     int     `json:"ack"`
	Resolve int     `json:"resolve"`
	IDs     []int64 `json:"ids"` // every breaching request, ascending, each once
	// Items details the 50 most overdue breaches (by time past target),
	// worst first.
	Items []Breach `json:"items"`
}

// Breach is one missed SLA target.
type Breach struct {
	ID        int64          `json:"id"`
	Ticket    string         `json:"ticket,omitempty"`
	TicketURL string         `json:"ticket_url,omitempty"`
	Kind      string         `json:"kind"` // "ack" or "resolve"
	Target    time.Duration  `json:"target"`
	Took      time.Duration  `json:"took"`
	Open      bool           `json:"open"` // still not acknowledged / resolved
	Urgency   triage.Urgency `json:"urgency,omitempty"`
}

// Item is a request singled out by the report.
type Item struct {
	ID         int64          `json:"id"`
	Ticket     string         `json:"ticket,omitempty"`
	TicketURL  string         `json:"ticket_url,omitempty"`
	Summary    string         `json:"summary"`
	Claimed    triage.Urgency `json:"claimed"`
	Classified triage.Urgency `json:"classified"`
	// Final is the urgency now; zero if it is not a valid urgency.
	Final     triage.Urgency `json:"final,omitempty"`
	Requester string         `json:"requester"` // display name, else user id
	// RequesterID is the requester's Slack user id.
	RequesterID string    `json:"requester_id,omitempty"`
	CreatedAt   time.Time `json:"created_at"`
}

// SprintStatus is the interrupt budget of the report's sprint at Cutoff.
type SprintStatus struct {
	N     int       `json:"n"`
	Start time.Time `json:"start"`
	End   time.Time `json:"end"` // exclusive
	Unit  string    `json:"unit"`
	// Budget is the sprint's interrupt budget; Used sums the current charges
	// of the requests charged to this sprint (Request.Sprint, as the
	// ledger) that entered it, on arrival or approval, before Cutoff.
	Budget    float64 `json:"budget"`
	Used      float64 `json:"used"`
	Left      float64 `json:"left"`
	UsedRatio float64 `json:"used_ratio"` // Used / Budget; 0 when there is no budget
	// DaysLeft counts the sprint's local days from Cutoff's day, included,
	// to its end: 0 once the sprint is over.
	DaysLeft int `json:"days_left"`
	// OverBudget counts requests accepted although the budget was spent.
	OverBudget int `json:"over_budget"`
}

// TrendPoint is one week of the 8-week trend.
type TrendPoint struct {
	Week      string         `json:"week"`
	Start     time.Time      `json:"start"`
	Requests  int            `json:"requests"`
	ByUrgency map[string]int `json:"by_urgency"`
	// BudgetUsed is the charge of the requests created that week that
	// count against a budget now; Plan is the budget's weekly share.
	BudgetUsed float64 `json:"budget_used"`
	Plan       float64 `json:"plan"`
}

// DayCount is one local day of the reported week.
type DayCount struct {
	Date      string         `json:"date"` // "2026-11-16"
	Start     time.Time      `json:"start"`
	Requests  int            `json:"requests"`
	ByUrgency map[string]int `json:"by_urgency"`
}

// BurnPoint is one local day of the sprint's burn-up: the budget used by the
// end of that day (or Cutoff, for its last day) against the plan, which
// spends the budget evenly over the sprint's days.
type BurnPoint struct {
	Date string  `json:"date"`
	Day  int     `json:"day"` // 1 for the sprint's first day
	Used float64 `json:"used"`
	Plan float64 `json:"plan"`
}
