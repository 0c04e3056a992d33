// Package synthtext makes synthetic request texts: bench/learn's, a few
// topic words among filler words drawn from a Zipf distribution, which
// gives real text's long tail of rare words, and bench/slackload's, a
// dozen asks about a dozen tables (DataHelp). learn's benchmarks use the
// same texts, so that a lookup's cost on them shows in `go test -bench`.
package synthtext

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
)

// Topic is a kind of request: the words that make it what it is and the
// labels people gave it.
type Topic struct {
	Words    []string
	Urgency  string
	Category string
}

// Topics are the kinds of request the synthetic history holds.
var Topics = []Topic{
	{strings.Fields("down outage 500 errors checkout site unreachable alerts paging"), "P1", "incident"},
	{strings.Fields("access permission grant role vpn sso okta login account"), "P3", "access"},
	{strings.Fields("deploy pipeline build failing ci stuck rollout release"), "P2", "deploy"},
	{strings.Fields("dns certificate cert expired renew domain record tls"), "P2", "infra_change"},
	{strings.Fields("disk capacity full quota scale memory cpu node"), "P2", "infra_change"},
	{strings.Fields("vulnerability cve leaked secret token rotate exposed"), "P1", "security"},
	{strings.Fields("how where docs question wondering explain"), "P4", "question"},
}

// vocab is filler vocabulary.
var vocab = func() []string {
	base := strings.Fields(`service team staging production cluster database api user customer job queue
		region bucket table index dashboard metric log alert config repo branch image container pod
		namespace gateway proxy cache worker cron backup restore migration schema report invoice payment`)
	out := append([]string(nil), base...)
	for i := range 30000 {
		out = append(out, fmt.Sprintf("w%x", i*2654435761%1000003))
	}
	return out
}()

// Zipf returns the draw over the filler vocabulary that Text takes.
func Zipf(r *rand.Rand) *rand.Zipf {
	return rand.NewZipf(r, 1.1, 2, uint64(len(vocab)-1))
}

// Text returns a synthetic request of topic t: a few topic words among
// filler words.
func Text(r *rand.Rand, z *rand.Zipf, t int) string {
	n := 8 + r.IntN(30)
	ws := make([]string, 0, n+3)
	for range n {
		if r.IntN(5) == 0 {
			ws = append(ws, Topics[t].Words[r.IntN(len(Topics[t].Words))])
		} else {
			ws = append(ws, vocab[z.Uint64()])
		}
	}
	return strings.Join(ws, " ")
}

// What people ask #data-help in bench/slackload, filled in from the lists
// below, so that the classifier takes different paths through the data
// team's rules.
var (
	asks = []string{
		"the %s dashboard shows stale numbers since this morning",
		"please grant me read access to the %s schema in the warehouse",
		"dbt model %s fails its source freshness test",
		"can someone add a new column to %s for the quarterly report",
		"airflow dag %s needs a backfill from last Monday",
		"how do I find which table holds %s",
		"need a looker chart of %s by region for the board deck",
		"dag failed overnight: %s did not load",
		"the numbers in %s look off compared to finance",
		"could we schedule %s to refresh hourly instead of daily",
		"what does the status field in %s mean",
		"requesting a role for %s so our team can query it",
	}
	subjects = []string{
		"orders_daily", "revenue_by_plan", "active_users", "churn_cohorts", "marketing_spend",
		"support_tickets", "inventory_levels", "signup_funnel", "payments_ledger", "trial_conversions",
		"nps_responses", "shipping_times", "ad_attribution",
	}
)

// DataHelp returns bench/slackload's message n: a different ask or
// subject for neighbouring n, and n itself so that no two texts are
// equal.
func DataHelp(n int64) string {
	ask := asks[n%int64(len(asks))]
	subject := subjects[(n/int64(len(asks)))%int64(len(subjects))]
	return fmt.Sprintf(ask, subject) + " (ref " + strconv.FormatInt(n, 10) + ")"
}
