package bot_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/sprintguard/sprintguard/bot"
	"github.com/sprintguard/sprintguard/bot/slackfake"
	"github.com/sprintguard/sprintguard/internal/testlog"
)

// logLines decodes the JSON log lines written to b.
func logLines(t *testing.T, b *testlog.Buffer) []map[string]any {
	var out []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(b.String()), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		out = append(out, m)
	}
	return out
}

// Every failed Socket Mode connect is logged at error level with Slack's
// error code and the next try's time, and retried after a doubling,
// jittered wait; the connection is never reported up.
func TestSocketModeConnectFailuresAreLoggedAndRetried(t *testing.T) {
	closed, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	refusedURL := "http://" + closed.Addr().String() + "/api/"
	closed.Close()

	tests := []struct {
		name     string
		appToken string
		setup    func(f *slackfake.Server)
		apiURL   string // "" for the fake's
		code     string // Slack's error code, "" when Slack gave none
		needed   string
		errHas   string
	}{
		{name: "revoked", appToken: "xapp-1-test", setup: func(f *slackfake.Server) { f.RejectToken("xapp-1-test", "token_revoked") }, code: "token_revoked"},
		{name: "wrong token", appToken: "xapp-1-typo", setup: func(f *slackfake.Server) { f.RejectToken("xapp-1-typo", "invalid_auth") }, code: "invalid_auth"},
		{name: "bot token given as app token", appToken: "xoxb-test-token", code: "not_allowed_token_type"},
		{name: "app token without connections:write", appToken: "xapp-1-test",
			setup: func(f *slackfake.Server) { f.GrantScopes("xapp-1-test", "authorizations:read") }, code: "missing_scope", needed: "connections:write"},
		{name: "connection refused", appToken: "xapp-1-test", apiURL: refusedURL, errHas: "connection refused"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			if tt.setup != nil {
				tt.setup(h.fake)
			}
			url := tt.apiURL
			if url == "" {
				url = h.fake.APIURL()
			}
			api := slack.New("xoxb-test-token", slack.OptionAPIURL(url), slack.OptionAppLevelToken(tt.appToken))
			now := time.Date(2026, 11, 24, 15, 0, 0, 0, time.UTC)
			var (
				logs       testlog.Buffer
				waits      []time.Duration
				everUp     atomic.Bool
				reconnects atomic.Int32
			)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			err := h.bot.RunSocket(ctx, api, bot.SocketOptions{
				Up:         func(up bool) { everUp.CompareAndSwap(false, up) },
				Reconnect:  func() { reconnects.Add(1) },
				MinBackoff: time.Second, MaxBackoff: 3 * time.Second,
				Now:  func() time.Time { return now },
				Rand: func() float64 { return 0.75 }, // +10%
				Sleep: func(ctx context.Context, d time.Duration) error {
					waits = append(waits, d)
					if len(waits) == 4 {
						cancel()
					}
					return ctx.Err()
				},
				Log: slog.New(slog.NewJSONHandler(&logs, nil)),
			})
			if err != nil {
				t.Fatalf("RunSocket: %v", err)
			}
			want := []time.Duration{1100 * time.Millisecond, 2200 * time.Millisecond, 3300 * time.Millisecond, 3300 * time.Millisecond}
			if len(waits) != len(want) {
				t.Fatalf("waits %v, want %v", waits, want)
			}
			lines := logLines(t, &logs)
			if len(lines) != len(want) {
				t.Fatalf("%d log lines, want one per failure:\n%v", len(lines), lines)
			}
			for i, l := range lines {
				if waits[i] != want[i] {
					t.Errorf("wait %d = %v, want %v", i+1, waits[i], want[i])
				}
				if l["level"] != "ERROR" || l["msg"] != "socket mode connect failed" {
					t.Errorf("line %d: %v", i+1, l)
				}
				if got, _ := l["slack_error"].(string); got != tt.code {
					t.Errorf("line %d: slack_error %q, want %q", i+1, got, tt.code)
				}
				if got, _ := l["needed"].(string); got != tt.needed {
					t.Errorf("line %d: needed %q, want %q", i+1, got, tt.needed)
				}
				if at := now.Add(want[i]).Format(time.RFC3339Nano); l["retry_at"] != at {
					t.Errorf("line %d: retry_at %v, want %s", i+1, l["retry_at"], at)
				}
				if msg, _ := l["err"].(string); !strings.Contains(msg, tt.errHas) {
					t.Errorf("line %d: err %q lacks %q", i+1, msg, tt.errHas)
				}
			}
			if everUp.Load() {
				t.Error("the connection was reported up")
			}
			if n := reconnects.Load(); n != 3 {
				t.Errorf("%d reconnects counted, want 3 (every attempt after the first)", n)
			}
			if strings.Contains(logs.String(), tt.appToken) {
				t.Errorf("the log holds the app token:\n%s", logs.String())
			}
		})
	}
}

// After failed connects, a connect that works reports the socket up and
// starts the backoff over.
func TestSocketModeRecoversAfterFailedConnects(t *testing.T) {
	h := newHarness(t)
	h.fake.Fail("apps.connections.open", 2, "internal_error")
	api := slack.New("xoxb-test-token", slack.OptionAPIURL(h.fake.APIURL()), slack.OptionAppLevelToken("xapp-1-test"))
	var (
		mu    sync.Mutex
		waits []time.Duration
		up    atomic.Bool
	)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- h.bot.RunSocket(ctx, api, bot.SocketOptions{Up: up.Store, Rand: func() float64 { return 0.5 },
			Sleep: func(ctx context.Context, d time.Duration) error {
				mu.Lock()
				defer mu.Unlock()
				waits = append(waits, d)
				return ctx.Err()
			}})
	}()
	defer func() { cancel(); <-done }()
	h.fake.WaitConnections(t, 1, 30*time.Second)
	h.waitFor("the connection reported up", up.Load)
	h.fake.Fail("apps.connections.open", 1, "internal_error")
	h.fake.Drop()
	h.fake.WaitConnections(t, 2, 30*time.Second)
	h.waitFor("the connection reported up again", up.Load)
	mu.Lock()
	defer mu.Unlock()
	// Two failures (1s, 2s), a connection, then one failure: 1s again.
	if want := []time.Duration{time.Second, 2 * time.Second, time.Second}; len(waits) != 3 || waits[0] != want[0] || waits[1] != want[1] || waits[2] != want[2] {
		t.Errorf("waits %v, want %v", waits, want)
	}
}
