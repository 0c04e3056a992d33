package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// sender posts signed events to one endpoint. It is safe for concurrent
// use.
type sender struct {
	url string
	// urls, when set, are several servers' endpoints taking event n in
	// turn (n modulo their number), as a load balancer would.
	urls   []string
	secret []byte
	client *http.Client
	gen    events
}

// newClient returns a client that keeps a warm connection per sender, so
// that the figures measure the server rather than TCP handshakes.
func newClient(senders int) *http.Client {
	return &http.Client{
		Timeout: 10 * time.Second,
		Transport: &http.Transport{
			MaxIdleConns:        2 * senders,
			MaxIdleConnsPerHost: senders,
			IdleConnTimeout:     90 * time.Second,
			DisableCompression:  true,
		},
	}
}

// send posts event n, signed now, and reads the whole answer; an error
// means no 2xx acknowledgement.
func (s *sender) send(ctx context.Context, n int64) error {
	body := s.gen.body(n)
	url := s.url
	if len(s.urls) > 0 {
		url = s.urls[n%int64(len(s.urls))]
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("build request: %w", err)
	}
	ts, sig := sign(s.secret, time.Now(), body)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Slack-Request-Timestamp", ts)
	req.Header.Set("X-Slack-Signature", sig)
	resp, err := s.client.Do(req)
	if err != nil {
		return fmt.Errorf("post event: %w", err)
	}
	defer resp.Body.Close()
	// Draining lets the connection be reused.
	_, _ = io.Copy(io.Discard, resp.Body)
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("post event: %s", resp.Status)
	}
	return nil
}

// outcome is what one phase of sending saw, read once the phase is over.
type outcome struct {
	sent    int
	acked   []int64         // the numbers of the events answered 2xx
	lat     []time.Duration // their acknowledgement times
	errs    int
	samples []string // the first few distinct errors
	start   time.Time
	lastAck time.Time
	end     time.Time // when the last answer (or error) came back
}

// rate is the acknowledged events per second over the phase.
func (o *outcome) rate() float64 { return perSecond(len(o.acked), o.end.Sub(o.start)) }

// worker is one sender goroutine's share of an outcome, merged at the end
// so that the hot path takes no lock.
type worker struct {
	acked   []int64
	lat     []time.Duration
	errs    int
	samples []string
	lastAck time.Time
	end     time.Time
}

func (w *worker) record(n int64, took time.Duration, err error, at time.Time) {
	w.end = at
	if err != nil {
		w.errs++
		if len(w.samples) < 3 {
			w.samples = append(w.samples, err.Error())
		}
		return
	}
	w.acked = append(w.acked, n)
	w.lat = append(w.lat, took)
	w.lastAck = at
}

func merge(start time.Time, sent int, ws []*worker) *outcome {
	o := &outcome{sent: sent, start: start, end: start}
	seen := map[string]bool{}
	for _, w := range ws {
		o.acked = append(o.acked, w.acked...)
		o.lat = append(o.lat, w.lat...)
		o.errs += w.errs
		for _, s := range w.samples {
			if !seen[s] && len(o.samples) < 3 {
				seen[s] = true
				o.samples = append(o.samples, s)
			}
		}
		if w.lastAck.After(o.lastAck) {
			o.lastAck = w.lastAck
		}
		if w.end.After(o.end) {
			o.end = w.end
		}
	}
	return o
}

// openLoop sends rate events per second for dur, events first, first+1,
// ..., from senders goroutines. Event i is due at start + i/rate whatever
// happened before it, and its latency is counted from then: a slow server
// makes later events wait for a free sender, and that wait counts, as it
// would for Slack's own retries clock (no coordinated omission).
func openLoop(ctx context.Context, s *sender, first int64, rate float64, dur time.Duration, senders int) *outcome {
	total := int64(rate * dur.Seconds())
	start := time.Now()
	var next atomic.Int64
	ws := make([]*worker, senders)
	var wg sync.WaitGroup
	for k := range ws {
		w := &worker{}
		ws[k] = w
		wg.Go(func() {
			for ctx.Err() == nil {
				i := next.Add(1) - 1
				if i >= total {
					return
				}
				due := start.Add(time.Duration(float64(i) * float64(time.Second) / rate))
				if d := time.Until(due); d > 0 {
					time.Sleep(d)
				}
				err := s.send(ctx, first+i)
				at := time.Now()
				w.record(first+i, at.Sub(due), err, at)
			}
		})
	}
	wg.Wait()
	return merge(start, int(min(next.Load(), total)), ws)
}

// closedLoop has senders goroutines send events first, first+1, ... one
// after the other, each as soon as its previous one was answered, for dur.
func closedLoop(ctx context.Context, s *sender, first int64, dur time.Duration, senders int) *outcome {
	return closed(ctx, s, first, time.Now().Add(dur), -1, senders)
}

// burstLoop sends exactly n events, first to first+n-1, closed loop as in
// closedLoop, however long they take: a burst of a given size, such as
// the one issue 14's drain target is for.
func burstLoop(ctx context.Context, s *sender, first, n int64, senders int) *outcome {
	return closed(ctx, s, first, time.Time{}, n, senders)
}

// closed is the closed loop of closedLoop and burstLoop: it stops taking
// events at deadline (none when zero) or after limit events (none when
// negative), whichever comes first.
func closed(ctx context.Context, s *sender, first int64, deadline time.Time, limit int64, senders int) *outcome {
	start := time.Now()
	var next atomic.Int64
	ws := make([]*worker, senders)
	var wg sync.WaitGroup
	for k := range ws {
		w := &worker{}
		ws[k] = w
		wg.Go(func() {
			for ctx.Err() == nil && (deadline.IsZero() || time.Now().Before(deadline)) {
				i := next.Add(1) - 1
				if limit >= 0 && i >= limit {
					return
				}
				t0 := time.Now()
				err := s.send(ctx, first+i)
				at := time.Now()
				w.record(first+i, at.Sub(t0), err, at)
			}
		})
	}
	wg.Wait()
	sent := next.Load()
	if limit >= 0 {
		sent = min(sent, limit)
	}
	return merge(start, int(sent), ws)
}
