package bot_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sprintguard/sprintguard/bot/slackfake"
)

func TestHTTPRefusesForgedStaleAndOversizedRequests(t *testing.T) {
	h := newHarness(t)
	body, _ := json.Marshal(map[string]any{"type": "event_callback", "event_id": "EvForged",
		"event": h.message(dataHelp, outsider, "the VPN is down", h.ts(), "")})
	send := func(ts time.Time, sig string, body []byte) int {
		req, _ := http.NewRequest(http.MethodPost, h.srv.URL+"/slack/events", strings.NewReader(string(body)))
		stamp, good := slackfake.Sign(secret, ts, body)
		if sig == "" {
			sig = good
		}
		req.Header.Set("X-Slack-Request-Timestamp", stamp)
		req.Header.Set("X-Slack-Signature", sig)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode
	}
	now := h.clock.now()
	big := append([]byte(`{"type":"event_callback","pad":"`), make([]byte, 1<<20)...)
	for i := len(big) - (1 << 20); i < len(big); i++ {
		big[i] = 'a'
	}
	big = append(big, `"}`...)
	tests := []struct {
		name string
		ts   time.Time
		sig  string
		body []byte
		want int
	}{
		{"forged signature", now, "v0=" + strings.Repeat("ab", 32), body, http.StatusUnauthorized},
		{"stale timestamp", now.Add(-6 * time.Minute), "", body, http.StatusUnauthorized},
		{"oversized body", now, "", big, http.StatusRequestEntityTooLarge},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := send(tc.ts, tc.sig, tc.body); got != tc.want {
				t.Fatalf("status %d, want %d", got, tc.want)
			}
		})
	}
	if got := send(now, "", body); got != http.StatusOK {
		t.Fatalf("the same event correctly signed: status %d, want 200", got)
	}
	h.ticketed(1) // only the signed delivery got in
}

func TestURLVerificationIsAnswered(t *testing.T) {
	h := newHarness(t)
	body := []byte(`{"token":"x","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"}`)
	resp := h.post("/slack/events", "application/json", body)
	got, _ := io.ReadAll(resp.Body)
	var ans struct{ Challenge string }
	if resp.StatusCode != http.StatusOK || json.Unmarshal(got, &ans) != nil || ans.Challenge != "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P" {
		t.Fatalf("url_verification: status %d, body %s", resp.StatusCode, got)
	}
}

// Slack retries an event it thinks was not acknowledged in time; three
// deliveries of one event, two of them at once, make one ticket.
func TestRetriedEventMakesOneTicket(t *testing.T) {
	h := newHarness(t)
	ev := h.message(dataHelp, outsider, "the nightly ETL job failed again", h.ts(), "")
	h.event("Ev0RETRY", ev)
	var wg sync.WaitGroup
	for _, n := range []string{"1", "2"} {
		wg.Go(func() { h.event("Ev0RETRY", ev, "X-Slack-Retry-Num", n, "X-Slack-Retry-Reason", "http_timeout") })
	}
	wg.Wait()
	rs := h.ticketed(1)
	time.Sleep(200 * time.Millisecond) // time for a second request to appear, if there were one
	if n := len(h.requests()); n != 1 {
		t.Fatalf("%d requests from three deliveries of one event, want 1", n)
	}
	h.waitFor("the requester's reply", func() bool { return len(h.threadPosts(dataHelp, ev["ts"].(string))) > 0 })
	replies := h.threadPosts(dataHelp, ev["ts"].(string))
	if len(replies) != 1 || !strings.Contains(replies[0], rs[0].Ticket.Key) {
		t.Fatalf("thread replies %q, want one naming %s", replies, rs[0].Ticket.Key)
	}
}

// threadPosts returns the text and blocks of the bot's successful posts in
// a thread.
func (h *harness) threadPosts(channel, thread string) []string {
	var out []string
	for _, c := range h.fake.OKCalls("chat.postMessage") {
		if c.Form.Get("channel") == channel && c.Form.Get("thread_ts") == thread {
			out = append(out, c.Form.Get("text")+"\n"+c.Form.Get("blocks"))
		}
	}
	return out
}
