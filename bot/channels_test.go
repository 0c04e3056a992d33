package bot_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/sprintguard/sprintguard/bot"
	"github.com/sprintguard/sprintguard/bot/slackfake"
	"github.com/sprintguard/sprintguard/examples"
	"github.com/sprintguard/sprintguard/triage"
)

// useChannelNames looks the config's "#name" channels up, as serve does
// at start, and puts their ids in use.
func (h *harness) useChannelNames() {
	h.t.Helper()
	var names []string
	for _, n := range h.cfg.ChannelNames {
		names = append(names, n.Name)
	}
	ids, err := h.channels.Resolve(context.Background(), names)
	if err != nil {
		h.t.Fatal(err)
	}
	h.svc.Reload(h.named.WithChannelIDs(ids))
}

// namedConfig is the example config with its ids replaced by names.
func namedConfig(pairs ...string) []byte {
	return []byte(strings.NewReplacer(pairs...).Replace(string(examples.Config)))
}

// A channel written as "#name" in the config works on Slack, whose events
// carry ids only, once serve has looked the name up.
func TestChannelNamesInTheConfig(t *testing.T) {
	const urgent = "the production warehouse is down for everyone"
	tests := []struct {
		name    string
		config  []byte
		channel slackfake.Channel
		// drop makes that many posts lose their answer, so that their
		// jobs run again.
		drop  int
		check func(t *testing.T, h *harness, r *triage.Request)
	}{
		{
			name:    "an intake channel by name takes a message in",
			config:  namedConfig("channels: [C0DATAHELP]", `channels: ["#data-help"]`),
			channel: slackfake.Channel{ID: dataHelp, Name: "data-help"},
			check: func(t *testing.T, h *harness, r *triage.Request) {
				if r.Team != "data" || r.Channel != dataHelp {
					t.Errorf("request of team %s in %s, want data in %s", r.Team, r.Channel, dataHelp)
				}
			},
		},
		{
			name: "a rule's channel by name matches a message event",
			config: namedConfig("channel: [C0DATAHELP, \"#data-help\"]\n        when: after_hours",
				`channel: ["#data-help"]`),
			channel: slackfake.Channel{ID: dataHelp, Name: "data-help"},
			check: func(t *testing.T, h *harness, r *triage.Request) {
				if !slices.Contains(r.Decision.Labels, "after-hours") {
					t.Errorf("labels %v: the rule on #data-help did not match", r.Decision.Labels)
				}
			},
		},
		{
			name:    "a job that posts in a team channel by name posts once when it runs again",
			config:  namedConfig("    channel: C0DATA\n", "    channel: \"#data-team\"\n"),
			channel: slackfake.Channel{ID: "C0DATA", Name: "data-team"},
			drop:    3,
			check: func(t *testing.T, h *harness, r *triage.Request) {
				h.waitFor("the P1 posted in the team channel", func() bool {
					h.clock.add(2 * time.Second)
					h.worker.Kick()
					for _, c := range h.fake.OKCalls("chat.postMessage") {
						if c.Form.Get("channel") == "C0DATA" {
							return h.outboxEmpty()
						}
					}
					return false
				})
				if repeats, _ := h.fake.RepeatedPosts(); len(repeats) > 0 {
					t.Errorf("posted again: %+v", repeats)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarnessConfig(t, tt.config, nil)
			h.fake.AddChannel(tt.channel)
			h.useChannelNames()
			if tt.drop > 0 {
				h.fake.DropAfter("chat.postMessage", tt.drop)
			}
			h.event("EvNamed", h.message(dataHelp, outsider, urgent, h.ts(), ""))
			h.waitFor("a request", func() bool { return len(h.requests()) == 1 })
			tt.check(t, h, h.requests()[0])
		})
	}
}

// outboxEmpty reports whether no job is left to run, due or not.
func (h *harness) outboxEmpty() bool {
	var due []*triage.Job
	h.db.View(func(tx triage.Tx) error {
		var err error
		due, err = tx.DueJobs(h.clock.now().Add(time.Hour), 0)
		return err
	})
	return len(due) == 0
}

// While the names wait for their first lookup (Slack was unreachable at
// start), a channel event waits in the inbox, and is taken in once they
// are known.
func TestChannelEventsWaitForTheNames(t *testing.T) {
	h := newHarnessConfig(t, namedConfig("channels: [C0DATAHELP]", `channels: ["#data-help"]`), nil)
	h.fake.AddChannel(slackfake.Channel{ID: dataHelp, Name: "data-help"})
	h.channels.SetPending(true)
	h.event("EvHeld", h.message(dataHelp, outsider, "the nightly import job failed", h.ts(), ""))
	h.waitFor("the event held in the inbox", func() bool {
		return strings.Contains(h.logs.String(), "channel event held")
	})
	if n := len(h.requests()); n != 0 {
		t.Fatalf("%d requests while the names wait, want 0", n)
	}
	h.useChannelNames()
	h.bot.ChannelsResolved()
	h.waitFor("the held event taken in", func() bool {
		pending, _ := h.db.PendingAfter(0, 10)
		return len(h.requests()) == 1 && len(pending) == 0
	})
}

// Resolve pages conversations.list only as far as the names need, and a
// name Slack no longer lists keeps the id found before.
func TestChannelsResolvePages(t *testing.T) {
	fake := slackfake.New(t)
	const n = 1500 // two pages of the 999 asked for
	for i := range n {
		fake.AddChannel(slackfake.Channel{ID: fmt.Sprintf("C%05d", i), Name: fmt.Sprintf("chan-%d", i)})
	}
	gw := bot.NewGateway(slack.New("xoxb-test-token", slack.OptionAPIURL(fake.APIURL())), nil)
	var slept []time.Duration
	gw.Sleep = func(_ context.Context, d time.Duration) error { slept = append(slept, d); return nil }
	dir := bot.NewChannels(gw)
	tests := []struct {
		name    string
		names   []string
		limited int // rate-limited answers first
		calls   int
		want    map[string]string
	}{
		{"on the first page", []string{"chan-3"}, 0, 1, map[string]string{"chan-3": "C00003"}},
		{"on the second page", []string{"chan-3", "chan-1200"}, 0, 2, map[string]string{"chan-3": "C00003", "chan-1200": "C01200"}},
		{"unknown: every page", []string{"chan-3", "nope"}, 0, 2, map[string]string{"chan-3": "C00003", "chan-1200": "C01200"}},
		{"rate limited: waited out", []string{"chan-7"}, 2, 3, map[string]string{"chan-3": "C00003", "chan-1200": "C01200", "chan-7": "C00007"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := len(fake.Calls("conversations.list"))
			slept = nil
			fake.RateLimit("conversations.list", tt.limited, time.Second)
			got, err := dir.Resolve(context.Background(), tt.names)
			if err != nil {
				t.Fatal(err)
			}
			calls := fake.Calls("conversations.list")[before:]
			if len(calls) != tt.calls || len(slept) != tt.limited {
				t.Errorf("%d calls, %d waits; want %d and %d", len(calls), len(slept), tt.calls, tt.limited)
			}
			for _, c := range calls {
				if f := c.Form; f.Get("types") != "public_channel,private_channel" || f.Get("exclude_archived") != "true" || f.Get("limit") != "999" {
					t.Errorf("asked %v", f)
				}
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("ids %v, want %v", got, tt.want)
			}
		})
	}
	if dir.Name("C01200") != "chan-1200" || dir.Name("C00004") != "" {
		t.Errorf("names by id: %q %q", dir.Name("C01200"), dir.Name("C00004"))
	}
}
