package main

import (
	"fmt"
	"math"
	"strings"
	"testing"
)

func TestParseProgress(t *testing.T) {
	const exposition = `# HELP sprintguard_requests_total Requests taken in, by team, urgency and outcome.
# TYPE sprintguard_requests_total counter
sprintguard_requests_total{outcome="charged",team="data",urgency="low"} 1200
sprintguard_requests_total{outcome="charged",team="data",urgency="high"} 34
sprintguard_requests_total{outcome="free",team="platform team",urgency="low"} 6
# HELP sprintguard_outbox_depth Jobs waiting in the outbox.
# TYPE sprintguard_outbox_depth gauge
sprintguard_outbox_depth 17
sprintguard_outbox_dead_jobs 2
sprintguard_requests_total_created 99
# TYPE go_memstats_heap_inuse_bytes gauge
go_memstats_heap_inuse_bytes 4.5056e+07
`
	tests := []struct {
		name string
		in   string
		want progress
		err  string
	}{
		{"both series and the heap", exposition, progress{requests: 1240, outbox: 17, heap: 45056000}, ""},
		{"no requests yet", "sprintguard_outbox_depth 0\nsprintguard_requests_total 0\n", progress{}, ""},
		{"outbox missing", "sprintguard_requests_total{team=\"a\"} 3\n", progress{}, "no sprintguard_requests_total or sprintguard_outbox_depth"},
		{"renamed", "sprintguard_requests 3\nsprintguard_outbox_depth 1\n", progress{}, "no sprintguard_requests_total"},
		{"bad value", "sprintguard_outbox_depth lots\nsprintguard_requests_total 1\n", progress{}, "lots"},
		{"no value", "sprintguard_outbox_depth{a=\"b\"}\n", progress{}, "no value"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseProgress(strings.NewReader(tc.in))
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err = %v, want one containing %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestProgressMade(t *testing.T) {
	base := progress{requests: 10, outbox: 1}
	tests := []struct {
		name string
		p    progress
		want bool
	}{
		{"all made", progress{requests: 110, outbox: 7}, true},
		{"one request missing", progress{requests: 109, outbox: 0}, false},
		{"more made than acked (a timed-out send)", progress{requests: 111, outbox: 1}, true},
		{"none made", base, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.p.made(base, 100); got != tc.want {
				t.Errorf("made = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestJournalSyncsQuantiles(t *testing.T) {
	// exposition shows the histogram with these cumulative counts at 1,
	// 10 and 100 ms.
	exposition := func(c1, c10, c100 int) string {
		return fmt.Sprintf(`sprintguard_requests_total 0
sprintguard_outbox_depth 0
sprintguard_journal_sync_duration_seconds_bucket{le="0.001"} %d
sprintguard_journal_sync_duration_seconds_bucket{le="0.01"} %d
sprintguard_journal_sync_duration_seconds_bucket{le="0.1"} %d
sprintguard_journal_sync_duration_seconds_bucket{le="+Inf"} %d
sprintguard_journal_sync_duration_seconds_sum 0.2
sprintguard_journal_sync_duration_seconds_count %d
`, c1, c10, c100, c100, c100)
	}
	before := exposition(10, 10, 10)
	after := exposition(100, 109, 110) // since before: 90 under 1 ms, 9 under 10, 1 under 100
	b, err := parseProgress(strings.NewReader(before))
	if err != nil {
		t.Fatal(err)
	}
	a, err := parseProgress(strings.NewReader(after))
	if err != nil {
		t.Fatal(err)
	}
	if a.syncs.n != 3 || a.syncs.count != 110 {
		t.Fatalf("parsed %d buckets and count %v, want 3 and 110", a.syncs.n, a.syncs.count)
	}
	for _, tc := range []struct {
		q, want float64
	}{{0.5, 0.001}, {0.9, 0.001}, {0.95, 0.01}, {0.99, 0.01}, {1, 0.1}} {
		if got := a.syncs.quantile(b.syncs, tc.q); got != tc.want {
			t.Errorf("quantile %v = %v, want %v", tc.q, got, tc.want)
		}
	}
	if got := b.syncs.quantile(b.syncs, 0.5); !math.IsNaN(got) {
		t.Errorf("quantile of nothing = %v, want NaN", got)
	}
	a.syncs.cum[2] = 109 // one past the last finite bound
	if got := a.syncs.quantile(b.syncs, 1); !math.IsInf(got, 1) {
		t.Errorf("quantile past the last bound = %v, want +Inf", got)
	}
}

func TestAckDurationsOfEventsOnly(t *testing.T) {
	// Serve shows one ack series per kind; only the events' is read.
	const exposition = `sprintguard_requests_total 0
sprintguard_outbox_depth 0
sprintguard_ack_duration_seconds_bucket{kind="command",le="0.001"} 7
sprintguard_ack_duration_seconds_bucket{kind="command",le="0.01"} 7
sprintguard_ack_duration_seconds_bucket{kind="command",le="+Inf"} 7
sprintguard_ack_duration_seconds_count{kind="command"} 7
sprintguard_ack_duration_seconds_bucket{kind="event",le="0.001"} 50
sprintguard_ack_duration_seconds_bucket{kind="event",le="0.01"} 98
sprintguard_ack_duration_seconds_bucket{kind="event",le="+Inf"} 100
sprintguard_ack_duration_seconds_sum{kind="event"} 0.9
sprintguard_ack_duration_seconds_count{kind="event"} 100
`
	p, err := parseProgress(strings.NewReader(exposition))
	if err != nil {
		t.Fatal(err)
	}
	if p.acks.n != 2 || p.acks.count != 100 || p.acks.cum[1] != 98 {
		t.Fatalf("parsed %d buckets, count %v, second bucket %v; want 2, 100, 98", p.acks.n, p.acks.count, p.acks.cum[1])
	}
	if got := p.acks.quantile(histogram{}, 0.5); got != 0.001 {
		t.Errorf("p50 = %v, want 0.001", got)
	}
	if got := p.acks.quantile(histogram{}, 0.99); !math.IsInf(got, 1) {
		t.Errorf("p99 = %v, want +Inf (past the last finite bound)", got)
	}
	if p.syncs.count != 0 {
		t.Errorf("journal syncs count %v from an exposition without them", p.syncs.count)
	}
}

func TestSchedLatenciesParsed(t *testing.T) {
	const exposition = `sprintguard_requests_total 0
sprintguard_outbox_depth 0
sprintguard_go_sched_latency_seconds_bucket{le="0.001"} 90
sprintguard_go_sched_latency_seconds_bucket{le="0.01"} 99
sprintguard_go_sched_latency_seconds_bucket{le="+Inf"} 100
sprintguard_go_sched_latency_seconds_sum 0.2
sprintguard_go_sched_latency_seconds_count 100
`
	p, err := parseProgress(strings.NewReader(exposition))
	if err != nil {
		t.Fatal(err)
	}
	if p.sched.n != 2 || p.sched.count != 100 {
		t.Fatalf("parsed %d buckets and count %v, want 2 and 100", p.sched.n, p.sched.count)
	}
	if got := p.sched.quantile(histogram{}, 0.99); got != 0.01 {
		t.Errorf("p99 = %v, want 0.01", got)
	}
	if p.acks.count != 0 || p.syncs.count != 0 {
		t.Errorf("acks %v and syncs %v counted from an exposition of scheduling only", p.acks.count, p.syncs.count)
	}
}

func TestOwnSchedIsAHistogram(t *testing.T) {
	h := ownSched()
	if h.n == 0 || h.count == 0 {
		t.Fatalf("%d buckets, count %v: this process's scheduling not read", h.n, h.count)
	}
	if h.cum[h.n-1] > h.count {
		t.Errorf("last bucket %v above the count %v", h.cum[h.n-1], h.count)
	}
}

func TestStoreWriterSeries(t *testing.T) {
	const exposition = `sprintguard_requests_total 0
sprintguard_outbox_depth 0
sprintguard_store_commit_duration_seconds_bucket{le="0.001"} 3
sprintguard_store_commit_duration_seconds_bucket{le="0.01"} 8
sprintguard_store_commit_duration_seconds_bucket{le="+Inf"} 9
sprintguard_store_commit_duration_seconds_sum 0.25
sprintguard_store_commit_duration_seconds_count 9
sprintguard_store_commit_transactions_bucket{le="1"} 2
sprintguard_store_commit_transactions_bucket{le="256"} 9
sprintguard_store_commit_transactions_bucket{le="+Inf"} 9
sprintguard_store_commit_transactions_sum 400
sprintguard_store_commit_transactions_count 9
sprintguard_store_pages_written_total 1234
sprintguard_store_commit_write_seconds_total 0.125
`
	p, err := parseProgress(strings.NewReader(exposition))
	if err != nil {
		t.Fatal(err)
	}
	if p.batches.n != 2 || p.batches.count != 9 || p.batches.sum != 0.25 || p.batches.cum[1] != 8 {
		t.Errorf("batch times: %d buckets, count %v, sum %v, second bucket %v; want 2, 9, 0.25, 8", p.batches.n, p.batches.count, p.batches.sum, p.batches.cum[1])
	}
	if p.batchSizes.count != 9 || p.batchSizes.sum != 400 {
		t.Errorf("batch sizes: count %v, sum %v; want 9, 400", p.batchSizes.count, p.batchSizes.sum)
	}
	if p.pages != 1234 || p.writeTime != 0.125 {
		t.Errorf("pages %v, write time %v; want 1234, 0.125", p.pages, p.writeTime)
	}
	if p.syncs.count != 0 || p.acks.count != 0 || p.sched.count != 0 {
		t.Errorf("journal syncs %v, acks %v and scheduling %v from an exposition without them", p.syncs.count, p.acks.count, p.sched.count)
	}
}
