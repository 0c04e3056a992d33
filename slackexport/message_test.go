package slackexport

import (
	"errors"
	"testing"
	"time"
)

func TestParseTS(t *testing.T) {
	tests := []struct {
		ts   string
		want time.Time
		ok   bool
	}{
		{"1767710400.000200", time.Date(2026, 1, 6, 14, 40, 0, 200_000, time.UTC), true},
		{"1788220799.999999", time.Date(2026, 8, 31, 23, 59, 59, 999_999_000, time.UTC), true},
		{"1767710400", time.Date(2026, 1, 6, 14, 40, 0, 0, time.UTC), true},
		{"1767710400.5", time.Date(2026, 1, 6, 14, 40, 0, 500_000_000, time.UTC), true},
		{"0.000001", time.Date(1970, 1, 1, 0, 0, 0, 1000, time.UTC), true},
		{"", time.Time{}, false},
		{".000200", time.Time{}, false},
		{"1767710400.", time.Time{}, false},
		{"1767710400.0002001", time.Time{}, false},
		{"-1767710400.000200", time.Time{}, false},
		{"+1767710400.000200", time.Time{}, false},
		{"1767710400.00020a", time.Time{}, false},
		{"1767710400.000.200", time.Time{}, false},
		{"1.5e9", time.Time{}, false},
		{" 1767710400.000200", time.Time{}, false},
		{"9999999999999.000000", time.Time{}, false},
		{"yesterday", time.Time{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.ts, func(t *testing.T) {
			got, err := ParseTS(tt.ts)
			if !tt.ok {
				if !errors.Is(err, ErrBadTimestamp) {
					t.Errorf("ParseTS(%q) = %v, %v; want ErrBadTimestamp", tt.ts, got, err)
				}
				return
			}
			if err != nil || !got.Equal(tt.want) || got.Location() != time.UTC {
				t.Errorf("ParseTS(%q) = %v, %v; want %v in UTC", tt.ts, got, err, tt.want)
			}
			if back, err := ParseTS(FormatTS(got)); err != nil || !back.Equal(got) {
				t.Errorf("ParseTS(FormatTS(%v)) = %v, %v", got, back, err)
			}
		})
	}
}

func TestIsThreadReply(t *testing.T) {
	tests := []struct {
		name         string
		ts, threadTS string
		want         bool
	}{
		{"not in a thread", "1788250100.000300", "", false},
		{"thread parent", "1788250100.000300", "1788250100.000300", false},
		{"reply", "1788250400.000400", "1788250100.000300", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := Message{TS: tt.ts, ThreadTS: tt.threadTS}
			if got := m.IsThreadReply(); got != tt.want {
				t.Errorf("IsThreadReply() = %v, want %v", got, tt.want)
			}
		})
	}
}
