package cli

import (
	"fmt"
	"net/http"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sprintguard/sprintguard/bot/slackfake"
)

// namedIntake is an httpConfig edit: the data team takes requests in
// "#name" instead of its channel id.
func namedIntake(name string) func(string) string {
	return func(text string) string {
		return strings.Replace(text, "channels: [C0DATAHELP]", fmt.Sprintf("channels: [%q]", "#"+name), 1)
	}
}

// A name Slack does not list where the bot listens stops serve with the
// file, the line and the fix; one it lists starts it.
func TestServeRefusesAnUnknownChannelName(t *testing.T) {
	tests := []struct {
		name    string
		written string
		want    string // in the log; "" when serve starts
	}{
		{"a typo", "data-hlep", "`intake.channels`" + ` "#data-hlep" is not a channel Slack lists to the bot (use the channel id, or invite the bot to the channel: /invite @sprintguard`},
		{"archived", "data-old", `"#data-old" is not a channel Slack lists`},
		{"private, the bot not invited", "data-secret", `"#data-secret" is not a channel Slack lists`},
		{"known", "data-help", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newHTTPServe(t, namedIntake(tt.written))
			s.fake.AddChannel(slackfake.Channel{ID: "C0DATAHELP", Name: "data-help"})
			s.fake.AddChannel(slackfake.Channel{ID: "C0DATAOLD", Name: "data-old", Archived: true})
			s.fake.AddChannel(slackfake.Channel{ID: "G0DATASEC", Name: "data-secret", Private: true, NotMember: true})
			if tt.want == "" {
				s.start()
				return
			}
			s.launch()
			err := s.cmd.Wait()
			if err == nil || !strings.Contains(s.logs.String(), tt.want) {
				t.Fatalf("serve: %v; want a failure naming %q:\n%s", err, tt.want, s.logs.String())
			}
			at := fmt.Sprintf("%s:%d: `intake.channels`", s.cfg, lineOf(t, s.cfg, `"#`+tt.written+`"`))
			if !strings.Contains(s.logs.String(), at) {
				t.Errorf("the problem does not name %s:\n%s", at, s.logs.String())
			}
		})
	}
}

// With Slack's Web API down at start, serve starts, accepts a message in
// an intake channel written as "#name", holds it, and takes it in once
// the name is looked up.
func TestServeLooksNamesUpOnceSlackIsBack(t *testing.T) {
	s := newHTTPServe(t, namedIntake("data-help"))
	s.fake.AddChannel(slackfake.Channel{ID: "C0DATAHELP", Name: "data-help"})
	s.fake.FailHTTP("conversations.list", 1_000_000, http.StatusServiceUnavailable)
	s.start()
	ts := fmt.Sprintf("%d.000100", time.Now().Unix())
	msg := map[string]any{"type": "message", "channel": "C0DATAHELP", "channel_type": "channel", "user": "U0PAY001",
		"text": "the nightly import job failed", "ts": ts}
	if code := s.event("EvDown", msg); code != http.StatusOK {
		t.Fatalf("event: status %d", code)
	}
	s.waitLog("channel event held")
	s.fake.FailHTTP("conversations.list", 0, http.StatusServiceUnavailable)
	s.waitLog("channel ids put in use")
	deadline := time.Now().Add(60 * time.Second)
	for !strings.Contains(threadText(s.fake, "C0DATAHELP", ts), "REQ-") {
		if time.Now().After(deadline) {
			t.Fatalf("no ticket posted in the thread within 60s of Slack's return:\n%s", s.logs.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	s.cmd.Process.Signal(syscall.SIGTERM)
	s.cmd.Wait()
	if reqs, pending := storeState(t, s.db); len(reqs) != 1 || pending != 0 {
		t.Fatalf("%d requests, %d inbox entries; want 1 and none", len(reqs), pending)
	}
}

// A bot token without groups:read cannot look names up: serve refuses to
// start when the bot would listen at a name, and starts when only rules
// name channels (the example config's rules do), those rules matching less.
func TestServeWithoutTheScopeToLookNamesUp(t *testing.T) {
	tests := []struct {
		name   string
		edits  []func(string) string
		starts bool
	}{
		{"an intake channel by name", []func(string) string{namedIntake("data-help")}, false},
		{"names in rules only", nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newHTTPServe(t, tt.edits...)
			s.fake.GrantScopes("xoxb-e2e", "chat:write", "users:read", "channels:history", "channels:read")
			if tt.starts {
				s.start()
				s.waitLog("rules' channel names not looked up")
				return
			}
			s.launch()
			if err := s.cmd.Wait(); err == nil || !strings.Contains(s.logs.String(), "missing_scope") ||
				!strings.Contains(s.logs.String(), "needs channels:read and groups:read") {
				t.Fatalf("serve: %v; want a failure naming the scopes:\n%s", err, s.logs.String())
			}
		})
	}
}

// A reload looks the names of the new config up: a known one is put in
// use, an unknown one refuses the reload with its line.
func TestReloadLooksChannelNamesUp(t *testing.T) {
	s := newHTTPServe(t)
	s.fake.AddChannel(slackfake.Channel{ID: "C0DATAHELP", Name: "data-help"})
	s.start()
	good, err := os.ReadFile(s.cfg)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(s.cfg, []byte(namedIntake("data-hlep")(string(good))), 0o600)
	s.cmd.Process.Signal(syscall.SIGHUP)
	s.waitLog("config reload refused")
	at := fmt.Sprintf("sprintguard.yaml:%d: `intake.channels` \\\"#data-hlep\\\" is not a channel Slack lists", lineOf(t, s.cfg, `"#data-hlep"`))
	if !strings.Contains(s.logs.String(), at) {
		t.Errorf("the refusal does not name the line:\n%s", s.logs.String())
	}
	os.WriteFile(s.cfg, []byte(namedIntake("data-help")(string(good))), 0o600)
	s.cmd.Process.Signal(syscall.SIGHUP)
	s.waitLog("config reloaded")
	ts := fmt.Sprintf("%d.000200", time.Now().Unix())
	msg := map[string]any{"type": "message", "channel": "C0DATAHELP", "channel_type": "channel", "user": "U0PAY001",
		"text": "the nightly import job failed", "ts": ts}
	if code := s.event("EvReloaded", msg); code != http.StatusOK {
		t.Fatalf("event: status %d", code)
	}
	deadline := time.Now().Add(60 * time.Second)
	for !strings.Contains(threadText(s.fake, "C0DATAHELP", ts), "REQ-") {
		if time.Now().After(deadline) {
			t.Fatalf("no ticket posted in the thread within 60s of the reload:\n%s", s.logs.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}
