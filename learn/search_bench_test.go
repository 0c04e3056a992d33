package learn

import (
	"fmt"
	"testing"
)

// searchAsks and searchSubjects make request texts shaped like
// bench/slackload's: a dozen asks about a dozen tables, each with a number
// of its own, so that every lookup reads long posting lists.
var (
	searchAsks = []string{
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
	searchSubjects = []string{
		"orders_daily", "revenue_by_plan", "active_users", "churn_cohorts", "marketing_spend",
		"support_tickets", "inventory_levels", "signup_funnel", "payments_ledger", "trial_conversions",
		"nps_responses", "shipping_times", "ad_attribution",
	}
)

func searchText(n int) string {
	ask := searchAsks[n%len(searchAsks)]
	subject := searchSubjects[(n/len(searchAsks))%len(searchSubjects)]
	return fmt.Sprintf(ask, subject) + fmt.Sprintf(" (ref %d)", n)
}

// BenchmarkSearch looks up, in an index of 80,000 requests, a request just
// added, as Finder.Find does for each new request.
func BenchmarkSearch(b *testing.B) {
	const size = 80_000
	x := NewIndex()
	for i := range size {
		x.Add(int64(i+1), searchText(i))
	}
	n := 0
	for b.Loop() {
		i := n % size
		n++
		if hits := x.Search(searchText(i), Considered+1, int64(i+1)); len(hits) == 0 {
			b.Fatal("no hits")
		}
	}
}
