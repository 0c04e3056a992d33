package bot

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/sprintguard/sprintguard/config"
)

// BenchmarkEventsHandler measures POST /slack/events up to the
// acknowledgement, in process (no sockets): the signature check alone, as
// the bare-handler ceiling of bench/slackload does it, then the whole ack
// path with a real store, without and with fsync. The processors are not
// started, so intake is not measured; the bodies are message events in an
// auto-mode intake channel, each with its own event id.
//
//	go test ./bot -run '^$' -bench EventsHandler -benchmem -cpuprofile cpu.out -memprofile mem.out
func BenchmarkEventsHandler(b *testing.B) {
	v := &Verifier{Secret: config.NewSecret(testSecret), Now: func() time.Time { return idleBotNow }}
	b.Run("verify", func(b *testing.B) {
		h := v.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.Copy(io.Discard, r.Body)
			w.WriteHeader(http.StatusOK)
		}))
		runEvents(b, h)
	})
	for _, sync := range []bool{false, true} {
		name := "ack/nosync"
		if sync {
			name = "ack/fsync"
		}
		b.Run(name, func(b *testing.B) {
			bt, calls := newIdleBot(b, !sync)
			mux := http.NewServeMux()
			bt.Routes(mux, v)
			runEvents(b, mux)
			if n := calls.Load(); n != 0 {
				b.Fatalf("the acknowledgements made %d Web API calls", n)
			}
		})
	}
}

// runEvents serves b.N signed message events to h and fails on any answer
// but 200.
func runEvents(b *testing.B, h http.Handler) {
	type signedBody struct {
		body   []byte
		header http.Header
	}
	at := idleBotNow
	reqs := make([]signedBody, b.N)
	for i := range reqs {
		body := fmt.Sprintf(`{"token":"x","team_id":"T123","api_app_id":"A123","type":"event_callback",`+
			`"event_id":"EvB%010d","event_time":%d,"event":{"type":"message","channel":"C0DATAHELP","channel_type":"channel",`+
			`"user":"UB%08d","text":"the orders_daily dashboard shows stale numbers since this morning (ref %d)",`+
			`"ts":"%d.%06d","event_ts":"%d.%06d"}}`, i, at.Unix(), i, i, at.Unix(), i, at.Unix(), i)
		h := signed(testSecret, at, body)
		h.Set("Content-Type", "application/json")
		reqs[i] = signedBody{[]byte(body), h}
	}
	b.SetBytes(int64(len(reqs[0].body)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		r := httptest.NewRequest(http.MethodPost, "/slack/events", bytes.NewReader(reqs[i].body))
		r.Header = reqs[i].header
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != http.StatusOK {
			b.Fatalf("event %d: status %d: %s", i, w.Code, w.Body)
		}
	}
}
