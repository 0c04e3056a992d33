package cli

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/sprintguard/sprintguard/bot"
	"github.com/sprintguard/sprintguard/bot/slackfake"
	"github.com/sprintguard/sprintguard/config"
	"github.com/sprintguard/sprintguard/internal/pgtest"
	"github.com/sprintguard/sprintguard/store/postgres"
)

// TestPacingKeepsSlackLimits has two replicas' gateways, paced as serve
// paces them by default (slack.pacing: slack), post at once from several
// goroutines each: to one channel, and to many. The posts Slack receives
// stay within its published limits for chat.postMessage: one a second per
// channel and 300 a minute per workspace, after the pacer's first burst.
// That is the limit that TestReplicasSurviveSIGKILL, unpaced toward its
// fake, leaves to Slack's 429s.
func TestPacingKeepsSlackLimits(t *testing.T) {
	url := pgtest.DB(t)
	fake := slackfake.New(t)
	var gws []*bot.Gateway
	for range 2 {
		db, err := postgres.Open(context.Background(), url, postgres.Options{MaxConns: 8})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		gw := bot.NewGateway(slack.New("xoxb-test", slack.OptionAPIURL(fake.APIURL())), nil)
		gw.Limit = slackLimits(db, config.PacingSlack, nil, 0)
		gws = append(gws, gw)
	}
	const (
		oneChannel = 8  // posts to C0ONE, from both replicas
		many       = 40 // posts to as many other channels
	)
	var wg sync.WaitGroup
	post := func(gw *bot.Gateway, channel string) {
		wg.Go(func() {
			if _, err := gw.PostMessage(context.Background(), channel, slack.MsgOptionText("paced", false)); err != nil {
				t.Errorf("post to %s: %v", channel, err)
			}
		})
	}
	for i := range oneChannel {
		post(gws[i%2], "C0ONE")
	}
	for i := range many {
		post(gws[i%2], fmt.Sprintf("C0MANY%02d", i))
	}
	wg.Wait()

	var one, all []time.Time
	for _, c := range fake.OKCalls("chat.postMessage") {
		all = append(all, c.At)
		if c.Form.Get("channel") == "C0ONE" {
			one = append(one, c.At)
		}
	}
	if len(one) != oneChannel || len(all) != oneChannel+many {
		t.Fatalf("%d posts to C0ONE and %d in all, want %d and %d", len(one), len(all), oneChannel, oneChannel+many)
	}
	// Slack's limits with the pacer's bursts (3 to a channel, 30 to the
	// workspace); one more for a reservation stamped a query late.
	within(t, "C0ONE", one, 1, 3+1)
	within(t, "the workspace", all, 300.0/60, 30+1)
}

// within fails t when more posts than burst plus rate a second arrive in
// any window between two of the times at, and when the posts arrive faster
// overall than that allows (a pacer that let everything through at once).
func within(t *testing.T, what string, at []time.Time, rate float64, burst int) {
	t.Helper()
	slices.SortFunc(at, func(a, b time.Time) int { return a.Compare(b) })
	for i := range at {
		for j := i + 1; j < len(at); j++ {
			w := at[j].Sub(at[i]).Seconds()
			if n := j - i + 1; float64(n) > float64(burst)+rate*w {
				t.Fatalf("%s: %d posts within %.2fs, more than Slack's %.2f a second after a burst of %d", what, n, w, rate, burst)
			}
		}
	}
	if n := len(at); n > burst {
		if least := float64(n-burst) / rate; at[n-1].Sub(at[0]).Seconds() < least-0.2 {
			t.Fatalf("%s: %d posts within %v, want them spread over at least %.1fs", what, n, at[n-1].Sub(at[0]), least)
		}
	}
}
