package slackfake

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strconv"
	"time"
)

// Sign signs a request body the way Slack does (version v0): it returns the
// X-Slack-Request-Timestamp value for ts and the X-Slack-Signature value,
// "v0=" and the hex HMAC-SHA256 of "v0:<timestamp>:<body>" keyed with the
// signing secret.
func Sign(secret string, ts time.Time, body []byte) (timestamp, signature string) {
	timestamp = strconv.FormatInt(ts.Unix(), 10)
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte("v0:" + timestamp + ":"))
	mac.Write(body)
	return timestamp, "v0=" + hex.EncodeToString(mac.Sum(nil))
}

// SignRequest sets the X-Slack-Request-Timestamp and X-Slack-Signature
// headers of a request that carries body, as Slack would send it.
func SignRequest(r *http.Request, secret string, ts time.Time, body []byte) {
	timestamp, signature := Sign(secret, ts, body)
	r.Header.Set("X-Slack-Request-Timestamp", timestamp)
	r.Header.Set("X-Slack-Signature", signature)
}
