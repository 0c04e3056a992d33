// Package bot is sprintguard's Slack app: the HTTP and Socket Mode
// transports, the handlers for every way a request comes in, the on-call
// buttons, App Home, and the outbox handlers that talk to Slack. Every Web
// API call goes through one Gateway.
//
// A payload from Slack takes one path whatever the transport: Receive
// answers what must be answered at once, stores the rest in the inbox
// before the acknowledgement, and processes it after, so a crash between
// the two loses nothing.
package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sprintguard/sprintguard/internal/logctx"
	"github.com/sprintguard/sprintguard/triage"
)

// Store is what the bot needs of the database: transactions, and the
// inbox that keeps deliveries between acknowledgement and processing.
type Store interface {
	triage.Store
	// Accept stores d unless its key was accepted within ttl; it reports
	// whether d was a duplicate.
	Accept(d *triage.Delivery, ttl time.Duration) (dup bool, err error)
	// PendingAfter returns up to limit stored, unprocessed deliveries
	// whose Seq is greater than after, in Seq order.
	PendingAfter(after uint64, limit int) ([]*triage.Delivery, error)
	// Done removes a processed delivery.
	Done(seq uint64) error
}

// Config holds what the bot is told at start.
type Config struct {
	// Command is the slash command, e.g. "/sg".
	Command string
	// DedupeTTL is how long delivery keys are remembered (at least 1h).
	DedupeTTL time.Duration
	// Workers is how many deliveries are processed at once (default
	// DefaultWorkers).
	Workers int
	// SweepEvery paces the forgetting of finished deliveries: one is
	// remembered for ten times it (default 5s), so that a sweep that read
	// it just before it was marked done does not run it again.
	SweepEvery time.Duration
	// OnRequest, if set, is told of every new request (for metrics).
	OnRequest func(r *triage.Request)
	// OnAck, if set, is told how long each acknowledgement took.
	OnAck func(kind string, took time.Duration)
	// NameTTL is how long reports keep a display name from users.info
	// (default NameTTL).
	NameTTL time.Duration
	// Channels is the directory of the channels the config names as
	// "#name"; nil when it names none.
	Channels *Channels
}

// Bot handles everything Slack sends. Its methods are safe for concurrent
// use once Start has been called.
type Bot struct {
	svc  *triage.Service
	db   Store
	gw   *Gateway
	log  *slog.Logger
	now  func() time.Time
	cfg  Config
	kick func()
	// names resolves requesters' display names for reports.
	names *Names

	botUser string // the bot's own user id, from auth.test

	queue    chan *triage.Delivery
	mu       sync.Mutex
	inflight map[uint64]bool
	// finished remembers recently processed deliveries, so that a sweep
	// that read the inbox just before one was marked done does not run it
	// again.
	finished map[uint64]time.Time
	pruned   time.Time
	// behind is the oldest delivery a full queue could not take (0 when
	// none) that the sweep under way will not read; behindKick wakes the
	// sweeper for it. While sweeping, the sweeper has read up to sweptTo.
	behind     uint64
	behindKick chan struct{}
	sweeping   bool
	sweptTo    uint64
	wg         sync.WaitGroup
	// acks counts the acknowledgements under way, and backedUp is when
	// one last found ackBacklog under way, by yieldNow (see Yield).
	acks     atomic.Int64
	backedUp atomic.Int64
	clock    yieldTimer // nil: the monotonic clock and real sleeps
	// lull is closed when the acknowledgements' lull ends; nil while no
	// Yield waits (see waitLull).
	lullMu sync.Mutex
	lull   chan struct{}
}

// DefaultWorkers is how many deliveries the bot processes at once unless
// told otherwise. A processor spends most of its time waiting for its
// transaction's commit, and the store's writer commits what they all wait
// for together, so the number bounds how many requests one fsync serves:
// 24 made a burst's backlog wait on the writer's fsyncs with a core idle.
// An idle processor is a parked goroutine.
const DefaultWorkers = 128

// New returns a Bot. kick wakes the outbox worker after jobs are queued;
// it may be nil.
func New(svc *triage.Service, db Store, gw *Gateway, log *slog.Logger, cfg Config, kick func()) *Bot {
	if cfg.Command == "" {
		cfg.Command = "/sg"
	}
	if cfg.DedupeTTL < time.Hour {
		cfg.DedupeTTL = time.Hour
	}
	if cfg.Workers <= 0 {
		cfg.Workers = DefaultWorkers
	}
	if cfg.SweepEvery <= 0 {
		cfg.SweepEvery = 5 * time.Second
	}
	if kick == nil {
		kick = func() {}
	}
	if cfg.OnRequest == nil {
		cfg.OnRequest = func(*triage.Request) {}
	}
	if cfg.OnAck == nil {
		cfg.OnAck = func(string, time.Duration) {}
	}
	return &Bot{svc: svc, db: db, gw: gw, log: log, now: svc.Now, cfg: cfg, kick: kick, names: NewNames(gw, cfg.NameTTL, svc.Now),
		queue: make(chan *triage.Delivery, 4096), inflight: map[uint64]bool{}, finished: map[uint64]time.Time{},
		behindKick: make(chan struct{}, 1)}
}

// SetBotUser tells the bot its own user id, so it ignores its own messages.
// Call it before Start.
func (b *Bot) SetBotUser(id string) { b.botUser = id }

// Start runs the processors until ctx ends, first replaying what a crash
// left in the inbox. Wait returns once they have stopped.
func (b *Bot) Start(ctx context.Context) {
	for range b.cfg.Workers {
		b.wg.Go(func() { b.process(ctx) })
	}
	b.wg.Go(func() { b.sweep(ctx) })
}

// Wait blocks until the processors started by Start have returned.
func (b *Bot) Wait() { b.wg.Wait() }

func (b *Bot) process(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case d := <-b.queue:
			b.Yield(ctx)
			b.handle(ctx, d)
		}
	}
}

// sweep hands the processors the deliveries in the inbox that no
// processor got: at start, every one a crash left; later, from the oldest
// one a full queue could not take on. The inbox is a queue: a sweep reads
// it in order from there, a page at a time, resuming after the last
// delivery it read, and waits for room in the processors' queue, so it
// never reads a delivery twice nor holds more than a page.
//
// A store shared by replicas (see Takeover) is also swept from its start
// every so often, for the deliveries of a replica that died.
func (b *Bot) sweep(ctx context.Context) {
	var takeover <-chan time.Time
	if t, ok := b.db.(Takeover); ok && t.TakeoverEvery() > 0 {
		tick := time.NewTicker(t.TakeoverEvery())
		defer tick.Stop()
		takeover = tick.C
	}
	from := uint64(1)
	for {
		b.sweepFrom(ctx, from)
		select {
		case <-ctx.Done():
			return
		case <-b.behindKick:
			b.mu.Lock()
			from, b.behind = b.behind, 0
			b.mu.Unlock()
		case <-takeover:
			from = 1
		}
	}
}

// Takeover is a Store shared by replicas: its PendingAfter also returns
// the deliveries of a replica whose lease on them passed, which no event
// announces, so the bot sweeps the whole inbox every TakeoverEvery.
type Takeover interface {
	TakeoverEvery() time.Duration
}

// sweepPage is how many deliveries a sweep reads at a time.
const sweepPage = 1024

// sweepFrom dispatches the stored deliveries from Seq from on, in order.
// A delivery the queue refuses meanwhile is left to it if it is ahead of
// the sweep; the last page is read once more after the sweep says it
// stopped, so that one refused just before is not missed.
func (b *Bot) sweepFrom(ctx context.Context, from uint64) {
	if from == 0 {
		return
	}
	b.setSweep(true, from-1)
	defer b.setSweep(false, 0)
	after, last := from-1, false
	for ctx.Err() == nil {
		page, err := b.db.PendingAfter(after, sweepPage)
		if err != nil {
			b.log.Error("read inbox", "err", err)
			return
		}
		for _, d := range page {
			b.dispatch(ctx, d, true)
			after = d.Seq
			b.setSweep(!last, after)
		}
		if len(page) == sweepPage {
			continue
		}
		if last {
			return
		}
		last = true
		b.setSweep(false, 0)
	}
}

func (b *Bot) setSweep(on bool, to uint64) {
	b.mu.Lock()
	b.sweeping, b.sweptTo = on, to
	b.mu.Unlock()
}

// dispatch queues d for a processor unless it is already in flight. With
// wait it blocks for room; without, a full queue leaves d to the sweeper.
func (b *Bot) dispatch(ctx context.Context, d *triage.Delivery, wait bool) {
	b.mu.Lock()
	if _, done := b.finished[d.Seq]; done || b.inflight[d.Seq] {
		b.mu.Unlock()
		return
	}
	b.inflight[d.Seq] = true
	b.mu.Unlock()
	if wait {
		select {
		case b.queue <- d:
		case <-ctx.Done():
			b.release(d.Seq)
		}
		return
	}
	select {
	case b.queue <- d:
	default:
		b.release(d.Seq)
		b.fellBehind(d.Seq)
	}
}

// fellBehind tells the sweeper that the queue could not take seq.
func (b *Bot) fellBehind(seq uint64) {
	b.mu.Lock()
	if b.sweeping && seq > b.sweptTo {
		b.mu.Unlock()
		return // the sweep under way will read it
	}
	if b.behind == 0 || seq < b.behind {
		b.behind = seq
	}
	b.mu.Unlock()
	select {
	case b.behindKick <- struct{}{}:
	default:
	}
}

func (b *Bot) release(seq uint64) {
	b.mu.Lock()
	delete(b.inflight, seq)
	b.mu.Unlock()
}

// finish marks seq processed and forgets those finished long ago.
func (b *Bot) finish(seq uint64) {
	now := time.Now()
	b.mu.Lock()
	defer b.mu.Unlock()
	b.finished[seq] = now
	// Prune once per sweep interval, not per delivery: under load the map
	// holds thousands of entries.
	if now.Sub(b.pruned) < b.cfg.SweepEvery {
		return
	}
	b.pruned = now
	for s, at := range b.finished {
		if now.Sub(at) > 10*b.cfg.SweepEvery {
			delete(b.finished, s)
		}
	}
}

// handle processes one delivery and removes it from the inbox. A failure
// is retried a few times; one that persists is logged and dropped, since a
// payload that cannot be processed would otherwise block restarts forever.
func (b *Bot) handle(ctx context.Context, d *triage.Delivery) {
	defer b.release(d.Seq)
	ctx = logctx.With(ctx, "delivery", d.Seq, "kind", d.Kind, "key", d.Key)
	// The request a delivery makes takes it out of the inbox in the same
	// transaction where the store can: a Done of its own would be one
	// more transaction a request for the store's one writer.
	fin := &finished{seq: d.Seq}
	ctx = context.WithValue(ctx, finishedKey{}, fin)
	log := b.log.With("delivery", d.Seq, "kind", d.Kind, "key", d.Key)
	var err error
	for attempt := range 3 {
		// A delivery posts too (an explanation by DM) and may be processed
		// again, after a failed try or a crash: its posts are made once as
		// an outbox job's are, keyed by the delivery. Whether an earlier
		// run posted is not known here, so a post is always looked for
		// first: one history call, on a rare path.
		run := triage.WithAttempt(ctx, &triage.Attempt{Key: "delivery:" + d.Key, Created: d.Received, Resumed: true})
		if err = b.safely(run, d); err == nil || triage.IsPermanent(err) || errors.Is(err, errHeld) || ctx.Err() != nil {
			break
		}
		time.Sleep(time.Duration(attempt+1) * 200 * time.Millisecond)
	}
	if ctx.Err() != nil {
		return // left in the inbox for the next start, unless its intake took it out
	}
	if errors.Is(err, errHeld) {
		b.hold(d.Seq)
		return
	}
	if err != nil {
		log.Error("delivery failed; dropped", "err", err)
	}
	if !fin.done {
		if err := b.db.Done(d.Seq); err != nil {
			log.Error("mark delivery done", "err", err)
			return
		}
	}
	b.finish(d.Seq)
}

// finished is what a delivery's processing tells handle: done once the
// delivery left the inbox in the transaction of the request it made.
type finished struct {
	seq  uint64
	done bool
}

type finishedKey struct{}

// finishedOf returns the delivery being processed under ctx, nil outside
// handle.
func finishedOf(ctx context.Context) *finished {
	f, _ := ctx.Value(finishedKey{}).(*finished)
	return f
}

// safely runs processDelivery, turning a panic into a permanent error so
// that one bad payload cannot stop the processors.
func (b *Bot) safely(ctx context.Context, d *triage.Delivery) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = triage.Permanent(fmt.Errorf("processing panicked: %v", p))
		}
	}()
	return b.processDelivery(ctx, d)
}

// processDelivery routes a stored delivery to its handler.
func (b *Bot) processDelivery(ctx context.Context, d *triage.Delivery) error {
	switch d.Kind {
	case KindEvent:
		return b.onEvent(ctx, d)
	case KindCommand:
		return b.onCommand(ctx, d)
	case KindInteraction:
		return b.onInteraction(ctx, d)
	}
	return triage.Permanent(triage.Errorf(triage.EINVALID, "unknown delivery kind %q", d.Kind))
}
