package render

import (
	"errors"
	"testing"

	"github.com/sprintguard/sprintguard/classifier"
)

func TestParseID(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"12", 12, true},
		{" 7 ", 7, true},
		{"9223372036854775807", 9223372036854775807, true},
		{"0", 0, false},
		{"-3", 0, false},
		{"", 0, false},
		{"12a", 0, false},
		{"9223372036854775808", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseID(tt.in)
			if tt.ok != (err == nil) || got != tt.want {
				t.Fatalf("ParseID(%q) = %d, %v; want %d, ok=%v", tt.in, got, err, tt.want, tt.ok)
			}
			if err != nil && !errors.Is(err, ErrBadValue) {
				t.Errorf("error %v does not wrap ErrBadValue", err)
			}
		})
	}
}

func TestParseUrgencyOption(t *testing.T) {
	tests := []struct {
		in   string
		id   int64
		u    classifier.Urgency
		fail bool
	}{
		{in: "12:P1", id: 12, u: classifier.P1},
		{in: "12:P4", id: 12, u: classifier.P4},
		{in: "340:p2", id: 340, u: classifier.P2},
		{in: "12:P5", fail: true},
		{in: "12:", fail: true},
		{in: ":P1", fail: true},
		{in: "P1", fail: true},
		{in: "x:P1", fail: true},
		{in: "", fail: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			id, u, err := ParseUrgencyOption(tt.in)
			if tt.fail {
				if err == nil || !errors.Is(err, ErrBadValue) {
					t.Fatalf("ParseUrgencyOption(%q) = %d, %v, %v; want an ErrBadValue", tt.in, id, u, err)
				}
				return
			}
			if err != nil || id != tt.id || u != tt.u {
				t.Fatalf("ParseUrgencyOption(%q) = %d, %v, %v; want %d, %v", tt.in, id, u, err, tt.id, tt.u)
			}
		})
	}
	t.Run("round trip", func(t *testing.T) {
		for u := classifier.P1; u <= classifier.P4; u++ {
			id, got, err := ParseUrgencyOption(urgencyValue(99, u))
			if err != nil || id != 99 || got != u {
				t.Errorf("round trip of %v: %d, %v, %v", u, id, got, err)
			}
		}
	})
}

func TestParseMessageRef(t *testing.T) {
	ref := MessageRef{Channel: "C0HELP", TS: "1772658000.000100", ThreadTS: "1772658000.000001", User: "U0REQ"}
	tests := []struct {
		name string
		in   string
		want MessageRef
		fail bool
	}{
		{name: "round trip", in: ref.value(), want: ref},
		{name: "keys", in: `{"channel":"C1","ts":"1.2","thread_ts":"1.1","user":"U1"}`, want: MessageRef{"C1", "1.2", "1.1", "U1"}},
		{name: "no ts", in: `{"channel":"C1"}`, fail: true},
		{name: "not json", in: "12", fail: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseMessageRef(tt.in)
			if tt.fail {
				if !errors.Is(err, ErrBadValue) {
					t.Fatalf("ParseMessageRef(%q) = %+v, %v; want ErrBadValue", tt.in, got, err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("ParseMessageRef(%q) = %+v, %v; want %+v", tt.in, got, err, tt.want)
			}
		})
	}
}
