package refresh_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"path/filepath"
	"strings"
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
