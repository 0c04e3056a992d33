package cli

import (
	"maps"
	"slices"

	"github.com/sprintguard/sprintguard/bot"
	"github.com/sprintguard/sprintguard/config"
	"github.com/sprintguard/sprintguard/internal/metrics"
	"github.com/sprintguard/sprintguard/tracker/jira"
	"github.com/sprintguard/sprintguard/triage"
)

// seriesLabels are the label values whose metric series serve shows from
// the first scrape: its teams, every Slack method, the Jira operations
// when Jira is the tracker, and the outbox's job kinds.
func seriesLabels(cfg *config.Config, st *triage.Settings, handlers map[string]triage.Handler) metrics.Labels {
	l := metrics.Labels{SlackMethods: bot.Methods, AckKinds: bot.Kinds, JobKinds: slices.Sorted(maps.Keys(handlers))}
	for _, t := range st.Teams {
		l.Teams = append(l.Teams, t.Name)
	}
	if cfg.Tracker.Kind == config.TrackerJira {
		l.JiraOps = jira.Ops
	}
	return l
}
