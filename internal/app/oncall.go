package app

import (
	pd "github.com/PagerDuty/go-pagerduty"

	"github.com/sprintguard/sprintguard/config"
	"github.com/sprintguard/sprintguard/oncall"
	"github.com/sprintguard/sprintguard/oncall/ical"
	"github.com/sprintguard/sprintguard/oncall/pagerduty"
	"github.com/sprintguard/sprintguard/oncall/refresh"
	"github.com/sprintguard/sprintguard/people"
	"github.com/sprintguard/sprintguard/triage"
)

// ScheduleSources returns the teams whose on-call is kept outside the
// config, each with the source to fetch it from.
func ScheduleSources(cfg *config.Config) []refresh.Team {
	var out []refresh.Team
	var pdClient *pd.Client
	for _, ct := range cfg.Teams {
		switch ct.Oncall.SourceKind() {
		case config.SourceICal:
			out = append(out, refresh.Team{Name: ct.Name, Kind: oncall.SourceICal, Every: ct.Oncall.ICal.Refresh,
				Ahead: ical.MaxWindow, Source: &ical.Feed{URL: ct.Oncall.ICal.URL.Reveal()}})
		case config.SourcePagerDuty:
			if pdClient == nil {
				pdClient = pagerduty.Client(cfg.PagerDuty.Token.Reveal(), cfg.PagerDuty.APIURL, cfg.PagerDuty.EventsURL, nil, nil)
			}
			out = append(out, refresh.Team{Name: ct.Name, Kind: oncall.SourcePagerDuty, Every: ct.Oncall.PagerDuty.Refresh,
				Ahead: pagerduty.MaxAhead, Source: &pagerduty.Schedule{ID: ct.Oncall.PagerDuty.Schedule, Client: pdClient}})
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

// Pager returns the outbox handler that pages through PagerDuty, or nil
// when no team pages.
func Pager(cfg *config.Config, store triage.Store) triage.Handler {
	keys := map[string]string{}
	for _, ct := range cfg.Teams {
		if ct.Oncall.Page != config.SourcePagerDuty {
			continue
		}
		key := ct.Oncall.PagerDuty.RoutingKey
		if !key.IsSet() {
			key = cfg.PagerDuty.RoutingKey
		}
		keys[ct.Name] = key.Reveal()
	}
	if len(keys) == 0 {
		return nil
	}
	p := &pagerduty.Pager{Client: pagerduty.Client(cfg.PagerDuty.Token.Reveal(), cfg.PagerDuty.APIURL, cfg.PagerDuty.EventsURL, nil, nil),
		Store: store, RoutingKey: func(team string) string { return keys[team] }}
	return p.Handle
}
