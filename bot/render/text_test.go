package render

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func TestEscape(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain", "plain"},
		{"<script>&", "&lt;script&gt;&amp;"},
		{"<!channel> hi", "&lt;!channel&gt; hi"},
		{"a &amp; b", "a &amp;amp; b"},
		{"", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := Escape(tt.in); got != tt.want {
				t.Errorf("Escape(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestClip(t *testing.T) {
	tests := []struct {
		name string
		in   string
		max  int
		want string
	}{
		{"fits", "hello", 5, "hello"},
		{"cut", "hello world", 6, "hello…"},
		{"runes", "ééééé", 3, "éé…"},
		{"entity kept whole", "a&amp;bcdef", 8, "a&amp;b…"},
		{"entity not split", "a&amp;bcdef", 4, "a…"},
		{"link not split", "see <https://x.example/a|REQ-1> now", 12, "see …"},
		{"mention kept", "<@U123> and more text", 10, "<@U123> a…"},
		{"zero", "abc", 0, "…"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := clip(tt.in, tt.max)
			if got != tt.want {
				t.Errorf("clip(%q, %d) = %q, want %q", tt.in, tt.max, got, tt.want)
			}
			if tt.max > 0 && utf8.RuneCountInString(got) > tt.max {
				t.Errorf("clip(%q, %d) has %d runes", tt.in, tt.max, utf8.RuneCountInString(got))
			}
		})
	}
}

func TestNumPercentDuration(t *testing.T) {
	tests := []struct{ got, want string }{
		{num(0.1 + 0.2), "0.3"},
		{num(8), "8"},
		{num(2.456), "2.46"},
		{percent(0.8), "80%"},
		{percent(0.125), "12.5%"},
		{percent(1), "100%"},
		{duration(15 * time.Minute), "15m"},
		{duration(4 * time.Hour), "4h"},
		{duration(90 * time.Minute), "1h30m"},
		{duration(30 * time.Second), "30s"},
		{age(30 * time.Second), "under 1m"},
		{age(90 * time.Minute), "1h"},
		{age(72 * time.Hour), "3d"},
		{approvers([]string{"U1", "", "U2", "U3"}), "<@U1> (or <@U2>, <@U3>)"},
		{mention("sg:worker"), "sprintguard"},
		{channel("D123", ""), "a direct message"},
		{channel("", "#ops"), "#ops"},
		{link("https://x.example/a|b?c=1&d=2", "K<1>"), "<https://x.example/a%7Cb?c=1&amp;d=2|K&lt;1&gt;>"},
	}
	for i, tt := range tests {
		t.Run(strings.ReplaceAll(tt.want, " ", "_"), func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("case %d: got %q, want %q", i, tt.got, tt.want)
			}
		})
	}
}
