package refresh_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sprintguard/sprintguard/oncall"
	"github.com/sprintguard/sprintguard/oncall/refresh"
	"github.com/sprintguard/sprintguard/store"
	"github.com/sprintguard/sprintguard/triage"
)

type source struct {
	entries []oncall.Entry
	err     error
}

func (s *source) Fetch(context.Context, *time.Location, time.Time, time.Time) ([]oncall.Entry, error) {
	return s.entries, s.err
}

type mapper map[string]string

func (m mapper) SlackUser(_ context.Context, p oncall.Person) (string, error) {
	return m[p.Email+p.Name], nil
}

// TestRefreshKeepsLastGood: a good fetch is kept in the store and used; a
// failed or empty one changes nothing, and each is counted; an unmapped
// person is logged once however often the schedule is fetched.
func TestRefreshKeepsLastGood(t *testing.T) {
	now := time.Date(2026, 11, 23, 15, 0, 0, 0, time.UTC)
	db, err := store.Open(filepath.Join(t.TempDir(), "sg.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	roster := oncall.FeedRoster("platform", oncall.SourceICal, time.UTC)
	st := &triage.Settings{Teams: []*triage.Team{{Name: "platform", Location: time.UTC, OnCall: roster}}}
	var logs bytes.Buffer
	var seen []string
	src := &source{entries: []oncall.Entry{
		{Who: oncall.Person{Email: "ann@example.com"}, Start: now.Add(-time.Hour), End: now.Add(time.Hour)},
		{Who: oncall.Person{Name: "Dana"}, Start: now.Add(time.Hour), End: now.Add(2 * time.Hour)},
	}}
	team := refresh.Team{Name: "platform", Kind: oncall.SourceICal, Source: src, Every: time.Minute, Ahead: 24 * time.Hour}
	r := &refresh.Refresher{Store: db, Settings: func() *triage.Settings { return st }, Now: func() time.Time { return now },
		Log: slog.New(slog.NewTextHandler(&logs, nil)), People: mapper{"ann@example.com": "U0ANN"}, Teams: []refresh.Team{team},
		Observe: func(team, kind string, err error, unmapped int) {
			seen = append(seen, map[bool]string{true: "failed", false: "ok"}[err != nil])
		}}
	for range 2 {
		if _, err := r.Refresh(context.Background(), team); err != nil {
			t.Fatal(err)
		}
	}
	src.err = errors.New("503 Service Unavailable")
	r.Refresh(context.Background(), team)
	src.err, src.entries = nil, nil
	if _, err := r.Refresh(context.Background(), team); !errors.Is(err, refresh.ErrEmpty) {
		t.Errorf("empty fetch: err = %v, want ErrEmpty", err)
	}
	if got := roster.Current(now, nil).User; got != "U0ANN" {
		t.Errorf("on call %q, want U0ANN from the last good fetch", got)
	}
	var kept *oncall.Timeline
	db.View(func(tx triage.Tx) error { kept, err = tx.Schedule("platform"); return err })
	if kept == nil || len(kept.Shifts) != 2 || kept.Unmapped[0] != "Dana" {
		t.Errorf("kept %+v", kept)
	}
	if strings.Join(seen, " ") != "ok ok failed failed" {
		t.Errorf("observed %v", seen)
	}
	if n := strings.Count(logs.String(), "matches no Slack user"); n != 1 {
		t.Errorf("Dana logged %d times, want once:\n%s", n, logs.String())
	}
}

// fetchLog is a Source whose entries a test changes between fetches, and
// which records when each fetch happened. It is safe for concurrent use.
type fetchLog struct {
	mu      sync.Mutex
	entries []oncall.Entry
	at      []time.Time
	now     func() time.Time
}

func (s *fetchLog) Fetch(context.Context, *time.Location, time.Time, time.Time) ([]oncall.Entry, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.at = append(s.at, s.now())
	return slices.Clone(s.entries), nil
}

func (s *fetchLog) set(entries ...oncall.Entry) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.entries = entries
}

func (s *fetchLog) times() []time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.at)
}

// TestRunRefreshesAtHandoff drives Run with an injected clock and timer: it
// waits until the handoff when that comes before the next periodic fetch,
// fetches right at the handoff, and a swap made at the source before then
// routes the next request to the new on-call.
func TestRunRefreshesAtHandoff(t *testing.T) {
	start := time.Date(2026, 11, 23, 15, 0, 0, 0, time.UTC)
	handoff := start.Add(time.Hour)
	var clock atomic.Int64
	clock.Store(start.UnixNano())
	now := func() time.Time { return time.Unix(0, clock.Load()).UTC() }
	db, err := store.Open(filepath.Join(t.TempDir(), "sg.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	team := &triage.Team{Name: "platform", Location: time.UTC, EscalateTo: "U0LEAD",
		OnCall: oncall.FeedRoster("platform", oncall.SourceICal, time.UTC)}
	st := &triage.Settings{Teams: []*triage.Team{team}}
	ann := oncall.Entry{Who: oncall.Person{Email: "ann@example.com"}, Start: start.Add(-time.Hour), End: handoff}
	src := &fetchLog{now: now}
	src.set(ann, oncall.Entry{Who: oncall.Person{Email: "bob@example.com"}, Start: handoff, End: handoff.Add(7 * 24 * time.Hour)})

	waits := make(chan time.Duration, 4)
	fire := make(chan time.Time)
	r := &refresh.Refresher{Store: db, Settings: func() *triage.Settings { return st }, Now: now,
		Log:    slog.New(slog.NewTextHandler(io.Discard, nil)),
		People: mapper{"ann@example.com": "U0ANN", "bob@example.com": "U0BOB", "cat@example.com": "U0CAT"},
		Teams: []refresh.Team{{Name: "platform", Kind: oncall.SourceICal, Source: src,
			Every: 90 * time.Minute, Ahead: 30 * 24 * time.Hour}},
		After: func(d time.Duration) <-chan time.Time { waits <- d; return fire }}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { r.Run(ctx); close(done) }()
	defer func() { cancel(); <-done }()

	if d := <-waits; d != time.Hour {
		t.Fatalf("first wait %v, want 1h: until the handoff, before the 90m refresh", d)
	}
	if _, route := st.OnCall(team, handoff, nil); route != "U0BOB" {
		t.Fatalf("before the swap, %s routes to %q, want U0BOB", handoff.Format(time.RFC3339), route)
	}
	// Bob's shift is swapped to Cat at the source; the clock reaches the handoff.
	src.set(ann, oncall.Entry{Who: oncall.Person{Email: "cat@example.com"}, Start: handoff, End: handoff.Add(7 * 24 * time.Hour)})
	clock.Store(handoff.UnixNano())
	fire <- handoff
	if d := <-waits; d != 90*time.Minute {
		t.Errorf("wait after the handoff %v, want the 90m refresh (the next handoff is a week away)", d)
	}
	if got := src.times(); len(got) != 2 || !got[0].Equal(start) || !got[1].Equal(handoff) {
		t.Errorf("fetched at %v, want at %v and at the handoff %v", got, start, handoff)
	}
	if _, route := st.OnCall(team, now(), nil); route != "U0CAT" {
		t.Errorf("after the refresh at the handoff, the next request routes to %q, want U0CAT", route)
	}
}
