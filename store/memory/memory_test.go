package memory_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/sprintguard/sprintguard/classifier"
	"github.com/sprintguard/sprintguard/store"
	"github.com/sprintguard/sprintguard/store/memory"
	"github.com/sprintguard/sprintguard/tracker/local"
	"github.com/sprintguard/sprintguard/triage"
)

// t0 is a Monday; everything is placed relative to it.
var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// both is the same script run against store.DB, the reference, and the
// in-memory store: every answer must agree.
type both struct {
	t   *testing.T
	now time.Time
	db  *store.DB
	mem *memory.Store
}

func newBoth(t *testing.T) *both {
	b := &both{t: t, now: t0}
	db, err := store.Open(filepath.Join(t.TempDir(), "ref.db"), store.Options{NoSync: true, Now: func() time.Time { return b.now }, DedupeTTL: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	b.db, b.mem = db, memory.New(func() time.Time { return b.now }, time.Hour)
	return b
}

// same runs fn in an Update of each store and wants equal answers; fn
// gets a fresh copy of its inputs each time through mk.
func (b *both) same(name string, fn func(tx triage.Tx) (any, error)) {
	b.t.Helper()
	var got [2]string
	for i, st := range []triage.Store{b.db, b.mem} {
		var out any
		err := st.Update(func(tx triage.Tx) error {
			var err error
			out, err = fn(tx)
			if errors.Is(err, triage.ErrNotFound) {
				out, err = "not found", nil
			}
			return err
		})
		if err != nil {
			b.t.Fatalf("%s: %T: %v", name, st, err)
		}
		data, _ := json.Marshal(out)
		got[i] = string(data)
	}
	if got[0] != got[1] {
		b.t.Errorf("%s:\n store.DB:     %s\n memory.Store: %s", name, got[0], got[1])
	}
}

func req(id int64, team, user string, at time.Time) *triage.Request {
	return &triage.Request{ID: id, Team: team, Source: triage.SourceChannel, User: user, Summary: fmt.Sprint("request ", id),
		CreatedAt: at, Status: triage.StatusOpen, Outcome: triage.Accepted, Urgency: triage.Urgency(3), Decision: classifier.Decision{Urgency: 3, Rule: "r"}}
}

func walkIDs(walk func(fn func(*triage.Request) error) error) ([]int64, error) {
	var ids []int64
	err := walk(func(r *triage.Request) error { ids = append(ids, r.ID); return nil })
	return ids, err
}

func TestRequestsAgreeWithBolt(t *testing.T) {
	b := newBoth(t)
	puts := []*triage.Request{
		req(1, "platform", "U1", t0),
		req(2, "platform", "U2", t0.Add(time.Hour)),
		req(3, "data", "U1", t0.Add(30*time.Minute)),
		req(4, "platform", "U1", t0.Add(-time.Hour)), // older than the first
		req(5, "platform", "U1", t0.Add(time.Hour)),  // same time as 2
	}
	for _, r := range puts {
		b.same(fmt.Sprint("put ", r.ID), func(tx triage.Tx) (any, error) {
			c := *r
			return nil, tx.PutRequest(&c)
		})
	}
	changes := []struct {
		name   string
		id     int64
		change func(*triage.Request)
	}{
		{"ticketed", 1, func(r *triage.Request) { r.Ticket.Key = "REQ-1" }},
		{"ticket replaced", 1, func(r *triage.Request) { r.Ticket.Key = "OPS-2" }},
		{"message attached", 2, func(r *triage.Request) { r.Channel, r.TS = "C1", "100.1" }},
		{"message moved", 2, func(r *triage.Request) { r.TS = "200.2" }},
		{"resolved", 3, func(r *triage.Request) { r.Status = triage.StatusResolved }},
		{"created moved", 4, func(r *triage.Request) { r.CreatedAt = t0.Add(2 * time.Hour) }},
		{"requester changed", 5, func(r *triage.Request) { r.User = "U3" }},
	}
	for _, c := range changes {
		b.same(c.name, func(tx triage.Tx) (any, error) {
			r, err := tx.Request(c.id)
			if err != nil {
				return nil, err
			}
			c.change(r)
			return nil, tx.PutRequest(r)
		})
		queries := map[string]func(tx triage.Tx) (any, error){
			"all teams": func(tx triage.Tx) (any, error) {
				return walkIDs(func(fn func(*triage.Request) error) error {
					return tx.Requests("", time.Time{}, t0.AddDate(1, 0, 0), fn)
				})
			},
			"platform hour": func(tx triage.Tx) (any, error) {
				return walkIDs(func(fn func(*triage.Request) error) error { return tx.Requests("platform", t0, t0.Add(time.Hour), fn) })
			},
			"platform to +1": func(tx triage.Tx) (any, error) {
				return walkIDs(func(fn func(*triage.Request) error) error {
					return tx.Requests("platform", t0, t0.Add(time.Hour+1), fn)
				})
			},
			"U1 platform": func(tx triage.Tx) (any, error) {
				return walkIDs(func(fn func(*triage.Request) error) error {
					return tx.RequestsBy("platform", "U1", time.Time{}, t0.AddDate(1, 0, 0), fn)
				})
			},
			"U3 platform": func(tx triage.Tx) (any, error) {
				return walkIDs(func(fn func(*triage.Request) error) error {
					return tx.RequestsBy("platform", "U3", time.Time{}, t0.AddDate(1, 0, 0), fn)
				})
			},
			"open data": func(tx triage.Tx) (any, error) {
				return walkIDs(func(fn func(*triage.Request) error) error { return tx.OpenRequests("data", fn) })
			},
			"open platform": func(tx triage.Tx) (any, error) {
				return walkIDs(func(fn func(*triage.Request) error) error { return tx.OpenRequests("platform", fn) })
			},
			"ticket REQ-1":  func(tx triage.Tx) (any, error) { return tx.RequestByTicket("REQ-1") },
			"ticket OPS-2":  func(tx triage.Tx) (any, error) { return tx.RequestByTicket("OPS-2") },
			"message 100.1": func(tx triage.Tx) (any, error) { return tx.RequestByMessage("C1", "100.1") },
			"message 200.2": func(tx triage.Tx) (any, error) { return tx.RequestByMessage("C1", "200.2") },
			"stop early": func(tx triage.Tx) (any, error) {
				n := 0
				err := tx.Requests("", time.Time{}, t0.AddDate(1, 0, 0), func(*triage.Request) error {
					if n++; n == 2 {
						return triage.ErrStop
					}
					return nil
				})
				return n, err
			},
		}
		for q, fn := range queries {
			b.same(c.name+": "+q, fn)
		}
	}
}

func TestOutboxAgreesWithBolt(t *testing.T) {
	b := newBoth(t)
	job := func(key string, next time.Time) *triage.Job {
		return &triage.Job{Kind: triage.JobCreateTicket, Key: key, CreatedAt: t0, NextAt: next}
	}
	due := func(limit int) func(tx triage.Tx) (any, error) {
		return func(tx triage.Tx) (any, error) {
			jobs, err := tx.DueJobs(b.now, limit)
			var keys []string
			for _, j := range jobs {
				keys = append(keys, j.Key)
			}
			return keys, err
		}
	}
	enqueue := func(j *triage.Job) func(tx triage.Tx) (any, error) {
		return func(tx triage.Tx) (any, error) { c := *j; return tx.Enqueue(&c) }
	}
	b.same("enqueue a", enqueue(job("a", t0)))
	b.same("enqueue b later", enqueue(job("b", t0.Add(time.Minute))))
	b.same("enqueue c earlier", enqueue(job("c", t0.Add(-time.Minute))))
	b.same("enqueue a again", enqueue(job("a", t0)))
	b.same("due now", due(0))
	b.same("due now, limit 1", due(1))
	b.now = t0.Add(time.Minute)
	b.same("due a minute on", due(0))
	b.same("complete a", func(tx triage.Tx) (any, error) {
		jobs, err := tx.DueJobs(b.now, 0)
		for _, j := range jobs {
			if j.Key == "a" {
				return nil, tx.CompleteJob(j)
			}
		}
		return nil, err
	})
	b.same("a done: not again", enqueue(job("a", t0)))
	b.same("put c later", func(tx triage.Tx) (any, error) {
		jobs, err := tx.DueJobs(b.now, 0)
		if err != nil || len(jobs) == 0 {
			return nil, err
		}
		j := jobs[0]
		j.Attempts, j.NextAt = 1, t0.Add(time.Hour)
		return nil, tx.PutJob(j)
	})
	b.same("due after put", due(0))
	b.same("bury b", func(tx triage.Tx) (any, error) {
		jobs, err := tx.DueJobs(b.now, 0)
		if err != nil || len(jobs) == 0 {
			return nil, err
		}
		return nil, tx.BuryJob(jobs[0])
	})
	b.same("buried b blocks", enqueue(job("b", t0)))
	b.now = t0.Add(2 * time.Hour)
	b.same("a done key expired", enqueue(job("a", t0)))
	b.same("due at the end", due(0))
}

func TestClaimsAndLedgersAgreeWithBolt(t *testing.T) {
	b := newBoth(t)
	claim := func(key, value string, now time.Time) func(tx triage.Tx) (any, error) {
		return func(tx triage.Tx) (any, error) {
			v, fresh, err := tx.Claim(key, value, now, now.Add(time.Hour))
			return []any{v, fresh}, err
		}
	}
	claimed := func(key string, now time.Time) func(tx triage.Tx) (any, error) {
		return func(tx triage.Tx) (any, error) {
			v, ok, err := tx.Claimed(key, now)
			return []any{v, ok}, err
		}
	}
	b.same("claim", claim("event:1", "7", t0))
	b.same("claim again", claim("event:1", "8", t0.Add(time.Minute)))
	b.same("claimed", claimed("event:1", t0.Add(59*time.Minute)))
	b.same("claimed at expiry", claimed("event:1", t0.Add(time.Hour)))
	b.same("claim after expiry", claim("event:1", "9", t0.Add(time.Hour)))
	b.same("no ledger", func(tx triage.Tx) (any, error) { return tx.Ledger("platform", 3) })
	b.same("put ledger", func(tx triage.Tx) (any, error) {
		l, err := triage.LedgerOf(tx, &triage.Team{Name: "platform"}, 3)
		if err != nil {
			return nil, err
		}
		l.Reserve("1", 2, t0)
		return nil, tx.PutLedger(l)
	})
	b.same("ledger", func(tx triage.Tx) (any, error) {
		l, err := tx.Ledger("platform", 3)
		if err != nil {
			return nil, err
		}
		return l.Used(), nil
	})
}

func TestTicketsAgreeWithBolt(t *testing.T) {
	b := newBoth(t)
	build := func(n int64) local.Ticket {
		return local.Ticket{Key: fmt.Sprint("REQ-", n), Summary: "s", Created: t0, Updated: t0}
	}
	var got [2][]string
	for i, st := range []local.Store{b.db, b.mem} {
		for _, idem := range []string{"a", "b", "a", ""} {
			tk, created, err := st.CreateTicket(idem, build)
			if err != nil {
				t.Fatal(err)
			}
			got[i] = append(got[i], fmt.Sprint(tk.Key, created))
		}
		if err := st.UpdateTicket("REQ-2", func(tk *local.Ticket) error { tk.Status = "done"; return nil }); err != nil {
			t.Fatal(err)
		}
		tk, err := st.Ticket("REQ-2")
		got[i] = append(got[i], fmt.Sprint(tk.Status, err))
		_, err = st.Ticket("REQ-9")
		got[i] = append(got[i], fmt.Sprint(errors.Is(err, triage.ErrNotFound)))
		err = st.UpdateTicket("REQ-1", func(tk *local.Ticket) error { tk.Key = "X"; return nil })
		got[i] = append(got[i], fmt.Sprint(err != nil))
		_ = st.Tickets(func(tk local.Ticket) error { got[i] = append(got[i], tk.Key); return nil })
	}
	if !reflect.DeepEqual(got[0], got[1]) {
		t.Errorf("store.DB %v\nmemory   %v", got[0], got[1])
	}
}

// TestCreateTicketInUpdate checks the in-transaction ticket: made once per
// idempotency key, numbered with the others, refused in a View.
func TestCreateTicketInUpdate(t *testing.T) {
	mem := memory.New(func() time.Time { return t0 }, time.Hour)
	build := func(n int64) local.Ticket { return local.Ticket{Key: fmt.Sprint("REQ-", n)} }
	in := func(tx triage.Tx) interface {
		CreateTicketIn(string, func(int64) local.Ticket) (local.Ticket, bool, error)
	} {
		return tx.(interface {
			CreateTicketIn(string, func(int64) local.Ticket) (local.Ticket, bool, error)
		})
	}
	if _, _, err := mem.CreateTicket("first", build); err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, idem := range []string{"second", "second"} {
		if err := mem.Update(func(tx triage.Tx) error {
			tk, _, err := in(tx).CreateTicketIn(idem, build)
			keys = append(keys, tk.Key)
			return err
		}); err != nil {
			t.Fatal(err)
		}
	}
	if want := []string{"REQ-2", "REQ-2"}; !reflect.DeepEqual(keys, want) {
		t.Errorf("tickets %v, want %v", keys, want)
	}
	if err := mem.View(func(tx triage.Tx) error {
		_, _, err := in(tx).CreateTicketIn("third", build)
		return err
	}); err == nil {
		t.Error("a ticket was made in a View")
	}
}
