// Command learn measures the learning features against issue 12's bars:
// similar-request lookup over 500k stored requests (p99 under 5 ms, index
// under 200 MiB), `rules suggest` over 50k history items (under 10 s),
// both the mining alone and the whole command on a bbolt store, and the
// `rules eval` command over 100k labelled requests (under 2 s). It prints
// the figures; `make bench` runs it. Bars are reported, not enforced.
package main

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
	"slices"
	"syscall"
	"time"

	"github.com/sprintguard/sprintguard/internal/synthtext"
	"github.com/sprintguard/sprintguard/learn"
)

func main() {
	requests := flag.Int("requests", 500000, "stored requests to index")
	queries := flag.Int("queries", 2000, "lookups to time")
	history := flag.Int("history", 50000, "labelled history items for rules suggest")
	labelled := flag.Int("labelled", 100000, "labelled requests for rules eval")
	show := flag.Bool("show", false, "print what the timed rules suggest printed")
	profile := flag.String("cpuprofile", "", "write a CPU profile of rules suggest to `FILE` (go tool pprof reads it)")
	flag.Parse()
	if err := similar(*requests, *queries); err != nil {
		fmt.Fprintln(os.Stderr, "bench learn:", err)
		os.Exit(1)
	}
	if err := suggest(*history, *profile); err != nil {
		fmt.Fprintln(os.Stderr, "bench learn:", err)
		os.Exit(1)
	}
	if err := command(*history, *show); err != nil {
		fmt.Fprintln(os.Stderr, "bench learn:", err)
		os.Exit(1)
	}
	if err := evalCommand(*labelled); err != nil {
		fmt.Fprintln(os.Stderr, "bench learn:", err)
		os.Exit(1)
	}
}

// cpu returns the CPU time the process has used: on a shared machine the
// wall time says more about the neighbours than about the code.
func cpu() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func heap() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

func similar(requests, queries int) error {
	r := rand.New(rand.NewPCG(1, 2))
	z := synthtext.Zipf(r)
	before := heap()
	x := learn.NewIndex()
	start := time.Now()
	for i := range requests {
		x.Add(int64(i+1), synthtext.Text(r, z, r.IntN(len(synthtext.Topics))))
	}
	x.Compact()
	build := time.Since(start)
	size := heap() - before
	lat := make([]time.Duration, queries)
	c0 := cpu()
	for i := range lat {
		// As learn.Finder does: the new request is indexed, then looked
		// up, with its own words the rarest in the index.
		q := synthtext.Text(r, z, r.IntN(len(synthtext.Topics)))
		id := int64(requests + i + 1)
		t0 := time.Now()
		x.Add(id, q)
		hits := x.Search(q, 3, id)
		lat[i] = time.Since(t0)
		if len(hits) == 0 {
			return fmt.Errorf("lookup %d found nothing", i)
		}
	}
	spent := cpu() - c0
	slices.Sort(lat)
	pct := func(p float64) time.Duration { return lat[int(p*float64(len(lat)-1))] }
	fmt.Printf("similar: %d requests indexed in %v, index %.1f MiB (bar 200 MiB)\n", requests, build.Round(time.Millisecond), float64(size)/(1<<20))
	fmt.Printf("similar: %d lookups, p50 %v, p99 %v (bar 5ms), max %v; CPU %v a lookup on average (making the query texts included)\n",
		queries, pct(0.5), pct(0.99), lat[len(lat)-1], spent/time.Duration(queries))
	return nil
}
