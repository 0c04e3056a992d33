package cli

import (
	"context"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sprintguard/sprintguard/bot/slackfake"
	"github.com/sprintguard/sprintguard/internal/pgtest"
	"github.com/sprintguard/sprintguard/jobs"
	"github.com/sprintguard/sprintguard/store/postgres"
	"github.com/sprintguard/sprintguard/triage"
)

// leading reports whether the replica's log says, last, that it leads the
// scheduled duties.
func (s *httpServe) leading() bool {
	lines := strings.Split(s.logs.String(), "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		if strings.Contains(lines[i], "scheduled duties leader changed") {
			return strings.Contains(lines[i], `"leading":true`)
		}
	}
	return false
}

// TestScheduledWorkSurvivesLeaderSIGKILL runs three built `serve` replicas
// on one PostgreSQL, their clocks shifted (SPRINTGUARD_FAULT_CLOCK_OFFSET)
// to just before platform's weekly report (Monday 09:00 in Chicago), with
// the handoff moved to 09:01 so that the test waits one minute, not an
// hour. The report is posted once by the three; the leader is SIGKILLed
// ten seconds before the handoff, another replica leads within 30 s, and
// the handoff is posted once, within 60 s of its time.
func TestScheduledWorkSurvivesLeaderSIGKILL(t *testing.T) {
	// Mostly waiting on real time (timeouts, the schedule): it runs beside
	// the package's other waiting tests, not after them.
	t.Parallel()
	dbURL := pgtest.DB(t)
	bin := buildBinary(t)
	fake := slackfake.New(t)
	chicago, err := time.LoadLocation("America/Chicago")
	if err != nil {
		t.Fatal(err)
	}
	report := time.Date(2026, 11, 30, 9, 0, 0, 0, chicago)
	handoff := report.Add(time.Minute)
	start := report.Add(-12 * time.Second)
	offset := time.Until(start)
	now := func() time.Time { return time.Now().Add(offset) }

	// The duties last ran a minute ago, as if the replicas had run for
	// long: the report falls due while they run, not at their first pass.
	duties, err := jobs.TeamDuties(exampleSettings(t))
	if err != nil {
		t.Fatal(err)
	}
	db, err := postgres.Open(context.Background(), dbURL, postgres.Options{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Update(func(tx triage.Tx) error {
		for _, d := range duties {
			if err := tx.SetLastRun(d.Name, report.Add(-time.Minute)); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}

	shifted := func(text string) string {
		return strings.Replace(text, `handoff: "Mon 10:00"`, `handoff: "Mon 09:01"`, 1)
	}
	var rs []*httpServe
	for range 3 {
		r := pgServe(t, bin, fake, dbURL, shifted)
		r.env = []string{faultClockOffset + "=" + offset.String()}
		rs = append(rs, r)
	}
	for _, r := range rs {
		r.start()
	}
	if now().After(report) {
		t.Fatalf("the replicas started at %v, after the report's time %v: the machine is too slow for this test", now(), report)
	}
	const (
		reportText  = "Interrupt report for platform, 2026-W48"
		handoffText = "On-call handoff · platform"
	)
	waitFor(t, 45*time.Second, "the weekly report", func() bool { return posts(fake, "C0PLATFORM", reportText) > 0 })

	var leader *httpServe
	waitFor(t, 30*time.Second, "one leader", func() bool {
		n := 0
		for _, r := range rs {
			if r.leading() {
				leader, n = r, n+1
			}
		}
		return n == 1
	})
	if wait := time.Until(handoff.Add(-offset).Add(-10 * time.Second)); wait > 0 {
		time.Sleep(wait) // the handoff is real time away: the clock is shifted, not stopped
	}
	leader.cmd.Process.Signal(syscall.SIGKILL)
	leader.cmd.Wait()
	killed := time.Now()
	var rest []*httpServe
	for _, r := range rs {
		if r != leader {
			rest = append(rest, r)
		}
	}
	waitFor(t, 30*time.Second, "a new leader", func() bool { return rest[0].leading() || rest[1].leading() })
	t.Logf("leadership moved %v after the SIGKILL", time.Since(killed).Round(time.Millisecond))

	waitFor(t, 60*time.Second, "the handoff", func() bool { return posts(fake, "C0PLATFORM", handoffText) > 0 })
	for _, c := range fake.OKCalls("chat.postMessage") {
		if c.Form.Get("channel") == "C0PLATFORM" && strings.Contains(c.Form.Get("text"), handoffText) {
			late := c.At.Add(offset).Sub(handoff)
			t.Logf("handoff posted %v after its time", late.Round(time.Millisecond))
			if late > time.Minute {
				t.Errorf("handoff posted %v after its time, want within 60s", late)
			}
		}
	}
	settledNow(t, db, now)
	if h, r := posts(fake, "C0PLATFORM", handoffText), posts(fake, "C0PLATFORM", reportText); h != 1 || r != 1 {
		t.Errorf("%d handoff and %d report posts from three replicas, want 1 of each", h, r)
	}
	for _, r := range rest {
		r.cmd.Process.Signal(syscall.SIGTERM)
		r.cmd.Wait()
	}
}

// settledNow waits until no job in the outbox is due by now or being
// retried, and a second more, so that a second post, were there one,
// would have been made. Jobs planned for later (claim SLAs, notices held
// for business hours) may stay.
func settledNow(t *testing.T, db *postgres.DB, now func() time.Time) {
	t.Helper()
	waitFor(t, 30*time.Second, "the outbox to empty", func() bool {
		var left int
		err := db.Pool().QueryRow(context.Background(), `SELECT count(*) FROM jobs WHERE next_ns <= $1 OR (data->>'attempts')::int > 0`,
			now().UnixNano()).Scan(&left)
		return err == nil && left == 0
	})
	time.Sleep(time.Second)
}
