package bot_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/sprintguard/sprintguard/bot"
	"github.com/sprintguard/sprintguard/bot/slackfake"
	"github.com/sprintguard/sprintguard/config"
	"github.com/sprintguard/sprintguard/examples"
	"github.com/sprintguard/sprintguard/internal/app"
	"github.com/sprintguard/sprintguard/internal/testlog"
	"github.com/sprintguard/sprintguard/learn"
	"github.com/sprintguard/sprintguard/store"
	"github.com/sprintguard/sprintguard/tracker/local"
	"github.com/sprintguard/sprintguard/triage"
)

// The example config's people and channels (examples/sprintguard.yaml):
// platform takes requests in C0PLATHELP in prompt mode; data in C0DATAHELP
// in auto mode.
const (
	platHelp   = "C0PLATHELP"
	dataHelp   = "C0DATAHELP"
	platLead   = "U0PLAT001"
	platOncall = "U0PLAT002" // on call in the week of 2026-11-23
	dataOncall = "U0DATA002"
	outsider   = "U0PAY001"
	secret     = "8f742231b10e8888abcd99yyyzzz85a5"
)

// clock is a settable test clock, safe for concurrent use.
type clock struct{ ns atomic.Int64 }

func (c *clock) now() time.Time      { return time.Unix(0, c.ns.Load()).UTC() }
func (c *clock) set(t time.Time)     { c.ns.Store(t.UnixNano()) }
func (c *clock) add(d time.Duration) { c.ns.Add(int64(d)) }

// harness runs the bot over HTTP against the Slack fake, with a real store
// and outbox worker. Everything stops at the end of the test.
type harness struct {
	t      testing.TB
	fake   *slackfake.Server
	db     *store.DB
	svc    *triage.Service
	bot    *bot.Bot
	clock  *clock
	srv    *httptest.Server
	worker *triage.Worker
	seq    atomic.Int64
	log    *slog.Logger
	// cfg, named and channels are the config, its settings as written
	// and the channel directory, for useChannelNames.
	cfg      *config.Config
	named    *triage.Settings
	channels *bot.Channels
	logs     *testlog.Buffer // the log, for what a test cannot see otherwise
}

func newHarness(t testing.TB) *harness { return newHarnessWith(t, nil) }

// newHarnessWith lets the test choose the tracker, given the harness's
// store and gateway; nil means the local tracker.
func newHarnessWith(t testing.TB, tracker func(h *harness, gw *bot.Gateway) triage.Tracker) *harness {
	t.Helper()
	return newHarnessConfig(t, examples.Config, tracker)
}

// newHarnessConfig runs the harness on the config text yaml; a team that
// pages through PagerDuty gets the outbox's pager handler, as serve does.
func newHarnessConfig(t testing.TB, yaml []byte, tracker func(h *harness, gw *bot.Gateway) triage.Tracker) *harness {
	t.Helper()
	cfg, err := config.Parse("sprintguard.yaml", yaml, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	st, err := app.Settings(cfg)
	if err != nil {
		t.Fatal(err)
	}
	h := &harness{t: t, fake: slackfake.New(t), clock: &clock{}, cfg: cfg, named: st}
	// Tuesday 24 November 2026, 09:00 in Chicago and 16:00 in Berlin: business hours for both teams.
	h.clock.set(time.Date(2026, 11, 24, 15, 0, 0, 0, time.UTC))
	h.db, err = store.Open(filepath.Join(t.TempDir(), "sg.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.db.Close() })
	h.logs = &testlog.Buffer{}
	var out io.Writer = h.logs
	if testing.Verbose() {
		out = io.MultiWriter(h.logs, testWriter{t})
	}
	log := slog.New(slog.NewTextHandler(out, nil))
	h.log = log
	h.svc = triage.NewService(h.db, st, h.clock.now)
	api := slack.New("xoxb-test-token", slack.OptionAPIURL(h.fake.APIURL()))
	gw := bot.NewGateway(api, log)
	fallback := local.New(h.db, "REQ", "https://sg.example.com/t/")
	var tr triage.Tracker = fallback
	if tracker != nil {
		tr = tracker(h, gw)
	}
	h.worker = &triage.Worker{Store: h.db, Now: h.clock.now, Log: log, MaxBackoff: time.Second,
		Handlers: h.svc.TicketHandlers(tr, fallback)}
	h.channels = bot.NewChannels(gw)
	h.bot = bot.New(h.svc, h.db, gw, log, bot.Config{Command: "/sg", SweepEvery: 50 * time.Millisecond, Channels: h.channels}, h.worker.Kick)
	h.bot.SetBotUser("UBOT")
	maps.Copy(h.worker.Handlers, h.bot.Handlers())
	maps.Copy(h.worker.Handlers, h.bot.DutyHandlers())
	// As serve does: similar requests are looked up by the outbox worker.
	h.svc.Finder = learn.NewFinder(h.db)
	maps.Copy(h.worker.Handlers, h.svc.SimilarHandlers())
	if page := app.Pager(cfg, h.db); page != nil {
		h.worker.Handlers[triage.JobPage] = page
	}

	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	h.bot.Start(ctx)
	wg.Go(func() { h.worker.Run(ctx, 20*time.Millisecond) })
	mux := http.NewServeMux()
	h.bot.Routes(mux, &bot.Verifier{Secret: config.NewSecret(secret), Now: h.clock.now})
	h.srv = httptest.NewServer(mux)
	t.Cleanup(func() {
		h.srv.Close()
		cancel()
		h.bot.Wait()
		wg.Wait()
	})
	return h
}

type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

// post sends body to path signed as Slack does, with extra headers.
func (h *harness) post(path, contentType string, body []byte, header ...string) *http.Response {
	h.t.Helper()
	req, err := http.NewRequest(http.MethodPost, h.srv.URL+path, strings.NewReader(string(body)))
	if err != nil {
		h.t.Fatal(err)
	}
	ts, sig := slackfake.Sign(secret, h.clock.now(), body)
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("X-Slack-Request-Timestamp", ts)
	req.Header.Set("X-Slack-Signature", sig)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	h.t.Cleanup(func() { resp.Body.Close() })
	return resp
}

// event sends an Events API callback wrapping inner, and expects 200.
func (h *harness) event(eventID string, inner map[string]any, header ...string) {
	h.t.Helper()
	body, _ := json.Marshal(map[string]any{
		"token": "x", "team_id": "T123", "api_app_id": "A123", "type": "event_callback",
		"event_id": eventID, "event_time": h.clock.now().Unix(), "event": inner,
	})
	if resp := h.post("/slack/events", "application/json", body, header...); resp.StatusCode != http.StatusOK {
		h.t.Fatalf("event %s: status %d", eventID, resp.StatusCode)
	}
}

// ts returns a fresh Slack message timestamp.
func (h *harness) ts() string {
	n := h.seq.Add(1)
	return fmt.Sprintf("%d.%06d", h.clock.now().Unix(), n)
}

// message is a user's message event in channel.
func (h *harness) message(channel, user, text, ts, thread string) map[string]any {
	ev := map[string]any{"type": "message", "channel": channel, "user": user, "text": text, "ts": ts,
		"event_ts": ts, "channel_type": "channel"}
	if thread != "" {
		ev["thread_ts"] = thread
	}
	if strings.HasPrefix(channel, "D") {
		ev["channel_type"] = "im"
	}
	h.fake.AddMessage(channel, slack.Message{Msg: slack.Msg{Type: "message", User: user, Text: text, Timestamp: ts, ThreadTimestamp: thread}})
	return ev
}

// command sends a signed slash command and returns the decoded answer
// (nil for an empty acknowledgement).
func (h *harness) command(user, channel, text, trigger string) *slack.Msg {
	h.t.Helper()
	f := url.Values{"token": {"x"}, "team_id": {"T123"}, "team_domain": {"acme"}, "channel_id": {channel},
		"channel_name": {"platform-help"}, "user_id": {user}, "user_name": {"someone"}, "command": {"/sg"},
		"text": {text}, "api_app_id": {"A123"}, "trigger_id": {trigger},
		"response_url": {"https://hooks.slack.com/commands/T123/1/x"}}
	resp := h.post("/slack/commands", "application/x-www-form-urlencoded", []byte(f.Encode()))
	if resp.StatusCode != http.StatusOK {
		h.t.Fatalf("command %q: status %d", text, resp.StatusCode)
	}
	data, _ := io.ReadAll(resp.Body)
	if len(data) == 0 {
		return nil
	}
	var m slack.Msg
	if err := json.Unmarshal(data, &m); err != nil {
		h.t.Fatalf("command %q: answer %s: %v", text, data, err)
	}
	return &m
}

// interact sends a signed interaction payload and returns the raw answer.
func (h *harness) interact(payload any) []byte {
	h.t.Helper()
	p, err := json.Marshal(payload)
	if err != nil {
		h.t.Fatal(err)
	}
	body := url.Values{"payload": {string(p)}}.Encode()
	resp := h.post("/slack/interactivity", "application/x-www-form-urlencoded", []byte(body))
	if resp.StatusCode != http.StatusOK {
		h.t.Fatalf("interaction: status %d", resp.StatusCode)
	}
	data, _ := io.ReadAll(resp.Body)
	return data
}

// click presses a button (or picks an option) on a message.
func (h *harness) click(user, channel, messageTS string, action slack.BlockAction) {
	h.t.Helper()
	n := h.seq.Add(1)
	action.ActionTs = fmt.Sprintf("%d.%06d", h.clock.now().Unix(), n)
	h.interact(map[string]any{
		"type": "block_actions", "trigger_id": "trig-" + strconv.FormatInt(n, 10),
		"user":      map[string]any{"id": user, "username": "u", "team_id": "T123"},
		"team":      map[string]any{"id": "T123", "domain": "acme"},
		"channel":   map[string]any{"id": channel},
		"container": map[string]any{"type": "message", "message_ts": messageTS, "channel_id": channel},
		"message":   map[string]any{"ts": messageTS, "type": "message"},
		"actions":   []slack.BlockAction{action},
	})
}

// requests returns every request in the store, oldest first.
func (h *harness) requests() []*triage.Request {
	h.t.Helper()
	var out []*triage.Request
	err := h.db.View(func(tx triage.Tx) error {
		return tx.Requests("", time.Time{}, h.clock.now().Add(24*time.Hour), func(r *triage.Request) error {
			out = append(out, r)
			return nil
		})
	})
	if err != nil {
		h.t.Fatal(err)
	}
	return out
}

// waitFor polls cond until it holds or 30 s pass: a -race run on a loaded
// machine draws a report chart in seconds, and a passing test never waits.
func (h *harness) waitFor(what string, cond func() bool) {
	h.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			h.t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// ticketed waits for n requests that all have tickets.
func (h *harness) ticketed(n int) []*triage.Request {
	h.t.Helper()
	var rs []*triage.Request
	h.waitFor(fmt.Sprintf("%d ticketed requests", n), func() bool {
		rs = h.requests()
		if len(rs) != n {
			return false
		}
		for _, r := range rs {
			if r.Ticket.Key == "" {
				return false
			}
		}
		return true
	})
	return rs
}

// calls returns the successful calls of method.
func (h *harness) calls(method string) []slackfake.Call { return h.fake.Calls(method) }
