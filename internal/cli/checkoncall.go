package cli

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/sprintguard/sprintguard/bot"
	"github.com/sprintguard/sprintguard/config"
	"github.com/sprintguard/sprintguard/internal/app"
	"github.com/sprintguard/sprintguard/oncall/refresh"
	"github.com/sprintguard/sprintguard/people"
	"github.com/sprintguard/sprintguard/triage"
)

// checkSchedules fetches every team's schedule source, maps its people as
// serve would (the `people:` list, then Slack), prints who is on call now
// and next, and returns a problem per source that fails and per person
// that maps to nobody.
func checkSchedules(ctx context.Context, env Env, cfg *config.Config, st *triage.Settings) []string {
	teams := app.ScheduleSources(cfg)
	if len(teams) == 0 {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	gw := bot.NewGateway(slackClient(cfg.Slack), nil)
	r := &refresh.Refresher{Settings: func() *triage.Settings { return st }, Now: env.Now,
		People: people.New(app.People(cfg), gw, people.DefaultTTL, env.Now)}
	var problems []string
	for _, t := range teams {
		tl, err := r.Fetch(ctx, t)
		if err != nil {
			problems = append(problems, fmt.Sprintf("oncall: team %s: %v", t.Name, err))
			continue
		}
		team := st.Team(t.Name)
		team.OnCall.Set(tl)
		now := env.Now()
		cur, route := st.OnCall(team, now, nil)
		_, nextRoute := st.OnCall(team, cur.End, nil)
		fmt.Fprintf(env.Stdout, "oncall: team %s (%s): now %s until %s, next %s\n", t.Name, t.Kind, route,
			cur.End.In(team.Location).Format("Mon 2006-01-02 15:04 MST"), nextRoute)
		if len(tl.Unmapped) > 0 {
			problems = append(problems, fmt.Sprintf("oncall: team %s: no Slack user matches %s; add them to people: (their shifts go to escalate_to)",
				t.Name, strings.Join(tl.Unmapped, ", ")))
		}
	}
	return problems
}
