package exportgen

import (
	"cmp"
	"fmt"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"time"
)

// kind flags classify a message for Stats.
type kind uint16

const (
	kHuman kind = 1 << iota // top-level, written by a person
	kIntake
	kRequest
	kReply
	kBroadcast
	kJoin
	kBot
	kChanged
	kOptOut
)

// reserve claims a timestamp in channel ch at or just after t, so every ts
// is unique per channel. It fails when t falls outside the export's range.
func (g *generator) reserve(ch int, t time.Time) (int64, string, bool) {
	at := t.UnixMicro()
	if at < g.start.UnixMicro() {
		return 0, "", false
	}
	for g.used[ch][at] {
		at++
	}
	if at >= g.end.UnixMicro() {
		return 0, "", false
	}
	g.used[ch][at] = true
	return at, formatTS(at), true
}

func formatTS(micros int64) string {
	return fmt.Sprintf("%d.%06d", micros/1e6, micros%1e6)
}

// add queues a message for its day file and counts it.
func (g *generator) add(ch int, at int64, msg *wireMessage, k kind) {
	day := int((at - g.start.UnixMicro()) / (24 * int64(time.Hour/time.Microsecond)))
	g.pending[day] = append(g.pending[day], item{ch: ch, at: at, msg: msg})
	s := &g.stats
	s.Messages++
	s.Channels[ch].Messages++
	flags := []struct {
		k kind
		n *int
	}{
		{kHuman, &s.TopLevelHuman}, {kHuman | kIntake, &s.IntakeTopLevelHuman},
		{kRequest, &s.Requests}, {kReply, &s.ThreadReplies}, {kBroadcast, &s.Broadcasts},
		{kJoin, &s.Joins}, {kBot, &s.BotMessages}, {kChanged, &s.Changed}, {kOptOut, &s.OptOuts},
	}
	for _, f := range flags {
		if k&f.k == f.k {
			*f.n++
		}
	}
}

// flushThrough hands every day up to and including last to the writer.
func (g *generator) flushThrough(last int) {
	for day := g.nextFlush; day <= last; day++ {
		items, ok := g.pending[day]
		if !ok {
			continue
		}
		delete(g.pending, day)
		slices.SortFunc(items, func(a, b item) int {
			return cmp.Or(cmp.Compare(a.ch, b.ch), cmp.Compare(a.at, b.at))
		})
		date := g.start.AddDate(0, 0, day).Format(time.DateOnly)
		for i := 0; i < len(items); {
			j := i
			msgs := []*wireMessage{}
			for ; j < len(items) && items[j].ch == items[i].ch; j++ {
				msgs = append(msgs, items[j].msg)
				delete(g.used[items[j].ch], items[j].at)
			}
			g.writer.write(filepath.Join(channelDefs[items[i].ch].name, date+".json"), msgs)
			i = j
		}
	}
	g.nextFlush = max(g.nextFlush, last+1)
}

// writer encodes and writes day files on all cores while the generator
// moves on; file contents do not depend on which worker writes them.
type writer struct {
	dir   string
	jobs  chan writeJob
	wg    sync.WaitGroup
	mu    sync.Mutex
	first error
	files int
	bytes int64
}

type writeJob struct {
	name string
	msgs []*wireMessage
}

func newWriter(dir string) *writer {
	w := &writer{dir: dir, jobs: make(chan writeJob, 64)}
	for range max(1, runtime.GOMAXPROCS(0)) {
		w.wg.Add(1)
		go w.work()
	}
	return w
}

func (w *writer) work() {
	defer w.wg.Done()
	enc := newSlackEncoder()
	for job := range w.jobs {
		n, err := w.writeFile(enc, job)
		w.mu.Lock()
		if err != nil && w.first == nil {
			w.first = err
		}
		w.files++
		w.bytes += n
		w.mu.Unlock()
	}
}

func (w *writer) writeFile(enc *slackEncoder, job writeJob) (int64, error) {
	name := filepath.Join(w.dir, job.name)
	if err := mkdirAll(filepath.Dir(name)); err != nil {
		return 0, err
	}
	return writeWith(enc, name, job.msgs)
}

func (w *writer) write(name string, msgs []*wireMessage) {
	w.jobs <- writeJob{name: name, msgs: msgs}
}

func (w *writer) err() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.first
}

// close waits for the queued files and returns the first error.
func (w *writer) close() error {
	close(w.jobs)
	w.wg.Wait()
	return w.err()
}
