package app

import (
	"github.com/sprintguard/sprintguard/config"
	"github.com/sprintguard/sprintguard/oncall"
	"github.com/sprintguard/sprintguard/oncall/ical"
	"github.com/sprintguard/sprintguard/oncall/refresh"
	"github.com/sprintguard/sprintguard/people"
)

// ScheduleSources returns the teams whose on-call is kept outside the
// config, each with the source to fetch it from.
func ScheduleSources(cfg *config.Config) []refresh.Team {
	var out []refresh.Team
	for _, ct := range cfg.Teams {
		switch ct.Oncall.SourceKind() {
		case config.SourceICal:
			out = append(out, refresh.Team{Name: ct.Name, Kind: oncall.SourceICal, Every: ct.Oncall.ICal.Refresh,
				Ahead: ical.MaxWindow, Source: &ical.Feed{URL: ct.Oncall.ICal.URL.Reveal()}})
		}
	}
	return out
}

// People returns the `people:` list as the directory takes it.
func People(cfg *config.Config) []people.Entry {
	out := make([]people.Entry, len(cfg.People))
	for i, p := range cfg.People {
		out[i] = people.Entry{Slack: p.Slack, Email: p.Email, Name: p.Name}
	}
	return out
}
