package pgbin

import (
	"errors"
	"testing"
)

func TestVersionOrder(t *testing.T) {
	for _, tc := range []struct {
		dir  string
		want int
	}{
		{"/usr/lib/postgresql/9/bin", 9},
		{"/usr/lib/postgresql/15/bin", 15},
		{"/usr/lib/postgresql/x/bin", 0},
	} {
		t.Run(tc.dir, func(t *testing.T) {
			if got := version(tc.dir); got != tc.want {
				t.Errorf("version(%q) = %d, want %d", tc.dir, got, tc.want)
			}
		})
	}
}

func TestFindMissing(t *testing.T) {
	if _, err := Find("no-such-postgres-program"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Find of a missing program: %v, want ErrNotFound", err)
	}
}
