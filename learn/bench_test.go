package learn

import (
	"fmt"
	"math/rand/v2"
	"syscall"
	"testing"
	"time"

	"github.com/sprintguard/sprintguard/classifier"
	"github.com/sprintguard/sprintguard/config"
	"github.com/sprintguard/sprintguard/examples"
	"github.com/sprintguard/sprintguard/internal/app"
)

// exampleRules compiles the shared rules of the example configuration, the
// rules a team starts from.
func exampleRules(tb testing.TB) *classifier.Set {
	tb.Helper()
	cfg, err := config.Parse("sprintguard.yaml", examples.Config, func(string) string { return "" })
	if err != nil {
		tb.Fatal(err)
	}
	st, err := app.Settings(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	return st.Teams[0].Rules
}

// benchPhrases are request shapes written for the benchmark, with a slot
// for a system name; the labels are what a person would say.
var benchPhrases = []struct {
	text     string
	urgency  classifier.Urgency
	category string
}{
	{"%s is down for everyone, customers are seeing 502s", classifier.P1, "incident"},
	{"all builds on %s have been failing since yesterday, nobody can merge", classifier.P2, "deploy"},
	{"could someone give me read access to %s? my manager approved it", classifier.P3, "access"},
	{"how do I rotate the api key for %s?", classifier.P4, "question"},
	{"we need a new DNS record for %s pointing at the load balancer", classifier.P3, "infra_change"},
	{"I accidentally pushed a token for %s to a public repo, please revoke it", classifier.P1, "security"},
	{"the TLS certificate of %s expires on Friday", classifier.P3, "infra_change"},
	{"small docs nit on the %s onboarding page", classifier.P4, "other"},
	{"deploys of %s are stuck in the pipeline:\n```\n2026-03-07 14:02:11 INFO server shutting down\n```", classifier.P2, "deploy"},
	{"see <https://status.example.com/%s/down|the status page>, is that expected?", classifier.P4, "question"},
}

var benchSystems = []string{"billing-api", "checkout", "the VPN", "grafana", "prod db", "the staging cluster", "jenkins", "artifactory"}

// BenchmarkEvaluate100k scores the example rules on 100,000 labelled
// requests; the target is under 2 s per run.
func BenchmarkEvaluate100k(b *testing.B) {
	rules := exampleRules(b)
	rng := rand.New(rand.NewPCG(1, 2))
	exs := make([]Example, 100_000)
	for i := range exs {
		p := benchPhrases[rng.IntN(len(benchPhrases))]
		exs[i] = Example{
			ID:      fmt.Sprintf("bench-%d", i),
			Input:   classifier.Input{Summary: fmt.Sprintf(p.text, benchSystems[rng.IntN(len(benchSystems))]), BusinessHours: true},
			Urgency: p.urgency, Category: p.category,
		}
	}
	c0 := cpuTime()
	for b.Loop() {
		res := Evaluate(rules, exs)
		if res.N != len(exs) {
			b.Fatalf("N = %d", res.N)
		}
	}
	// On a shared machine the wall time says more about the neighbours
	// than about the code: the CPU time, over both cores, is reported too.
	b.ReportMetric((cpuTime()-c0).Seconds()/float64(b.N), "cpu-s/op")
}

// cpuTime is the CPU time the process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
