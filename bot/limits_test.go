package bot

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

// buckets is a Buckets that answers each bucket as a test says and
// records what was taken.
type buckets struct {
	waits   map[string]time.Duration
	refuse  map[string]bool
	fail    bool
	taken   []string
	maxSeen time.Duration
}

func (b *buckets) Take(_ context.Context, name string, rate float64, burst int, max time.Duration) (time.Duration, bool, error) {
	if b.fail {
		return 0, false, errors.New("database gone")
	}
	if rate <= 0 || burst < 1 {
		return 0, false, errors.New("bad pace")
	}
	b.maxSeen = max
	if b.refuse[name] {
		return time.Hour, false, nil
	}
	b.taken = append(b.taken, name)
	return b.waits[name], true, nil
}

// TestTierLimits checks which buckets a call takes from and how long it
// waits: the method's, and for a post also the channel's, the later of
// the two; a refused slot is an error, a failing store lets calls go.
func TestTierLimits(t *testing.T) {
	tests := []struct {
		name, method, channel string
		b                     *buckets
		taken                 []string
		waited                time.Duration
		err                   string
	}{
		{name: "post waits for the channel", method: "chat.postMessage", channel: "C1",
			b:     &buckets{waits: map[string]time.Duration{"slack:chat.postMessage": 200 * time.Millisecond, "slack:chat.postMessage:C1": time.Second}},
			taken: []string{"slack:chat.postMessage", "slack:chat.postMessage:C1"}, waited: time.Second},
		{name: "update has no channel bucket", method: "chat.update", channel: "C1",
			b: &buckets{waits: map[string]time.Duration{"slack:chat.update": 300 * time.Millisecond}}, taken: []string{"slack:chat.update"}, waited: 300 * time.Millisecond},
		{name: "free slot", method: "views.open", b: &buckets{}, taken: []string{"slack:views.open"}},
		{name: "unknown method as tier 3", method: "bookmarks.add", b: &buckets{}, taken: []string{"slack:bookmarks.add"}},
		{name: "slot too far", method: "chat.postMessage", channel: "C2", b: &buckets{refuse: map[string]bool{"slack:chat.postMessage:C2": true}},
			taken: []string{"slack:chat.postMessage"}, err: "slack:chat.postMessage:C2: shared rate limit: next slot in 1h0m0s"},
		{name: "store fails open", method: "chat.postMessage", channel: "C1", b: &buckets{fail: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var waited time.Duration
			l := &TierLimits{Buckets: tt.b, MaxWait: 5 * time.Second,
				Sleep: func(_ context.Context, d time.Duration) error { waited += d; return nil }}
			err := l.Wait(context.Background(), tt.method, tt.channel)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err %v, want %q", err, tt.err)
				}
			} else if err != nil {
				t.Fatal(err)
			}
			if strings.Join(tt.b.taken, ",") != strings.Join(tt.taken, ",") || waited != tt.waited {
				t.Errorf("took %v and waited %v, want %v and %v", tt.b.taken, waited, tt.taken, tt.waited)
			}
			if len(tt.b.taken) > 0 && tt.b.maxSeen != 5*time.Second {
				t.Errorf("max passed %v, want MaxWait", tt.b.maxSeen)
			}
		})
	}
}

// limits records what Gateway asked it to pace.
type limits struct{ calls []string }

func (l *limits) Wait(_ context.Context, method, channel string) error {
	l.calls = append(l.calls, method+"@"+channel)
	return nil
}

// TestGatewayPacesEveryAttempt checks that the gateway asks its Limiter
// before each attempt, a rate-limited retry included, naming the channel
// of a post.
func TestGatewayPacesEveryAttempt(t *testing.T) {
	fake, g := newTestGateway(t)
	sleeps(g)
	l := &limits{}
	g.Limit = l
	fake.RateLimit("chat.postMessage", 1, time.Second)
	if _, err := g.PostMessage(context.Background(), "C1", text("hello")); err != nil {
		t.Fatal(err)
	}
	if err := g.UpdateMessage(context.Background(), "C1", "1.2", text("edited")); err != nil && !strings.Contains(err.Error(), "message_not_found") {
		t.Fatal(err)
	}
	want := "chat.postMessage@C1,chat.postMessage@C1,chat.update@"
	if got := strings.Join(l.calls, ","); got != want {
		t.Fatalf("paced %s, want %s", got, want)
	}
}
