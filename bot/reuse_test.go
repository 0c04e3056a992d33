package bot

import (
	"bytes"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/sprintguard/sprintguard/config"
)

func TestReadBody(t *testing.T) {
	body := strings.Repeat("payload=", 200) // 1,600 bytes: more than the 512 an unknown length starts with
	tests := []struct {
		name     string
		r        io.Reader
		declared int64
		want     string
		wantCap  int // 0: not checked
		err      bool
	}{
		{"declared exactly", strings.NewReader(body), int64(len(body)), body, len(body) + 1, false},
		{"unknown length", strings.NewReader(body), -1, body, 0, false},
		{"declared too short", strings.NewReader(body), 10, body, 0, false},
		{"declared too long", strings.NewReader("short"), 4096, "short", 4097, false},
		{"declared a megabyte, sent little", strings.NewReader("short"), 1 << 20, "short", maxPresize, false},
		{"over the presize", strings.NewReader(strings.Repeat("x", maxPresize+10)), maxPresize + 10, strings.Repeat("x", maxPresize+10), 0, false},
		{"empty", strings.NewReader(""), 0, "", 1, false},
		{"one byte at a time", iotest.OneByteReader(strings.NewReader(body)), int64(len(body)), body, len(body) + 1, false},
		{"read error", iotest.ErrReader(errors.New("connection reset")), 100, "", 0, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := readBody(tc.r, tc.declared)
			if (err != nil) != tc.err {
				t.Fatalf("err = %v, want error %v", err, tc.err)
			}
			if string(got) != tc.want {
				t.Errorf("read %d bytes, want %d", len(got), len(tc.want))
			}
			if tc.wantCap != 0 && cap(got) != tc.wantCap {
				t.Errorf("cap %d, want %d: the slice grew instead of being read in one", cap(got), tc.wantCap)
			}
		})
	}
}

func TestDecodeHex(t *testing.T) {
	good := strings.Repeat("0123456789abcdefABCDEF", 3)[:64]
	tests := []struct {
		name string
		s    string
		ok   bool
	}{
		{"lower and upper case", good, true},
		{"too short", good[:62], false},
		{"too long", good + "00", false},
		{"not hex", "zz" + good[2:], false},
		{"bad low digit", "0g" + good[2:], false},
		{"empty", "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var dst [32]byte
			ok := decodeHex(dst[:], tc.s)
			if ok != tc.ok {
				t.Fatalf("decodeHex(%q) = %v, want %v", tc.s, ok, tc.ok)
			}
			if ok {
				want, err := hex.DecodeString(tc.s)
				if err != nil || !bytes.Equal(dst[:], want) {
					t.Errorf("decoded %x, hex.DecodeString %x (%v)", dst, want, err)
				}
			}
		})
	}
}

// A reused MAC must start clean every time: a good signature after bad
// ones, and a bad one after good ones, each get their own answer.
func TestVerifyReusesMACCleanly(t *testing.T) {
	v := &Verifier{Secret: config.NewSecret(testSecret), Now: fixedClock(testNow)}
	for i := range 20 {
		body := commandBody + "&n=" + strconv.Itoa(i)
		h := signed(testSecret, testNow, body)
		if i%3 == 0 {
			// Signed for another body: the MAC of this one must not match.
			h = signed(testSecret, testNow, body+"x")
		}
		err := v.Verify(h, []byte(body))
		if wantBad := i%3 == 0; (err != nil) != wantBad {
			t.Fatalf("request %d: Verify = %v, want a refusal %v", i, err, wantBad)
		}
	}
}

func TestVerifiedBytes(t *testing.T) {
	v := &Verifier{Secret: config.NewSecret(testSecret), Now: fixedClock(testNow)}
	tests := []struct {
		name     string
		readRest bool // next reads one byte before asking
		want     bool
	}{
		{"unread", false, true},
		{"partly read", true, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []byte
			var ok bool
			next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if tc.readRest {
					_, _ = r.Body.Read(make([]byte, 1))
				}
				got, ok = verifiedBytes(r)
			})
			req := httptest.NewRequest(http.MethodPost, "/slack/commands", strings.NewReader(commandBody))
			req.Header = signed(testSecret, testNow, commandBody)
			v.Wrap(next).ServeHTTP(httptest.NewRecorder(), req)
			if ok != tc.want {
				t.Fatalf("verifiedBytes ok = %v, want %v", ok, tc.want)
			}
			if ok && string(got) != commandBody {
				t.Errorf("verifiedBytes = %q, want the signed body", got)
			}
		})
	}
	// A request that did not come through Wrap has none.
	if _, ok := verifiedBytes(httptest.NewRequest(http.MethodPost, "/", strings.NewReader("x"))); ok {
		t.Error("verifiedBytes found bytes in a request Wrap never saw")
	}
}

func TestWriteJSON(t *testing.T) {
	tests := []struct {
		name     string
		v        any
		status   int
		wantBody string // "" for an error answer
	}{
		{"challenge", map[string]string{"challenge": "3eZbrw1aBm2rZgRN"}, http.StatusOK, `{"challenge":"3eZbrw1aBm2rZgRN"}` + "\n"},
		{"shorter answer after a longer one", map[string]int{"n": 1}, http.StatusOK, `{"n":1}` + "\n"},
		{"not encodable", map[string]any{"c": make(chan int)}, http.StatusInternalServerError, ""},
		{"big answer", map[string]string{"pad": strings.Repeat("a", maxPooledAck)}, http.StatusOK,
			`{"pad":"` + strings.Repeat("a", maxPooledAck) + `"}` + "\n"},
		{"after the big one", []int{1, 2}, http.StatusOK, "[1,2]\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			err := writeJSON(rec, tc.v)
			if rec.Code != tc.status {
				t.Fatalf("status %d, want %d", rec.Code, tc.status)
			}
			if tc.wantBody == "" {
				if err == nil {
					t.Error("no error for a value JSON cannot hold")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := rec.Body.String(); got != tc.wantBody {
				t.Errorf("body %.80q, want %.80q", got, tc.wantBody)
			}
			if got := rec.Header().Get("Content-Length"); got != strconv.Itoa(len(tc.wantBody)) {
				t.Errorf("Content-Length %s for %d bytes", got, len(tc.wantBody))
			}
			if got := rec.Header().Get("Content-Type"); got != "application/json" {
				t.Errorf("Content-Type %q", got)
			}
		})
	}
}
