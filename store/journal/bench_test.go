package journal

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// BenchmarkAppend appends 1 KiB records one at a time, each its own batch
// with its own fdatasync, as an acknowledgement at a low rate does, to
// two journals in turn: one whose segment grows as it is written and one
// whose segment is zero-filled. Taking turns puts both under the same
// load from the disk's other users, which moves the times more than
// anything here. It reports the percentiles of each journal's appends;
// ns/op is the pair's.
//
//	go test ./store/journal -run '^$' -bench Append -benchtime 2000x
func BenchmarkAppend(b *testing.B) {
	rec := bytes.Repeat([]byte("x"), 1024)
	size := int64(b.N+1) * int64(len(rec)+32) // the run stays in one segment
	grown, _ := open(b, b.TempDir(), 0, Options{SegmentSize: size, noSpare: true})
	zeroed, _ := open(b, b.TempDir(), 0, Options{SegmentSize: size})
	took := [2][]time.Duration{make([]time.Duration, 0, b.N), make([]time.Duration, 0, b.N)}
	for i, j := range []*Journal{grown, zeroed} {
		if _, err := j.Append(rec, nil); err != nil {
			b.Fatal(err)
		}
		if j.zeroed != (i == 1) {
			b.Fatalf("journal %d: zero-filled %v", i, j.zeroed)
		}
	}
	b.ResetTimer()
	for n := range b.N {
		for k := range 2 {
			i := (n + k) % 2 // which goes first alternates too
			start := time.Now()
			if _, err := []*Journal{grown, zeroed}[i].Append(rec, nil); err != nil {
				b.Fatal(err)
			}
			took[i] = append(took[i], time.Since(start))
		}
	}
	b.StopTimer()
	for i, name := range []string{"grown", "zero-filled"} {
		reportPercentiles(b, name+"-", took[i], 50, 90, 99)
	}
}

// BenchmarkAppendParallel appends 1 KiB records from 50 goroutines at
// once, as bench/slackload's senders acknowledge, to a zero-filled
// journal: ns/op is the time per record at that concurrency, batches/op
// how many records shared a batch (and its fdatasync), and the
// percentiles are of each Append.
//
//	go test ./store/journal -run '^$' -bench AppendParallel -benchtime 20000x
func BenchmarkAppendParallel(b *testing.B) {
	const senders = 50
	rec := bytes.Repeat([]byte("x"), 1024)
	var batches atomic.Int64
	j, _ := open(b, b.TempDir(), 0, Options{Durable: func([]Record, []any) { batches.Add(1) }})
	took := make([]time.Duration, b.N)
	b.ResetTimer()
	var wg sync.WaitGroup
	for s := range senders {
		wg.Go(func() {
			for i := s; i < b.N; i += senders {
				start := time.Now()
				if _, err := j.Append(rec, nil); err != nil {
					b.Error(err)
					return
				}
				took[i] = time.Since(start)
			}
		})
	}
	wg.Wait()
	b.StopTimer()
	b.ReportMetric(float64(batches.Load())/float64(b.N), "batches/op")
	reportPercentiles(b, "", took, 50, 99)
}

// BenchmarkAppendPaced appends 1 KiB records at 500 a second, each from
// its own goroutine as serve's acknowledgements at bench/slackload's
// sustained rate, while a neighbour on the same disk writes 64 KiB and
// fsyncs another file in a loop (as the bbolt file's commits do): the
// percentiles are of each Append, the tail the neighbour's syncs make.
//
//	go test ./store/journal -run '^$' -bench AppendPaced -benchtime 3000x
func BenchmarkAppendPaced(b *testing.B) {
	const every = 2 * time.Millisecond
	dir := b.TempDir()
	rec := bytes.Repeat([]byte("x"), 1024)
	var batches atomic.Int64
	j, _ := open(b, dir, 0, Options{Durable: func([]Record, []any) { batches.Add(1) }})
	stop := make(chan struct{})
	var neighbour sync.WaitGroup
	neighbour.Go(func() {
		f, err := os.Create(filepath.Join(dir, "neighbour"))
		if err != nil {
			b.Error(err)
			return
		}
		defer f.Close()
		page := bytes.Repeat([]byte("n"), 64<<10)
		for off := int64(0); ; off = (off + int64(len(page))) % (16 << 20) {
			select {
			case <-stop:
				return
			default:
			}
			if _, err := f.WriteAt(page, off); err != nil {
				b.Error(err)
				return
			}
			if err := f.Sync(); err != nil {
				b.Error(err)
				return
			}
		}
	})
	took := make([]time.Duration, b.N)
	b.ResetTimer()
	var wg sync.WaitGroup
	tick := time.NewTicker(every)
	for i := range b.N {
		<-tick.C
		wg.Go(func() {
			start := time.Now()
			if _, err := j.Append(rec, nil); err != nil {
				b.Error(err)
			}
			took[i] = time.Since(start)
		})
	}
	wg.Wait()
	b.StopTimer()
	tick.Stop()
	close(stop)
	neighbour.Wait()
	b.ReportMetric(float64(batches.Load())/float64(b.N), "batches/op")
	reportPercentiles(b, "", took, 50, 90, 99)
}

// reportPercentiles sorts took and reports each percentile of it in
// microseconds, as the metric prefix + "pNN-µs".
func reportPercentiles(b *testing.B, prefix string, took []time.Duration, percentiles ...int) {
	slices.Sort(took)
	for _, p := range percentiles {
		b.ReportMetric(float64(took[len(took)*p/100].Microseconds()), prefix+"p"+strconv.Itoa(p)+"-µs")
	}
}
