package bot

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"errors"
	"fmt"
	"hash"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
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
// request, and must not be copied after it.
type Verifier struct {
	Secret  config.Secret    // the app's signing secret
	Now     func() time.Time // nil means time.Now
	Window  time.Duration    // timestamps older or newer than this are refused (replay protection)
	MaxBody int64            // larger bodies get 413

	// macs holds *macState keyed with Secret. Keying an HMAC hashes the
	// key twice and allocates two digests; a reused one only resets.
	macs sync.Pool
}

// macState is one verification's scratch space, reused through
// Verifier.macs so that a signature check allocates nothing.
type macState struct {
	mac    hash.Hash // HMAC-SHA256 keyed with the signing secret
	base   [32]byte  // "v0:<ts>:", the base string's start
	sum    [sha256.Size]byte
	header [sha256.Size]byte // the signature header, decoded
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
		body, err := readBody(http.MaxBytesReader(w, r.Body, limit), r.ContentLength)
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
		vb := &verifiedBody{signed: body}
		vb.Reset(body)
		verified.Body = vb
		verified.ContentLength = int64(len(body))
		next.ServeHTTP(w, verified)
	})
}

// verifiedBody is the body Wrap hands on: the signed bytes, which
// verifiedBytes lends to Routes' endpoints instead of a second copy.
type verifiedBody struct {
	bytes.Reader // over signed; by value, to make one allocation, not two
	signed       []byte
}

func (*verifiedBody) Close() error { return nil }

// verifiedBytes returns the signed body of a request that Wrap passed on,
// if nothing has read from it yet. The bytes are the request's own: they
// may be kept, and must not be changed.
func verifiedBytes(r *http.Request) ([]byte, bool) {
	b, ok := r.Body.(*verifiedBody)
	if !ok || b.Len() != len(b.signed) {
		return nil, false
	}
	return b.signed, true
}

// maxPresize caps what readBody allocates on the word of Content-Length
// alone: a client that declares a megabyte and sends nothing must not get
// a megabyte per connection. Slack's payloads are far smaller.
const maxPresize = 64 << 10

// readBody reads r to the end into a slice sized for the declared length
// (negative when unknown), so that a body whose length is known is read
// into one allocation instead of a doubling series. The slice is the
// caller's to keep.
func readBody(r io.Reader, declared int64) ([]byte, error) {
	n := int64(512)
	if declared >= 0 {
		// One byte more, so that the read which sees EOF has room and
		// does not grow the slice.
		n = min(declared+1, maxPresize)
	}
	b := make([]byte, 0, n)
	for {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
		k, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+k]
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return b, err
		}
	}
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
	m := v.macState()
	defer v.macs.Put(m)
	if !decodeHex(m.header[:], hexSig) {
		return fmt.Errorf("%w: %s is not a hex HMAC-SHA256", ErrBadSignature, slackSignatureHeader)
	}
	if !hmac.Equal(m.header[:], m.slackMAC(ts, body)) {
		return fmt.Errorf("%w: %s does not match the body", ErrBadSignature, slackSignatureHeader)
	}
	return nil
}

// macState returns scratch space with an HMAC keyed with the secret.
func (v *Verifier) macState() *macState {
	if m, ok := v.macs.Get().(*macState); ok {
		return m
	}
	return &macState{mac: hmac.New(sha256.New, []byte(v.Secret.Reveal()))}
}

// slackMAC returns the raw HMAC-SHA256 of Slack's v0 base string
// "v0:<ts>:<body>", in m's own array: valid until m is next used.
func (m *macState) slackMAC(ts string, body []byte) []byte {
	m.mac.Reset()
	base := append(append(append(m.base[:0], "v0:"...), ts...), ':')
	m.mac.Write(base)
	m.mac.Write(body)
	return m.mac.Sum(m.sum[:0])
}

// decodeHex decodes s into dst, which it must fill exactly; it reports
// whether s was that many hex digits. It spares hex.DecodeString's
// allocation of a slice that is compared once and dropped.
func decodeHex(dst []byte, s string) bool {
	if len(s) != 2*len(dst) {
		return false
	}
	for i := range dst {
		hi, ok1 := fromHex(s[2*i])
		lo, ok2 := fromHex(s[2*i+1])
		if !ok1 || !ok2 {
			return false
		}
		dst[i] = hi<<4 | lo
	}
	return true
}

func fromHex(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
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
