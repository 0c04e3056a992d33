package bot_test

import (
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/sprintguard/sprintguard/bot"
	"github.com/sprintguard/sprintguard/bot/slackfake"
	"github.com/sprintguard/sprintguard/config"
	"github.com/sprintguard/sprintguard/examples"
	"github.com/sprintguard/sprintguard/internal/app"
	"github.com/sprintguard/sprintguard/store"
	"github.com/sprintguard/sprintguard/triage"
)

// BenchmarkEventsHandler measures POST /slack/events up to the
// acknowledgement, in process (no sockets): the signature check alone, as
// the bare-handler ceiling of bench/slackload does it, then the whole ack
// path with a real store, without and with fsync. The processors are not
// started, so intake is not measured; the bodies are the message events
// of an auto-mode intake channel, each with its own event id.
//
//	go test ./bot -run '^$' -bench EventsHandler -benchmem -cpuprofile cpu.out -memprofile mem.out
func BenchmarkEventsHandler(b *testing.B) {
	at := time.Date(2026, 11, 24, 15, 0, 0, 0, time.UTC)
	now := func() time.Time { return at }
	v := &bot.Verifier{Secret: config.NewSecret(secret), Now: now}
	b.Run("verify", func(b *testing.B) {
		h := v.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.Copy(io.Discard, r.Body)
			w.WriteHeader(http.StatusOK)
		}))
		runEvents(b, h, at)
	})
	for _, sync := range []bool{false, true} {
		name := "ack/nosync"
		if sync {
			name = "ack/fsync"
		}
		b.Run(name, func(b *testing.B) {
			mux := http.NewServeMux()
			ackBot(b, now, !sync).Routes(mux, v)
			runEvents(b, mux, at)
		})
	}
}

// ackBot is a bot on a fresh store whose processors never run.
func ackBot(b *testing.B, now func() time.Time, noSync bool) *bot.Bot {
	cfg, err := config.Parse("sprintguard.yaml", examples.Config, func(string) string { return "" })
	if err != nil {
		b.Fatal(err)
	}
	st, err := app.Settings(cfg)
	if err != nil {
		b.Fatal(err)
	}
	db, err := store.Open(filepath.Join(b.TempDir(), "sg.db"), store.Options{NoSync: noSync})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	gw := bot.NewGateway(slack.New("xoxb-test-token", slack.OptionAPIURL("http://127.0.0.1:9/")), log)
	bt := bot.New(triage.NewService(db, st, now), db, gw, log, bot.Config{}, nil)
	bt.SetBotUser("UBOT")
	return bt
}

// runEvents serves b.N signed message events to h and fails on any answer
// but 200.
func runEvents(b *testing.B, h http.Handler, at time.Time) {
	type signed struct {
		body    []byte
		ts, sig string
	}
	reqs := make([]signed, b.N)
	for i := range reqs {
		body := fmt.Appendf(nil, `{"token":"x","team_id":"T123","api_app_id":"A123","type":"event_callback",`+
			`"event_id":"EvB%010d","event_time":%d,"event":{"type":"message","channel":%q,"channel_type":"channel",`+
			`"user":"UB%08d","text":"the orders_daily dashboard shows stale numbers since this morning (ref %d)",`+
			`"ts":"%d.%06d","event_ts":"%d.%06d"}}`, i, at.Unix(), dataHelp, i, i, at.Unix(), i, at.Unix(), i)
		ts, sig := slackfake.Sign(secret, at, body)
		reqs[i] = signed{body, ts, sig}
	}
	b.SetBytes(int64(len(reqs[0].body)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		r := httptest.NewRequest(http.MethodPost, "/slack/events", bytes.NewReader(reqs[i].body))
		r.Header.Set("Content-Type", "application/json")
		r.Header.Set("X-Slack-Request-Timestamp", reqs[i].ts)
		r.Header.Set("X-Slack-Signature", reqs[i].sig)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != http.StatusOK {
			b.Fatalf("event %d: status %d: %s", i, w.Code, w.Body)
		}
	}
}
