package testclock

import (
	"context"
	"testing"
	"time"
)

func TestClock(t *testing.T) {
	start := time.Date(2026, 3, 29, 0, 30, 0, 0, time.UTC)
	c := New(start)
	c.Add(time.Hour)
	if err := c.Sleep(context.Background(), 30*time.Minute); err != nil {
		t.Fatal(err)
	}
	c.Sleep(context.Background(), -time.Hour) // a negative wait does not turn the clock back
	if got := c.Now().Sub(start); got != 90*time.Minute {
		t.Errorf("clock moved %s, want 1h30m", got)
	}
}
