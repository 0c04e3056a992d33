package bot

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/sprintguard/sprintguard/triage"
)

// noticeCases are payloads decodeNotice must read exactly as
// json.Unmarshal does, or leave to it.
var noticeCases = []struct {
	name, body string
	scanned    bool // scanNotice reads it itself
}{
	{"ticketed", `{"kind":"ticketed","request_id":123456,"team":"platform","at":"2026-12-05T10:03:34.123456789Z"}`, true},
	{"budget", `{"kind":"budget","team":"data","threshold":0.75,"sprint":42,"at":"2026-12-05T10:03:34+01:00"}`, true},
	{"every field", `{"kind":"oncall","request_id":7,"team":"sre","actor":"U1","threshold":1e-7,"sprint":-3,"text":"a \u003cb\u003e \"c\"\n😀","at":"2026-12-05T10:03:34Z","due":"2026-12-06T09:00:00-05:00"}`, true},
	{"white space", " {\n\"kind\" : \"queued\" , \"request_id\" : 9 } ", true},
	{"empty", `{}`, true},
	{"key twice, the last wins", `{"kind":"a","kind":"changed"}`, true},
	{"unknown keys skipped", `{"x":[1,{"y":null}],"kind":"warning","z":-2.5e3}`, true},

	{"null string", `{"kind":null}`, false},
	{"null time", `{"kind":"ticketed","at":null}`, false},
	{"key in another case", `{"Kind":"ticketed"}`, false},
	{"fraction for an integer", `{"request_id":7.5}`, false},
	{"exponent for an integer", `{"request_id":7e2}`, false},
	{"integer too large", `{"request_id":99999999999999999999}`, false},
	{"string for a number", `{"sprint":"4"}`, false},
	{"bad time", `{"at":"yesterday"}`, false},
	{"number for a time", `{"at":1}`, false},
	{"invalid UTF-8", "{\"text\":\"a\xffb\"}", false},
	{"surrogate escape", `{"text":"\ud83d\ude00"}`, false},
	{"not JSON", `kind=ticketed`, false},
	{"cut short", `{"kind":"tick`, false},
	{"trailing garbage", `{"kind":"ticketed"} x`, false},
	{"an array", `[]`, false},
}

func TestDecodeNoticeAgreesWithEncodingJSON(t *testing.T) {
	for _, c := range noticeCases {
		t.Run(c.name, func(t *testing.T) {
			checkNotice(t, []byte(c.body))
			var n triage.Notice
			if got := scanNotice([]byte(c.body), &n); got != c.scanned {
				t.Errorf("scanNotice = %v, want %v", got, c.scanned)
			}
		})
	}
}

// TestDecodeNoticeReadsWhatTriageWrites checks that the notices triage
// enqueues, which json.Marshal writes, are read by the scanner itself.
func TestDecodeNoticeReadsWhatTriageWrites(t *testing.T) {
	at := time.Date(2026, 12, 5, 10, 3, 34, 123, time.FixedZone("", 3600))
	for _, n := range []triage.Notice{
		{Kind: triage.NoticeTicketed, RequestID: 1, Team: "platform", At: at},
		{Kind: triage.NoticeOnCall, RequestID: 2, Team: "platform", At: at, Due: at.Add(time.Hour)},
		{Kind: triage.NoticeQueued, RequestID: 3, Team: "platform", Text: "jira: 503 <Service Unavailable> & \"retry\"", At: at},
		{Kind: triage.NoticeBudget, Team: "data", Threshold: 0.9, Sprint: 12, At: at},
		{Kind: triage.NoticeChanged, RequestID: 4, Team: "sre", Actor: "U0ONCALL", Text: "urgency P2 → P1", At: at},
	} {
		t.Run(n.Kind, func(t *testing.T) {
			p, err := json.Marshal(n)
			if err != nil {
				t.Fatal(err)
			}
			var got triage.Notice
			if !scanNotice(p, &got) {
				t.Fatalf("scanNotice declined %s", p)
			}
			checkNotice(t, p)
		})
	}
}

// checkNotice fails when decodeNotice and json.Unmarshal disagree on p,
// in the notice they give or in whether they fail.
func checkNotice(t *testing.T, p []byte) {
	t.Helper()
	checkDecoder(t, "decodeNotice", p, decodeNotice)
}

// FuzzDecodeNotice holds the scanner to encoding/json on any input.
func FuzzDecodeNotice(f *testing.F) {
	for _, c := range noticeCases {
		f.Add([]byte(c.body))
	}
	f.Fuzz(func(t *testing.T, p []byte) {
		checkNotice(t, p)
	})
}

// BenchmarkDecodeNotice compares the scanner with encoding/json on a
// ticketed notice.
func BenchmarkDecodeNotice(b *testing.B) {
	p := []byte(noticeCases[0].body)
	b.Run("scan", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := decodeNotice(p); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("encoding-json", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var n triage.Notice
			if err := json.Unmarshal(p, &n); err != nil {
				b.Fatal(err)
			}
		}
	})
}
