package jsonscan

import (
	"encoding/json"
	"testing"
)

// TestStringAgreesWithEncodingJSON checks String against json.Unmarshal on
// the strings it takes, and that it declines the ones it cannot read alike.
func TestStringAgreesWithEncodingJSON(t *testing.T) {
	for _, c := range []struct {
		in   string
		take bool
	}{
		{`"plain"`, true},
		{`"esc \" \\ \/ \b \f \n \r \t"`, true},
		{`"\u00e9\u20AC"`, true},
		{`"é and 😀 raw"`, true},
		{`"\ud83d\ude00"`, false},
		{"\"bad \xff\"", false},
		{"\"ctl \x01\"", false},
		{`"\q"`, false},
		{`"open`, false},
		{`x`, false},
	} {
		t.Run(c.in, func(t *testing.T) {
			val, next, ok := String([]byte(c.in), 0)
			if ok != c.take {
				t.Fatalf("ok %v, want %v", ok, c.take)
			}
			if !ok {
				return
			}
			var want string
			if err := json.Unmarshal([]byte(c.in), &want); err != nil {
				t.Fatal(err)
			}
			if string(val) != want || next != len(c.in) {
				t.Errorf("String = %q, %d; want %q, %d", val, next, want, len(c.in))
			}
		})
	}
}

func TestSkip(t *testing.T) {
	for _, c := range []struct{ in, rest string }{
		{`"a\"]}" ,x`, ` ,x`},
		{`{"a":[1,{"b":"}"}],"c":null}]`, `]`},
		{`[[],[[]]],`, `,`},
		{`-1.5e3}`, `}`},
		{`true `, ` `},
		{`null`, ``},
	} {
		if got := c.in[Skip([]byte(c.in), 0):]; got != c.rest {
			t.Errorf("Skip(%q) leaves %q, want %q", c.in, got, c.rest)
		}
	}
}
