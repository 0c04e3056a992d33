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
// goroutines each: to one channel, and to many. The posts the pacer lets
// go stay within Slack's published limits for chat.postMessage: one a
// second per channel and 300 a minute per workspace, after the pacer's
// first burst. That is the limit that TestReplicasSurviveSIGKILL, unpaced
// toward its fake, leaves to Slack's 429s.
//
// The windows are checked on each post's reserved slot, not on when the
// fake received it: on a loaded machine the first burst's requests reached
// the fake up to 1.4 s late, among the paced posts after them, and the
// check failed (3 runs in 10) with the pacer keeping every limit.
func TestPacingKeepsSlackLimits(t *testing.T) {
	url := pgtest.DB(t)
	fake := slackfake.New(t)
	log := &slotLog{slots: map[string][]slot{}}
	var gws []*bot.Gateway
	for range 2 {
		db, err := postgres.Open(context.Background(), url, postgres.Options{MaxConns: 8})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		gw := bot.NewGateway(slack.New("xoxb-test", slack.OptionAPIURL(fake.APIURL())), nil)
		limits, ok := slackLimits(db, config.PacingSlack, nil, 0).(*bot.TierLimits)
		if !ok {
			t.Fatalf("slackLimits on PostgreSQL = %T, want *bot.TierLimits", limits)
		}
		limits.Buckets = reservations{limits.Buckets, log}
		gw.Limit = limits
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
	// Slack's limits with the pacer's bursts: 3 to a channel, 30 to the
	// workspace.
	within(t, "C0ONE", log.slots["slack:chat.postMessage:C0ONE"], one, 1, 3)
	within(t, "the workspace", log.slots["slack:chat.postMessage"], all, 300.0/60, 30)
}

// slot is when a reserved token may be used: the database stamps the
// reservation at some time during Take, so its slot lies between lo (the
// clock before Take, plus the wait) and hi (the clock after, plus the wait).
type slot struct{ lo, hi time.Time }

// slotLog is the slots of every token taken, by bucket; safe for
// concurrent use.
type slotLog struct {
	mu    sync.Mutex
	slots map[string][]slot
}

// reservations is a bot.Buckets that records in log the slot of each token
// it takes.
type reservations struct {
	bot.Buckets
	log *slotLog
}

func (r reservations) Take(ctx context.Context, name string, rate float64, burst int, max time.Duration) (time.Duration, bool, error) {
	before := time.Now()
	wait, ok, err := r.Buckets.Take(ctx, name, rate, burst, max)
	if err == nil && ok {
		after := time.Now()
		r.log.mu.Lock()
		r.log.slots[name] = append(r.log.slots[name], slot{before.Add(wait), after.Add(wait)})
		r.log.mu.Unlock()
	}
	return wait, ok, err
}

// within fails t unless there is one slot for each post that arrived at
// the times at; when more slots than burst plus rate a second must fall in
// one window, however the database stamped them; and when the posts arrive
// faster overall than that allows (a pacer that let everything through at
// once, or a gateway that did not wait for its slot).
func within(t *testing.T, what string, slots []slot, at []time.Time, rate float64, burst int) {
	t.Helper()
	if len(slots) != len(at) {
		t.Fatalf("%s: %d tokens taken for %d posts", what, len(slots), len(at))
	}
	slices.SortFunc(slots, func(a, b slot) int { return a.lo.Compare(b.lo) })
	for i := range slots {
		last := slots[i].hi
		for j := i + 1; j < len(slots); j++ {
			if slots[j].hi.After(last) {
				last = slots[j].hi
			}
			// The slots i..j lie within w at most.
			w := last.Sub(slots[i].lo).Seconds()
			if n := j - i + 1; float64(n) > float64(burst)+rate*w {
				t.Fatalf("%s: %d posts reserved within %.2fs, more than Slack's %.2f a second after a burst of %d", what, n, w, rate, burst)
			}
		}
	}
	slices.SortFunc(at, func(a, b time.Time) int { return a.Compare(b) })
	if n := len(at); n > burst {
		// No post arrives before its slot, nor is a slot before the first lo.
		if least, took := float64(n-burst)/rate, at[n-1].Sub(slots[0].lo); took.Seconds() < least-0.2 {
			t.Fatalf("%s: %d posts within %v, want them spread over at least %.1fs", what, n, took, least)
		}
	}
}
