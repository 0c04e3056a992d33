package bot

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/sprintguard/sprintguard/config"
)

// Defaults of Verifier's zero fields: the five minutes Slack recommends,
// and a body limit far above any payload Slack sends.
const (
	DefaultVerifyWindow  = 5 * time.Minute
	DefaultVerifyMaxBody = 1 << 20
)

// Slack's request-signing headers.
const (
	slackTimestampHeader = "X-Slack-Request-Timestamp"
	slackSignatureHeader = "X-Slack-Signature"
)

// Errors that Verify wraps; test for them with errors.Is. Their messages
// name what is wrong and never contain the secret or the expected signature.
var (
	// ErrBadSignature means the request cannot be authenticated: the
	// signature or timestamp header is missing or malformed, or the
	// signature does not match the body.
	ErrBadSignature = errors.New("bad signature")
	// ErrStale means the timestamp is well formed but further than the
	// window from now, in either direction: a replayed or badly delayed
	// request.
	ErrStale = errors.New("stale timestamp")
	// ErrNoSecret means the Verifier has no signing secret, so it refuses
	// everything rather than accept signatures made with an empty key.
	ErrNoSecret = errors.New("no signing secret configured")
)

// Verifier checks that HTTP requests come from Slack: the body is signed
// with the app's signing secret (HMAC-SHA256 over "v0:timestamp:body") and
// the timestamp is recent. The zero values of Now, Window and MaxBody mean
// time.Now, DefaultVerifyWindow and DefaultVerifyMaxBody. A Verifier is safe for
// concurrent use as long as its fields are not changed after the first
// request.
type Verifier struct {
	Secret  config.Secret    // the app's signing secret
	Now     func() time.Time // nil means time.Now
	Window  time.Duration    // timestamps older or newer than this are refused (replay protection)
	MaxBody int64            // larger bodies get 413
}

// Wrap returns a handler that reads the body (at most MaxBody bytes, else
// 413), verifies it, answers 401 with a short plain-text reason when it
// fails, and otherwise calls next with a request whose Body holds the
// verified bytes, so that next reads exactly what was signed. Anything but
// POST gets 405. next is never called for a refused request.
func (v *Verifier) Wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		limit := v.verifyMaxBody()
		// Refusing on the declared length spares reading a body that could
		// never pass.
		if r.ContentLength > limit {
			http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
		if err != nil {
			var tooLarge *http.MaxBytesError
			if errors.As(err, &tooLarge) {
				http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
				return
			}
			http.Error(w, "could not read request body", http.StatusBadRequest)
			return
		}
		if err := v.Verify(r.Header, body); err != nil {
			if errors.Is(err, ErrNoSecret) {
				http.Error(w, "signature checks are not configured", http.StatusInternalServerError)
				return
			}
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
		// A shallow copy, because a handler must not modify the request it
		// was given.
		verified := r.WithContext(r.Context())
		verified.Body = io.NopCloser(bytes.NewReader(body))
		verified.ContentLength = int64(len(body))
		// GetBody lets next read the verified bytes more than once.
		verified.GetBody = func() (io.ReadCloser, error) {
			return io.NopCloser(bytes.NewReader(body)), nil
		}
		next.ServeHTTP(w, verified)
	})
}

// Verify checks the signature and timestamp headers against body. It
// returns nil, or an error wrapping ErrBadSignature, ErrStale or
// ErrNoSecret.
func (v *Verifier) Verify(header http.Header, body []byte) error {
	if !v.Secret.IsSet() {
		return ErrNoSecret
	}
	ts := header.Get(slackTimestampHeader)
	if ts == "" {
		return fmt.Errorf("%w: missing %s header", ErrBadSignature, slackTimestampHeader)
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return fmt.Errorf("%w: %s is not a number of seconds", ErrBadSignature, slackTimestampHeader)
	}
	sig := header.Get(slackSignatureHeader)
	if sig == "" {
		return fmt.Errorf("%w: missing %s header", ErrBadSignature, slackSignatureHeader)
	}
	// Freshness first: a replayed request is refused without spending an
	// HMAC on it.
	age := v.clock().Sub(time.Unix(sec, 0))
	if w := v.verifyWindow(); age > w || age < -w {
		return fmt.Errorf("%w: %s is more than %v from now", ErrStale, slackTimestampHeader, w)
	}
	hexSig, ok := strings.CutPrefix(sig, "v0=")
	if !ok {
		return fmt.Errorf("%w: %s is not a v0 signature", ErrBadSignature, slackSignatureHeader)
	}
	got, err := hex.DecodeString(hexSig)
	if err != nil || len(got) != sha256.Size {
		return fmt.Errorf("%w: %s is not a hex HMAC-SHA256", ErrBadSignature, slackSignatureHeader)
	}
	if !hmac.Equal(got, slackMAC(v.Secret, ts, body)) {
		return fmt.Errorf("%w: %s does not match the body", ErrBadSignature, slackSignatureHeader)
	}
	return nil
}

// slackMAC returns the raw HMAC-SHA256 of Slack's v0 base string.
func slackMAC(secret config.Secret, ts string, body []byte) []byte {
	mac := hmac.New(sha256.New, []byte(secret.Reveal()))
	mac.Write([]byte("v0:" + ts + ":"))
	mac.Write(body)
	return mac.Sum(nil)
}

func (v *Verifier) clock() time.Time {
	if v.Now == nil {
		return time.Now()
	}
	return v.Now()
}

func (v *Verifier) verifyWindow() time.Duration {
	if v.Window <= 0 {
		return DefaultVerifyWindow
	}
	return v.Window
}

func (v *Verifier) verifyMaxBody() int64 {
	if v.MaxBody <= 0 {
		return DefaultVerifyMaxBody
	}
	return v.MaxBody
}
