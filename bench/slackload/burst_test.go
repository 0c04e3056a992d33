package main

import (
	"context"
	"slices"
	"testing"
	"time"
)

// TestBurstLoop checks the burst's accounting: after a closed-loop phase,
// the burst sends exactly its n events, numbered on from the phase's last,
// each once, whatever the number of senders.
func TestBurstLoop(t *testing.T) {
	gen := events{base: 1760000000}
	for _, tc := range []struct {
		name       string
		n          int64
		senders    int
		sendSecret string
	}{
		{"more events than senders", 237, 4, "right"},
		{"fewer events than senders", 3, 8, "right"},
		{"none", 0, 4, "right"},
		{"bad signature", 20, 4, "wrong"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec, url := newEndpoint(t, "right")
			s := &sender{url: url, secret: []byte(tc.sendSecret), client: newClient(tc.senders), gen: gen}
			peak := closedLoop(context.Background(), s, 1000, 10*time.Millisecond, tc.senders)
			burst := burstLoop(context.Background(), s, following(1000, peak), tc.n, tc.senders)
			if int64(burst.sent) != tc.n || len(burst.acked)+burst.errs != burst.sent {
				t.Fatalf("burst sent %d, acked %d, errors %d; want %d sent, each acked or failed", burst.sent, len(burst.acked), burst.errs, tc.n)
			}
			if tc.sendSecret != "right" {
				if len(burst.acked) != 0 || burst.errs != int(tc.n) {
					t.Errorf("bad signatures: %d acked, %d errors; want none acked", len(burst.acked), burst.errs)
				}
				return
			}
			got := slices.Clone(rec.ids)
			slices.Sort(got)
			if want := wantIDs(1000, peak.sent+int(tc.n)); !slices.Equal(got, want) {
				t.Errorf("endpoint got %d events, want %d: the max phase's %d and the burst's %d, each once", len(got), len(want), peak.sent, tc.n)
			}
			ackedNums := slices.Clone(burst.acked)
			slices.Sort(ackedNums)
			for i, n := range ackedNums {
				if want := following(1000, peak) + int64(i); n != want {
					t.Fatalf("burst's acknowledged event %d is number %d, want %d", i, n, want)
				}
			}
		})
	}
}

func TestBurstFigures(t *testing.T) {
	start := time.Date(2026, 12, 6, 4, 0, 0, 0, time.UTC)
	out := &outcome{sent: 100, acked: make([]int64, 100), start: start, lastAck: start.Add(10 * time.Second)}
	done := drained{ok: true, at: start.Add(25 * time.Second), last: progress{requests: 1100}}
	tests := []struct {
		name      string
		b         burstResult
		drain     time.Duration
		processed float64
		complete  bool
	}{
		{"drained", burstResult{events: 100, out: out, base: progress{requests: 1000}, dr: done}, 15 * time.Second, 4, true},
		{"drain gave up", burstResult{events: 100, out: out, base: progress{requests: 1000}, dr: drained{at: done.at}}, 0, 0, false},
		{"fewer sent than asked (interrupted)", burstResult{events: 200, out: out, base: progress{requests: 1000}, dr: done}, 15 * time.Second, 4, false},
		{"some not acknowledged", burstResult{events: 100, out: &outcome{sent: 100, acked: make([]int64, 99), start: start, lastAck: out.lastAck},
			base: progress{requests: 1000}, dr: done}, 15 * time.Second, 4, false},
		{"done before the last ack's time was read", burstResult{events: 100, out: &outcome{sent: 100, acked: make([]int64, 100), start: start, lastAck: start.Add(30 * time.Second)},
			base: progress{requests: 1000}, dr: done}, 0, 4, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.b.drainTime(); got != tc.drain {
				t.Errorf("drainTime = %v, want %v", got, tc.drain)
			}
			if got := tc.b.processed(); got != tc.processed {
				t.Errorf("processed = %v/s, want %v/s", got, tc.processed)
			}
			if got := tc.b.complete(); got != tc.complete {
				t.Errorf("complete = %v, want %v", got, tc.complete)
			}
		})
	}
}

// TestWithBurst checks that the exactly-once check covers the burst's
// acknowledged events, and only those, and waits for its last ack.
func TestWithBurst(t *testing.T) {
	gen := events{base: 1760000000}
	t0 := time.Date(2026, 12, 6, 4, 0, 0, 0, time.UTC)
	acked := ackedTS(gen, &outcome{acked: []int64{0, 1, 2}})
	b := &burstResult{out: &outcome{sent: 3, acked: []int64{5, 3}, lastAck: t0.Add(time.Minute)}}
	got, last := withBurst(gen, acked, t0, b)
	slices.Sort(got)
	want := []string{gen.ts(0), gen.ts(1), gen.ts(2), gen.ts(3), gen.ts(5)}
	slices.Sort(want)
	if !slices.Equal(got, want) || !last.Equal(t0.Add(time.Minute)) {
		t.Errorf("with the burst: %v, last ack %v; want %v, %v", got, last, want, t0.Add(time.Minute))
	}
	if got, last := withBurst(gen, acked, t0, nil); !slices.Equal(got, acked) || !last.Equal(t0) {
		t.Errorf("without a burst: %v, %v; want %v, %v", got, last, acked, t0)
	}
}

func TestThousands(t *testing.T) {
	for n, want := range map[int64]string{0: "0", 999: "999", 1000: "1,000", 72757: "72,757", 1234567: "1,234,567"} {
		if got := thousands(n); got != want {
			t.Errorf("thousands(%d) = %q, want %q", n, got, want)
		}
	}
}
