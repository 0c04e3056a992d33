package memory

import (
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/sprintguard/sprintguard/classifier"
	"github.com/sprintguard/sprintguard/oncall"
	"github.com/sprintguard/sprintguard/sprint"
	"github.com/sprintguard/sprintguard/tracker/local"
	"github.com/sprintguard/sprintguard/triage"
)

var day0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func request(id int64, user string, at time.Time) *triage.Request {
	return &triage.Request{ID: id, Team: "platform", Source: triage.SourceChannel, User: user, Summary: fmt.Sprint("request ", id),
		CreatedAt: at, Status: triage.StatusOpen, Outcome: triage.Accepted, Urgency: classifier.P3,
		Decision: classifier.Decision{Urgency: classifier.P3, Rule: "r"}, Events: []triage.Event{{Kind: "received"}}}
}

// history gives a store something of every kind for a failed Update to
// overwrite: two requests, one ticketed, a ledger charging both, queued
// jobs, a ticket, a claim, a label, a note, an override, a schedule, a run.
func history(t *testing.T) *Store {
	t.Helper()
	s := New(func() time.Time { return day0 }, time.Hour)
	must(t, s.Update(func(tx triage.Tx) error {
		a, b := request(1, "U1", day0), request(2, "U2", day0.Add(time.Minute))
		a.Channel, a.TS, a.Ticket.Key = "C1", "1.1", "REQ-1"
		l := sprint.NewLedger("platform", 1, sprint.Budget{Capacity: 40, Fraction: 0.5})
		l.Reserve("1", 2, day0)
		l.Reserve("2", 3, day0)
		_, _, err := tx.Claim("event:E1", "1", day0, day0.Add(time.Minute))
		return errors.Join(tx.PutRequest(a), tx.PutRequest(b), tx.PutLedger(l), err,
			enqueue(tx, "notify:1", 1), enqueue(tx, "notify:2", 2),
			tx.AddLabel(triage.Label{RequestID: 1, Team: "platform", Kind: "ack"}),
			tx.AddNote(triage.Note{Team: "platform", Text: "hi", At: day0}),
			tx.PutOverride(oncall.Override{ID: "o1", Team: "platform", User: "U9", Start: day0, End: day0.Add(time.Hour)}),
			tx.PutSchedule(&oncall.Timeline{Team: "platform", Shifts: []oncall.Shift{{User: "U9"}}}),
			tx.SetLastRun("weekly", day0))
	}))
	if _, _, err := s.CreateTicket("ticket.create:1", ticket); err != nil {
		t.Fatal(err)
	}
	return s
}

func ticket(n int64) local.Ticket {
	return local.Ticket{Key: fmt.Sprint("REQ-", n), Labels: []string{"a"}}
}

func enqueue(tx triage.Tx, key string, id int64) error {
	_, err := tx.Enqueue(&triage.Job{Kind: triage.JobNotify, Key: key, RequestID: id, NextAt: day0})
	return err
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// state is everything s holds, with empty lists as nil, to compare stores.
func state(s *Store) []any {
	orNil := func(n int) any {
		if n == 0 {
			return nil
		}
		return n
	}
	return []any{s.lastID, s.lastJob, s.requests.m, s.byTime.lists, s.byUser.lists, s.byTicket.m, s.byMsg.m, s.pending.m,
		s.claims.m, s.heads.m, s.charges.m, s.overrides.m, s.schedules.m, orNil(len(s.notes)), s.notes[:len(s.notes):len(s.notes)],
		orNil(len(s.labels)), s.labels[:len(s.labels):len(s.labels)], s.runs.m, s.queued.m, s.due.lists, s.jobKeys.m, s.dead.m,
		s.tickets.m, orNil(len(s.ticketSeq)), s.ticketSeq[:len(s.ticketSeq):len(s.ticketSeq)], s.ticketIdem.m}
}

// TestFailedUpdateLeavesTheStoreAsItWas runs an Update that fails after
// writes of each kind, over a store that already holds something of every
// kind: the store afterwards must equal one with the same history that
// never ran it, to every map, index and counter.
func TestFailedUpdateLeavesTheStoreAsItWas(t *testing.T) {
	writes := []struct {
		name  string
		write func(tx triage.Tx) error
	}{
		{"new request", func(tx triage.Tx) error {
			id, err := tx.NextRequestID()
			if err != nil {
				return err
			}
			r := request(id, "U3", day0.Add(-time.Hour))
			r.Channel, r.TS, r.Ticket.Key = "C1", "3.3", "REQ-3"
			return tx.PutRequest(r)
		}},
		{"request changed in every index", func(tx triage.Tx) error {
			r, err := tx.Request(1)
			if err != nil {
				return err
			}
			r.User, r.TS, r.Ticket.Key, r.CreatedAt = "U2", "9.9", "OPS-1", day0.Add(time.Hour)
			r.Events[0].Detail = "changed in place"
			return tx.PutRequest(r)
		}},
		{"ticket and message taken from another request", func(tx triage.Tx) error {
			r, err := tx.Request(2)
			if err != nil {
				return err
			}
			r.Channel, r.TS, r.Ticket.Key = "C1", "1.1", "REQ-1"
			return tx.PutRequest(r)
		}},
		{"posts and similar", func(tx triage.Tx) error {
			return errors.Join(tx.AddPosts(1, triage.Post{Kind: triage.PostReply, Channel: "C1", TS: "5.5"}),
				tx.PutSimilar(2, []triage.Similar{{ID: 1}}))
		}},
		{"ledger charge", func(x triage.Tx) error {
			l, err := x.(*tx).LedgerFor("platform", 1, "1", "3")
			if err != nil {
				return err
			}
			l.Settle("1", 8, day0)
			l.Reserve("3", 30, day0)
			return x.PutLedger(l)
		}},
		{"ledger made afresh", func(tx triage.Tx) error {
			l := sprint.NewLedger("platform", 1, sprint.Budget{Capacity: 10, Fraction: 1})
			l.Reserve("7", 1, day0)
			return errors.Join(tx.PutLedger(l), tx.PutLedger(sprint.NewLedger("data", 1, sprint.Budget{})))
		}},
		{"jobs", func(tx triage.Tx) error {
			jobs, err := tx.DueJobs(day0, 0)
			if err != nil {
				return err
			}
			jobs[1].Attempts, jobs[1].NextAt = 1, day0.Add(time.Hour)
			return errors.Join(tx.CompleteJob(jobs[0]), tx.PutJob(jobs[1]), enqueue(tx, "notify:3", 3),
				enqueue(tx, "notify:1", 1))
		}},
		{"job buried", func(tx triage.Tx) error {
			jobs, err := tx.DueJobs(day0, 1)
			if err != nil {
				return err
			}
			return tx.BuryJob(jobs[0])
		}},
		{"ticket", func(x triage.Tx) error {
			_, _, err := x.(*tx).CreateTicketIn("ticket.create:2", ticket)
			return err
		}},
		{"claims", func(tx triage.Tx) error {
			_, _, err1 := tx.Claim("event:E1", "2", day0.Add(time.Hour), day0.Add(2*time.Hour)) // the old one expired
			_, _, err2 := tx.Settle("event:E2", "3", day0, day0.Add(time.Hour))
			return errors.Join(err1, err2)
		}},
		{"label, note, override, schedule, run", func(tx triage.Tx) error {
			return errors.Join(tx.AddLabel(triage.Label{RequestID: 2, Team: "platform", Kind: "resolve"}),
				tx.AddNote(triage.Note{Team: "platform", Text: "bye", At: day0}),
				tx.PutOverride(oncall.Override{ID: "o1", Team: "platform", User: "U8", Start: day0, End: day0.Add(2 * time.Hour)}),
				tx.DeleteOverride("platform", "o1"),
				tx.PutSchedule(&oncall.Timeline{Team: "platform"}), tx.SetLastRun("weekly", day0.Add(time.Hour)))
		}},
	}
	boom := errors.New("boom")
	all := func(tx triage.Tx) error {
		for _, w := range writes {
			if err := w.write(tx); err != nil {
				return fmt.Errorf("%s: %w", w.name, err)
			}
		}
		return nil
	}
	cases := append(writes, struct {
		name  string
		write func(tx triage.Tx) error
	}{"every kind in one Update", all})
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, twin := history(t), history(t)
			err := s.Update(func(tx triage.Tx) error {
				if err := c.write(tx); err != nil {
					return fmt.Errorf("the writes themselves failed: %w", err)
				}
				return boom
			})
			if !errors.Is(err, boom) {
				t.Fatalf("Update = %v, want boom", err)
			}
			if got, want := state(s), state(twin); !reflect.DeepEqual(got, want) {
				for i := range got {
					if !reflect.DeepEqual(got[i], want[i]) {
						t.Errorf("state[%d] after the failed Update:\n got %+v\nwant %+v", i, got[i], want[i])
					}
				}
			}
			// What the Update would have written still can be, in full.
			must(t, s.Update(c.write))
			must(t, twin.Update(c.write))
			if !reflect.DeepEqual(state(s), state(twin)) {
				t.Error("the same Update committed on both stores leaves them different")
			}
		})
	}
}

// TestPanickingUpdateLeavesNothing checks that an Update whose fn panics
// is undone as a failed one is, before the panic goes on.
func TestPanickingUpdateLeavesNothing(t *testing.T) {
	s, twin := history(t), history(t)
	func() {
		defer func() { _ = recover() }()
		_ = s.Update(func(tx triage.Tx) error {
			if err := tx.PutRequest(request(3, "U1", day0)); err != nil {
				return err
			}
			panic("boom")
		})
	}()
	if !reflect.DeepEqual(state(s), state(twin)) {
		t.Error("the writes of an Update that panicked were kept")
	}
}
