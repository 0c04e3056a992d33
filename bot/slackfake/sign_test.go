package slackfake

import (
	"net/http"
	"strconv"
	"testing"
	"time"
)

// Slack's documented signing example.
const (
	vectorSecret    = "8f742231b10e8888abcd99yyyzzz85a5"
	vectorTimestamp = 1531420618
	vectorBody      = "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c"
	vectorSignature = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"
)

func TestSign(t *testing.T) {
	tests := []struct {
		name, secret, body string
		at                 int64
		wantMatch          bool
	}{
		{"Slack's vector", vectorSecret, vectorBody, vectorTimestamp, true},
		{"other body", vectorSecret, vectorBody + "x", vectorTimestamp, false},
		{"other time", vectorSecret, vectorBody, vectorTimestamp + 1, false},
		{"other secret", vectorSecret + "x", vectorBody, vectorTimestamp, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts, sig := Sign(tt.secret, time.Unix(tt.at, 0), []byte(tt.body))
			if ts != strconv.FormatInt(tt.at, 10) {
				t.Errorf("timestamp = %q, want %d", ts, tt.at)
			}
			if (sig == vectorSignature) != tt.wantMatch {
				t.Errorf("signature = %q, match with Slack's %v, want %v", sig, sig == vectorSignature, tt.wantMatch)
			}
		})
	}
}

func TestSignRequest(t *testing.T) {
	r, err := http.NewRequest(http.MethodPost, "http://localhost/slack/commands", nil)
	if err != nil {
		t.Fatal(err)
	}
	SignRequest(r, vectorSecret, time.Unix(vectorTimestamp, 0), []byte(vectorBody))
	if got := r.Header.Get("X-Slack-Signature"); got != vectorSignature {
		t.Errorf("X-Slack-Signature = %q", got)
	}
	if got := r.Header.Get("X-Slack-Request-Timestamp"); got != "1531420618" {
		t.Errorf("X-Slack-Request-Timestamp = %q", got)
	}
}
