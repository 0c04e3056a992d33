package config

import (
	"strings"
	"testing"
)

// TestAliasLine: the line of an alias without its anchor is the first
// use outside comments, quoted strings and block scalars, found whatever
// else its line says.
func TestAliasLine(t *testing.T) {
	for _, tc := range []struct {
		name, doc string
		want      int
	}{
		{"an apostrophe in a plain scalar", "rules:\n  - {name: vpn, any: [can't connect], sla: *p1}\n", 2},
		{"an apostrophe before it in a block list", "  - name: can't\n    sla: *p1\n", 2},
		{"quoted", "a: '*p1'\nb: \"x *p1\"\nc: *p1\n", 3},
		{"an escaped quote in a double-quoted string", "a: \"say \\\" *p1\"\nb: *p1\n", 2},
		{"an escaped quote in a single-quoted string", "a: 'Don''t page *p1 first'\nb: *p1\n", 2},
		{"a comment", "a: 1 # *p1\nb: *p1\n", 2},
		{"a block scalar", "rules:\n  - name: x\n    answer: |\n      page *p1 first\n\n      then wait\n    sla: *p1\n", 7},
		{"a folded scalar as a list item", "a:\n  - >-\n    *p1 text\n  - *p1\n", 4},
		{"a block scalar in an item's first key", "  - answer: |\n      *p1\n    sla: *p1\n", 3},
		{"nowhere", "a: 1\n", 0},
	} {
		if got := aliasLine([]byte(tc.doc), "p1"); got != tc.want {
			t.Errorf("%s: aliasLine = %d, want %d in\n%s", tc.name, got, tc.want, tc.doc)
		}
	}
}

// TestUnknownAnchorNamesTheAliasLine is the reviewer's rule with an
// apostrophe on the alias's line: the error still gives its FILE:LINE.
func TestUnknownAnchorNamesTheAliasLine(t *testing.T) {
	doc := "teams:\n  - name: platform\n    rules:\n      - {name: vpn, any: [can't connect], urgency: P2, sla: *p1}\n"
	_, err := Parse("anchors.yaml", []byte(doc), env(nil))
	if want := "anchors.yaml:4: alias *p1 names no anchor"; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("error %v, want it to hold %q", err, want)
	}
}
