package bot

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack"
)

// heldClock makes g's clock a fake that its Sleep moves on, and records
// the waits.
func heldClock(g *Gateway) *[]time.Duration {
	var mu sync.Mutex
	now := time.Date(2026, 3, 29, 0, 30, 0, 0, time.UTC)
	var waited []time.Duration
	g.now = func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	g.Sleep = func(ctx context.Context, d time.Duration) error {
		mu.Lock()
		defer mu.Unlock()
		waited = append(waited, d)
		now = now.Add(d)
		return ctx.Err()
	}
	return &waited
}

func TestGatewayHoldsEveryCallerThroughRetryAfter(t *testing.T) {
	tests := []struct {
		name     string
		second   func(ctx context.Context, g *Gateway) error
		method   string
		wantWait bool
	}{
		{"same method", func(ctx context.Context, g *Gateway) error {
			_, err := g.PostMessage(ctx, "C1", text("two"))
			return err
		}, "chat.postMessage", true},
		{"a post to another channel", func(ctx context.Context, g *Gateway) error {
			_, err := g.PostMessage(ctx, "C2", text("two"))
			return err
		}, "chat.postMessage", false},
		{"another method", func(ctx context.Context, g *Gateway) error {
			return g.PostEphemeral(ctx, "C1", "U1", text("two"))
		}, "chat.postEphemeral", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake, g := newTestGateway(t)
			g.MaxRetries = 0 // the first caller gives up at its 429 and leaves the hold behind
			waited := heldClock(g)
			fake.RateLimit("chat.postMessage", 1, 3*time.Second)
			ctx := context.Background()
			if _, err := g.PostMessage(ctx, "C1", text("one")); !errors.As(err, new(*slack.RateLimitedError)) {
				t.Fatalf("first post: err = %v, want the 429", err)
			}
			if err := tt.second(ctx, g); err != nil {
				t.Fatalf("second call: %v", err)
			}
			if tt.wantWait {
				if len(*waited) != 1 || (*waited)[0] != 3*time.Second {
					t.Errorf("second call waited %v, want the first call's Retry-After of 3s", *waited)
				}
			} else if len(*waited) != 0 {
				t.Errorf("second call waited %v, want no wait: the hold is another bucket's", *waited)
			}
			calls := fake.Calls(tt.method)
			if last := calls[len(calls)-1]; last.Status != http.StatusOK {
				t.Errorf("second call answered %d, want 200 without a 429 first", last.Status)
			}
			if n := len(fake.Calls("chat.postMessage")); tt.method == "chat.postMessage" && n != 2 {
				t.Errorf("%d posts reached Slack, want 2: the 429 and the held one", n)
			}
		})
	}
}

func TestGatewayHoldLongerThanMaxWaitIsLeftToTheOutbox(t *testing.T) {
	fake, g := newTestGateway(t)
	g.MaxRetries = 0
	g.MaxWait = 30 * time.Second
	waited := heldClock(g)
	fake.AddUser(slack.User{ID: "U2", Name: "ada"})
	fake.RateLimit("users.info", 1, time.Minute)
	ctx := context.Background()
	if _, err := g.UserInfo(ctx, "U1"); err == nil {
		t.Fatal("first lookup: want the 429")
	}
	_, err := g.UserInfo(ctx, "U2")
	var limited *slack.RateLimitedError
	if !errors.As(err, &limited) || limited.RetryAfter != time.Minute {
		t.Fatalf("err = %v, want a retryable rate limit of 1m", err)
	}
	if len(*waited) != 0 || len(fake.Calls("users.info")) != 1 {
		t.Errorf("waited %v over %d calls, want no wait and no second call to Slack", *waited, len(fake.Calls("users.info")))
	}
	// Once the minute is over the hold is gone.
	g.Sleep(ctx, time.Minute)
	if _, err := g.UserInfo(ctx, "U2"); err != nil {
		t.Errorf("after the hold: %v", err)
	}
}

func TestGatewayRetryWaitsOutALongerHold(t *testing.T) {
	fake, g := newTestGateway(t)
	waited := heldClock(g)
	// Another caller was told to wait 10s; this one's own 429 says 2s.
	g.held.hold(holdKey("users.info", ""), g.now().Add(10*time.Second))
	g.Sleep(context.Background(), 9*time.Second)
	*waited = nil
	fake.AddUser(slack.User{ID: "U1", Name: "ada"})
	fake.RateLimit("users.info", 1, 2*time.Second)
	if _, err := g.UserInfo(context.Background(), "U1"); err != nil {
		t.Fatal(err)
	}
	want := []time.Duration{time.Second, 2 * time.Second}
	if len(*waited) != 2 || (*waited)[0] != want[0] || (*waited)[1] != want[1] {
		t.Errorf("waited %v, want %v: the hold's last second, then its own Retry-After", *waited, want)
	}
}

func TestHoldsConcurrent(t *testing.T) {
	var h holds
	now := time.Now()
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			for j := range 100 {
				h.hold("m", now.Add(time.Duration(i*100+j)*time.Millisecond))
				h.until("m", now)
			}
		})
	}
	wg.Wait()
	if got, want := h.until("m", now), now.Add(799*time.Millisecond); !got.Equal(want) {
		t.Errorf("hold ends %v, want the latest, %v", got, want)
	}
	if got := h.until("m", now.Add(time.Second)); !got.IsZero() {
		t.Errorf("hold at its end = %v, want none", got)
	}
}
