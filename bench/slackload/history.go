package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/sprintguard/sprintguard/classifier"
	"github.com/sprintguard/sprintguard/store"
	"github.com/sprintguard/sprintguard/triage"
)

// historyTeam is the team whose intake channel the events go to: its
// similar-request index is the one each of their lookups reads.
const historyTeam = "data"

// historyRun is one start of serve in the -history mode.
type historyRun struct {
	ready      time.Duration // from starting serve to /readyz answering 200
	acks       latencies
	drained    time.Duration // from the first event to every request made and the outbox quiet
	cpu        time.Duration // serve's CPU from the first event to drained: robust where wall times are not
	rss, hwm   int64         // serve's resident and peak resident memory, in KiB, once drained
	anon       int64         // of rss, the anonymous memory (the heap), without the store's mapped file
	heap       float64       // the most heap in use the drain's scrapes saw, in bytes: live data and garbage, not the collector's headroom
	errs, sent int
}

// runHistory runs the -history mode (issue 12): serve started on an empty
// store and on one holding o.history resolved requests of the events'
// team, alternated, -rounds times; each time -history-events events at
// -rate, open loop, from the moment /readyz says ready. The outbox's
// similar-request lookups read the history, so a cost that grows with it
// and lands on the acks shows as the second variant's p99.
func runHistory(ctx context.Context, o options, bin string, key []byte, dir string) (int, error) {
	seeded := filepath.Join(dir, "history.db")
	t0 := time.Now()
	if err := seedHistory(seeded, o.history); err != nil {
		return 1, fmt.Errorf("seed the history: %w", err)
	}
	fmt.Printf("slackload -history: %d resolved requests of team %s seeded in %v; %d rounds of %d events at %.0f/s from ready, %d senders\n",
		o.history, historyTeam, time.Since(t0).Round(time.Millisecond), o.rounds, o.historyEvents, o.rate, o.senders)
	runs := map[bool][]historyRun{}
	for round := 1; round <= o.rounds; round++ {
		for _, full := range []bool{false, true} {
			rdir := filepath.Join(dir, fmt.Sprintf("round%d-%t", round, full))
			if err := os.MkdirAll(rdir, 0o700); err != nil {
				return 1, err
			}
			if full {
				if err := copyFile(seeded, filepath.Join(rdir, "sprintguard.db")); err != nil {
					return 1, err
				}
			}
			var profile []string
			if full { // -cpuprofile and -memprofile profile the runs on the history
				var err error
				if profile, err = profileVars(o); err != nil {
					return 1, err
				}
			}
			r, err := historyOnce(ctx, o, bin, key, rdir, profile)
			if err != nil {
				return 1, fmt.Errorf("round %d, history %t: %w", round, full, err)
			}
			runs[full] = append(runs[full], r)
			fmt.Printf("round %d %-14s ready %6.0f ms  acks %s  drained %5.2f s  CPU %4.2f s  heap %.0f MiB  RSS %d MiB (peak %d, anonymous %d)  errors %d of %d\n",
				round, variantName(full, o.history), msOf(r.ready), r.acks, r.drained.Seconds(), r.cpu.Seconds(), r.heap/(1<<20), r.rss>>10, r.hwm>>10, r.anon>>10, r.errs, r.sent)
			if ctx.Err() != nil {
				return 1, ctx.Err()
			}
			if !o.keep {
				os.RemoveAll(rdir)
			}
		}
	}
	fmt.Printf("\nfigures, medians of %d rounds (history against empty in the same run)\n", o.rounds)
	pick := func(full bool, f func(historyRun) float64) float64 {
		var xs []float64
		for _, r := range runs[full] {
			xs = append(xs, f(r))
		}
		return median(xs)
	}
	for _, m := range []struct {
		name string
		f    func(historyRun) float64
	}{
		{"ack p50 (ms)", func(r historyRun) float64 { return msOf(r.acks.p50) }},
		{"ack p99 (ms)", func(r historyRun) float64 { return msOf(r.acks.p99) }},
		{"start to ready (ms)", func(r historyRun) float64 { return msOf(r.ready) }},
		{"drained (s)", func(r historyRun) float64 { return r.drained.Seconds() }},
		{"serve CPU, events (s)", func(r historyRun) float64 { return r.cpu.Seconds() }},
		{"heap in use (MiB)", func(r historyRun) float64 { return r.heap / (1 << 20) }},
		{"peak RSS (MiB)", func(r historyRun) float64 { return float64(r.hwm >> 10) }},
		{"anonymous RSS (MiB)", func(r historyRun) float64 { return float64(r.anon >> 10) }},
	} {
		e, h := pick(false, m.f), pick(true, m.f)
		fmt.Printf("figure %-24s empty %9.2f  history %9.2f  %6.2f×\n", m.name, e, h, h/max(e, 1e-9))
	}
	return 0, nil
}

func variantName(full bool, history int) string {
	if full {
		return fmt.Sprintf("history %dk", history/1000)
	}
	return "empty"
}

func msOf(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// historyOnce starts serve in rdir, on the store file there if any, sends
// the events from the moment it is ready, waits for their work to be
// done, and stops it.
func historyOnce(ctx context.Context, o options, bin string, key []byte, rdir string, profile []string) (historyRun, error) {
	var r historyRun
	t0 := time.Now()
	env, err := startEnv(rdir, bin, key, profile)
	if err != nil {
		return r, err
	}
	defer env.close()
	r.ready = time.Since(t0)
	metricsURL := "http://" + env.listen + "/metrics"
	base, err := scrape(ctx, metricsURL)
	if err != nil {
		return r, err
	}
	s := &sender{url: "http://" + env.listen + "/slack/events", secret: key, client: newClient(o.senders), gen: events{base: env.base}}
	cpu0, _ := env.serve.cpuTime()
	out := openLoop(ctx, s, 0, o.rate, time.Duration(float64(o.historyEvents)/o.rate*float64(time.Second)), o.senders)
	r.acks, r.errs, r.sent = summarize(out.lat), out.errs, out.sent
	dr := env.drain(ctx, base, len(out.acked), o.stall, true)
	if !dr.ok {
		return r, fmt.Errorf("serve did not process the events (see %s)", env.logPath)
	}
	r.drained = dr.at.Sub(out.start)
	cpu1, _ := env.serve.cpuTime()
	r.cpu = cpu1 - cpu0
	r.heap = dr.peakHeap
	pid := env.serve.cmd.Process.Pid
	r.rss, r.hwm, r.anon = procStatus(pid, "VmRSS:"), procStatus(pid, "VmHWM:"), procStatus(pid, "RssAnon:")
	if err := env.serve.stop(30 * time.Second); err != nil {
		return r, err
	}
	return r, nil
}

// procStatus returns a field of /proc/PID/status in KiB, 0 where it
// cannot be read.
func procStatus(pid int, field string) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(l, field); ok {
			n, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return n
		}
	}
	return 0
}

// seedHistory writes n resolved requests of historyTeam, with time spent,
// into a new store at path: texts like the events' own (they are the
// same asks about the same tables), so that every lookup finds matches.
func seedHistory(path string, n int) error {
	s, err := store.Open(path, store.Options{NoSync: true})
	if err != nil {
		return err
	}
	defer s.Close()
	at := time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)
	const chunk = 10000
	for done := 0; done < n; done += chunk {
		err := s.Update(func(tx triage.Tx) error {
			for i := done; i < min(done+chunk, n); i++ {
				id, err := tx.NextRequestID()
				if err != nil {
					return err
				}
				at = at.Add(time.Minute)
				req := &triage.Request{ID: id, Team: historyTeam, Summary: text(int64(10_000_000 + i)), CreatedAt: at,
					Urgency: classifier.P3, Estimate: 2, Decision: classifier.Decision{Urgency: classifier.P3, Estimate: 2}, Outcome: triage.Accepted, Status: triage.StatusResolved,
					ResolvedAt: at.Add(time.Hour), Actual: float64(1 + i%8), HasActual: true, SimilarDone: true,
					Events: []triage.Event{{At: at.Add(time.Hour), Kind: triage.ActResolve, Actor: "U0DATA002"}}}
				if err := tx.PutRequest(req); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return fmt.Errorf("copy %s: %w", from, err)
	}
	return out.Close()
}
