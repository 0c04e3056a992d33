package bot

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sprintguard/sprintguard/config"
)

// vector is a published Slack signing example: a secret, a request and the
// signature Slack computed for it.
type vector struct {
	Name      string `json:"name"`
	Source    string `json:"source"`
	Secret    string `json:"secret"`
	Timestamp string `json:"timestamp"`
	Body      string `json:"body"`
	Signature string `json:"signature"`
}

func loadVectors(t *testing.T) []vector {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "verify", "vectors.json"))
	if err != nil {
		t.Fatal(err)
	}
	var vs []vector
	if err := json.Unmarshal(data, &vs); err != nil {
		t.Fatalf("vectors.json: %v", err)
	}
	if len(vs) == 0 {
		t.Fatal("vectors.json holds no vectors")
	}
	return vs
}

func TestVerifySlackVectors(t *testing.T) {
	for _, vec := range loadVectors(t) {
		t.Run(vec.Name, func(t *testing.T) {
			sec, err := strconv.ParseInt(vec.Timestamp, 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			h := http.Header{}
			h.Set("X-Slack-Request-Timestamp", vec.Timestamp)
			h.Set("X-Slack-Signature", vec.Signature)
			v := &Verifier{Secret: config.NewSecret(vec.Secret), Now: fixedClock(time.Unix(sec, 0).Add(30 * time.Second))}

			if err := v.Verify(h, []byte(vec.Body)); err != nil {
				t.Errorf("Verify of the published example: %v", err)
			}
			tampered := []byte(vec.Body)
			tampered[len(tampered)/2] ^= 1
			if err := v.Verify(h, tampered); !errors.Is(err, ErrBadSignature) {
				t.Errorf("Verify of a tampered body = %v, want ErrBadSignature", err)
			}
			other := &Verifier{Secret: config.NewSecret(vec.Secret + "x"), Now: v.Now}
			if err := other.Verify(h, []byte(vec.Body)); !errors.Is(err, ErrBadSignature) {
				t.Errorf("Verify with another secret = %v, want ErrBadSignature", err)
			}
		})
	}
}

// testSecret signs the requests of the tests below.
const testSecret = "test-signing-secret-3f9a"

// testNow is the injected clock's time.
var testNow = time.Date(2026, 11, 23, 15, 0, 0, 0, time.UTC)

func fixedClock(t time.Time) func() time.Time { return func() time.Time { return t } }

// signed returns Slack's headers for body sent at ts, signed with secret.
// It computes the signature on its own rather than with verify.go's code.
func signed(secret string, ts time.Time, body string) http.Header {
	stamp := strconv.FormatInt(ts.Unix(), 10)
	mac := hmac.New(sha256.New, []byte(secret))
	io.WriteString(mac, "v0:"+stamp+":"+body)
	h := http.Header{}
	h.Set("X-Slack-Request-Timestamp", stamp)
	h.Set("X-Slack-Signature", "v0="+hex.EncodeToString(mac.Sum(nil)))
	return h
}

// expectedSignature is what a forger would love to read in a response.
func expectedSignature(h http.Header) string {
	return strings.TrimPrefix(h.Get("X-Slack-Signature"), "v0=")
}

const commandBody = "token=ignored&team_id=T0TEST&channel_id=C0INTAKE&user_id=U0ALICE&command=%2Fsg&text=ask+printer+is+on+fire&trigger_id=1.2.abc"

func TestVerify(t *testing.T) {
	tests := []struct {
		name string
		body string
		head func() http.Header
		want error
	}{
		{"signed now", commandBody, func() http.Header { return signed(testSecret, testNow, commandBody) }, nil},
		{"empty body", "", func() http.Header { return signed(testSecret, testNow, "") }, nil},
		{"4m59s old", commandBody, func() http.Header { return signed(testSecret, testNow.Add(-299*time.Second), commandBody) }, nil},
		{"4m59s ahead", commandBody, func() http.Header { return signed(testSecret, testNow.Add(299*time.Second), commandBody) }, nil},
		{"exactly 5m old", commandBody, func() http.Header { return signed(testSecret, testNow.Add(-5*time.Minute), commandBody) }, nil},
		{"6m old", commandBody, func() http.Header { return signed(testSecret, testNow.Add(-6*time.Minute), commandBody) }, ErrStale},
		{"6m ahead", commandBody, func() http.Header { return signed(testSecret, testNow.Add(6*time.Minute), commandBody) }, ErrStale},
		{"a year old", commandBody, func() http.Header { return signed(testSecret, testNow.AddDate(-1, 0, 0), commandBody) }, ErrStale},
		{"forged signature", commandBody, func() http.Header {
			h := signed(testSecret, testNow, commandBody)
			h.Set("X-Slack-Signature", "v0="+strings.Repeat("0", 64))
			return h
		}, ErrBadSignature},
		{"signed with another secret", commandBody, func() http.Header { return signed("not-the-secret", testNow, commandBody) }, ErrBadSignature},
		{"body changed after signing", commandBody + "&text=rm+-rf", func() http.Header { return signed(testSecret, testNow, commandBody) }, ErrBadSignature},
		{"timestamp changed after signing", commandBody, func() http.Header {
			h := signed(testSecret, testNow, commandBody)
			h.Set("X-Slack-Request-Timestamp", strconv.FormatInt(testNow.Unix()+1, 10))
			return h
		}, ErrBadSignature},
		{"no timestamp", commandBody, func() http.Header {
			h := signed(testSecret, testNow, commandBody)
			h.Del("X-Slack-Request-Timestamp")
			return h
		}, ErrBadSignature},
		{"no signature", commandBody, func() http.Header {
			h := signed(testSecret, testNow, commandBody)
			h.Del("X-Slack-Signature")
			return h
		}, ErrBadSignature},
		{"no headers", commandBody, func() http.Header { return http.Header{} }, ErrBadSignature},
		{"non-numeric timestamp", commandBody, func() http.Header {
			h := signed(testSecret, testNow, commandBody)
			h.Set("X-Slack-Request-Timestamp", "soon")
			return h
		}, ErrBadSignature},
		{"fractional timestamp", commandBody, func() http.Header {
			h := signed(testSecret, testNow, commandBody)
			h.Set("X-Slack-Request-Timestamp", strconv.FormatInt(testNow.Unix(), 10)+".5")
			return h
		}, ErrBadSignature},
		{"v1 signature", commandBody, func() http.Header {
			h := signed(testSecret, testNow, commandBody)
			h.Set("X-Slack-Signature", "v1="+expectedSignature(h))
			return h
		}, ErrBadSignature},
		{"signature not hex", commandBody, func() http.Header {
			h := signed(testSecret, testNow, commandBody)
			h.Set("X-Slack-Signature", "v0="+strings.Repeat("z", 64))
			return h
		}, ErrBadSignature},
		{"signature truncated", commandBody, func() http.Header {
			h := signed(testSecret, testNow, commandBody)
			h.Set("X-Slack-Signature", "v0="+expectedSignature(h)[:32])
			return h
		}, ErrBadSignature},
	}
	v := &Verifier{Secret: config.NewSecret(testSecret), Now: fixedClock(testNow)}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := v.Verify(tt.head(), []byte(tt.body))
			switch {
			case tt.want == nil && err != nil:
				t.Fatalf("Verify = %v, want nil", err)
			case tt.want != nil && !errors.Is(err, tt.want):
				t.Fatalf("Verify = %v, want %v", err, tt.want)
			case err != nil && strings.Contains(err.Error(), testSecret):
				t.Fatalf("error %q contains the secret", err)
			}
		})
	}
}

func TestVerifyWindowOption(t *testing.T) {
	tests := []struct {
		name   string
		window time.Duration
		age    time.Duration
		want   error
	}{
		{"default allows 4m", 0, 4 * time.Minute, nil},
		{"default refuses 6m", 0, 6 * time.Minute, ErrStale},
		{"1m refuses 2m", time.Minute, 2 * time.Minute, ErrStale},
		{"10m allows 6m", 10 * time.Minute, 6 * time.Minute, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := &Verifier{Secret: config.NewSecret(testSecret), Now: fixedClock(testNow), Window: tt.window}
			err := v.Verify(signed(testSecret, testNow.Add(-tt.age), commandBody), []byte(commandBody))
			if !errors.Is(err, tt.want) || (tt.want == nil && err != nil) {
				t.Fatalf("Verify = %v, want %v", err, tt.want)
			}
		})
	}
}

// countingReader reports whether anyone read from it.
type countingReader struct {
	r    io.Reader
	read int
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.read += n
	return n, err
}

func TestWrap(t *testing.T) {
	big := strings.Repeat("a", DefaultVerifyMaxBody+1)
	full := strings.Repeat("b", DefaultVerifyMaxBody)
	post := func(body string, h http.Header) *http.Request {
		r := httptest.NewRequest(http.MethodPost, "/slack/commands", strings.NewReader(body))
		r.Header = h
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		return r
	}
	tests := []struct {
		name   string
		req    func() *http.Request
		status int
		body   string // what next must read; "" when next must not run
	}{
		{"valid", func() *http.Request { return post(commandBody, signed(testSecret, testNow, commandBody)) }, http.StatusOK, commandBody},
		{"exactly 1 MiB", func() *http.Request { return post(full, signed(testSecret, testNow, full)) }, http.StatusOK, full},
		{"forged signature", func() *http.Request {
			h := signed(testSecret, testNow, commandBody)
			h.Set("X-Slack-Signature", "v0="+strings.Repeat("ab", 32))
			return post(commandBody, h)
		}, http.StatusUnauthorized, ""},
		{"another secret", func() *http.Request { return post(commandBody, signed("guess", testNow, commandBody)) }, http.StatusUnauthorized, ""},
		{"6 minutes old", func() *http.Request {
			return post(commandBody, signed(testSecret, testNow.Add(-6*time.Minute), commandBody))
		}, http.StatusUnauthorized, ""},
		{"6 minutes ahead", func() *http.Request {
			return post(commandBody, signed(testSecret, testNow.Add(6*time.Minute), commandBody))
		}, http.StatusUnauthorized, ""},
		{"missing headers", func() *http.Request { return post(commandBody, http.Header{}) }, http.StatusUnauthorized, ""},
		{"non-numeric timestamp", func() *http.Request {
			h := signed(testSecret, testNow, commandBody)
			h.Set("X-Slack-Request-Timestamp", "12:00")
			return post(commandBody, h)
		}, http.StatusUnauthorized, ""},
		{"1 MiB + 1, signed", func() *http.Request { return post(big, signed(testSecret, testNow, big)) }, http.StatusRequestEntityTooLarge, ""},
		{"1 MiB + 1, no length declared", func() *http.Request {
			r := post(big, signed(testSecret, testNow, big))
			r.ContentLength = -1
			return r
		}, http.StatusRequestEntityTooLarge, ""},
		{"GET", func() *http.Request {
			r := httptest.NewRequest(http.MethodGet, "/slack/commands", nil)
			r.Header = signed(testSecret, testNow, "")
			return r
		}, http.StatusMethodNotAllowed, ""},
	}
	v := &Verifier{Secret: config.NewSecret(testSecret), Now: fixedClock(testNow)}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var called bool
			var got []byte
			next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				called = true
				var err error
				if got, err = io.ReadAll(r.Body); err != nil {
					t.Errorf("next reading the body: %v", err)
				}
				if r.ContentLength != int64(len(got)) {
					t.Errorf("next sees ContentLength %d for %d bytes", r.ContentLength, len(got))
				}
			})
			req := tt.req()
			want := expectedSignature(signed(testSecret, testNow, commandBody))
			rec := httptest.NewRecorder()
			v.Wrap(next).ServeHTTP(rec, req)

			if rec.Code != tt.status {
				t.Errorf("status %d, want %d (%q)", rec.Code, tt.status, rec.Body.String())
			}
			if called != (tt.body != "") {
				t.Fatalf("next called = %v, want %v", called, tt.body != "")
			}
			if called && !bytes.Equal(got, []byte(tt.body)) {
				t.Errorf("next read %d bytes, want the %d signed bytes exactly", len(got), len(tt.body))
			}
			if resp := rec.Body.String(); strings.Contains(resp, testSecret) || strings.Contains(resp, want) {
				t.Errorf("response %q echoes the secret or the expected signature", resp)
			}
			if !called && !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/plain") {
				t.Errorf("refusal Content-Type %q, want text/plain", rec.Header().Get("Content-Type"))
			}
		})
	}
}

func TestWrapRefusesDeclaredLengthUnread(t *testing.T) {
	body := &countingReader{r: strings.NewReader(commandBody)}
	req := httptest.NewRequest(http.MethodPost, "/slack/events", body)
	req.Header = signed(testSecret, testNow, commandBody)
	req.ContentLength = 64
	v := &Verifier{Secret: config.NewSecret(testSecret), Now: fixedClock(testNow), MaxBody: 32}
	next := http.HandlerFunc(func(http.ResponseWriter, *http.Request) { t.Error("next called") })
	rec := httptest.NewRecorder()
	v.Wrap(next).ServeHTTP(rec, req)
	if rec.Code != http.StatusRequestEntityTooLarge {
		t.Errorf("status %d, want 413", rec.Code)
	}
	if body.read != 0 {
		t.Errorf("read %d bytes of a body whose Content-Length is over the limit", body.read)
	}
	if !strings.Contains(rec.Body.String(), "request body too large") {
		t.Errorf("body %q", rec.Body.String())
	}
}

func TestWrapLetsNextParseTheForm(t *testing.T) {
	req := httptest.NewRequest(http.MethodPost, "/slack/commands", strings.NewReader(commandBody))
	req.Header = signed(testSecret, testNow, commandBody)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	var text string
	next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		text = r.PostFormValue("text")
	})
	v := &Verifier{Secret: config.NewSecret(testSecret), Now: fixedClock(testNow)}
	rec := httptest.NewRecorder()
	v.Wrap(next).ServeHTTP(rec, req)
	if text != "ask printer is on fire" {
		t.Errorf("next parsed text %q (status %d)", text, rec.Code)
	}
}

func TestWrapWithoutSecret(t *testing.T) {
	req := httptest.NewRequest(http.MethodPost, "/slack/events", strings.NewReader(commandBody))
	// Signed with the empty key, which must not count as a valid signature.
	req.Header = signed("", testNow, commandBody)
	v := &Verifier{Now: fixedClock(testNow)}
	next := http.HandlerFunc(func(http.ResponseWriter, *http.Request) { t.Error("next called") })
	rec := httptest.NewRecorder()
	v.Wrap(next).ServeHTTP(rec, req)
	if rec.Code != http.StatusInternalServerError {
		t.Errorf("status %d, want 500", rec.Code)
	}
	if err := v.Verify(req.Header, []byte(commandBody)); !errors.Is(err, ErrNoSecret) {
		t.Errorf("Verify = %v, want ErrNoSecret", err)
	}
}

func TestVerifierConcurrent(t *testing.T) {
	v := &Verifier{Secret: config.NewSecret(testSecret), Now: fixedClock(testNow)}
	h := v.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.Copy(w, r.Body) }))
	var wg sync.WaitGroup
	errs := make(chan string, 16)
	for i := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			body := commandBody + "&n=" + strconv.Itoa(i)
			req := httptest.NewRequest(http.MethodPost, "/slack/commands", strings.NewReader(body))
			req.Header = signed(testSecret, testNow, body)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != http.StatusOK || rec.Body.String() != body {
				errs <- strconv.Itoa(rec.Code) + " " + rec.Body.String()
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}
