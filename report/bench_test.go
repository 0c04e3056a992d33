package report

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/sprintguard/sprintguard/classifier"
	"github.com/sprintguard/sprintguard/triage"
)

// benchRequests spreads n requests evenly over the 8 weeks of the trend,
// with a realistic mix of requesters, categories, outcomes and timings.
func benchRequests(n int) []*triage.Request {
	rng := rand.New(rand.NewPCG(1, 2))
	from := addDays(w47.Start, -49)
	span := w47.End.Sub(from)
	categories := []string{"access", "deploy", "incident", "infra", "question", "cost", "security", "dns",
		"certificates", "ci", "database", "network", "monitoring", "kubernetes", ""}
	statuses := []struct {
		o triage.Outcome
		s triage.Status
	}{
		{triage.Accepted, triage.StatusResolved}, {triage.Accepted, triage.StatusResolved}, {triage.Accepted, triage.StatusOpen},
		{triage.Accepted, triage.StatusAcknowledged}, {triage.Accepted, triage.StatusDeferred}, {triage.Deferred, triage.StatusDeferred},
		{triage.NeedsApproval, triage.StatusPending}, {triage.Backlog, triage.StatusBacklog}, {triage.Accepted, triage.StatusDeclined},
	}
	reqs := make([]*triage.Request, n)
	for i := range reqs {
		at := from.Add(time.Duration(float64(span) * float64(i) / float64(n)))
		u := classifier.Urgency(1 + rng.IntN(4))
		st := statuses[rng.IntN(len(statuses))]
		who := rng.IntN(300)
		r := &triage.Request{
			ID: int64(i + 1), Team: "platform", User: fmt.Sprintf("U%04d", who), UserName: fmt.Sprintf("user%d", who),
			RequesterTeam: fmt.Sprintf("team%d", who%25), Summary: "please help", CreatedAt: at,
			Urgency: u, Outcome: st.o, Status: st.s, Estimate: float64(1 + rng.IntN(3)), TicketedBy: triage.ByRequester,
			Decision: classifier.Decision{Urgency: u, Rule: "r", Category: categories[rng.IntN(len(categories))],
				SLA: classifier.SLA{Ack: 15 * time.Minute, Resolve: 8 * time.Hour}},
			Ticket: triage.Ticket{Key: fmt.Sprintf("PLAT-%d", i+1)},
		}
		r.Sprint = testTeam().Calendar.At(at).N
		if st.s == triage.StatusResolved || st.s == triage.StatusAcknowledged {
			r.AckedAt = at.Add(time.Duration(rng.IntN(60)) * time.Minute)
		}
		if st.s == triage.StatusResolved {
			r.ResolvedAt = r.AckedAt.Add(time.Duration(rng.IntN(48*60)) * time.Minute)
			r.Actual, r.HasActual = float64(rng.IntN(4)), rng.IntN(2) == 0
		}
		if rng.IntN(10) == 0 {
			r.Claimed = classifier.P1
		}
		if rng.IntN(20) == 0 {
			r.Overrides = []triage.UrgencyChange{{At: at, From: u, To: classifier.P2}}
		}
		reqs[i] = r
	}
	return reqs
}

func BenchmarkCompute(b *testing.B) {
	for _, n := range []int{25_000, 100_000, 250_000} {
		d := Data{Team: testTeam(), Week: w47, Requests: benchRequests(n), Now: nov(23, 9, 0)}
		b.Run(fmt.Sprintf("requests=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if w := Compute(d); w.Trend[7].Requests == 0 {
					b.Fatal("no requests in the reported week")
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/request")
		})
	}
}
