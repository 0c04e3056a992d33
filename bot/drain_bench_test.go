package bot_test

import (
	"context"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/sprintguard/sprintguard/bot"
	"github.com/sprintguard/sprintguard/bot/slackfake"
	"github.com/sprintguard/sprintguard/config"
	"github.com/sprintguard/sprintguard/examples"
	"github.com/sprintguard/sprintguard/internal/app"
	"github.com/sprintguard/sprintguard/store"
	"github.com/sprintguard/sprintguard/tracker/local"
	"github.com/sprintguard/sprintguard/triage"
)

// burst is how many requests wait in the outbox when a drain starts.
const burst = 1000

// BenchmarkOutboxDrain measures how fast the outbox turns a burst of
// accepted requests into tickets (the local tracker) and Slack posts (the
// fake): the requests are taken in first, then the worker starts, and the
// clock runs until the outbox is empty. It reports processed requests per
// second.
func BenchmarkOutboxDrain(b *testing.B) {
	for _, durable := range []bool{true, false} {
		for _, workers := range []int{8, 32} {
			// nosync leaves fsync out: the outbox's own ceiling, which
			// group commit in the store is to bring durable runs near.
			b.Run(fmt.Sprintf("fsync=%v/workers=%d", durable, workers), func(b *testing.B) {
				var took, cpu time.Duration
				for range b.N {
					t, c := drainOnce(b, workers, durable)
					took += t
					cpu += c
				}
				b.ReportMetric(float64(burst*b.N)/took.Seconds(), "requests/s")
				// On a shared machine the rate measures the neighbours too;
				// the CPU time the process spent per request does not.
				b.ReportMetric(float64(cpu.Microseconds())/float64(burst*b.N), "cpu-µs/request")
			})
		}
	}
}

// drainOnce takes in a burst and returns how long the outbox took to
// empty, and the CPU time (user and system) the process spent meanwhile.
func drainOnce(b *testing.B, workers int, durable bool) (time.Duration, time.Duration) {
	b.StopTimer()
	cfg, err := config.Parse("sprintguard.yaml", examples.Config, func(string) string { return "" })
	if err != nil {
		b.Fatal(err)
	}
	st, err := app.Settings(cfg)
	if err != nil {
		b.Fatal(err)
	}
	// Business hours for both teams, so that every request pages now.
	now := func() time.Time { return time.Date(2026, 11, 24, 15, 0, 0, 0, time.UTC) }
	path := filepath.Join(b.TempDir(), "sg.db")
	// The burst is taken in without fsync, to keep the setup short; the
	// drain runs on a durable store, as serve does, unless durable is off.
	seed, err := store.Open(path, store.Options{NoSync: true})
	if err != nil {
		b.Fatal(err)
	}
	svc := triage.NewService(seed, st, now)
	for i := range burst {
		if _, err := svc.Intake(context.Background(), triage.NewRequest{Team: "data", Source: triage.SourceChannel,
			Channel: "C0DATAHELP", TS: fmt.Sprintf("1795532400.%06d", i), User: fmt.Sprintf("U9%05d", i),
			Summary: fmt.Sprintf("the import job %d failed overnight", i)}); err != nil {
			b.Fatal(err)
		}
	}
	seed.Close()
	db, err := store.Open(path, store.Options{NoSync: !durable})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	svc = triage.NewService(db, st, now)
	fake := slackfake.New(b)
	log := slog.New(slog.DiscardHandler)
	// As serve does: enough idle connections for every worker.
	tp := http.DefaultTransport.(*http.Transport).Clone()
	tp.MaxIdleConnsPerHost = triage.DefaultWorkers
	gw := bot.NewGateway(slack.New("xoxb-bench", slack.OptionAPIURL(fake.APIURL()),
		slack.OptionHTTPClient(&http.Client{Transport: tp})), log)
	tr := local.New(db, "REQ", "https://sg.example.com/t/")
	w := &triage.Worker{Store: db, Now: now, Log: log, Handlers: svc.TicketHandlers(tr, tr)}
	w.Workers = workers
	bt := bot.New(svc, db, gw, log, bot.Config{Command: "/sg"}, w.Kick)
	bt.SetBotUser("UBOT")
	maps.Copy(w.Handlers, bt.Handlers())

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	b.StartTimer()
	start, cpuStart := time.Now(), cpuTime(b)
	go func() {
		defer close(done)
		w.Run(ctx, 10*time.Millisecond)
	}()
	for {
		var left int
		if err := db.View(func(tx triage.Tx) error {
			due, err := tx.DueJobs(now().Add(24*time.Hour), 0)
			left = len(due)
			return err
		}); err != nil {
			b.Fatal(err)
		}
		if left == 0 {
			break
		}
		// Reading the whole outbox is work of its own: look now and then.
		time.Sleep(200 * time.Millisecond)
	}
	took, cpu := time.Since(start), cpuTime(b)-cpuStart
	b.StopTimer()
	cancel()
	<-done
	if n := len(fake.OKCalls("chat.postMessage")); n < burst {
		b.Fatalf("%d posts for %d requests", n, burst)
	}
	return took, cpu
}

// cpuTime is the user and system time the process has used.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
