package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// progress is serve's work so far as its /metrics endpoint shows it: the
// requests taken in (all teams, urgencies and outcomes) and the jobs still
// waiting in the outbox (tickets, replies, notices).
type progress struct {
	requests float64
	outbox   float64
	heap     float64   // bytes of heap in use (go_memstats_heap_inuse_bytes), 0 if not shown
	syncs    histogram // the journal's fdatasyncs so far (sprintguard_journal_sync_duration_seconds)
	acks     histogram // serve's own time to acknowledge an event so far (sprintguard_ack_duration_seconds)
	sched    histogram // serve's goroutines' waits for a processor so far (sprintguard_go_sched_latency_seconds)
	// The store's writer so far: its time on each batch, the transactions
	// each commit held, the pages written and the commits' time writing
	// them (absent, all zero, on PostgreSQL).
	batches, batchSizes histogram
	pages, writeTime    float64
}

const (
	// journalSyncs is the histogram of the acknowledgement journal's
	// fdatasyncs.
	journalSyncs = "sprintguard_journal_sync_duration_seconds"
	// ackDurations is the histogram of serve's acknowledgements, from its
	// handler's start to its answer; its events are the series of kind
	// "event".
	ackDurations = "sprintguard_ack_duration_seconds"
	// ackKind is the label of that series, before a bucket's le.
	ackKind = `kind="event"`
	// schedLatencies is the histogram of how long serve's goroutines
	// waited, ready, for a processor.
	schedLatencies = "sprintguard_go_sched_latency_seconds"
	// commitDurations and commitSizes are the histograms of the store
	// writer's batches: the time it spent on each and the transactions
	// each held.
	commitDurations = "sprintguard_store_commit_duration_seconds"
	commitSizes     = "sprintguard_store_commit_transactions"
	pagesWritten    = "sprintguard_store_pages_written_total"
	commitWrites    = "sprintguard_store_commit_write_seconds_total"
)

// histogram is a cumulative Prometheus histogram as scraped: its finite
// buckets' upper bounds and counts, in order. Arrays, so that a progress
// compares with ==.
type histogram struct {
	le, cum [24]float64
	n       int
	count   float64
	sum     float64
}

// quantile returns the upper bound of the bucket that holds the q
// quantile of what h counted since base: the value the q quantile is at
// most. It is +Inf past the last finite bucket, and NaN with nothing
// counted.
func (h histogram) quantile(base histogram, q float64) float64 {
	total := h.count - base.count
	if total <= 0 {
		return math.NaN()
	}
	for i := range h.n {
		if h.cum[i]-base.cum[i] >= q*total {
			return h.le[i]
		}
	}
	return math.Inf(1)
}

// bound is quantile printed for a reader: "<= 2.00 ms", or "> 1000.00 ms"
// past the last finite bucket.
func (h histogram) bound(base histogram, q float64) string {
	v := h.quantile(base, q)
	if math.IsInf(v, 1) {
		return "> " + ms(time.Duration(h.le[h.n-1]*float64(time.Second)))
	}
	return "<= " + ms(time.Duration(v*float64(time.Second)))
}

// add reads one sample of the histogram: a _bucket or _count sample of a
// series whose labels other than le are series ("" when it has none, or
// one like `kind="event"`). Samples of the name's other series are left
// out.
func (h *histogram) add(name, series, labels string, v float64) error {
	braced := ""
	if series != "" {
		braced = "{" + series + "}"
	}
	if strings.HasSuffix(name, "_count") || strings.HasSuffix(name, "_sum") {
		if labels != braced {
			return nil
		}
		if strings.HasSuffix(name, "_sum") {
			h.sum = v
		} else {
			h.count = v
		}
		return nil
	}
	head := `{le="`
	if series != "" {
		head = "{" + series + `,le="`
	}
	le, ok := strings.CutPrefix(labels, head)
	if !ok && series != "" {
		return nil
	}
	le, ok2 := strings.CutSuffix(le, `"}`)
	if !ok || !ok2 {
		return fmt.Errorf("metrics: %s%s: no le label alone", name, labels)
	}
	if le == "+Inf" || h.n == len(h.le) {
		return nil
	}
	bound, err := strconv.ParseFloat(le, 64)
	if err != nil {
		return fmt.Errorf("metrics: %s%s: %w", name, labels, err)
	}
	h.le[h.n], h.cum[h.n] = bound, v
	h.n++
	return nil
}

// parseProgress reads the Prometheus text exposition for the two series
// progress needs; a missing series is an error, so that a renamed metric
// fails the benchmark instead of waiting forever.
func parseProgress(r io.Reader) (progress, error) {
	var p progress
	var sawRequests, sawOutbox bool
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") {
			continue
		}
		// "name value", or "name{labels} value"; labels may hold spaces.
		end := strings.IndexAny(line, "{ ")
		if end < 0 {
			continue
		}
		name, rest := line[:end], line[end:]
		var labels string
		if rest[0] == '{' {
			j := strings.LastIndexByte(rest, '}')
			if j < 0 {
				return p, fmt.Errorf("metrics: unclosed labels in %q", line)
			}
			labels, rest = rest[:j+1], rest[j+1:]
		}
		family := strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(name, "_bucket"), "_count"), "_sum")
		var h *histogram
		series := ""
		switch family {
		case journalSyncs:
			h = &p.syncs
		case ackDurations:
			h, series = &p.acks, ackKind
		case schedLatencies:
			h = &p.sched
		case commitDurations:
			h = &p.batches
		case commitSizes:
			h = &p.batchSizes
		}
		if h == nil && name != "sprintguard_requests_total" && name != "sprintguard_outbox_depth" && name != "go_memstats_heap_inuse_bytes" &&
			name != pagesWritten && name != commitWrites {
			continue
		}
		fields := strings.Fields(rest)
		if len(fields) == 0 {
			return p, fmt.Errorf("metrics: no value in %q", line)
		}
		v, err := strconv.ParseFloat(fields[0], 64)
		if err != nil {
			return p, fmt.Errorf("metrics: %q: %w", line, err)
		}
		if h != nil {
			if err := h.add(name, series, labels, v); err != nil {
				return p, err
			}
			continue
		}
		switch name {
		case pagesWritten:
			p.pages = v
		case commitWrites:
			p.writeTime = v
		case "go_memstats_heap_inuse_bytes":
			p.heap = v
		case "sprintguard_requests_total":
			p.requests += v
			sawRequests = true
		default:
			p.outbox = v
			sawOutbox = true
		}
	}
	if err := sc.Err(); err != nil {
		return p, fmt.Errorf("read metrics: %w", err)
	}
	if !sawRequests || !sawOutbox {
		return p, fmt.Errorf("metrics: no sprintguard_requests_total or sprintguard_outbox_depth series")
	}
	return p, nil
}

// scrape fetches url (serve's /metrics) and parses it.
func scrape(ctx context.Context, url string) (progress, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return progress{}, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return progress{}, fmt.Errorf("scrape metrics: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return progress{}, fmt.Errorf("scrape metrics: %s", resp.Status)
	}
	return parseProgress(resp.Body)
}

// drained is when serve finished the work of the load phases.
type drained struct {
	ok   bool      // false: it gave up (stall, crash, interrupt) before the work was done
	at   time.Time // when the last of the work was done (or the last scrape, if not ok)
	made time.Time // when every acknowledged event was first seen to have made its request
	last progress  // the last scrape
	// whenMade is the scrape that first saw every request made.
	whenMade progress
	// peakHeap is the most heap in use any scrape saw, in bytes: what a GC
	// setting costs in memory, without the store's mapped pages that the
	// peak RSS counts.
	peakHeap float64
}

// made reports whether p shows want more requests than base.
func (p progress) made(base progress, want int) bool {
	return p.requests-base.requests >= float64(want)
}

// drainPoll is how often drain scrapes: each scrape costs serve a read of
// its outbox, so not much more often than the figure's resolution needs.
const drainPoll = 250 * time.Millisecond

// drainQuiet is how long the Web API must go without a call before the
// outbox counts as done for now. Jobs due later (an on-call notice held
// until business hours) stay in the outbox, so its depth cannot say it.
const drainQuiet = 3 * time.Second

// drain waits until serve has fully processed the load: it scrapes serve's
// metrics until every one of want acknowledged events has made its
// request, then waits until the outbox's jobs stop calling the Web API;
// the work was done at the later of the two (without outbox, at the first).
// It gives up when the request count has not moved for stall, or serve has
// exited.
func (e *benchEnv) drain(ctx context.Context, base progress, want int, stall time.Duration, outbox bool) drained {
	url := "http://" + e.listen + "/metrics"
	var d drained
	moved, failed := time.Now(), 0
	for d.made.IsZero() {
		p, err := scrape(ctx, url)
		now := time.Now()
		if err != nil {
			if failed++; failed == 3 {
				fmt.Printf("%-40s gave up after 3 failed scrapes: %v\n", "drain", err)
				return d
			}
		} else {
			failed = 0
			if p.requests != d.last.requests || p.outbox != d.last.outbox {
				moved = now
			}
			d.peakHeap = max(d.peakHeap, p.heap)
			d.last, d.at = p, now
			if p.made(base, want) {
				d.made, d.whenMade = now, p
				break
			}
		}
		if now.Sub(moved) > stall || e.serve.exited() || ctx.Err() != nil {
			fmt.Printf("%-40s gave up with %.0f of %d requests made, %.0f jobs in the outbox\n", "drain",
				d.last.requests-base.requests, want, d.last.outbox)
			return d
		}
		if !pause(ctx, drainPoll) {
			return d
		}
	}
	if !outbox {
		d.at, d.ok = d.made, true
		return d
	}
	for {
		last := e.fake.lastCall()
		if time.Since(last) >= drainQuiet && time.Since(d.made) >= drainQuiet {
			d.at, d.ok = later(d.made, last), true
			if p, err := scrape(ctx, url); err == nil {
				d.last = p
				d.peakHeap = max(d.peakHeap, p.heap)
			}
			return d
		}
		if e.serve.exited() || !pause(ctx, drainPoll) {
			return d
		}
	}
}

func pause(ctx context.Context, d time.Duration) bool {
	select {
	case <-ctx.Done():
		return false
	case <-time.After(d):
		return true
	}
}
