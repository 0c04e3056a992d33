package triage

import "time"

// Backoff returns the wait before retry number attempt (1 for the first):
// base doubled with each attempt up to limit, then spread by ±20% with
// rnd, a value in [0, 1), so that clients that failed together do not
// retry together. It is a pure function; callers pass rand.Float64() or,
// in tests, a fixed value.
func Backoff(attempt int, base, limit time.Duration, rnd float64) time.Duration {
	d := base << min(max(attempt-1, 0), 30)
	if d > limit || d <= 0 {
		d = limit
	}
	return time.Duration(float64(d) * (0.8 + 0.4*rnd))
}
