package cli

import (
	"context"
	"io"
	"log/slog"
	"maps"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/sprintguard/sprintguard/bot"
	"github.com/sprintguard/sprintguard/bot/slackfake"
	"github.com/sprintguard/sprintguard/config"
	"github.com/sprintguard/sprintguard/internal/pgtest"
	"github.com/sprintguard/sprintguard/internal/testclock"
	"github.com/sprintguard/sprintguard/jobs"
	"github.com/sprintguard/sprintguard/store/postgres"
	"github.com/sprintguard/sprintguard/tracker/local"
	"github.com/sprintguard/sprintguard/triage"
)

// replica is one serve process's scheduled-work parts on a shared
// PostgreSQL: its store, leader elector, scheduler and outbox worker,
// wired as serve wires them, posting to one Slack fake.
type replica struct {
	db     *postgres.DB
	leader *postgres.Elector
	stop   func()
}

func startReplica(t *testing.T, url string, fake *slackfake.Server, now func() time.Time) *replica {
	t.Helper()
	st := exampleSettings(t)
	db, err := postgres.Open(context.Background(), url, postgres.Options{Now: now, MaxConns: 6})
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	svc := triage.NewService(db, st, now)
	gw := bot.NewGateway(slack.New("xoxb-test", slack.OptionAPIURL(fake.APIURL())), log)
	gw.Limit = slackLimits(db, config.PacingSlack, log, 0)
	tr := local.New(db, "REQ", "https://sg.example.com/t/")
	worker := &triage.Worker{Store: db, Handlers: svc.TicketHandlers(tr, tr), Now: now, Log: log, MaxBackoff: time.Second}
	bt := bot.New(svc, db, gw, log, bot.Config{Command: "/sg"}, worker.Kick)
	bt.SetBotUser("UBOT")
	maps.Copy(worker.Handlers, bt.Handlers())
	maps.Copy(worker.Handlers, bt.DutyHandlers())
	duties, err := jobs.TeamDuties(st)
	if err != nil {
		t.Fatal(err)
	}
	sched := &jobs.Scheduler{Store: db, Now: now, Log: log, Kick: worker.Kick, Duties: duties}
	r := &replica{db: db}
	r.leader = postgres.NewElector(db, postgres.ElectorOptions{Retry: 20 * time.Millisecond, Check: 20 * time.Millisecond,
		Timeout: 200 * time.Millisecond, OnChange: func(leading bool, _ string) {
			if leading {
				sched.Wake()
			}
		}})
	sched.Leader = r.leader
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() { r.leader.Run(ctx) })
	wg.Go(func() { sched.Run(ctx, 20*time.Millisecond) })
	wg.Go(func() { worker.Run(ctx, 20*time.Millisecond) })
	r.stop = sync.OnceFunc(func() { cancel(); wg.Wait(); db.Close() })
	t.Cleanup(r.stop)
	return r
}

// posts counts the posts to channel whose text holds want.
func posts(fake *slackfake.Server, channel, want string) int {
	n := 0
	for _, c := range fake.OKCalls("chat.postMessage") {
		if c.Form.Get("channel") == channel && strings.Contains(c.Form.Get("text"), want) {
			n++
		}
	}
	return n
}

// settled waits until the outbox has no job left and a few more polls
// went by, so that a second post, were there one, would have been made.
func settled(t *testing.T, db *postgres.DB) {
	t.Helper()
	waitFor(t, 20*time.Second, "the outbox to empty", func() bool {
		var n int
		err := db.Pool().QueryRow(context.Background(), "SELECT count(*) FROM jobs").Scan(&n)
		return err == nil && n == 0
	})
	time.Sleep(200 * time.Millisecond)
}

// TestScheduledWorkAcrossReplicas runs three replicas on one database: the
// weekly report due while they run is posted exactly once; then the
// leader's connection dies (as with a SIGKILL) and it stops, before the
// handoff, which another replica posts, once.
func TestScheduledWorkAcrossReplicas(t *testing.T) {
	url := pgtest.DB(t)
	fake := slackfake.New(t)
	// Monday 30 November 2026, 08:50 in Chicago: the report is due at 09:00,
	// the handoff at 10:00.
	clock := testclock.New(time.Date(2026, 11, 30, 14, 50, 0, 0, time.UTC))
	var rs []*replica
	for range 3 {
		rs = append(rs, startReplica(t, url, fake, clock.Now))
	}
	leader := func() *replica {
		var out *replica
		waitFor(t, 30*time.Second, "one leader", func() bool {
			out = nil
			n := 0
			for _, r := range rs {
				if r.leader.Leading() {
					out, n = r, n+1
				}
			}
			if n > 1 {
				t.Fatalf("%d leaders at once", n)
			}
			return n == 1
		})
		return out
	}
	first := leader()
	// The leader's first pass starts the duties' clocks.
	waitFor(t, 30*time.Second, "the first pass", func() bool {
		var n int
		err := first.db.Pool().QueryRow(context.Background(), "SELECT count(*) FROM job_runs").Scan(&n)
		return err == nil && n > 0
	})

	clock.Add(11 * time.Minute) // 09:01
	const report = "Interrupt report for platform, 2026-W48"
	waitFor(t, 20*time.Second, "the weekly report", func() bool { return posts(fake, "C0PLATFORM", report) > 0 })
	settled(t, first.db)
	if n := posts(fake, "C0PLATFORM", report); n != 1 {
		t.Fatalf("%d report posts from three replicas, want 1", n)
	}

	// The leader dies before the handoff: its lock's session ends, and the
	// process with it.
	pgtest.EndLockHolders(t, url, 1)
	first.stop()
	rest := rs[:0]
	for _, r := range rs {
		if r != first {
			rest = append(rest, r)
		}
	}
	rs = rest
	clock.Add(time.Hour) // 10:01
	next := leader()
	if next == first {
		t.Fatal("the dead replica leads")
	}
	const handoff = "On-call handoff · platform"
	waitFor(t, 20*time.Second, "the handoff", func() bool { return posts(fake, "C0PLATFORM", handoff) > 0 })
	settled(t, next.db)
	if n, r := posts(fake, "C0PLATFORM", handoff), posts(fake, "C0PLATFORM", report); n != 1 || r != 1 {
		t.Fatalf("%d handoff and %d report posts, want 1 of each", n, r)
	}
}
