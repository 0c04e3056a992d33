package bot

import (
	"sync"
	"time"
)

// holds keeps when Slack's last Retry-After ends, per method, and per
// channel for chat.postMessage (the same buckets as TierLimits). Slack
// limits the workspace's calls, not one caller's: without it, each outbox
// worker would spend its own 429 to learn of a limit another was already
// waiting out, and Slack counts those refused calls too. It is safe for
// concurrent use; its zero value holds nothing.
type holds struct {
	mu sync.Mutex
	m  map[string]time.Time
}

// holdKey is the bucket a call of method to channel is held in.
func holdKey(method, channel string) string {
	if method == "chat.postMessage" && channel != "" {
		return method + ":" + channel
	}
	return method
}

// until returns when calls in key may go again, or the zero time when
// nothing holds them at now; it forgets a hold that has ended, so that the
// map keeps only live ones.
func (h *holds) until(key string, now time.Time) time.Time {
	h.mu.Lock()
	defer h.mu.Unlock()
	until, ok := h.m[key]
	if ok && !until.After(now) {
		delete(h.m, key)
		return time.Time{}
	}
	return until
}

// hold makes calls in key wait until until, unless an earlier 429 already
// holds them longer.
func (h *holds) hold(key string, until time.Time) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.m == nil {
		h.m = map[string]time.Time{}
	}
	if until.After(h.m[key]) {
		h.m[key] = until
	}
}
