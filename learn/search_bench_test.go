package learn

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/sprintguard/sprintguard/internal/synthtext"
)

// searchText is request n of a long history: the benchmark's request
// shapes and systems in turn, each with a number of its own, so that every
// lookup reads long posting lists, as in bench/slackload's burst.
func searchText(n int) string {
	p := benchPhrases[n%len(benchPhrases)]
	system := benchSystems[(n/len(benchPhrases))%len(benchSystems)]
	return fmt.Sprintf(p.text, system) + fmt.Sprintf(" (ref %d)", n)
}

// BenchmarkSearch looks up, in an index of 80,000 requests, a request just
// added, as Finder.Find does for each new request.
func BenchmarkSearch(b *testing.B) {
	benchLookups(b, 80_000, searchText, func(n int) int { return n % 80_000 })
}

// benchLookups indexes size requests of text and looks up request pick(n)
// in turn, the request itself skipped, as Finder.Find does. It reports the
// CPU time, besides the wall time, as a shared machine's neighbours add
// to the latter.
func benchLookups(b *testing.B, size int, text func(int) string, pick func(n int) int) {
	x := NewIndex()
	for i := range size {
		x.Add(int64(i+1), text(i))
	}
	n := 0
	c0 := cpuTime()
	for b.Loop() {
		i := pick(n)
		n++
		if hits := x.Search(text(i), Considered+1, int64(i+1)); len(hits) != Considered+1 {
			b.Fatalf("%d hits", len(hits))
		}
	}
	b.ReportMetric(float64(cpuTime()-c0)/float64(b.N), "cpu-ns/op")
}

// repeatedAsk is request n of a team whose requests are mostly the same
// few asks about the same few things, each with a ticket number of its
// own, as bench/slackload sends them and as a help desk hears "reset my
// VPN" every day: the posting lists are long, and many requests score the
// same.
func repeatedAsk(n int) string {
	asks := []string{
		"the %s report shows yesterday's totals twice",
		"please give me write access to %s",
		"%s times out when I filter by region",
		"who owns %s and can they check the last load",
		"can we add a column for currency to %s",
		"the nightly job for %s failed again",
		"%s is missing rows since the migration",
	}
	subjects := []string{
		"sales_weekly", "refund_events", "warehouse_stock", "trial_signups", "partner_payouts",
		"session_lengths", "email_bounces", "feature_flags", "tax_rates",
	}
	ask := asks[n%len(asks)]
	subject := subjects[(n/len(asks))%len(subjects)]
	return fmt.Sprintf(ask, subject) + fmt.Sprintf(" (ticket %d)", n)
}

// BenchmarkSearchRepeatedAsks looks up, in an index of 50,000 requests of
// repeatedAsk, one of the latest, as Finder.Find does for each new
// request.
func BenchmarkSearchRepeatedAsks(b *testing.B) {
	const size, latest = 50_000, 1000
	benchLookups(b, size, repeatedAsk, func(n int) int { return size - 1 - n%latest })
}

// BenchmarkSearchZipf looks up, in an index of 500,000 of bench/learn's
// varied texts (a few topic words among Zipf-drawn filler), one of the
// latest, as Finder.Find does for each new request: the case where the
// query's lists are short and its words seldom all in the same requests,
// beside BenchmarkSearchRepeatedAsks, where they are long and often are.
func BenchmarkSearchZipf(b *testing.B) {
	const size, latest = 500_000, 1000
	r := rand.New(rand.NewPCG(1, 2))
	z := synthtext.Zipf(r)
	texts := make([]string, size)
	for i := range texts {
		texts[i] = synthtext.Text(r, z, r.IntN(len(synthtext.Topics)))
	}
	benchLookups(b, size, func(n int) string { return texts[n] }, func(n int) int { return size - 1 - n%latest })
}

// BenchmarkSearchDataHelp looks up, in an index of bench/slackload's
// messages (a dozen asks about a dozen tables, each with a number of its
// own), one of the latest 1,000, as Finder.Find does for each request of
// slackload's burst, at several sizes: a lookup's cost should not grow
// with the requests of a team that asks the same things.
func BenchmarkSearchDataHelp(b *testing.B) {
	const latest = 1000
	for _, size := range []int{6_000, 12_000, 24_000, 48_000} {
		b.Run(fmt.Sprintf("requests=%d", size), func(b *testing.B) {
			benchLookups(b, size, func(n int) string { return synthtext.DataHelp(int64(n)) },
				func(n int) int { return size - 1 - n%latest })
		})
	}
}
