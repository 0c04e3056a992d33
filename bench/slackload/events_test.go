package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/sprintguard/sprintguard/bot"
	"github.com/sprintguard/sprintguard/config"
)

func TestEventsAreDistinct(t *testing.T) {
	gen := events{base: 1760000000}
	ids, users, tss, texts := map[string]bool{}, map[string]bool{}, map[string]bool{}, map[string]bool{}
	prev := ""
	// Past one million, the ts carries into the seconds.
	for _, n := range []int64{0, 1, 2, 11, 12, 155, 156, 999_999, 1_000_000, 1_000_001} {
		var c callback
		if err := json.Unmarshal(gen.body(n), &c); err != nil {
			t.Fatalf("event %d: %v", n, err)
		}
		ev := c.Event
		if c.Type != "event_callback" || ev.Type != "message" || ev.Channel != intakeChannel || ev.ChannelType != "channel" {
			t.Errorf("event %d is not a channel message in %s: %+v", n, intakeChannel, c)
		}
		if ev.TS != gen.ts(n) || ev.EventTS != ev.TS || ev.User != user(n) {
			t.Errorf("event %d: ts %q event_ts %q user %q, want ts %q user %q", n, ev.TS, ev.EventTS, ev.User, gen.ts(n), user(n))
		}
		for name, seen := range map[string]map[string]bool{c.EventID: ids, ev.User: users, ev.TS: tss, ev.Text: texts} {
			if seen[name] {
				t.Errorf("event %d repeats %q", n, name)
			}
			seen[name] = true
		}
		if prev != "" && ev.TS <= prev {
			t.Errorf("event %d: ts %s is not after %s", n, ev.TS, prev)
		}
		prev = ev.TS
		if !bytes.Equal(gen.body(n), gen.body(n)) {
			t.Errorf("event %d is not the same bytes twice", n)
		}
	}
	if got := gen.ts(1_000_001); got != "1760000001.000001" {
		t.Errorf("ts(1000001) = %q", got)
	}
}

func TestSignVerifies(t *testing.T) {
	secret := []byte("8f742231b10e8888abcd99yyyzzz85a5")
	now := time.Unix(1760000000, 0)
	v := &bot.Verifier{Secret: config.NewSecret(string(secret)), Now: func() time.Time { return now }}
	body := events{base: now.Unix()}.body(42)
	tests := []struct {
		name   string
		secret []byte
		body   []byte
		ok     bool
	}{
		{"right secret", secret, body, true},
		{"wrong secret", []byte("other"), body, false},
		{"body changed after signing", secret, append(bytes.Clone(body), ' '), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts, sig := sign(tt.secret, now, body)
			h := http.Header{}
			h.Set("X-Slack-Request-Timestamp", ts)
			h.Set("X-Slack-Signature", sig)
			err := v.Verify(h, tt.body)
			if (err == nil) != tt.ok {
				t.Errorf("Verify = %v, want ok %v", err, tt.ok)
			}
		})
	}
	// Slack's documented example, so that a mistake shared by sign and
	// Verifier cannot pass unnoticed.
	_, sig := sign(secret, time.Unix(1531420618, 0), []byte("token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c"))
	if want := "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"; sig != want {
		t.Errorf("sign(Slack's example) = %s, want %s", sig, want)
	}
}
