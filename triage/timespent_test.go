package triage_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/sprintguard/sprintguard/config"
	"github.com/sprintguard/sprintguard/tracker/github"
	"github.com/sprintguard/sprintguard/tracker/github/githubfake"
	"github.com/sprintguard/sprintguard/triage"
)

// However the time spent is corrected, the ticket's comment states the
// whole time once, in the budget's unit, and in the same words on every
// tracker: never the amount just logged, which after a correction is only
// what the tracker's total lacked.
func TestTheTicketSaysTheCorrectedTimeSpentOnce(t *testing.T) {
	want := []string{
		"Resolved by <@UA> in Slack.",
		"Time spent recorded as 7 points by <@UA> in Slack.",
		"Time spent corrected from 7 to 2 points by <@UA> in Slack.",
		"Time spent corrected from 2 to 9 points by <@UA> in Slack.",
		"Reopened by <@UA> in Slack.",
		"Resolved by <@UA> in Slack; time spent 1 point.",
	}
	for _, tc := range []struct {
		name    string
		tracker func(t *testing.T, f *fixture) (triage.Tracker, func(key string) []string)
	}{
		{"local", func(t *testing.T, f *fixture) (triage.Tracker, func(string) []string) {
			return f.localTracker(), func(key string) []string {
				tk, err := f.db.Ticket(key)
				if err != nil {
					t.Fatal(err)
				}
				var said []string
				for _, c := range tk.Comments {
					said = append(said, c.Body)
				}
				return said
			}
		}},
		{"GitHub", func(t *testing.T, f *fixture) (triage.Tracker, func(string) []string) {
			fake := githubfake.New(t, f.clock.now)
			fake.AddRepo("acme/ops")
			tr, err := github.New(github.Options{Token: config.NewSecret(githubfake.Token), APIURL: fake.URL(),
				Repos: func(string) config.GitHubRepo { return config.GitHubRepo{Repo: "acme/ops"} },
				Store: f.db, Now: f.clock.now, Sleep: func(context.Context, time.Duration) error { return nil }})
			if err != nil {
				t.Fatal(err)
			}
			return tr, func(string) []string {
				var said []string
				for _, c := range fake.Comments("acme/ops", 1) {
					body, _, _ := strings.Cut(c.Body, "\n\n<sub>")
					said = append(said, body)
				}
				return said
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			tr, comments := tc.tracker(t, f)
			w := f.worker(tr, nil)
			r := f.intake(t, triage.NewRequest{Summary: "deploy blocked on checkout"}).Request
			drain(t, w)
			key := f.request(t, r.ID).Ticket.Key
			for _, c := range []triage.Change{
				{Action: triage.ActResolve},
				{Action: triage.ActResolve, Actual: 7, HasActual: true},
				{Action: triage.ActResolve, Actual: 2, HasActual: true},
				{Action: triage.ActResolve, Actual: 9, HasActual: true},
				{Action: triage.ActReopen},
				{Action: triage.ActResolve, Actual: 1, HasActual: true},
			} {
				c.Actor = "UA"
				f.clock.add(time.Minute)
				if _, changed, err := f.svc.Apply(context.Background(), r.ID, c); err != nil || !changed {
					t.Fatalf("%s %g: changed %v, err %v", c.Action, c.Actual, changed, err)
				}
				drain(t, w)
			}
			var said []string
			for _, c := range comments(key) {
				if strings.Contains(c, "by <@UA>") {
					said = append(said, c)
				}
			}
			if strings.Join(said, "\n") != strings.Join(want, "\n") {
				t.Errorf("the ticket's comments:\n%s\nwant:\n%s", strings.Join(said, "\n"), strings.Join(want, "\n"))
			}
		})
	}
}
