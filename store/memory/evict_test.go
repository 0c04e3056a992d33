package memory_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/sprintguard/sprintguard/store/memory"
	"github.com/sprintguard/sprintguard/tracker/local"
	"github.com/sprintguard/sprintguard/triage"
)

// TestEvictDropsAPrefixInCreationOrder checks that Evict hands over the
// team's oldest requests in the order Requests walks them, stops at the
// first that is not done or still has a job queued, and that EvictRest
// takes the rest.
func TestEvictDropsAPrefixInCreationOrder(t *testing.T) {
	now := t0
	mem := memory.New(func() time.Time { return now }, time.Hour)
	put(t, mem, req(1, "platform", "U1", t0), req(2, "data", "U1", t0.Add(time.Minute)),
		req(3, "platform", "U2", t0.Add(2*time.Minute)), req(4, "platform", "U1", t0.Add(3*time.Minute)),
		req(5, "platform", "U1", t0.Add(4*time.Minute)))
	if err := mem.Update(func(tx triage.Tx) error {
		_, err := tx.Enqueue(&triage.Job{Kind: triage.JobCreateTicket, Key: "t5", RequestID: 5, NextAt: t0})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	var got []int64
	take := func(r *triage.Request) { got = append(got, r.ID) }
	notFour := func(r *triage.Request) bool { return r.ID != 4 }
	if n := mem.Evict("platform", notFour, take); n != 2 || fmt.Sprint(got) != "[1 3]" {
		t.Fatalf("Evict dropped %d: %v, want [1 3] (4 is not done)", n, got)
	}
	all := func(*triage.Request) bool { return true }
	got = nil
	if n := mem.Evict("platform", all, take); n != 1 || fmt.Sprint(got) != "[4]" {
		t.Fatalf("Evict dropped %d: %v, want [4] (5 has a job queued)", n, got)
	}
	got = nil
	if n := mem.EvictRest("platform", take); n != 1 || fmt.Sprint(got) != "[5]" {
		t.Fatalf("EvictRest dropped %d: %v, want [5]", n, got)
	}
	var left []int64
	if err := mem.View(func(tx triage.Tx) error {
		return tx.Requests("data", time.Time{}, t0.Add(time.Hour), func(r *triage.Request) error {
			left = append(left, r.ID)
			return nil
		})
	}); err != nil || fmt.Sprint(left) != "[2]" {
		t.Fatalf("data's requests after evicting platform's: %v, %v; want [2]", left, err)
	}
}

// TestReadsOfEvictedRequestsFail checks every read that would have met an
// evicted request: it must fail with ErrEvicted, not answer as if the
// request had never been, while reads that cannot meet one still work.
func TestReadsOfEvictedRequestsFail(t *testing.T) {
	now := t0.Add(time.Hour)
	mem := memory.New(func() time.Time { return now }, time.Hour)
	r1 := req(1, "platform", "U1", t0)
	r1.Channel, r1.TS = "C1", "100.1"
	tk, _, err := mem.CreateTicket("idem-1", func(n int64) local.Ticket { return local.Ticket{Key: "REQ-1"} })
	if err != nil {
		t.Fatal(err)
	}
	r1.Ticket.Key = tk.Key
	put(t, mem, r1, req(2, "platform", "U1", t0.Add(30*time.Minute)))
	mem.Evict("platform", func(r *triage.Request) bool { return r.ID == 1 }, func(*triage.Request) {})

	reads := map[string]func(tx triage.Tx) error{
		"by id":     func(tx triage.Tx) error { _, err := tx.Request(1); return err },
		"by ticket": func(tx triage.Tx) error { _, err := tx.RequestByTicket("REQ-1"); return err },
		"team's requests from its start": func(tx triage.Tx) error {
			return tx.Requests("platform", t0, now, func(*triage.Request) error { return nil })
		},
		"every team's requests": func(tx triage.Tx) error {
			return tx.Requests("", t0, now, func(*triage.Request) error { return nil })
		},
		"requester's requests": func(tx triage.Tx) error {
			return tx.RequestsBy("platform", "U1", t0, now, func(*triage.Request) error { return nil })
		},
		"open requests": func(tx triage.Tx) error {
			return tx.OpenRequests("platform", func(*triage.Request) error { return nil })
		},
	}
	for name, read := range reads {
		t.Run(name, func(t *testing.T) {
			if err := mem.View(read); !errors.Is(err, memory.ErrEvicted) {
				t.Errorf("got %v, want ErrEvicted", err)
			}
		})
	}
	for name, err := range map[string]error{
		"ticket":        func() error { _, err := mem.Ticket("REQ-1"); return err }(),
		"update ticket": mem.UpdateTicket("REQ-1", func(*local.Ticket) error { return nil }),
		"tickets":       mem.Tickets(func(local.Ticket) error { return nil }),
	} {
		if !errors.Is(err, memory.ErrEvicted) {
			t.Errorf("%s: got %v, want ErrEvicted", name, err)
		}
	}
	// Forgotten for good, as Evict says: the caller guards these.
	if err := mem.View(func(tx triage.Tx) error { _, err := tx.RequestByMessage("C1", "100.1"); return err }); !errors.Is(err, triage.ErrNotFound) {
		t.Errorf("by message: got %v, want not found", err)
	}
	if _, made, err := mem.CreateTicket("idem-1", func(n int64) local.Ticket { return local.Ticket{Key: fmt.Sprint("REQ-", n)} }); !made || err != nil {
		t.Errorf("a ticket for the evicted one's idempotency key: made %v, %v; want a new one", made, err)
	}
	var after []int64
	err = mem.View(func(tx triage.Tx) error {
		return tx.RequestsBy("platform", "U1", t0.Add(time.Minute), now, func(r *triage.Request) error {
			after = append(after, r.ID)
			return nil
		})
	})
	if err != nil || fmt.Sprint(after) != "[2]" {
		t.Errorf("requests after the evicted one: %v, %v; want [2]", after, err)
	}
	if err := mem.View(func(tx triage.Tx) error { _, err := tx.Request(2); return err }); err != nil {
		t.Errorf("request 2: %v", err)
	}
}

func put(t *testing.T, mem *memory.Store, rs ...*triage.Request) {
	t.Helper()
	if err := mem.Update(func(tx triage.Tx) error {
		for _, r := range rs {
			if err := tx.PutRequest(r); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
}
