package main

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/sprintguard/sprintguard/store"
	"github.com/sprintguard/sprintguard/triage"
)

// message is what the store holds about one Slack message.
type message struct {
	requests int       // requests made from it: exactly one is right
	created  time.Time // when the (last) one was created
	ticketed bool      // whether it has a ticket yet
}

// tally is the store's requests, by the ts of the intake-channel message
// each came from.
type tally struct {
	requests int // all requests, whatever their channel
	byTS     map[string]*message
	// inbox holds the message ts of events acknowledged but not yet
	// processed: not lost, since serve processes them when it next starts.
	inbox map[string]bool
}

// readTally opens the store file at path read-only and tallies its
// requests.
func readTally(path string) (*tally, error) {
	db, err := store.Open(path, store.Options{ReadOnly: true, Timeout: 5 * time.Second})
	if err != nil {
		return nil, fmt.Errorf("open store: %w", err)
	}
	defer db.Close()
	t := &tally{byTS: map[string]*message{}, inbox: map[string]bool{}}
	far := time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)
	err = db.View(func(tx triage.Tx) error {
		return tx.Requests("", time.Time{}, far, func(r *triage.Request) error {
			t.add(r)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("count requests: %w", err)
	}
	pending, err := db.Pending(math.MaxInt32)
	if err != nil {
		return nil, fmt.Errorf("read inbox: %w", err)
	}
	for _, d := range pending {
		var c callback
		if json.Unmarshal(d.Body, &c) == nil && c.Event.TS != "" {
			t.inbox[c.Event.TS] = true
		}
	}
	return t, nil
}

func (t *tally) add(r *triage.Request) {
	t.requests++
	if r.Channel != intakeChannel {
		return
	}
	m := t.byTS[r.TS]
	if m == nil {
		m = &message{}
		t.byTS[r.TS] = m
	}
	m.requests++
	if r.CreatedAt.After(m.created) {
		m.created = r.CreatedAt
	}
	m.ticketed = m.ticketed || r.Ticket.Key != ""
}

// check compares the tally with the events that were acknowledged.
type check struct {
	acked      int
	found      int           // acknowledged events with at least one request
	missing    int           // acknowledged events with none, nor a place in the inbox: lost
	queued     int           // acknowledged events with none yet, still in the inbox
	duplicates int           // requests beyond the first for one message
	unacked    int           // messages never acknowledged that still made a request (a timed-out send)
	ticketed   int           // acknowledged events whose request has a ticket
	lastMade   time.Time     // when the last request of an acknowledged event was made
	lag        time.Duration // from lastAck to lastMade; 0 if none is missing and they all came first
}

// compare checks that every acknowledged event (the ts of each) made
// exactly one request, lastAck being when the last was acknowledged.
func (t *tally) compare(acked []string, lastAck time.Time) check {
	c := check{acked: len(acked)}
	want := make(map[string]bool, len(acked))
	for _, ts := range acked {
		want[ts] = true
		m := t.byTS[ts]
		if m == nil {
			if t.inbox[ts] {
				c.queued++
			} else {
				c.missing++
			}
			continue
		}
		c.found++
		if m.ticketed {
			c.ticketed++
		}
		if m.created.After(c.lastMade) {
			c.lastMade = m.created
		}
	}
	for ts, m := range t.byTS {
		c.duplicates += m.requests - 1
		if !want[ts] {
			c.unacked++
		}
	}
	if c.missing == 0 && c.queued == 0 && c.lastMade.After(lastAck) {
		c.lag = c.lastMade.Sub(lastAck)
	}
	return c
}

// ok reports whether every acknowledged event made exactly one request.
func (c check) ok() bool { return c.missing == 0 && c.queued == 0 && c.duplicates == 0 }

// intact reports whether no acknowledged event was lost or doubled; some
// may still wait in the inbox.
func (c check) intact() bool { return c.missing == 0 && c.duplicates == 0 }

// snapshot asks the running serve for a backup (over its control socket,
// as an operator would) and tallies the copy.
func snapshot(bin, cfg, dir string, n int) (*tally, error) {
	path := filepath.Join(dir, fmt.Sprintf("snapshot-%d.db", n))
	defer os.Remove(path)
	out, err := exec.Command(bin, "backup", path, "--config", cfg).CombinedOutput()
	if err != nil {
		return nil, fmt.Errorf("backup: %w: %s", err, out)
	}
	return readTally(path)
}

// madeBy counts the messages of ts that had made a request by t.
func (t *tally) madeBy(ts []string, at time.Time) int {
	n := 0
	for _, s := range ts {
		if m := t.byTS[s]; m != nil && !m.created.After(at) {
			n++
		}
	}
	return n
}
