package storetest

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/sprintguard/sprintguard/classifier"
	"github.com/sprintguard/sprintguard/triage"
)

func testRequestRoundTrip(t *testing.T, d Driver) {
	db := open(t, d, Options{})
	var first, second int64
	err := db.Update(func(tx triage.Tx) error {
		var err error
		if first, err = tx.NextRequestID(); err != nil {
			return err
		}
		if second, err = tx.NextRequestID(); err != nil {
			return err
		}
		r := Request(second, "platform", T0)
		// Slack text may hold anything JSON can: a NUL must come back too.
		r.Details, r.Links = "details\x00 ✓", []string{"https://example.com"}
		return tx.PutRequest(r)
	})
	if err != nil {
		t.Fatal(err)
	}
	if first != 1 || second != 2 {
		t.Errorf("NextRequestID gave %d, %d; want 1, 2", first, second)
	}
	err = db.View(func(tx triage.Tx) error {
		r, err := tx.Request(2)
		if err != nil {
			return err
		}
		if r.Summary != "request 2" || r.Details != "details\x00 ✓" || !r.CreatedAt.Equal(T0) || len(r.Links) != 1 {
			t.Errorf("Request(2) = %+v", r)
		}
		_, err = tx.Request(1)
		WantNotFound(t, "Request(1), allocated but never put", err)
		_, err = tx.RequestByTicket("REQ-404")
		WantNotFound(t, "RequestByTicket", err)
		_, err = tx.RequestByMessage("C1", "1.2")
		WantNotFound(t, "RequestByMessage", err)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func testPutRequestRefusesBadRequests(t *testing.T, d Driver) {
	db := open(t, d, Options{})
	for _, tc := range []struct {
		name string
		r    *triage.Request
	}{
		{"nil", nil},
		{"no id", Request(0, "a", T0)},
		{"NUL in team", Request(1, "a\x00b", T0)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := db.Update(func(tx triage.Tx) error { return tx.PutRequest(tc.r) })
			if err == nil {
				t.Error("PutRequest accepted it")
			}
		})
	}
}

func testViewRefusesWrites(t *testing.T, d Driver) {
	db := open(t, d, Options{})
	err := db.View(func(tx triage.Tx) error { return tx.PutRequest(Request(1, "a", T0)) })
	if err == nil {
		t.Error("PutRequest in View succeeded")
	}
}

// TestIndexesFollowChanges saves one request through a series of changes
// and checks every index after each step.
func testIndexesFollowChanges(t *testing.T, d Driver) {
	db := open(t, d, Options{})
	r := Request(1, "platform", T0)
	steps := []struct {
		name    string
		change  func(r *triage.Request)
		ticket  string // the ticket that must find the request
		gone    string // a ticket that must no longer find it
		msg     [2]string
		oldMsg  [2]string
		open    bool
		created time.Time
	}{
		{name: "new, no ticket", change: func(*triage.Request) {}, open: true, created: T0},
		{name: "ticketed", change: func(r *triage.Request) { r.Ticket.Key = "REQ-1" }, ticket: "REQ-1", open: true, created: T0},
		{name: "ticket replaced", change: func(r *triage.Request) { r.Ticket.Key = "OPS-9" }, ticket: "OPS-9", gone: "REQ-1", open: true, created: T0},
		{name: "acknowledged", change: func(r *triage.Request) { r.Status = triage.StatusAcknowledged }, ticket: "OPS-9", open: true, created: T0},
		{name: "resolved", change: func(r *triage.Request) { r.Status = triage.StatusResolved }, ticket: "OPS-9", created: T0},
		{name: "reopened", change: func(r *triage.Request) { r.Status = triage.StatusOpen }, ticket: "OPS-9", open: true, created: T0},
		{name: "message attached", change: func(r *triage.Request) { r.Channel, r.TS = "C1", "100.1" }, ticket: "OPS-9", msg: [2]string{"C1", "100.1"}, open: true, created: T0},
		{name: "message moved", change: func(r *triage.Request) { r.TS = "200.2" }, ticket: "OPS-9", msg: [2]string{"C1", "200.2"}, oldMsg: [2]string{"C1", "100.1"}, open: true, created: T0},
		{name: "created moved", change: func(r *triage.Request) { r.CreatedAt = T0.Add(48 * time.Hour) }, ticket: "OPS-9", msg: [2]string{"C1", "200.2"}, open: true, created: T0.Add(48 * time.Hour)},
		{name: "deferred", change: func(r *triage.Request) { r.Status = triage.StatusDeferred }, ticket: "OPS-9", msg: [2]string{"C1", "200.2"}, created: T0.Add(48 * time.Hour)},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			s.change(r)
			Put(t, db, r)
			_ = db.View(func(tx triage.Tx) error {
				if s.ticket != "" {
					if got, err := tx.RequestByTicket(s.ticket); err != nil || got.ID != 1 {
						t.Errorf("RequestByTicket(%s) = %v, %v", s.ticket, got, err)
					}
				}
				if s.gone != "" {
					_, err := tx.RequestByTicket(s.gone)
					WantNotFound(t, "old ticket "+s.gone, err)
				}
				if s.msg[0] != "" {
					if got, err := tx.RequestByMessage(s.msg[0], s.msg[1]); err != nil || got.ID != 1 {
						t.Errorf("RequestByMessage(%v) = %v, %v", s.msg, got, err)
					}
				}
				if s.oldMsg[0] != "" {
					_, err := tx.RequestByMessage(s.oldMsg[0], s.oldMsg[1])
					WantNotFound(t, "old message", err)
				}
				return nil
			})
			for _, team := range []string{"platform", ""} {
				if got := OpenIDs(t, db, team); (len(got) == 1) != s.open || len(got) > 1 {
					t.Errorf("OpenRequests(%q) = %v, want open=%v", team, got, s.open)
				}
				if got := IDs(t, db, team, s.created, s.created.Add(time.Nanosecond)); len(got) != 1 {
					t.Errorf("Requests(%q) at %v = %v, want [1]", team, s.created, got)
				}
				if got := IDs(t, db, team, time.Time{}, T0.Add(365*24*time.Hour)); len(got) != 1 {
					t.Errorf("Requests(%q) over a year = %v: a stale time index entry is left", team, got)
				}
			}
		})
	}
}

// TestSharedIndexKeepsOwner checks that a request dropping a ticket or
// message another request has taken since does not delete the other's entry.
func testSharedIndexKeepsOwner(t *testing.T, d Driver) {
	db := open(t, d, Options{})
	a, b := Request(1, "x", T0), Request(2, "x", T0)
	a.Ticket.Key, a.Channel, a.TS = "REQ-1", "C1", "1.1"
	Put(t, db, a)
	b.Ticket.Key, b.Channel, b.TS = "REQ-1", "C1", "1.1"
	Put(t, db, b)
	a.Ticket.Key, a.TS = "REQ-2", "2.2"
	Put(t, db, a)
	_ = db.View(func(tx triage.Tx) error {
		if got, err := tx.RequestByTicket("REQ-1"); err != nil || got.ID != 2 {
			t.Errorf("RequestByTicket(REQ-1) = %v, %v; want request 2", got, err)
		}
		if got, err := tx.RequestByMessage("C1", "1.1"); err != nil || got.ID != 2 {
			t.Errorf("RequestByMessage(C1, 1.1) = %v, %v; want request 2", got, err)
		}
		return nil
	})
}

func testRequestsRange(t *testing.T, d Driver) {
	db := open(t, d, Options{})
	hour := time.Hour
	// ids 1..6, deliberately not put in time order; 4 and 5 share an instant.
	Put(t, db,
		Request(3, "platform", T0.Add(2*hour)),
		Request(1, "platform", T0),
		Request(2, "data", T0.Add(hour)),
		Request(5, "platform", T0.Add(3*hour)),
		Request(4, "platform", T0.Add(3*hour)),
		Request(6, "platformx", T0.Add(3*hour)),
		Request(7, "platform", time.Date(1969, 7, 20, 20, 17, 0, 0, time.UTC)),
	)
	for _, tc := range []struct {
		name     string
		team     string
		from, to time.Time
		want     []int64
	}{
		{"from is inclusive", "platform", T0, T0.Add(hour), []int64{1}},
		{"to is exclusive", "platform", T0.Add(time.Nanosecond), T0.Add(2 * hour), nil},
		{"same instant by id", "platform", T0.Add(3 * hour), T0.Add(4 * hour), []int64{4, 5}},
		{"team prefix is not another team", "platform", T0, T0.Add(24 * hour), []int64{1, 3, 4, 5}},
		{"other team", "data", T0, T0.Add(24 * hour), []int64{2}},
		{"all teams", "", T0, T0.Add(24 * hour), []int64{1, 2, 3, 4, 5, 6}},
		{"before 1970", "platform", time.Time{}, T0, []int64{7}},
		{"empty window", "", T0.Add(hour), T0.Add(hour), nil},
		{"reversed window", "", T0.Add(2 * hour), T0, nil},
		{"unknown team", "nobody", time.Time{}, T0.Add(24 * hour), nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := IDs(t, db, tc.team, tc.from, tc.to); !slices.Equal(got, tc.want) {
				t.Errorf("Requests(%q, %v, %v) = %v, want %v", tc.team, tc.from, tc.to, got, tc.want)
			}
		})
	}
}

func testRequestsStop(t *testing.T, d Driver) {
	db := open(t, d, Options{})
	for i := range int64(5) {
		Put(t, db, Request(i+1, "a", T0.Add(time.Duration(i)*time.Minute)))
	}
	boom := errors.New("boom")
	for _, tc := range []struct {
		name    string
		ret     error
		wantErr error
	}{
		{"ErrStop ends without error", triage.ErrStop, nil},
		{"other errors are returned", boom, boom},
	} {
		t.Run(tc.name, func(t *testing.T) {
			seen := 0
			err := db.View(func(tx triage.Tx) error {
				return tx.Requests("a", T0, T0.Add(time.Hour), func(*triage.Request) error {
					seen++
					if seen == 2 {
						return tc.ret
					}
					return nil
				})
			})
			if !errors.Is(err, tc.wantErr) || (tc.wantErr == nil && err != nil) {
				t.Errorf("err = %v, want %v", err, tc.wantErr)
			}
			if seen != 2 {
				t.Errorf("fn called %d times, want 2", seen)
			}
		})
	}
}

// TestWalkAllowsWrites resolves every open request from inside the walk,
// across more than one read-ahead chunk.
func testWalkAllowsWrites(t *testing.T, d Driver) {
	db := open(t, d, Options{})
	// More than two read-ahead chunks of either driver.
	n := int64(1031)
	var rs []*triage.Request
	for i := range n {
		rs = append(rs, Request(i+1, "a", T0.Add(time.Duration(i)*time.Second)))
	}
	Put(t, db, rs...)
	seen := map[int64]int{}
	err := db.Update(func(tx triage.Tx) error {
		return tx.OpenRequests("a", func(r *triage.Request) error {
			seen[r.ID]++
			r.Status = triage.StatusResolved
			r.CreatedAt = r.CreatedAt.Add(time.Hour)
			return tx.PutRequest(r)
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(seen) != int(n) {
		t.Errorf("walk saw %d requests, want %d", len(seen), n)
	}
	for id, c := range seen {
		if c != 1 {
			t.Errorf("request %d seen %d times", id, c)
		}
	}
	if got := OpenIDs(t, db, ""); len(got) != 0 {
		t.Errorf("%d requests still open", len(got))
	}
	if got := IDs(t, db, "a", time.Time{}, T0.Add(24*time.Hour)); len(got) != int(n) {
		t.Errorf("time index holds %d requests, want %d", len(got), n)
	}
}

func testOpenRequestsOrderAndTeams(t *testing.T, d Driver) {
	db := open(t, d, Options{})
	closed := Request(4, "a", T0.Add(-time.Hour))
	closed.Status = triage.StatusResolved
	Put(t, db,
		Request(1, "a", T0.Add(time.Hour)),
		Request(2, "b", T0),
		Request(3, "a", T0.Add(-2*time.Hour)),
		closed,
	)
	for _, tc := range []struct {
		team string
		want []int64
	}{
		{"a", []int64{3, 1}},
		{"b", []int64{2}},
		{"", []int64{3, 2, 1}},
	} {
		t.Run("team="+tc.team, func(t *testing.T) {
			if got := OpenIDs(t, db, tc.team); !slices.Equal(got, tc.want) {
				t.Errorf("OpenRequests(%q) = %v, want %v", tc.team, got, tc.want)
			}
		})
	}
}

func testRequestsByRequester(t *testing.T, d Driver) {
	db := open(t, d, Options{})
	mk := func(id int64, team, user string, at time.Time) *triage.Request {
		r := Request(id, team, at)
		r.User = user
		return r
	}
	Put(t, db,
		mk(1, "platform", "U1", T0),
		mk(2, "platform", "U2", T0.Add(time.Minute)),
		mk(3, "platform", "U1", T0.Add(2*time.Minute)),
		mk(4, "data", "U1", T0.Add(3*time.Minute)),
		mk(5, "platform", "U10", T0.Add(4*time.Minute)), // "U1" must not be a prefix match
		mk(6, "platform", "U1", T0.Add(time.Hour)),      // outside the range
	)
	// The requester changes: the index follows.
	moved := mk(2, "platform", "U1", T0.Add(time.Minute))
	Put(t, db, moved)
	var got []int64
	if err := db.View(func(tx triage.Tx) error {
		return tx.RequestsBy("platform", "U1", T0, T0.Add(time.Hour), func(r *triage.Request) error {
			got = append(got, r.ID)
			return nil
		})
	}); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(got) != "[1 2 3]" {
		t.Errorf("RequestsBy(platform, U1) = %v, want [1 2 3]", got)
	}
}

// testFailedUpdateLeavesNothing checks that an Update whose fn fails
// returns fn's error and keeps none of its writes, ids included.
func testFailedUpdateLeavesNothing(t *testing.T, d Driver) {
	db := open(t, d, Options{})
	boom := errors.New("boom")
	err := db.Update(func(tx triage.Tx) error {
		id, err := tx.NextRequestID()
		if err != nil {
			return err
		}
		r := Request(id, "a", T0)
		r.Ticket.Key = "REQ-1"
		if err := tx.PutRequest(r); err != nil {
			return err
		}
		if _, err := tx.Enqueue(Job("notify:1", T0)); err != nil {
			return err
		}
		if _, _, err := tx.Claim("event:E1", "1", T0, T0.Add(time.Hour)); err != nil {
			return err
		}
		return boom
	})
	if err != boom {
		t.Fatalf("Update returned %v, want fn's own error", err)
	}
	if got := IDs(t, db, "", time.Time{}, T0.Add(time.Hour)); len(got) != 0 {
		t.Errorf("requests after a failed Update: %v", got)
	}
	if got := DueKeys(t, db, T0, 0); len(got) != 0 {
		t.Errorf("jobs after a failed Update: %v", got)
	}
	MustUpdate(t, db, func(tx triage.Tx) error {
		_, err := tx.RequestByTicket("REQ-1")
		WantNotFound(t, "RequestByTicket after a failed Update", err)
		if _, ok, _ := tx.Claimed("event:E1", T0); ok {
			t.Error("the claim of a failed Update is live")
		}
		if id, err := tx.NextRequestID(); err != nil || id != 1 {
			t.Errorf("NextRequestID = %d, %v; want 1, the id the failed Update gave back", id, err)
		}
		return nil
	})
}

// testFailingUpdateFailsAlone runs Updates at once, one of which fails
// after its writes: a driver may commit them together (group commit), but
// each caller gets its own result, the failing one leaves nothing, not
// even the request id it took, and its peers' writes all stay.
func testFailingUpdateFailsAlone(t *testing.T, d Driver) {
	db := open(t, d, Options{})
	boom := errors.New("boom")
	const n, failing = 12, 5
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			errs[i] = db.Update(func(tx triage.Tx) error {
				id, err := tx.NextRequestID()
				if err != nil {
					return err
				}
				if err := tx.PutRequest(Request(id, "a", T0.Add(time.Duration(id)*time.Second))); err != nil {
					return err
				}
				if _, err := tx.Enqueue(Job(fmt.Sprint("notify:", i), T0)); err != nil {
					return err
				}
				if i == failing {
					return boom
				}
				return nil
			})
		})
	}
	wg.Wait()
	for i, err := range errs {
		if (i == failing) != errors.Is(err, boom) || i != failing && err != nil {
			t.Errorf("Update %d returned %v", i, err)
		}
	}
	var want []int64
	for id := range int64(n - 1) {
		want = append(want, id+1)
	}
	if got := IDs(t, db, "", time.Time{}, T0.Add(time.Hour)); !slices.Equal(got, want) {
		t.Errorf("requests %v, want %v", got, want)
	}
	keys := DueKeys(t, db, T0, 0)
	if len(keys) != n-1 || slices.Contains(keys, fmt.Sprint("notify:", failing)) {
		t.Errorf("jobs %v, want every Update's but the failing one's", keys)
	}
}

// testPurgeTextKeepsTheFigures purges more requests than one purge
// transaction of either driver takes.
func testPurgeTextKeepsTheFigures(t *testing.T, d Driver) {
	db := open(t, d, Options{})
	base := time.Date(2026, 1, 5, 12, 0, 0, 0, time.UTC)
	const n, old = 530, 515
	var rs []*triage.Request
	for i := range n {
		rs = append(rs, &triage.Request{ID: int64(i + 1), Team: "platform", User: "U1", UserName: "ann", Summary: fmt.Sprint("secret project ", i),
			Details: "db password rotation", Links: []string{"https://x"}, CreatedAt: base.Add(time.Duration(i) * time.Hour),
			Urgency: 2, Decision: classifier.Decision{Urgency: 2, Rule: "r"}, Outcome: triage.Accepted, Status: triage.StatusResolved, Estimate: 2,
			Events: []triage.Event{{Kind: "received", Detail: "secret project"}}})
	}
	Put(t, db, rs...)
	cutoff := base.Add(old * time.Hour)
	got, err := db.PurgeText(cutoff)
	if err != nil || got != old {
		t.Fatalf("purged %d, %v; want %d", got, err, old)
	}
	if got, _ := db.PurgeText(cutoff); got != 0 {
		t.Fatalf("a second purge purged %d", got)
	}
	err = db.View(func(tx triage.Tx) error {
		return tx.Requests("", time.Time{}, base.AddDate(1, 0, 0), func(r *triage.Request) error {
			old := r.CreatedAt.Before(cutoff)
			if old != r.Purged || old && (r.Summary != "" || r.Details != "" || r.Links != nil || r.UserName != "" || r.Events[0].Detail != "") {
				t.Errorf("request %d (old %v): %+v", r.ID, old, r)
			}
			if r.Urgency != 2 || r.Estimate != 2 || r.Outcome != triage.Accepted {
				t.Errorf("request %d lost its figures: %+v", r.ID, r)
			}
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
}
