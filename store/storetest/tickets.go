package storetest

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/sprintguard/sprintguard/tracker/local"
	"github.com/sprintguard/sprintguard/triage"
)

func build(prefix string) func(n int64) local.Ticket {
	return func(n int64) local.Ticket {
		return local.Ticket{Key: fmt.Sprintf("%s-%d", prefix, n), Summary: "s", Created: T0, Updated: T0}
	}
}

func testCreateTicket(t *testing.T, d Driver) {
	db := open(t, d, Options{})
	for _, s := range []struct {
		name        string
		idem        string
		wantKey     string
		wantCreated bool
	}{
		{"first", "ticket.create:1", "REQ-1", true},
		{"retry returns the same ticket", "ticket.create:1", "REQ-1", false},
		{"next request", "ticket.create:2", "REQ-2", true},
		{"no idempotency key makes a new one", "", "REQ-3", true},
		{"again without a key", "", "REQ-4", true},
	} {
		t.Run(s.name, func(t *testing.T) {
			tk, created, err := db.CreateTicket(s.idem, build("REQ"))
			if err != nil {
				t.Fatal(err)
			}
			if tk.Key != s.wantKey || created != s.wantCreated {
				t.Errorf("CreateTicket(%q) = %s, %v; want %s, %v", s.idem, tk.Key, created, s.wantKey, s.wantCreated)
			}
		})
	}
	t.Run("builder without a key", func(t *testing.T) {
		if _, _, err := db.CreateTicket("x", func(int64) local.Ticket { return local.Ticket{} }); err == nil {
			t.Error("a ticket without a key was stored")
		}
	})
	t.Run("builder reusing a key", func(t *testing.T) {
		_, _, err := db.CreateTicket("y", func(int64) local.Ticket { return local.Ticket{Key: "REQ-1"} })
		if err == nil {
			t.Error("a second ticket REQ-1 was stored")
		}
		if tk, _ := db.Ticket("REQ-1"); tk.Summary != "s" {
			t.Errorf("REQ-1 was overwritten: %+v", tk)
		}
	})
}

func testCreateTicketConcurrentRetries(t *testing.T, d Driver) {
	db := open(t, d, Options{})
	var wg sync.WaitGroup
	keys := make([]string, 8)
	created := make([]bool, 8)
	for i := range keys {
		wg.Go(func() {
			tk, c, err := db.CreateTicket("ticket.create:9", build("OPS"))
			if err != nil {
				t.Error(err)
			}
			keys[i], created[i] = tk.Key, c
		})
	}
	wg.Wait()
	if n := len(slices.Compact(slices.Sorted(slices.Values(keys)))); n != 1 {
		t.Errorf("concurrent retries made %d different tickets: %v", n, keys)
	}
	made := 0
	for _, c := range created {
		if c {
			made++
		}
	}
	if made != 1 {
		t.Errorf("%d calls report creating the ticket, want 1", made)
	}
}

func testUpdateTicketAndWalk(t *testing.T, d Driver) {
	db := open(t, d, Options{})
	for i := range 12 {
		if _, _, err := db.CreateTicket(fmt.Sprint(i), build("REQ")); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.UpdateTicket("REQ-2", func(tk *local.Ticket) error { tk.Status = "resolved"; return nil }); err != nil {
		t.Fatal(err)
	}
	if tk, err := db.Ticket("REQ-2"); err != nil || tk.Status != "resolved" {
		t.Errorf("Ticket(REQ-2) = %+v, %v", tk, err)
	}
	boom := errors.New("boom")
	if err := db.UpdateTicket("REQ-2", func(tk *local.Ticket) error { tk.Status = "lost"; return boom }); !errors.Is(err, boom) {
		t.Errorf("UpdateTicket returned %v, want fn's error", err)
	}
	if tk, _ := db.Ticket("REQ-2"); tk.Status != "resolved" {
		t.Errorf("a failed update was saved: %s", tk.Status)
	}
	if err := db.UpdateTicket("REQ-2", func(tk *local.Ticket) error { tk.Key = "REQ-99"; return nil }); err == nil {
		t.Error("an update changed the key")
	}
	WantNotFound(t, "UpdateTicket(REQ-404)", db.UpdateTicket("REQ-404", func(*local.Ticket) error { return nil }))
	_, err := db.Ticket("REQ-404")
	WantNotFound(t, "Ticket(REQ-404)", err)

	var walked []string
	err = db.Tickets(func(tk local.Ticket) error {
		walked = append(walked, tk.Key)
		if tk.Key == "REQ-11" {
			return triage.ErrStop
		}
		return nil
	})
	want := []string{"REQ-1", "REQ-2", "REQ-3", "REQ-4", "REQ-5", "REQ-6", "REQ-7", "REQ-8", "REQ-9", "REQ-10", "REQ-11"}
	if err != nil || !slices.Equal(walked, want) {
		t.Errorf("Tickets walked %v, %v; want creation order up to the stop %v", walked, err, want)
	}
}
