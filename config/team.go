package config

import "time"

// Request types, impacts and rule times of day that rules may test.
var (
	requestTypes = []string{"access", "deploy", "incident", "infra_change", "question", "other"}
	impacts      = []string{"just_me", "my_team", "several_teams", "customers"}
	whens        = []string{"business_hours", "after_hours"}
)

// Team is one team's settings. Rules is the effective rule list: the team's
// own rules when it has any, otherwise a copy of the shared ones. File and
// Line locate the team's `- name:` item.
type Team struct {
	Name          string
	Channel       string // where posts go: "C..." id or "#name"
	Timezone      string // IANA name; see Location
	Members       []string
	Leads         []string
	BusinessHours BusinessHours
	Intake        Intake
	Oncall        Oncall
	Sprint        Sprint
	Policy        Policy
	Report        Report
	Jira          JiraProject // overrides of tracker.jira for this team
	RulesFile     string      // resolved path of the team's rules file, or ""
	Rules         []Rule
	File          string
	Line          int

	loc *time.Location
}

// Location returns the team's time zone, loaded once during validation. For
// a Team built by hand it loads Timezone on each call and falls back to UTC
// when that fails. It may be called concurrently.
func (t *Team) Location() *time.Location {
	if t.loc != nil {
		return t.loc
	}
	if loc, p := parseZone(t.Timezone); p == nil {
		return loc
	}
	return time.UTC
}

// BusinessHours is the team's working calendar, in its time zone.
type BusinessHours struct {
	Days     []time.Weekday
	Start    Clock
	End      Clock       // after Start
	Holidays []time.Time // civil dates at 00:00 UTC
}

// Intake says how requests are taken in.
type Intake struct {
	Channels        []string
	Mode            string        // "prompt" or "auto"
	TicketDeadline  time.Duration // 0 disables automatic ticketing
	Reaction        string        // emoji name without colons
	OptOut          string        // messages starting with it are ignored
	DuplicateWindow time.Duration // 0 disables duplicate detection
	AllowBots       bool
	// MembersAsk makes the team's own members' messages in its intake
	// channels requests too; by default they are the team talking.
	MembersAsk bool
}

// Oncall is the rotation. Start is the optional anchor date (civil date at
// 00:00 UTC; zero when not set).
type Oncall struct {
	Rotation          []string
	Shift             time.Duration // whole days
	Handoff           Handoff
	Start             time.Time
	EscalateTo        string // user id or "@handle"
	Usergroup         string // Slack user group id, "S..."
	SetTopic          bool
	ReassignOnHandoff bool
}

// Sprint is the sprint calendar and interrupt budget. Start is any sprint's
// first day (civil date at 00:00 UTC); sprints repeat every Length.
type Sprint struct {
	Start           time.Time
	Length          time.Duration // whole days
	Capacity        float64       // in Unit, > 0
	Unit            string        // "points" or "hours"
	InterruptBudget float64       // fraction of Capacity, 0..1
	Thresholds      []float64     // ascending fractions of the budget
}

// Policy says what happens per urgency once the budget is spent.
type Policy struct {
	P1 string // "accept"
	P2 string // "approval", "accept" or "defer"
	P3 string // "defer" or "accept"
	P4 string // "backlog" or "accept"
}

// Report is the weekly report's schedule (5-field cron, team time) and
// destination channel.
type Report struct {
	Schedule string
	Channel  string
}

// defaultTeam returns a team with every default filled in.
func defaultTeam() Team {
	return Team{
		BusinessHours: BusinessHours{
			Days:  []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday},
			Start: Clock{Hour: 9},
			End:   Clock{Hour: 18},
		},
		Intake: Intake{
			Mode:            "prompt",
			TicketDeadline:  15 * time.Minute,
			Reaction:        "ticket",
			OptOut:          ":speech_balloon:",
			DuplicateWindow: 30 * time.Minute,
		},
		Oncall: Oncall{
			Shift:             7 * day,
			Handoff:           Handoff{Weekday: time.Monday, HasWeekday: true, At: Clock{Hour: 10}},
			ReassignOnHandoff: true,
		},
		Sprint: Sprint{
			Length:          14 * day,
			Unit:            "points",
			InterruptBudget: 0.2,
			Thresholds:      []float64{0.5, 0.8, 1.0},
		},
		Policy: Policy{P1: "accept", P2: "approval", P3: "defer", P4: "backlog"},
		Report: Report{Schedule: "0 9 * * MON"},
	}
}
