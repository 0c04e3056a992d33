package store

import (
	"bytes"
	"encoding/json"
	"math"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"github.com/sprintguard/sprintguard/classifier"
	"github.com/sprintguard/sprintguard/triage"
)

// pieces are what random strings are made of: the characters
// encoding/json escapes, or replaces, or writes as they are.
var pieces = []string{"a", "Z", " ", "deploy", "<", ">", "&", `"`, `\`, "/", "\n", "\r", "\t", "\b", "\f", "\x00", "\x1f", "\x7f",
	"é", "日本", "😀", "\u2028", "\u2029", "\xff", "\xe2\x80", "\ufffd"}

var floats = []float64{0, math.Copysign(0, -1), 1, -2.5, 0.1, 1e-6, 1e-7, 1e-9, 9.99e20, 1e21, 1.5e300, 123456.789, 5e-324}

// randomize sets every field v reaches to a random value, so
// that a field added to triage.Request and not to appendRequest and
// scanRequest makes TestRequestCodecMatchesJSON fail.
func randomize(rng *rand.Rand, v reflect.Value) {
	switch {
	case v.Type() == reflect.TypeFor[time.Time]():
		if rng.IntN(4) == 0 {
			return
		}
		zones := []*time.Location{time.UTC, time.FixedZone("", 2*3600), time.FixedZone("", -(5*3600 + 30*60))}
		t := time.Unix(rng.Int64N(4e9), rng.Int64N(1e9)*int64(rng.IntN(2))).In(zones[rng.IntN(len(zones))])
		v.Set(reflect.ValueOf(t))
		return
	case v.Type() == reflect.TypeFor[classifier.Urgency]():
		// 0 is no urgency: left out where it may be, an error elsewhere.
		v.SetInt(int64(rng.IntN(5)))
		return
	}
	switch v.Kind() {
	case reflect.String:
		var b []byte
		for range rng.IntN(6) {
			b = append(b, pieces[rng.IntN(len(pieces))]...)
		}
		v.SetString(string(b))
	case reflect.Bool:
		v.SetBool(rng.IntN(2) == 0)
	case reflect.Int, reflect.Int64:
		if rng.IntN(3) > 0 {
			v.SetInt(rng.Int64N(1<<40) - 1<<20)
		}
	case reflect.Float64:
		v.SetFloat(floats[rng.IntN(len(floats))])
	case reflect.Slice:
		switch n := rng.IntN(5); n {
		case 0: // nil
		default:
			s := reflect.MakeSlice(v.Type(), n-1, n-1)
			for i := range n - 1 {
				randomize(rng, s.Index(i))
			}
			v.Set(s)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			randomize(rng, v.Field(i))
		}
	default:
		panic("fill: no random value for " + v.Type().String())
	}
}

// TestRequestCodecMatchesJSON checks that encodeRequest writes what
// json.Marshal writes, byte for byte, and that decodeRequest reads it as
// json.Unmarshal does, without falling back to encoding/json.
func TestRequestCodecMatchesJSON(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 18))
	scanned := 0
	for i := range 5000 {
		r := new(triage.Request)
		randomize(rng, reflect.ValueOf(r).Elem())
		want, wantErr := json.Marshal(r)
		got, gotErr := encodeRequest(r)
		if (wantErr != nil) != (gotErr != nil) || !bytes.Equal(got, want) {
			t.Fatalf("request %d: encodeRequest = %s, %v\njson.Marshal   = %s, %v", i, got, gotErr, want, wantErr)
		}
		if wantErr != nil {
			continue
		}
		if !scanRequest(want, new(triage.Request)) || !scanText(want, new(triage.Request)) {
			t.Fatalf("request %d: scanRequest or scanText declined what appendRequest wrote: %s", i, want)
		}
		scanned++
		checkDecode(t, want)
	}
	if scanned < 1000 {
		t.Fatalf("only %d of 5000 random requests could be encoded: the test checks too little", scanned)
	}
}

// checkDecode fails t unless decodeRequest and decodeText read v as
// json.Unmarshal does: the same request, or an error for both.
func checkDecode(t *testing.T, v []byte) {
	t.Helper()
	var want triage.Request
	wantErr := json.Unmarshal(v, &want)
	got, err := decodeRequest(v)
	if (err != nil) != (wantErr != nil) {
		t.Fatalf("decodeRequest(%q) error = %v, json.Unmarshal's = %v", v, err, wantErr)
	}
	if err == nil && !reflect.DeepEqual(*got, want) {
		t.Fatalf("decodeRequest(%q)\n= %+v\njson.Unmarshal\n= %+v", v, *got, want)
	}
	var rt requestText
	textErr := json.Unmarshal(v, &rt)
	text, err := decodeText(v)
	if (err != nil) != (textErr != nil) {
		t.Fatalf("decodeText(%q) error = %v, json.Unmarshal's = %v", v, err, textErr)
	}
	if err == nil && !reflect.DeepEqual(*text, triage.Request{ID: rt.ID, Team: rt.Team, Summary: rt.Summary, Details: rt.Details, Purged: rt.Purged,
		SimilarDone: rt.SimilarDone, HasActual: rt.HasActual}) {
		t.Fatalf("decodeText(%q) = %+v, json.Unmarshal gives %+v", v, *text, rt)
	}
}

// TestDecodeRequestOtherForms checks forms appendRequest never writes:
// scanRequest declines them and encoding/json reads them.
func TestDecodeRequestOtherForms(t *testing.T) {
	r := realisticRequest(7, "platform", t0)
	indented, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		v    string
	}{
		{"indented", string(indented)},
		{"keys in another order", `{"team":"platform","id":7,"urgency":"P2","decision":{"urgency":"P2"}}`},
		{"key in another case", `{"ID":7,"Team":"platform"}`},
		{"duplicate key", `{"id":7,"team":"a","team":"b"}`},
		{"unknown key", `{"id":7,"colour":"red"}`},
		{"null string", `{"id":7,"team":null}`},
		{"urgency by name", `{"id":7,"urgency":"critical"}`},
		{"number for an int", `{"id":7.0}`},
		{"exponent", `{"id":7,"estimate":1E+2}`},
		{"trailing text", `{"id":7}x`},
		{"trailing space", `{"id":7} `},
		{"cut short", `{"id":7,"team":"pla`},
		{"raw control character", "{\"id\":7,\"team\":\"a\x01\"}"},
		{"invalid UTF-8", "{\"id\":7,\"team\":\"a\xffb\"}"},
		{"escaped slash", `{"id":7,"team":"a\/b\u00e9\ud83d\ude00"}`},
		{"lone surrogate", `{"id":7,"team":"a\ud83db","user":"\ud83d\u0041","summary":"\udc00"}`},
		{"escaped quote and backslash", `{"id":7,"team":"\"\\\b\f\n\r\t"}`},
		{"escaped apostrophe", `{"id":7,"team":"\'"}`},
		{"short unicode escape", `{"id":7,"team":"\u12"}`},
		{"backslash at the end", `{"id":7,"team":"\`},
		{"bad time", `{"id":7,"created_at":"yesterday"}`},
		{"null events", `{"id":7,"events":null}`},
		{"empty events", `{"id":7,"events":[]}`},
		{"sla with space", `{"id":7,"claim_sla":{"ack": "15m"}}`},
		{"sla with string brace", `{"id":7,"claim_sla":{"ack":"}"}}`},
		{"not an object", `[1,2]`},
		{"leading zero", `{"id":07}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			checkDecode(t, []byte(tc.v))
		})
	}
}

// FuzzDecodeRequest holds decodeRequest to json.Unmarshal on any input.
func FuzzDecodeRequest(f *testing.F) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, c := range requestTextCases {
		f.Add(c)
	}
	for range 20 {
		r := new(triage.Request)
		randomize(rng, reflect.ValueOf(r).Elem())
		if v, err := json.Marshal(r); err == nil {
			f.Add(v)
		}
	}
	v, err := json.Marshal(realisticRequest(1, "platform", t0))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(v)
	f.Fuzz(func(t *testing.T, v []byte) {
		checkDecode(t, v)
	})
}

func BenchmarkRequestCodec(b *testing.B) {
	r := realisticRequest(1, "platform", t0)
	v, err := json.Marshal(r)
	if err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct {
		name string
		fn   func() error
	}{
		{"encode/json", func() error { _, err := json.Marshal(r); return err }},
		{"encode/hand", func() error { _, err := encodeRequest(r); return err }},
		{"decode/json", func() error { return json.Unmarshal(v, new(triage.Request)) }},
		{"decode/hand", func() error { _, err := decodeRequest(v); return err }},
		{"text/json", func() error { return json.Unmarshal(v, new(requestText)) }},
		{"text/hand", func() error { _, err := decodeText(v); return err }},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := bc.fn(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
