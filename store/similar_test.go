package store

import (
	"reflect"
	"slices"
	"testing"

	"github.com/sprintguard/sprintguard/classifier"
	"github.com/sprintguard/sprintguard/triage"
)

// TestSimilarCodec round-trips a list kept beside its request, and
// refuses every cut-short copy of it rather than read part of it.
func TestSimilarCodec(t *testing.T) {
	lists := map[string][]triage.Similar{
		"none": nil,
		"two": {
			{ID: 7, Ref: "REQ-7", Summary: "the VPN drops ünïcode", Urgency: classifier.P2, Status: triage.StatusResolved,
				Resolver: "U1", Assignee: "U2", Actual: 2.5, HasActual: true, AnsweredBy: "vpn-help"},
			{ID: 1 << 40, Ref: "request 3", Summary: "", Urgency: classifier.P4, Status: triage.StatusOpen},
		},
	}
	// A field the codec forgets reads back empty only if the test sets it.
	full := reflect.ValueOf(lists["two"][0])
	for i := range full.NumField() {
		if full.Field(i).IsZero() {
			t.Fatalf("the test sets no %s: set every field of triage.Similar, and encode it", full.Type().Field(i).Name)
		}
	}
	for name, want := range lists {
		t.Run(name, func(t *testing.T) {
			v := encodeSimilar(want)
			got, err := decodeSimilar(v)
			if err != nil || !slices.Equal(got, want) {
				t.Fatalf("decode(encode(%+v)) = %+v, %v", want, got, err)
			}
			// The answering rules come last, where a reader from before
			// them stops: cut there, the list reads without them.
			before := slices.Clone(want)
			for i := range before {
				before[i].AnsweredBy = ""
			}
			old := encodeSimilar(before)
			for n := range len(v) {
				got, err := decodeSimilar(v[:n])
				if n == len(old) && n > 1 {
					if err != nil || !slices.Equal(got, before) {
						t.Errorf("the list without its answering rules: %+v, %v; want %+v", got, err, before)
					}
					continue
				}
				if err == nil {
					t.Errorf("the first %d of %d bytes decoded as %+v", n, len(v), got)
				}
			}
		})
	}
}

// TestPostCodec round-trips a post kept beside its request, still reads
// one kept as JSON by earlier versions, and refuses a cut-short copy.
func TestPostCodec(t *testing.T) {
	want := triage.Post{Kind: triage.PostOnCall, Channel: "D0ONCALL", TS: "1795532400.000100"}
	v := encodePost(want)
	if got, err := decodePost(v); err != nil || got != want {
		t.Fatalf("decode(encode(%+v)) = %+v, %v", want, got, err)
	}
	if got, err := decodePost([]byte(`{"kind":"oncall","channel":"D0ONCALL","ts":"1795532400.000100"}`)); err != nil || got != want {
		t.Fatalf("JSON post decoded as %+v, %v", got, err)
	}
	for n := range len(v) {
		if got, err := decodePost(v[:n]); err == nil {
			t.Errorf("the first %d of %d bytes decoded as %+v", n, len(v), got)
		}
	}
}
