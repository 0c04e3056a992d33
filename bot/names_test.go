package bot_test

import (
	"context"
	"io"
	"log/slog"
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/sprintguard/sprintguard/bot"
	"github.com/sprintguard/sprintguard/bot/slackfake"
)

// Names asks users.info once per user per TTL, prefers the display name,
// and leaves out users it cannot name so that reports show their ids.
func TestNamesLookupCachesAndFallsBack(t *testing.T) {
	fake := slackfake.New(t)
	fake.AddUser(slack.User{ID: "U0ANA", Name: "ana", RealName: "Ana Lima", Profile: slack.UserProfile{RealName: "Ana Lima", DisplayName: "ana.l"}})
	fake.AddUser(slack.User{ID: "U0BEN", Name: "ben", RealName: "Ben Okri", Profile: slack.UserProfile{RealName: "Ben Okri"}})
	fake.AddUser(slack.User{ID: "U0CY", Name: "cy"})
	gw := bot.NewGateway(slack.New("xoxb-test-token", slack.OptionAPIURL(fake.APIURL())), slog.New(slog.NewTextHandler(io.Discard, nil)))
	c := &clock{}
	c.set(time.Date(2026, 11, 30, 15, 0, 0, 0, time.UTC))
	names := bot.NewNames(gw, time.Hour, c.now)
	ctx := context.Background()
	ids := []string{"U0ANA", "U0BEN", "U0CY", "U0GONE"}

	want := map[string]string{"U0ANA": "ana.l", "U0BEN": "Ben Okri", "U0CY": "cy"}
	tests := []struct {
		name  string
		after time.Duration
		calls int // users.info calls so far
	}{
		{"first lookup asks Slack", 0, 4},
		{"within the TTL nothing is asked", 4 * time.Minute, 4},
		{"a failed lookup is asked again after a few minutes", 2 * time.Minute, 5},
		{"after the TTL every name is asked again", time.Hour, 9},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c.add(tt.after)
			if got := names.Lookup(ctx, ids); !maps.Equal(got, want) {
				t.Errorf("Lookup = %v, want %v", got, want)
			}
			if n := len(fake.Calls("users.info")); n != tt.calls {
				t.Errorf("%d users.info calls, want %d", n, tt.calls)
			}
		})
	}
	done, cancel := context.WithCancel(ctx)
	cancel()
	if got := bot.NewNames(gw, time.Hour, c.now).Lookup(done, ids); len(got) != 0 {
		t.Errorf("Lookup with a finished context = %v, want nothing", got)
	}
}

// The weekly report the bot posts, and the one `/sg report` answers with,
// name requesters by their Slack display names; one Slack does not know
// shows as the user id.
func TestReportsNameRequesters(t *testing.T) {
	h := newHarness(t)
	h.fake.AddUser(slack.User{ID: outsider, Name: "pat", RealName: "Pat Doe", Profile: slack.UserProfile{RealName: "Pat Doe", DisplayName: "Pat from Payments"}})
	s := h.scheduler()
	h.runDue(s)
	for i, who := range []string{outsider, outsider, "U0STRANGER"} {
		h.event("EvName"+string(rune('a'+i)), h.message(dataHelp, who, "need access to the billing bucket "+string(rune('a'+i)), h.ts(), ""))
	}
	h.ticketed(3)
	// Monday 30 November, 09:00 in Berlin.
	h.clock.set(time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC))
	h.runDue(s)
	posts := h.postsWith("C0DATA", "Interrupt report for data, 2026-W48")
	if len(posts) != 1 {
		t.Fatalf("%d weekly reports", len(posts))
	}
	weekly := posts[0].Form.Get("text") + posts[0].Form.Get("blocks")
	answer := h.command("U0DATA001", dataHelp, "report data last", "trig-report")
	if answer == nil {
		t.Fatal("no answer to /sg report")
	}
	for name, out := range map[string]string{"weekly": weekly, "/sg report": answer.Text} {
		if !strings.Contains(out, "Pat from Payments") || !strings.Contains(out, "U0STRANGER") {
			t.Errorf("%s report does not name Pat from Payments and show U0STRANGER by id:\n%s", name, out)
		}
		if strings.Contains(out, outsider) {
			t.Errorf("%s report shows Pat's user id %s:\n%s", name, outsider, out)
		}
	}
}
