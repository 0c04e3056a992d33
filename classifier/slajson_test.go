package classifier

import (
	"encoding/json"
	"testing"
	"time"
)

// TestSLAMarshalAsBefore holds the hand-written encoding to what
// json.Marshal of slaJSON wrote, the form every stored request has.
func TestSLAMarshalAsBefore(t *testing.T) {
	durations := []time.Duration{0, time.Second, 90 * time.Second, 15 * time.Minute, 4 * time.Hour,
		26*time.Hour + 30*time.Minute, 1500 * time.Microsecond, -5 * time.Minute}
	for _, ack := range durations {
		for _, resolve := range durations {
			s := SLA{Ack: ack, Resolve: resolve}
			w := slaJSON{}
			if ack != 0 {
				w.Ack = formatDuration(ack)
			}
			if resolve != 0 {
				w.Resolve = formatDuration(resolve)
			}
			want, err := json.Marshal(w)
			if err != nil {
				t.Fatal(err)
			}
			got, err := json.Marshal(s)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != string(want) {
				t.Errorf("%+v encodes as %s, want %s", s, got, want)
			}
			var back SLA
			if err := json.Unmarshal(got, &back); err != nil || back != s {
				t.Errorf("%s decodes as %+v (%v), want %+v", got, back, err, s)
			}
			if _, ok := scanSLA(got); !ok {
				t.Errorf("scanSLA declines %s, which MarshalJSON wrote", got)
			}
		}
	}
}

// slaInputs are SLAs in JSON that scanSLA must read as decodeSLA does, or
// decline.
var slaInputs = []string{
	`{}`, `{"ack":"15m"}`, `{"resolve":"4h"}`, `{"ack":"15m","resolve":"4h"}`, `{"ack":"1.5ms","resolve":"2µs"}`,
	`{"resolve":"4h","ack":"15m"}`, `{ "ack":"15m"}`, `{"Ack":"15m"}`, `{"ack":"15m",}`, `{"ack":"15m","x":1}`,
	`{"ack":""}`, `{"ack":"0s"}`, `{"ack":"-5m"}`, `{"ack":"soon"}`, `{"ack":"1\u0030m"}`, `{"ack":"15m"`,
	`{"ack":15}`, `{"ack":null}`, `null`, `[]`, `{"ack":"15m","resolve":"4h"}x`, `{"ack":"15m""resolve":"4h"}`,
}

func TestSLAScanAgreesWithDecode(t *testing.T) {
	for _, in := range slaInputs {
		t.Run(in, func(t *testing.T) { checkSLAScan(t, []byte(in)) })
	}
}

func checkSLAScan(t *testing.T, b []byte) {
	t.Helper()
	got, ok := scanSLA(b)
	if !ok {
		return
	}
	want, err := decodeSLA(b)
	if err != nil {
		t.Fatalf("scanSLA(%q) = %+v, but encoding/json refuses it: %v", b, got, err)
	}
	if got != want {
		t.Fatalf("scanSLA(%q) = %+v, encoding/json reads %+v", b, got, want)
	}
}

func FuzzSLAScan(f *testing.F) {
	for _, in := range slaInputs {
		f.Add([]byte(in))
	}
	f.Fuzz(func(t *testing.T, b []byte) { checkSLAScan(t, b) })
}
