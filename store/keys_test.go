package store

import (
	"bytes"
	"testing"
	"time"
)

func TestKeysSortLikeValues(t *testing.T) {
	utc := time.UTC
	times := []time.Time{
		{},
		time.Date(1900, 1, 1, 0, 0, 0, 0, utc),
		time.Date(1969, 12, 31, 23, 59, 59, 999999999, utc),
		time.Unix(0, 0),
		time.Unix(0, 1),
		time.Date(2026, 3, 2, 9, 0, 0, 0, utc),
		time.Date(2026, 3, 2, 9, 0, 0, 1, utc),
		time.Date(2300, 1, 1, 0, 0, 0, 0, utc),
	}
	for i := 1; i < len(times); i++ {
		a, b := encodeTime(times[i-1]), encodeTime(times[i])
		if bytes.Compare(a, b) >= 0 {
			t.Errorf("encodeTime(%v) does not sort before encodeTime(%v)", times[i-1], times[i])
		}
		if got := decodeTime(b); !got.Equal(times[i]) {
			t.Errorf("decodeTime(encodeTime(%v)) = %v", times[i], got)
		}
	}
	ints := []int64{-1 << 63, -500, -1, 0, 1, 12, 1<<63 - 1}
	for i := 1; i < len(ints); i++ {
		if bytes.Compare(i64(ints[i-1]), i64(ints[i])) >= 0 {
			t.Errorf("i64(%d) does not sort before i64(%d)", ints[i-1], ints[i])
		}
		if got := decodeI64(i64(ints[i])); got != ints[i] {
			t.Errorf("decodeI64(i64(%d)) = %d", ints[i], got)
		}
	}
}

func TestTeamKeysDoNotOverlap(t *testing.T) {
	for _, tc := range []struct {
		name string
		a, b []byte
	}{
		{"ledger a vs ab", ledgerKey("a", 1), ledgerKey("ab", 1)},
		{"override a vs ab", overrideKey("a", "x"), overrideKey("ab", "x")},
		{"time a vs ab", timeIDKey(teamPrefix("a"), time.Time{}, 1), timeIDKey(teamPrefix("ab"), time.Time{}, 1)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if bytes.HasPrefix(tc.b, teamPrefix("a")) {
				t.Errorf("team ab's key %q starts with team a's prefix", tc.b)
			}
			if !bytes.HasPrefix(tc.a, teamPrefix("a")) {
				t.Errorf("team a's key %q lacks its prefix", tc.a)
			}
		})
	}
}
