// Package slowfake lets a fake tracker take a request in and carry it out
// later, as a tracker under load does: the caller sees no answer (or a
// gateway's 504) while the request still takes effect. The delay is on
// the fake's clock, so that a test says exactly when the late request
// lands, before or after the retry it races.
package slowfake

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"sync"
	"time"
)

// Queue holds the late requests of one fake. It is safe for concurrent
// use; its zero value holds none.
type Queue struct {
	mu      sync.Mutex
	next    int
	after   time.Duration
	gateway bool
	held    []held
}

type held struct {
	due time.Time
	do  func()
}

// Next makes the next n requests Serve may hold late: each takes effect
// after on the fake's clock, and its caller gets a 504 at once when
// gateway is set (a gateway in front stopped waiting), or else no answer
// at all once it gives up.
func (q *Queue) Next(n int, after time.Duration, gateway bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.next, q.after, q.gateway = n, after, gateway
}

// Serve answers r with answer, first carrying out the late requests due
// by now. When late is set and Next asked for one more, r is held
// instead: answer carries it out once the fake's clock reaches now plus
// the delay, and r's caller is answered as Next said.
func (q *Queue) Serve(w http.ResponseWriter, r *http.Request, now time.Time, late bool, answer http.HandlerFunc) {
	body, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body))
	q.Due(now)
	q.mu.Lock()
	if !late || q.next == 0 {
		q.mu.Unlock()
		answer(w, r)
		return
	}
	q.next--
	gateway := q.gateway
	later := r.Clone(context.Background())
	q.held = append(q.held, held{due: now.Add(q.after), do: func() {
		later.Body = io.NopCloser(bytes.NewReader(body))
		answer(discard{header: http.Header{}}, later)
	}})
	q.mu.Unlock()
	if gateway {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusGatewayTimeout)
		io.WriteString(w, "<html><body><h1>504 Gateway Time-out</h1></body></html>")
		return
	}
	<-r.Context().Done()
	// Returning would send an empty 200; a tracker that is still working
	// sends nothing.
	panic(http.ErrAbortHandler)
}

// Due carries out, in the order they came, the late requests whose time
// has come by now. A fake calls it before it serves a request or shows
// its state.
func (q *Queue) Due(now time.Time) {
	for {
		q.mu.Lock()
		if len(q.held) == 0 || q.held[0].due.After(now) {
			q.mu.Unlock()
			return
		}
		h := q.held[0]
		q.held = q.held[1:]
		q.mu.Unlock()
		h.do()
	}
}

// discard is a ResponseWriter for an answer nobody waits for any more.
type discard struct{ header http.Header }

func (d discard) Header() http.Header         { return d.header }
func (d discard) Write(b []byte) (int, error) { return len(b), nil }
func (d discard) WriteHeader(int)             {}
