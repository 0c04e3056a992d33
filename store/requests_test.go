package store

import (
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/sprintguard/sprintguard/triage"
)

func TestRequestRoundTrip(t *testing.T) {
	db := openTest(t, Options{})
	var first, second int64
	err := db.Update(func(tx triage.Tx) error {
		var err error
		if first, err = tx.NextRequestID(); err != nil {
			return err
		}
		if second, err = tx.NextRequestID(); err != nil {
			return err
		}
		r := testRequest(second, "platform", t0)
		r.Details, r.Links = "details", []string{"https://example.com"}
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
		if r.Summary != "request 2" || r.Details != "details" || !r.CreatedAt.Equal(t0) || len(r.Links) != 1 {
			t.Errorf("Request(2) = %+v", r)
		}
		_, err = tx.Request(1)
		wantNotFound(t, "Request(1), allocated but never put", err)
		_, err = tx.RequestByTicket("REQ-404")
		wantNotFound(t, "RequestByTicket", err)
		_, err = tx.RequestByMessage("C1", "1.2")
		wantNotFound(t, "RequestByMessage", err)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestPutRequestRefusesBadRequests(t *testing.T) {
	db := openTest(t, Options{})
	for _, tc := range []struct {
		name string
		r    *triage.Request
	}{
		{"nil", nil},
		{"no id", testRequest(0, "a", t0)},
		{"NUL in team", testRequest(1, "a\x00b", t0)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := db.Update(func(tx triage.Tx) error { return tx.PutRequest(tc.r) })
			if err == nil {
				t.Error("PutRequest accepted it")
			}
		})
	}
}

func TestViewRefusesWrites(t *testing.T) {
	db := openTest(t, Options{})
	err := db.View(func(tx triage.Tx) error { return tx.PutRequest(testRequest(1, "a", t0)) })
	if err == nil {
		t.Error("PutRequest in View succeeded")
	}
}

// TestIndexesFollowChanges saves one request through a series of changes
// and checks every index after each step.
func TestIndexesFollowChanges(t *testing.T) {
	db := openTest(t, Options{})
	r := testRequest(1, "platform", t0)
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
		{name: "new, no ticket", change: func(*triage.Request) {}, open: true, created: t0},
		{name: "ticketed", change: func(r *triage.Request) { r.Ticket.Key = "REQ-1" }, ticket: "REQ-1", open: true, created: t0},
		{name: "ticket replaced", change: func(r *triage.Request) { r.Ticket.Key = "OPS-9" }, ticket: "OPS-9", gone: "REQ-1", open: true, created: t0},
		{name: "acknowledged", change: func(r *triage.Request) { r.Status = triage.StatusAcknowledged }, ticket: "OPS-9", open: true, created: t0},
		{name: "resolved", change: func(r *triage.Request) { r.Status = triage.StatusResolved }, ticket: "OPS-9", created: t0},
		{name: "reopened", change: func(r *triage.Request) { r.Status = triage.StatusOpen }, ticket: "OPS-9", open: true, created: t0},
		{name: "message attached", change: func(r *triage.Request) { r.Channel, r.TS = "C1", "100.1" }, ticket: "OPS-9", msg: [2]string{"C1", "100.1"}, open: true, created: t0},
		{name: "message moved", change: func(r *triage.Request) { r.TS = "200.2" }, ticket: "OPS-9", msg: [2]string{"C1", "200.2"}, oldMsg: [2]string{"C1", "100.1"}, open: true, created: t0},
		{name: "created moved", change: func(r *triage.Request) { r.CreatedAt = t0.Add(48 * time.Hour) }, ticket: "OPS-9", msg: [2]string{"C1", "200.2"}, open: true, created: t0.Add(48 * time.Hour)},
		{name: "deferred", change: func(r *triage.Request) { r.Status = triage.StatusDeferred }, ticket: "OPS-9", msg: [2]string{"C1", "200.2"}, created: t0.Add(48 * time.Hour)},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			s.change(r)
			put(t, db, r)
			_ = db.View(func(tx triage.Tx) error {
				if s.ticket != "" {
					if got, err := tx.RequestByTicket(s.ticket); err != nil || got.ID != 1 {
						t.Errorf("RequestByTicket(%s) = %v, %v", s.ticket, got, err)
					}
				}
				if s.gone != "" {
					_, err := tx.RequestByTicket(s.gone)
					wantNotFound(t, "old ticket "+s.gone, err)
				}
				if s.msg[0] != "" {
					if got, err := tx.RequestByMessage(s.msg[0], s.msg[1]); err != nil || got.ID != 1 {
						t.Errorf("RequestByMessage(%v) = %v, %v", s.msg, got, err)
					}
				}
				if s.oldMsg[0] != "" {
					_, err := tx.RequestByMessage(s.oldMsg[0], s.oldMsg[1])
					wantNotFound(t, "old message", err)
				}
				return nil
			})
			for _, team := range []string{"platform", ""} {
				if got := openIDs(t, db, team); (len(got) == 1) != s.open || len(got) > 1 {
					t.Errorf("OpenRequests(%q) = %v, want open=%v", team, got, s.open)
				}
				if got := ids(t, db, team, s.created, s.created.Add(time.Nanosecond)); len(got) != 1 {
					t.Errorf("Requests(%q) at %v = %v, want [1]", team, s.created, got)
				}
				if got := ids(t, db, team, time.Time{}, t0.Add(365*24*time.Hour)); len(got) != 1 {
					t.Errorf("Requests(%q) over a year = %v: a stale time index entry is left", team, got)
				}
			}
		})
	}
}

// TestSharedIndexKeepsOwner checks that a request dropping a ticket or
// message another request has taken since does not delete the other's entry.
func TestSharedIndexKeepsOwner(t *testing.T) {
	db := openTest(t, Options{})
	a, b := testRequest(1, "x", t0), testRequest(2, "x", t0)
	a.Ticket.Key, a.Channel, a.TS = "REQ-1", "C1", "1.1"
	put(t, db, a)
	b.Ticket.Key, b.Channel, b.TS = "REQ-1", "C1", "1.1"
	put(t, db, b)
	a.Ticket.Key, a.TS = "REQ-2", "2.2"
	put(t, db, a)
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

func TestRequestsRange(t *testing.T) {
	db := openTest(t, Options{})
	hour := time.Hour
	// ids 1..6, deliberately not put in time order; 4 and 5 share an instant.
	put(t, db,
		testRequest(3, "platform", t0.Add(2*hour)),
		testRequest(1, "platform", t0),
		testRequest(2, "data", t0.Add(hour)),
		testRequest(5, "platform", t0.Add(3*hour)),
		testRequest(4, "platform", t0.Add(3*hour)),
		testRequest(6, "platformx", t0.Add(3*hour)),
		testRequest(7, "platform", time.Date(1969, 7, 20, 20, 17, 0, 0, time.UTC)),
	)
	for _, tc := range []struct {
		name     string
		team     string
		from, to time.Time
		want     []int64
	}{
		{"from is inclusive", "platform", t0, t0.Add(hour), []int64{1}},
		{"to is exclusive", "platform", t0.Add(time.Nanosecond), t0.Add(2 * hour), nil},
		{"same instant by id", "platform", t0.Add(3 * hour), t0.Add(4 * hour), []int64{4, 5}},
		{"team prefix is not another team", "platform", t0, t0.Add(24 * hour), []int64{1, 3, 4, 5}},
		{"other team", "data", t0, t0.Add(24 * hour), []int64{2}},
		{"all teams", "", t0, t0.Add(24 * hour), []int64{1, 2, 3, 4, 5, 6}},
		{"before 1970", "platform", time.Time{}, t0, []int64{7}},
		{"empty window", "", t0.Add(hour), t0.Add(hour), nil},
		{"reversed window", "", t0.Add(2 * hour), t0, nil},
		{"unknown team", "nobody", time.Time{}, t0.Add(24 * hour), nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := ids(t, db, tc.team, tc.from, tc.to); !slices.Equal(got, tc.want) {
				t.Errorf("Requests(%q, %v, %v) = %v, want %v", tc.team, tc.from, tc.to, got, tc.want)
			}
		})
	}
}

func TestRequestsStop(t *testing.T) {
	db := openTest(t, Options{})
	for i := range int64(5) {
		put(t, db, testRequest(i+1, "a", t0.Add(time.Duration(i)*time.Minute)))
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
				return tx.Requests("a", t0, t0.Add(time.Hour), func(*triage.Request) error {
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
func TestWalkAllowsWrites(t *testing.T) {
	db := openTest(t, Options{})
	n := int64(2*walkChunk + 7)
	var rs []*triage.Request
	for i := range n {
		rs = append(rs, testRequest(i+1, "a", t0.Add(time.Duration(i)*time.Second)))
	}
	put(t, db, rs...)
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
	if got := openIDs(t, db, ""); len(got) != 0 {
		t.Errorf("%d requests still open", len(got))
	}
	if got := ids(t, db, "a", time.Time{}, t0.Add(24*time.Hour)); len(got) != int(n) {
		t.Errorf("time index holds %d requests, want %d", len(got), n)
	}
}

func TestOpenRequestsOrderAndTeams(t *testing.T) {
	db := openTest(t, Options{})
	closed := testRequest(4, "a", t0.Add(-time.Hour))
	closed.Status = triage.StatusResolved
	put(t, db,
		testRequest(1, "a", t0.Add(time.Hour)),
		testRequest(2, "b", t0),
		testRequest(3, "a", t0.Add(-2*time.Hour)),
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
			if got := openIDs(t, db, tc.team); !slices.Equal(got, tc.want) {
				t.Errorf("OpenRequests(%q) = %v, want %v", tc.team, got, tc.want)
			}
		})
	}
}

func TestRequestsByRequester(t *testing.T) {
	db := openTest(t, Options{})
	mk := func(id int64, team, user string, at time.Time) *triage.Request {
		r := testRequest(id, team, at)
		r.User = user
		return r
	}
	put(t, db,
		mk(1, "platform", "U1", t0),
		mk(2, "platform", "U2", t0.Add(time.Minute)),
		mk(3, "platform", "U1", t0.Add(2*time.Minute)),
		mk(4, "data", "U1", t0.Add(3*time.Minute)),
		mk(5, "platform", "U10", t0.Add(4*time.Minute)), // "U1" must not be a prefix match
		mk(6, "platform", "U1", t0.Add(time.Hour)),      // outside the range
	)
	// The requester changes: the index follows.
	moved := mk(2, "platform", "U1", t0.Add(time.Minute))
	put(t, db, moved)
	var got []int64
	if err := db.View(func(tx triage.Tx) error {
		return tx.RequestsBy("platform", "U1", t0, t0.Add(time.Hour), func(r *triage.Request) error {
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
