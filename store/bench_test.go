package store

import (
	"fmt"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sprintguard/sprintguard/classifier"
	"github.com/sprintguard/sprintguard/sprint"
	"github.com/sprintguard/sprintguard/triage"
)

var benchTeams = []string{"platform", "data", "security", "network", "sre"}

// realisticRequest is about the size of a production request: a summary,
// a paragraph of details, a decision and a few events (about 1.3 KB of JSON).
func realisticRequest(id int64, team string, created time.Time) *triage.Request {
	r := testRequest(id, team, created)
	r.Channel, r.ChannelName, r.TS = "C0ABCDEF12", "platform-help", fmt.Sprintf("%d.%06d", created.Unix(), id%1000000)
	r.UserName, r.RequesterTeam = "jane.doe", "payments"
	r.Summary = "Deploy pipeline blocked: staging cluster rejects new image pull secret"
	r.Details = "Since this morning every deploy of payments-api to staging fails at the image pull step " +
		"with 'unauthorized: authentication required'. We rotated the registry token yesterday. " +
		"Release is planned for Thursday, so we need this fixed before Wednesday evening."
	r.Type, r.Impact = "deploy", "my team"
	r.Decision = classifier.Decision{Urgency: classifier.P2, Category: "deploy", Rule: "deploy-blocked",
		Matched: []string{"blocked", "deploy"}, Labels: []string{"deploy", "staging"}}
	r.Urgency, r.Estimate, r.Sprint, r.SprintStart = classifier.P2, 2, 42, created.Truncate(14*24*time.Hour)
	r.Assignee, r.Ticket = "U0ONCALL1", triage.Ticket{Key: fmt.Sprintf("REQ-%d", id), URL: fmt.Sprintf("https://jira.example.com/browse/REQ-%d", id)}
	r.Events = []triage.Event{
		{At: created, Kind: "received", Actor: "U1", Detail: "channel"},
		{At: created, Kind: "classified", Detail: "P2 because rule `deploy-blocked` matched 'blocked' and 'deploy'"},
		{At: created, Kind: "assigned", Detail: "U0ONCALL1"},
		{At: created.Add(time.Second), Kind: "ticketed", Detail: r.Ticket.Key},
	}
	return r
}

// BenchmarkIntakeTx measures one intake transaction as triage runs it:
// dedupe claim, message lookup, duplicate scan, id, request and two jobs.
// Requests arrive every two minutes, so the 30-minute duplicate window a
// busy team's intake scans holds 15 of them.
func BenchmarkIntakeTx(b *testing.B) {
	for _, noSync := range []bool{true, false} {
		b.Run(fmt.Sprintf("nosync=%v", noSync), func(b *testing.B) {
			at := t0
			db := openTest(b, Options{NoSync: noSync, Now: func() time.Time { return at }})
			i := 0
			for b.Loop() {
				i++
				at = at.Add(2 * time.Minute)
				err := db.Update(func(tx triage.Tx) error {
					if _, _, err := tx.Claim(fmt.Sprintf("event:Ev%d", i), "", at, at.Add(time.Hour)); err != nil {
						return err
					}
					if _, err := tx.RequestByMessage("C0ABCDEF12", fmt.Sprint(i)); err == nil {
						return fmt.Errorf("message %d already seen", i)
					}
					if err := tx.Requests("platform", at.Add(-30*time.Minute), at, func(*triage.Request) error { return nil }); err != nil {
						return err
					}
					id, err := tx.NextRequestID()
					if err != nil {
						return err
					}
					if err := tx.PutRequest(realisticRequest(id, "platform", at)); err != nil {
						return err
					}
					for _, key := range []string{"ticket.create:%d", "notify:oncall:%d"} {
						if _, err := tx.Enqueue(job(fmt.Sprintf(key, id), at)); err != nil {
							return err
						}
					}
					return nil
				})
				if err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkRequestsRange reads one week out of two years of requests
// (250,000 across five teams), as the weekly report does.
func BenchmarkRequestsRange(b *testing.B) {
	const total, perTx = 250_000, 10_000
	span := 2 * 365 * 24 * time.Hour
	step := span / total
	start := t0.Add(-span)
	db := openAt(b, filepath.Join(b.TempDir(), "big.db"), Options{NoSync: true})
	for first := int64(1); first <= total; first += perTx {
		err := db.Update(func(tx triage.Tx) error {
			for id := first; id < first+perTx; id++ {
				team := benchTeams[id%int64(len(benchTeams))]
				r := realisticRequest(id, team, start.Add(time.Duration(id)*step))
				if id%50 != 0 {
					r.Status = triage.StatusResolved
				}
				if err := tx.PutRequest(r); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	weekStart := t0.Add(-30 * 24 * time.Hour)
	for _, team := range []string{"platform", ""} {
		b.Run("team="+team, func(b *testing.B) {
			n := 0
			for b.Loop() {
				n = 0
				err := db.View(func(tx triage.Tx) error {
					return tx.Requests(team, weekStart, weekStart.Add(7*24*time.Hour), func(*triage.Request) error {
						n++
						return nil
					})
				})
				if err != nil {
					b.Fatal(err)
				}
			}
			if n == 0 {
				b.Fatal("the window holds no requests")
			}
			b.ReportMetric(float64(n), "requests/op")
		})
	}
}

// BenchmarkIntakeParallel runs intake-sized transactions (a dedupe claim,
// a request with its indexes, a charge to the sprint's ledger, two jobs)
// from 50 goroutines with fsync on, as the bot's processors do under a
// burst: what group commit is for. The ledger already holds 20,000
// charges, as a busy sprint's does after a burst.
func BenchmarkIntakeParallel(b *testing.B) {
	db := openTest(b, Options{Now: func() time.Time { return t0 }})
	err := db.Update(func(tx triage.Tx) error {
		l := sprint.NewLedger("platform", 42, sprint.Budget{Capacity: 1e6, Fraction: 1})
		for i := range 20_000 {
			l.Reserve(fmt.Sprint("old", i), 1, t0)
		}
		return tx.PutLedger(l)
	})
	if err != nil {
		b.Fatal(err)
	}
	var next atomic.Int64
	b.SetParallelism(25) // 2 cores x 25 = 50 writers
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := next.Add(1)
			err := db.Update(func(tx triage.Tx) error {
				if _, fresh, err := tx.Claim(fmt.Sprintf("event:Ev%d", i), "", t0, t0.Add(time.Hour)); err != nil || !fresh {
					return fmt.Errorf("claim %d: fresh %v, %v", i, fresh, err)
				}
				id, err := tx.NextRequestID()
				if err != nil {
					return err
				}
				if err := tx.PutRequest(realisticRequest(id, "platform", t0)); err != nil {
					return err
				}
				// Intake reads only its own charge where the store can.
				var l *sprint.Ledger
				if p, ok := tx.(interface {
					LedgerFor(string, int, ...string) (*sprint.Ledger, error)
				}); ok {
					l, err = p.LedgerFor("platform", 42, fmt.Sprint(id))
				} else {
					l, err = tx.Ledger("platform", 42)
				}
				if err != nil {
					return err
				}
				l.Reserve(fmt.Sprint(id), 2, t0)
				if err := tx.PutLedger(l); err != nil {
					return err
				}
				for _, key := range []string{"ticket.create:%d", "notify:oncall:%d"} {
					if _, err := tx.Enqueue(job(fmt.Sprintf(key, id), t0)); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				b.Fatal(err)
			}
		}
	})
}
