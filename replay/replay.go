// Package replay backtests sprintguard on a Slack workspace export: every
// request in an intake channel goes through the whole pipeline in simulated
// time, against a throw-away store and the local tracker.
package replay

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/sprintguard/sprintguard/slackexport"
	"github.com/sprintguard/sprintguard/store"
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
	// Dir holds the throw-away store; empty means a new temporary directory,
	// removed at the end.
	Dir string
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
}

// Run replays exp. The same export and settings always give the same result.
func Run(ctx context.Context, exp *slackexport.Export, opt Options) (*Result, error) {
	dir := opt.Dir
	if dir == "" {
		tmp, err := os.MkdirTemp("", "sprintguard-replay-")
		if err != nil {
			return nil, fmt.Errorf("replay: %w", err)
		}
		defer os.RemoveAll(tmp)
		dir = tmp
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("replay: %w", err)
	}
	sim := &simulation{exp: exp, settings: opt.Settings, res: &Result{Skipped: map[string]int{}}}
	db, err := store.Open(filepath.Join(dir, "replay.db"), store.Options{NoSync: true, Now: sim.now})
	if err != nil {
		return nil, fmt.Errorf("replay: %w", err)
	}
	defer db.Close()
	// One long transaction, committed every few thousand changes: the
	// replay owns its throw-away store, and per-change commits would cost
	// more than the changes.
	ses := db.Session(sessionCommitEvery)
	defer ses.Close()

	sim.svc = triage.NewService(ses, opt.Settings, sim.now)
	sim.svc.Silent = true // no Slack to tell: the backtest only counts
	handlers := sim.svc.TicketHandlers(local.New(ses, "REQ", "").WithClock(sim.now), nil)
	sim.worker = &triage.Worker{Store: ses, Handlers: handlers, Now: sim.now, Batch: 512}

	problems, err := walkAhead(ctx, exp, sim.message)
	sim.res.Problems = problems
	if err != nil {
		return nil, fmt.Errorf("replay: %w", err)
	}
	// Let every queued ticket land before reporting.
	sim.clock = sim.clock.Add(drainEvery)
	if err := sim.drain(ctx); err != nil {
		return nil, err
	}
	if err := ses.Close(); err != nil {
		return nil, fmt.Errorf("replay: %w", err)
	}
	// The reports read every request once: straight from the file, past
	// the session's cache, which would only copy them.
	sim.store = db
	if err := sim.collect(); err != nil {
		return nil, err
	}
	return sim.res, nil
}

type simulation struct {
	exp       *slackexport.Export
	settings  *triage.Settings
	store     triage.Store
	svc       *triage.Service
	worker    *triage.Worker
	res       *Result
	clock     time.Time
	lastDrain time.Time
	// requests maps a request's message (channel and ts) to its id, so
	// that replies in its thread can acknowledge and resolve it.
	requests map[string]asked
}

// asked is a request made from a message: its id and the team that has it.
type asked struct {
	id   int64
	team string
}

func (s *simulation) now() time.Time { return s.clock }

func (s *simulation) message(ctx context.Context, m slackexport.Message) error {
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
	team := s.settings.TeamForChannel(m.Channel, m.ChannelName)
	switch {
	case m.IsThreadReply():
		return s.reply(ctx, m)
	case !s.exp.IsTopLevelHuman(m):
		s.res.Skipped[skipReason(m)]++
		return nil
	case team == nil:
		s.res.Skipped["not an intake channel"]++
		return nil
	case team.OptOut != "" && strings.HasPrefix(strings.TrimSpace(m.Text), team.OptOut):
		s.res.Skipped["opted out"]++
		return nil
	}
	summary, details := Split(slackexport.PlainText(m.Text, s.exp.Users))
	if summary == "" {
		s.res.Skipped["empty"]++
		return nil
	}
	res, err := s.svc.Intake(ctx, triage.NewRequest{
		Team: team.Name, Source: triage.SourceReplay,
		Channel: m.Channel, ChannelName: m.ChannelName, TS: m.TS,
		User: m.User, UserName: s.exp.Users[m.User].Label(),
		Summary: summary, Details: details, At: m.Time,
	})
	if err != nil {
		return fmt.Errorf("replay %s %s: %w", m.File, m.TS, err)
	}
	if s.requests == nil {
		s.requests = map[string]asked{}
	}
	s.requests[m.Channel+"/"+m.TS] = asked{res.Request.ID, res.Request.Team}
	return nil
}

func skipReason(m slackexport.Message) string {
	switch {
	case m.Subtype != "":
		return "subtype " + m.Subtype
	case m.BotID != "":
		return "bot message"
	}
	return "not from a person"
}

func (s *simulation) drain(ctx context.Context) error {
	s.lastDrain = s.clock
	for {
		n, err := s.worker.RunOnce(ctx)
		if err != nil {
			return fmt.Errorf("replay: drain outbox: %w", err)
		}
		if n == 0 {
			return nil
		}
	}
}
