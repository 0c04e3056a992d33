package main

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/sprintguard/sprintguard/classifier"
	"github.com/sprintguard/sprintguard/store"
	"github.com/sprintguard/sprintguard/triage"
)

func TestReadTally(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sg.db")
	db, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 3, 3, 10, 0, 0, 0, time.UTC)
	put := []triage.Request{
		{Team: "data", Channel: intakeChannel, TS: "1.000001", User: "U1", Summary: "a", CreatedAt: at},
		{Team: "data", Channel: intakeChannel, TS: "1.000002", User: "U2", Summary: "b", CreatedAt: at.Add(time.Second),
			Ticket: triage.Ticket{Key: "REQ-2"}},
		{Team: "platform", Channel: "C0PLATHELP", TS: "1.000003", User: "U3", Summary: "c", CreatedAt: at},
	}
	err = db.Update(func(tx triage.Tx) error {
		for i := range put {
			id, err := tx.NextRequestID()
			if err != nil {
				return err
			}
			put[i].ID, put[i].Urgency, put[i].Decision.Urgency = id, classifier.P3, classifier.P3
			if err := tx.PutRequest(&put[i]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// An event acknowledged but not processed yet waits in the inbox.
	queued := events{base: 1760000000}
	if _, err := db.Accept(&triage.Delivery{Kind: "event", Key: "EvL0000000005", Body: queued.body(5), Received: at}, time.Hour); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	got, err := readTally(path)
	if err != nil {
		t.Fatal(err)
	}
	if got.requests != 3 || len(got.byTS) != 2 {
		t.Fatalf("tally: %d requests, %d intake messages; want 3 and 2", got.requests, len(got.byTS))
	}
	m := got.byTS["1.000002"]
	if m == nil || m.requests != 1 || !m.ticketed || !m.created.Equal(at.Add(time.Second)) {
		t.Errorf("message 1.000002 = %+v, want one ticketed request made at %v", m, at.Add(time.Second))
	}
	if len(got.inbox) != 1 || !got.inbox[queued.ts(5)] {
		t.Errorf("inbox = %v, want only %s", got.inbox, queued.ts(5))
	}
	if m := got.byTS["1.000001"]; m == nil || m.ticketed {
		t.Errorf("message 1.000001 = %+v, want one request without a ticket", m)
	}
}

func TestCompare(t *testing.T) {
	at := time.Date(2026, 3, 3, 10, 0, 0, 0, time.UTC)
	msg := func(n int, made time.Time) *message { return &message{requests: n, created: made, ticketed: true} }
	tests := []struct {
		name    string
		byTS    map[string]*message
		inbox   map[string]bool
		acked   []string
		want    check
		wantOK  bool
		intact  bool
		lastAck time.Time
	}{
		{
			name:  "exactly once, made after the last ack",
			byTS:  map[string]*message{"1": msg(1, at), "2": msg(1, at.Add(3*time.Second))},
			acked: []string{"1", "2"}, lastAck: at.Add(time.Second),
			want:   check{acked: 2, found: 2, ticketed: 2, lastMade: at.Add(3 * time.Second), lag: 2 * time.Second},
			wantOK: true, intact: true,
		},
		{
			name:  "all made before the last ack: no lag",
			byTS:  map[string]*message{"1": msg(1, at)},
			acked: []string{"1"}, lastAck: at.Add(time.Second),
			want:   check{acked: 1, found: 1, ticketed: 1, lastMade: at},
			wantOK: true, intact: true,
		},
		{
			name:  "one lost",
			byTS:  map[string]*message{"1": msg(1, at)},
			acked: []string{"1", "2"}, lastAck: at,
			want: check{acked: 2, found: 1, missing: 1, ticketed: 1, lastMade: at},
		},
		{
			name:  "one not processed yet",
			byTS:  map[string]*message{"1": msg(1, at)},
			inbox: map[string]bool{"2": true},
			acked: []string{"1", "2"}, lastAck: at,
			want:   check{acked: 2, found: 1, queued: 1, ticketed: 1, lastMade: at},
			intact: true,
		},
		{
			name:  "one doubled",
			byTS:  map[string]*message{"1": msg(2, at), "2": msg(1, at)},
			acked: []string{"1", "2"}, lastAck: at,
			want: check{acked: 2, found: 2, duplicates: 1, ticketed: 2, lastMade: at},
		},
		{
			name:  "a send that timed out but was stored is no failure",
			byTS:  map[string]*message{"1": msg(1, at), "9": msg(1, at)},
			acked: []string{"1"}, lastAck: at,
			want:   check{acked: 1, found: 1, unacked: 1, ticketed: 1, lastMade: at},
			wantOK: true, intact: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := (&tally{byTS: tt.byTS, inbox: tt.inbox}).compare(tt.acked, tt.lastAck)
			if got != tt.want {
				t.Errorf("compare = %+v\nwant      %+v", got, tt.want)
			}
			if got.ok() != tt.wantOK || got.intact() != tt.intact {
				t.Errorf("ok = %v, intact = %v; want %v, %v", got.ok(), got.intact(), tt.wantOK, tt.intact)
			}
		})
	}
}

func TestMadeBy(t *testing.T) {
	at := time.Date(2026, 3, 3, 10, 0, 0, 0, time.UTC)
	tl := &tally{byTS: map[string]*message{"1": {requests: 1, created: at}, "2": {requests: 1, created: at.Add(time.Second)}}}
	tests := []struct {
		name string
		at   time.Time
		want int
	}{
		{"before any", at.Add(-time.Second), 0},
		{"at the first", at, 1},
		{"after both", at.Add(time.Minute), 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tl.madeBy([]string{"1", "2", "3"}, tt.at); got != tt.want {
				t.Errorf("madeBy = %d, want %d", got, tt.want)
			}
		})
	}
}
