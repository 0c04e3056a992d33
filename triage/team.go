package triage

import (
	"slices"
	"strings"
	"time"

	"github.com/sprintguard/sprintguard/classifier"
	"github.com/sprintguard/sprintguard/oncall"
	"github.com/sprintguard/sprintguard/sprint"
)

// Team is one team's settings as triage needs them. A Team is read-only once
// handed to a Service.
type Team struct {
	Name     string
	Channel  string // the team's own channel, for posts
	Location *time.Location
	Members  []string
	Leads    []string
	// IntakeChannels holds channel ids and names (without '#').
	IntakeChannels []string
	OptOut         string
	// IntakeMode is "prompt" (ask for a ticket) or "auto" (make one).
	IntakeMode string
	// TicketDeadline is how long a prompted message may stay un-ticketed
	// before it is ticketed anyway; 0 never.
	TicketDeadline time.Duration
	// Reaction is the emoji name that turns a message into a request.
	Reaction  string
	AllowBots bool
	// MembersAsk makes members' and leads' own messages in the intake
	// channels requests; by default they are conversation.
	MembersAsk bool
	// Usergroup is the Slack user group that follows the on-call.
	Usergroup string
	// SetTopic puts the on-call in the team channel's topic at handoff.
	SetTopic bool
	// ReassignOnHandoff gives open requests to the incoming on-call.
	ReassignOnHandoff bool
	// ReportSchedule is the weekly report's cron spec in team time, and
	// ReportChannel where it goes ("" = Channel).
	ReportSchedule  string
	ReportChannel   string
	DuplicateWindow time.Duration
	DefaultEstimate float64
	EscalateTo      string
	// NoLearnedEstimates keeps the rules' estimates even when similar
	// resolved requests say otherwise; learned estimates are on by default.
	NoLearnedEstimates bool
	// Page names the pager P1s go to ("pagerduty"), or "" for none.
	Page string

	Rules    *classifier.Set
	Rotation oncall.Rotation
	// OnCall is the resolved schedule when the team follows a source other
	// than its rotation; nil means the rotation. Read it through Roster.
	OnCall   *oncall.Roster
	Hours    oncall.BusinessHours
	Calendar sprint.Calendar
	Budget   sprint.Budget
	Policy   Policy
}

// Roster returns the team's resolved on-call schedule: OnCall, or one that
// follows Rotation.
func (t *Team) Roster() *oncall.Roster {
	if t.OnCall != nil {
		return t.OnCall
	}
	return oncall.RotationRoster(t.Rotation)
}

// IsMember reports whether user belongs to the team (leads count).
func (t *Team) IsMember(user string) bool {
	return slices.Contains(t.Members, user) || slices.Contains(t.Leads, user)
}

// IsLead reports whether user is one of the team's leads.
func (t *Team) IsLead(user string) bool { return slices.Contains(t.Leads, user) }

// Settings is the whole configuration triage works from. It is replaced as
// a whole on reload and never changed in place.
type Settings struct {
	Teams []*Team
	// Groups maps a user-group handle to its members; the first handle, in
	// sorted order, that holds a requester names the requester's team.
	Groups map[string][]string
}

// Team returns the named team, or nil.
func (s *Settings) Team(name string) *Team {
	for _, t := range s.Teams {
		if t.Name == name {
			return t
		}
	}
	return nil
}

// LookupTeam returns the named team, or an EINVALID error that lists the
// known teams, for every place where a person names a team: the CLI's
// --team and the slash commands.
func (s *Settings) LookupTeam(name string) (*Team, error) {
	if t := s.Team(name); t != nil {
		return t, nil
	}
	names := make([]string, len(s.Teams))
	for i, t := range s.Teams {
		names[i] = t.Name
	}
	return nil, Errorf(EINVALID, "unknown team %q; known teams: %s", name, strings.Join(names, ", "))
}

// TeamForChannel returns the team whose intake channel is id or name, or nil.
func (s *Settings) TeamForChannel(id, name string) *Team {
	name = strings.TrimPrefix(name, "#")
	for _, t := range s.Teams {
		for _, c := range t.IntakeChannels {
			if c == id || (name != "" && c == name) {
				return t
			}
		}
	}
	return nil
}

// RequesterTeam returns the group handle that names user's team, or "":
// the first in sorted order of those that hold user. Intake asks it of
// every request, so it sorts nothing.
func (s *Settings) RequesterTeam(user string) string {
	first := ""
	for h, members := range s.Groups {
		if (first == "" || h < first) && slices.Contains(members, user) {
			first = h
		}
	}
	return first
}
