package pacer

import (
	"context"
	"testing"
	"time"
)

func TestGate(t *testing.T) {
	now := time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)
	var slept time.Duration
	g := &Gate{Now: func() time.Time { return now }, Every: time.Second,
		Sleep: func(_ context.Context, d time.Duration) error { slept += d; now = now.Add(d); return nil }}
	ctx := context.Background()
	for range 3 {
		if _, err := g.Wait(ctx, true); err != nil {
			t.Fatal(err)
		}
	}
	if slept != 2*time.Second {
		t.Errorf("three writes slept %s, want 2s", slept)
	}
	if _, err := g.Wait(ctx, false); err != nil || slept != 2*time.Second {
		t.Errorf("a read waited: %s, %v", slept, err)
	}
	g.Block(now.Add(time.Minute))
	if d, _ := g.Wait(ctx, true); d != time.Minute {
		t.Errorf("blocked for %s, want 1m", d)
	}
	now = now.Add(time.Minute)
	if d, _ := g.Wait(ctx, true); d != 0 {
		t.Errorf("still blocked %s at the block's end", d)
	}
}
