package report_test

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/sprintguard/sprintguard/classifier"
	"github.com/sprintguard/sprintguard/report"
	"github.com/sprintguard/sprintguard/sprint"
	"github.com/sprintguard/sprintguard/store"
	"github.com/sprintguard/sprintguard/triage"
)

// BenchmarkReportFromStore is `sprintguard report` for one team on a store
// holding n requests of two teams spread over two years: Load then Compute
// of the last week. Only the trend's 8 weeks are read, so the time follows
// the requests in that window, not the history.
func BenchmarkReportFromStore(b *testing.B) {
	loc, _ := time.LoadLocation("America/Chicago")
	team := &triage.Team{Name: "platform", Location: loc,
		Calendar: sprint.Calendar{Start: time.Date(2026, 1, 5, 0, 0, 0, 0, loc), LengthDays: 14, Location: loc},
		Budget:   sprint.Budget{Capacity: 60, Fraction: 0.2, Unit: "points"}}
	end := time.Date(2026, 11, 23, 0, 0, 0, 0, loc)
	week := report.WeekOf(end.Add(-time.Hour), loc)
	for _, n := range []int{25_000, 100_000, 250_000} {
		b.Run(fmt.Sprintf("requests=%d", n), func(b *testing.B) {
			db, err := store.Open(filepath.Join(b.TempDir(), "sg.db"), store.Options{NoSync: true})
			if err != nil {
				b.Fatal(err)
			}
			defer db.Close()
			span := 2 * 365 * 24 * time.Hour
			from := end.Add(-span)
			const chunk = 10_000
			for i := 0; i < n; i += chunk {
				if err := db.Update(func(tx triage.Tx) error {
					for j := i; j < min(i+chunk, n); j++ {
						at := from.Add(time.Duration(float64(span) * float64(j) / float64(n)))
						u := classifier.Urgency(1 + j%4)
						r := &triage.Request{ID: int64(j + 1), Team: []string{"platform", "data"}[j%2],
							User: fmt.Sprintf("U%03d", j%300), Summary: "please help", CreatedAt: at, Urgency: u,
							Outcome: triage.Accepted, Status: triage.StatusResolved, Estimate: 1, Sprint: team.Calendar.At(at).N,
							AckedAt: at.Add(20 * time.Minute), ResolvedAt: at.Add(3 * time.Hour),
							Decision: classifier.Decision{Urgency: u, Rule: "r", Category: "access",
								SLA: classifier.SLA{Ack: 15 * time.Minute, Resolve: 8 * time.Hour}}}
						if err := tx.PutRequest(r); err != nil {
							return err
						}
					}
					return nil
				}); err != nil {
					b.Fatal(err)
				}
			}
			b.ResetTimer()
			reqs := 0
			for b.Loop() {
				d, err := report.Load(db, team, week, end)
				if err != nil {
					b.Fatal(err)
				}
				reqs = len(d.Requests)
				if w := report.Compute(d); w.ThisWeek.Requests == 0 {
					b.Fatal("empty report")
				}
			}
			b.ReportMetric(float64(reqs), "requests-read/op")
		})
	}
}
