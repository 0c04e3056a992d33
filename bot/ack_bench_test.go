package bot

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"sync/atomic"
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
	// 50 senders at once while the processors take the events in, as in
	// bench/slackload's max phase: how acknowledgements fare beside the
	// intake's transactions and CPU. The outbox does not run.
	b.Run("ack/fsync/busy", func(b *testing.B) {
		bt, _ := newIdleBot(b, false)
		ctx, cancel := context.WithCancel(context.Background())
		bt.Start(ctx)
		b.Cleanup(func() { cancel(); bt.Wait() })
		mux := http.NewServeMux()
		bt.Routes(mux, v)
		runEventsParallel(b, mux, 50)
	})
}

// runEventsParallel serves b.N signed message events to h from senders
// goroutines at once and reports the 99th percentile of the time to
// answer; it fails on any answer but 200.
func runEventsParallel(b *testing.B, h http.Handler, senders int) {
	sendEventsParallel(b, h, signedEvents(b.N), senders)
}

// sendEventsParallel is runEventsParallel with the events given.
func sendEventsParallel(b *testing.B, h http.Handler, reqs []signedEvent, senders int) {
	took := make([]time.Duration, b.N)
	var next atomic.Int64
	b.SetBytes(int64(len(reqs[0].body)))
	b.ReportAllocs()
	b.ResetTimer()
	var wg sync.WaitGroup
	for range senders {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= len(reqs) {
					return
				}
				r := httptest.NewRequest(http.MethodPost, "/slack/events", bytes.NewReader(reqs[i].body))
				r.Header = reqs[i].header
				w := httptest.NewRecorder()
				start := time.Now()
				h.ServeHTTP(w, r)
				took[i] = time.Since(start)
				if w.Code != http.StatusOK {
					b.Errorf("event %d: status %d: %s", i, w.Code, w.Body)
				}
			}
		})
	}
	wg.Wait()
	b.StopTimer()
	slices.Sort(took)
	b.ReportMetric(float64(took[len(took)*99/100].Microseconds())/1000, "p99-ms")
}

// signedEvent is one request body and its signed headers.
type signedEvent struct {
	body   []byte
	header http.Header
}

// signedEvents returns n signed message events to an auto-mode intake
// channel, each with its own event id, message and requester.
func signedEvents(n int) []signedEvent {
	return signedEventsWith(n, func(i int) (string, string) {
		return fmt.Sprintf("EvB%010d", i), fmt.Sprintf("UB%08d", i)
	})
}

// signedEventsWith is signedEvents with event i's event id and user
// given by ids.
func signedEventsWith(n int, ids func(i int) (event, user string)) []signedEvent {
	at := idleBotNow
	reqs := make([]signedEvent, n)
	for i := range reqs {
		event, user := ids(i)
		body := fmt.Sprintf(`{"token":"x","team_id":"T123","api_app_id":"A123","type":"event_callback",`+
			`"event_id":%q,"event_time":%d,"event":{"type":"message","channel":"C0DATAHELP","channel_type":"channel",`+
			`"user":%q,"text":"the orders_daily dashboard shows stale numbers since this morning (ref %d)",`+
			`"ts":"%d.%06d","event_ts":"%d.%06d"}}`, event, at.Unix(), user, i, at.Unix(), i, at.Unix(), i)
		h := signed(testSecret, at, body)
		h.Set("Content-Type", "application/json")
		reqs[i] = signedEvent{[]byte(body), h}
	}
	return reqs
}

// runEvents serves b.N signed message events to h and fails on any answer
// but 200.
func runEvents(b *testing.B, h http.Handler) {
	reqs := signedEvents(b.N)
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
