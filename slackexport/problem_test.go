package slackexport

import "testing"

func TestProblemString(t *testing.T) {
	tests := []struct {
		p    Problem
		want string
	}{
		{Problem{File: "general/2026-09-01.json", Line: 12, Column: 5, Msg: "ts is not a Slack timestamp"},
			"general/2026-09-01.json:12:5: ts is not a Slack timestamp"},
		{Problem{File: "users.json", Msg: "missing"}, "users.json: missing"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			if got := tt.p.String(); got != tt.want {
				t.Errorf("String() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestPosition(t *testing.T) {
	data := []byte("[\n    {\n        \"ts\": 1\n}")
	tests := []struct {
		name      string
		offset    int64
		line, col int
	}{
		{"start", 0, 1, 1},
		{"end of first line", 1, 1, 2},
		{"start of second line", 2, 2, 1},
		{"brace on second line", 6, 2, 5},
		{"value on third line", 22, 3, 15},
		{"end of data", int64(len(data)), 4, 2},
		{"past the end is clamped", 1000, 4, 2},
		{"negative is clamped", -4, 1, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			line, col := position(data, tt.offset)
			if line != tt.line || col != tt.col {
				t.Errorf("position(%d) = %d:%d, want %d:%d", tt.offset, line, col, tt.line, tt.col)
			}
		})
	}
}
