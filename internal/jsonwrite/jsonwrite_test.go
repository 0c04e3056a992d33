package jsonwrite

import (
	"encoding/json"
	"math"
	"testing"
)

func TestStringMatchesEncodingJSON(t *testing.T) {
	for _, s := range []string{"", "plain", `"quoted" \ back`, "<a href=\"x\">&amp;</a>", "\x00\x01\x1f\x7f", "\b\f\n\r\t",
		"é 日本 😀", "\u2028\u2029", "bad \xff \xe2\x80 utf-8", "\ufffd"} {
		want, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		if got := String(nil, s); string(got) != string(want) {
			t.Errorf("String(%q) = %s, json.Marshal = %s", s, got, want)
		}
	}
}

func TestFloatMatchesEncodingJSON(t *testing.T) {
	for _, f := range []float64{0, math.Copysign(0, -1), 1, -2.5, 0.1, 1e-6, 1e-7, 1e-9, 9.99e20, 1e21, 1.5e300, 5e-324, 123456.789} {
		want, err := json.Marshal(f)
		if err != nil {
			t.Fatal(err)
		}
		if got := Float(nil, f); string(got) != string(want) {
			t.Errorf("Float(%v) = %s, json.Marshal = %s", f, got, want)
		}
	}
}

func TestStringsLeavesOutAnEmptyList(t *testing.T) {
	for _, tc := range []struct {
		list []string
		want string
	}{
		{nil, ""},
		{[]string{}, ""},
		{[]string{"a"}, `,"k":["a"]`},
		{[]string{"a", "<b>"}, `,"k":["a","\u003cb\u003e"]`},
	} {
		if got := Strings(nil, `,"k":`, tc.list); string(got) != tc.want {
			t.Errorf("Strings(%q) = %s, want %s", tc.list, got, tc.want)
		}
	}
}
