// Package replay backtests sprintguard on a Slack workspace export: every
// request in an intake channel goes through the whole pipeline in simulated
// time, against a throw-away store and the local tracker.
package replay

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"

	"github.com/sprintguard/sprintguard/slackexport"
	"github.com/sprintguard/sprintguard/store"
	"github.com/sprintguard/sprintguard/store/memory"
	"github.com/sprintguard/sprintguard/tracker/local"
	"github.com/sprintguard/sprintguard/triage"
)

// drainEvery is how much simulated time passes between outbox rounds:
// tickets are made within a simulated minute, and the store sees far fewer
// transactions than one round per message would cost.
const drainEvery = time.Minute

// sessionCommitEvery is how many changes the replay's store session
// commits at a time.
const sessionCommitEvery = 4096

// Options configures a replay.
type Options struct {
	Settings *triage.Settings
	// DB, when set, is a new bbolt file the replay writes through the
	// durable store, as serve would, for opening later (`--db FILE`). Empty
	// means the compact path: the state lives in memory and is gone at the
	// end. Both make the same decisions and the same report.
	DB string
	// Keep, when set, says which requests the result keeps whole in
	// TeamResult.Labelled (those a labels file names); the rest are
	// counted and let go.
	Keep func(*triage.Request) bool
	// Named, when set, says which messages (by channel id and name, and
	// ts) the result keeps the skip reason of (see Result.SkipReason):
	// those a labels file names, so that a label matching no request can
	// say why.
	Named func(channel, channelName, ts string) bool
}

// Result is everything a replay learned.
type Result struct {
	Messages int            // every message read
	Skipped  map[string]int // messages not turned into requests, by reason
	Problems []slackexport.Problem
	Teams    []*TeamResult
	First    time.Time
	Last     time.Time
	// Labels is how each team's rules agreed with a labels file beside
	// the export; the caller fills it (see LabelScore).
	Labels []LabelScore

	// why is the skip reason of each message Options.Named names that
	// made no request of its own.
	why map[msgKey]string

	// evicted counts the requests let go during the run, and reran says
	// the in-memory run started over keeping them all; for tests.
	evicted int
	reran   bool
}

// Run replays exp. The same export and settings always give the same result.
func Run(ctx context.Context, exp *slackexport.Export, opt Options) (*Result, error) {
	if opt.DB == "" {
		res, err := runInMemory(ctx, exp, opt, true)
		if errors.Is(err, memory.ErrEvicted) {
			// The export went against what eviction relies on (a thread
			// got more replies than its reply_count said, or a message
			// came out of time order): start over keeping every request,
			// which gives the answer it must.
			if res, err = runInMemory(ctx, exp, opt, false); res != nil {
				res.reran = true
			}
		}
		return res, err
	}
	sim := newSimulation(exp, opt)
	// A replay's requests must not mix with a live store's.
	if _, err := os.Stat(opt.DB); err == nil {
		return nil, fmt.Errorf("replay: %s exists; give --db a new file", opt.DB)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("replay: %w", err)
	}
	db, err := store.Open(opt.DB, store.Options{NoSync: true, Now: sim.now})
	if err != nil {
		return nil, fmt.Errorf("replay: %w", err)
	}
	defer db.Close()
	// One long transaction, committed every few thousand changes: the
	// replay owns its store, and per-change commits would cost more than
	// the changes.
	ses := db.Session(sessionCommitEvery)
	defer ses.Close()
	if err := sim.run(ctx, ses, ses); err != nil {
		return nil, err
	}
	if err := ses.Close(); err != nil {
		return nil, fmt.Errorf("replay: %w", err)
	}
	// The reports read every request once: straight from the file, past
	// the session's cache, which would only copy them.
	return sim.res, sim.collect(db)
}

func newSimulation(exp *slackexport.Export, opt Options) *simulation {
	return &simulation{exp: exp, settings: opt.Settings, keep: opt.Keep, named: opt.Named, res: &Result{Skipped: map[string]int{}, why: map[msgKey]string{}},
		requests: map[msgKey]asked{}, waiting: map[int64]int{}, builds: map[string]*teamBuild{}}
}

// runInMemory replays exp into a store/memory store. With evict, each
// request is counted into the reports and dropped from the store as soon
// as nothing can read or change it any more (see evict), so that memory
// holds the requests still in play, not the whole history.
func runInMemory(ctx context.Context, exp *slackexport.Export, opt Options, evict bool) (*Result, error) {
	sim := newSimulation(exp, opt)
	mem := memory.New(sim.now, store.DefaultDedupeTTL)
	if evict {
		sim.mem = mem
		for _, t := range opt.Settings.Teams {
			sim.dupWindow = max(sim.dupWindow, t.DuplicateWindow)
		}
		sim.count = newCounter()
		defer sim.count.wait()
	}
	if err := sim.run(ctx, mem, mem); err != nil {
		return nil, err
	}
	return sim.res, sim.collect(mem)
}

// run drives every message of the export through the service over st,
// with tickets kept in tickets, and drains the outbox at the end.
func (s *simulation) run(ctx context.Context, st triage.Store, tickets local.Store) error {
	s.svc = triage.NewService(st, s.settings, s.now)
	s.svc.Silent = true // no Slack to tell: the backtest only counts
	tr := local.New(tickets, "REQ", "").WithClock(s.now)
	// As serve does with local tickets: each is made in its request's
	// intake transaction, not by an outbox job a drain later.
	s.svc.Inline = tr
	handlers := s.svc.TicketHandlers(tr, nil)
	s.worker = &triage.Worker{Store: st, Handlers: handlers, Now: s.now, Batch: 512}

	problems, err := walkAhead(ctx, s.exp, s.prepare, s.message)
	s.res.Problems = append(problems, s.unread()...)
	if err != nil {
		return fmt.Errorf("replay: %w", err)
	}
	// Let every queued ticket land before reporting.
	s.clock = s.clock.Add(drainEvery)
	return s.drain(ctx)
}

type simulation struct {
	exp       *slackexport.Export
	settings  *triage.Settings
	svc       *triage.Service
	worker    *triage.Worker
	res       *Result
	keep      func(*triage.Request) bool
	named     func(channel, channelName, ts string) bool
	clock     time.Time
	lastDrain time.Time
	// requests maps a request's message (channel and ts) to its id, so
	// that replies in its thread can acknowledge and resolve it.
	requests map[msgKey]asked
	// waiting counts the thread replies still to come to each request,
	// from its message's reply_count.
	waiting map[int64]int
	builds  map[string]*teamBuild
	// mem, when set, is the store evict drops finished requests from;
	// dupWindow is the longest duplicate window, in which intake reads
	// a requester's recent requests.
	mem       *memory.Store
	dupWindow time.Duration
	// count builds the reports of what evict hands it; set with mem.
	count *counter
	// evictedTo is when the latest evicted request was made: the store
	// no longer finds those by message, so no message as old may come.
	evictedTo time.Time
}

type msgKey struct{ channel, ts string }

// asked is a request made from a message: its id and the team that has it.
type asked struct {
	id   int64
	team string
}

// build returns the team's counting builder.
func (s *simulation) build(team *triage.Team) *teamBuild {
	b := s.builds[team.Name]
	if b == nil {
		b = newTeamBuild(s.res, team, s.keep)
		s.builds[team.Name] = b
	}
	return b
}

// evict hands each team's finished requests to its builder and drops them
// from the store: those older than any duplicate window, whose thread has
// had all the replies its reply_count announced, and with no job queued.
// A read of a dropped one fails with memory.ErrEvicted, so a wrong guess
// (an export whose reply_count undercounts) costs a second run, never a
// different answer.
func (s *simulation) evict() {
	if s.mem == nil {
		return
	}
	before := s.clock.Add(-s.dupWindow)
	done := func(r *triage.Request) bool { return r.CreatedAt.Before(before) && s.waiting[r.ID] == 0 }
	for _, team := range s.settings.Teams {
		b := s.build(team)
		s.res.evicted += s.mem.Evict(team.Name, done, func(r *triage.Request) {
			if r.CreatedAt.After(s.evictedTo) {
				s.evictedTo = r.CreatedAt
			}
			s.count.add(b, r)
		})
	}
	s.mem.Forget()
}

func (s *simulation) now() time.Time { return s.clock }

// skipped counts m as making no request for reason, and keeps the reason
// (keepWhy).
func (s *simulation) skipped(m *slackexport.Message, reason string) {
	s.res.Skipped[reason]++
	s.keepWhy(m, reason)
}

// keepWhy keeps why m made no request of its own, for SkipReason, when
// Options.Named names m.
func (s *simulation) keepWhy(m *slackexport.Message, reason string) {
	if s.named != nil && s.named(m.Channel, m.ChannelName, m.TS) {
		s.res.why[msgKey{m.Channel, m.TS}] = reason
	}
}

// SkipReason is why the replay made no request of the message at ts in
// the channel of that id, as Result.Skipped counts it ("team member",
// "bot message", "thread reply"), or "" when the message made one or
// Options.Named did not name it.
func (r *Result) SkipReason(channel, ts string) string {
	return r.why[msgKey{channel, ts}]
}

func (s *simulation) message(ctx context.Context, p *prepared) error {
	m := &p.m
	s.res.Messages++
	if m.Time.After(s.clock) {
		s.clock = m.Time
	}
	if s.res.First.IsZero() {
		s.res.First = m.Time
	}
	s.res.Last = m.Time
	if s.clock.Sub(s.lastDrain) >= drainEvery {
		if err := s.drain(ctx); err != nil {
			return err
		}
	}
	if s.mem != nil && (!m.IsThreadReply() || p.in.Team != "") && !m.Time.After(s.evictedTo) && !s.evictedTo.IsZero() {
		// Out of time order: it might repeat an evicted request's message.
		return fmt.Errorf("replay %s %s: a message older than the requests let go: %w", m.File, m.TS, memory.ErrEvicted)
	}
	if m.IsThreadReply() {
		if err := s.reply(ctx, p); err != nil || p.in.Team == "" {
			return err
		}
	} else if p.skip != "" {
		s.skipped(m, p.skip)
		return nil
	}
	res, err := s.svc.Intake(ctx, p.in)
	if err != nil {
		return fmt.Errorf("replay %s %s: %w", m.File, m.TS, err)
	}
	if res.Duplicate {
		s.keepWhy(m, fmt.Sprintf("a duplicate of the requester's request at ts %s", res.Request.TS))
	}
	s.requests[msgKey{m.Channel, m.TS}] = asked{res.Request.ID, res.Request.Team}
	if m.ReplyCount > 0 {
		s.waiting[res.Request.ID] += m.ReplyCount
	}
	return nil
}

// unread names each intake channel the export holds no messages of: a
// replay that counts none of a team's requests must say why.
func (s *simulation) unread() []slackexport.Problem {
	var out []slackexport.Problem
	for _, t := range s.settings.Teams {
		for _, c := range t.IntakeChannels {
			if s.exp.Folder(c) == "" {
				out = append(out, slackexport.Problem{File: c,
					Msg: fmt.Sprintf("team %s's intake channel has no folder in the export (channels.json and groups.json list it with none, or not at all): none of its requests are counted", t.Name)})
			}
		}
	}
	return out
}

func (s *simulation) drain(ctx context.Context) error {
	s.lastDrain = s.clock
	for {
		n, err := s.worker.RunOnce(ctx)
		if err != nil {
			return fmt.Errorf("replay: drain outbox: %w", err)
		}
		if n == 0 {
			s.evict()
			return nil
		}
	}
}
