package people_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/sprintguard/sprintguard/bot"
	"github.com/sprintguard/sprintguard/bot/slackfake"
	"github.com/sprintguard/sprintguard/oncall"
	"github.com/sprintguard/sprintguard/people"
)

// TestDirectoryThroughSlack maps schedule people through the `people:`
// list and through users.lookupByEmail as the Slack fake serves it, and
// asks Slack again only once the TTL has passed.
func TestDirectoryThroughSlack(t *testing.T) {
	fake := slackfake.New(t)
	u := slack.User{ID: "U0CARA", Name: "cara"}
	u.Profile.Email = "cara@example.com"
	fake.AddUser(u)
	gw := bot.NewGateway(slack.New("xoxb-test", slack.OptionAPIURL(fake.APIURL())), slog.New(slog.NewTextHandler(io.Discard, nil)))
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	d := people.New([]people.Entry{{Slack: "U0ANN", Email: "Ann@Example.com"}, {Slack: "U0BEN", Name: "Ben Jones"}},
		gw, time.Hour, func() time.Time { return now })
	tests := []struct {
		name string
		p    oncall.Person
		want string
	}{
		{"listed e-mail, any case", oncall.Person{Email: "ann@EXAMPLE.com"}, "U0ANN"},
		{"listed name only (GoAlert, Grafana)", oncall.Person{Name: "ben jones"}, "U0BEN"},
		{"Slack knows the e-mail", oncall.Person{Email: "cara@example.com", Name: "Cara"}, "U0CARA"},
		{"nobody", oncall.Person{Email: "dana@example.com"}, ""},
		{"a name nobody lists", oncall.Person{Name: "Eve"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := d.SlackUser(context.Background(), tt.p)
			if err != nil || got != tt.want {
				t.Errorf("SlackUser(%+v) = %q, %v; want %q", tt.p, got, err, tt.want)
			}
		})
	}
	asked := len(fake.Calls("users.lookupByEmail"))
	if asked != 2 {
		t.Errorf("users.lookupByEmail called %d times, want 2 (cara, dana)", asked)
	}
	d.SlackUser(context.Background(), oncall.Person{Email: "dana@example.com"})
	if n := len(fake.Calls("users.lookupByEmail")); n != asked {
		t.Errorf("within the TTL Slack was asked again (%d calls)", n)
	}
	now = now.Add(time.Hour)
	d.SlackUser(context.Background(), oncall.Person{Email: "dana@example.com"})
	if n := len(fake.Calls("users.lookupByEmail")); n != asked+1 {
		t.Errorf("after the TTL: %d calls, want %d", n, asked+1)
	}
}
