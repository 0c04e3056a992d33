package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sprintguard/sprintguard/bot"
	"github.com/sprintguard/sprintguard/config"
)

// recorder is a signature-checking endpoint that keeps the event ids it
// was sent. It is safe for concurrent use.
type recorder struct {
	mu  sync.Mutex
	ids []string
}

func newEndpoint(t *testing.T, secret string) (*recorder, string) {
	rec := &recorder{}
	v := &bot.Verifier{Secret: config.NewSecret(secret)}
	srv := httptest.NewServer(v.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		var c callback
		if err := json.Unmarshal(body, &c); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		rec.mu.Lock()
		rec.ids = append(rec.ids, c.EventID)
		rec.mu.Unlock()
	})))
	t.Cleanup(srv.Close)
	return rec, srv.URL
}

// want returns the event ids of events first..first+n-1.
func wantIDs(first int64, n int) []string {
	ids := make([]string, n)
	gen := events{base: 1760000000}
	for i := range ids {
		var c callback
		_ = json.Unmarshal(gen.body(first+int64(i)), &c)
		ids[i] = c.EventID
	}
	return ids
}

func TestLoops(t *testing.T) {
	gen := events{base: 1760000000}
	const senders = 4
	tests := []struct {
		name       string
		sendSecret string
		closed     bool
		acked      bool
	}{
		{"open loop", "right", false, true},
		{"open loop, bad signature", "wrong", false, false},
		{"closed loop", "right", true, true},
		{"closed loop, bad signature", "wrong", true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec, url := newEndpoint(t, "right")
			s := &sender{url: url, secret: []byte(tt.sendSecret), client: newClient(senders), gen: gen}
			var o *outcome
			if tt.closed {
				o = closedLoop(context.Background(), s, 1000, 20*time.Millisecond, senders)
			} else {
				// 100 events however long they take: the count does not depend
				// on timing.
				o = openLoop(context.Background(), s, 1000, 2000, 50*time.Millisecond, senders)
				if o.sent != 100 {
					t.Errorf("open loop sent %d events, want 100", o.sent)
				}
			}
			if o.sent == 0 || len(o.acked)+o.errs != o.sent || len(o.lat) != len(o.acked) {
				t.Fatalf("sent %d, acked %d, errors %d, latencies %d", o.sent, len(o.acked), o.errs, len(o.lat))
			}
			if !tt.acked {
				if len(o.acked) != 0 || len(rec.ids) != 0 || len(o.samples) == 0 || !strings.Contains(o.samples[0], "401") {
					t.Errorf("bad signatures: acked %d, delivered %d, samples %q; want none acked and a 401", len(o.acked), len(rec.ids), o.samples)
				}
				return
			}
			// Every event number from first on was sent once, and only those.
			got := slices.Clone(rec.ids)
			slices.Sort(got)
			if want := wantIDs(1000, o.sent); !slices.Equal(got, want) {
				t.Errorf("endpoint got %d events %v..., want %d from EvL0000001000", len(got), got[:min(3, len(got))], len(want))
			}
			if o.lastAck.IsZero() || o.end.Before(o.start) {
				t.Errorf("start %v, last ack %v, end %v", o.start, o.lastAck, o.end)
			}
		})
	}
}
