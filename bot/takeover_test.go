package bot_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/sprintguard/sprintguard/bot"
	"github.com/sprintguard/sprintguard/store"
	"github.com/sprintguard/sprintguard/triage"
)

// sharedInbox is a store that says it is shared by replicas, as the
// PostgreSQL driver does: its inbox may gain deliveries that no event of
// this bot's announces.
type sharedInbox struct{ *store.DB }

func (sharedInbox) TakeoverEvery() time.Duration { return 20 * time.Millisecond }

var _ bot.Takeover = sharedInbox{}

// TestSharedInboxIsSweptForTakeovers stores a delivery after the bot has
// started, as another replica that then died would have: only the
// periodic sweep of a shared store can find it.
func TestSharedInboxIsSweptForTakeovers(t *testing.T) {
	h := newHarness(t)
	ctx, cancel := context.WithCancel(context.Background())
	gw := bot.NewGateway(slack.New("xoxb-test-token", slack.OptionAPIURL(h.fake.APIURL())), h.log)
	replica := bot.New(h.svc, sharedInbox{h.db}, gw, h.log, bot.Config{Command: "/sg"}, h.worker.Kick)
	replica.SetBotUser("UBOT")
	replica.Start(ctx)
	t.Cleanup(func() { cancel(); replica.Wait() })

	body, _ := json.Marshal(map[string]any{"type": "event_callback", "event_id": "EvOrphan",
		"event": h.message(dataHelp, outsider, "the looker sync broke overnight", h.ts(), "")})
	if _, err := h.db.Accept(&triage.Delivery{Kind: "event", Key: "EvOrphan", Body: body, Received: h.clock.now()}, time.Hour); err != nil {
		t.Fatal(err)
	}
	h.ticketed(1)
	h.waitFor("the inbox drained", func() bool {
		p, err := h.db.Pending(10)
		return err == nil && len(p) == 0
	})
}
