package transfer_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/sprintguard/sprintguard/store/transfer"
	"github.com/sprintguard/sprintguard/store/transfer/transfertest"
	"github.com/sprintguard/sprintguard/triage"
)

// TestCopyBoltToBolt copies every kind between two bbolt files, which both
// implement Source and Target, and checks the copy through the store's own
// read paths as well as the checksums.
func TestCopyBoltToBolt(t *testing.T) {
	ctx := context.Background()
	src, dst := transfertest.OpenBolt(t), transfertest.OpenBolt(t)
	transfertest.Populate(t, src, 6)
	res, err := transfer.Copy(ctx, src, dst, transfer.Options{})
	if err != nil {
		t.Fatalf("Copy: %v", err)
	}
	transfertest.CheckEveryKind(t, res)
	for _, r := range res {
		if r.Added != r.Source.Count && r.Kind != transfer.Sequences {
			t.Errorf("%s: added %d of %d into an empty target", r.Kind, r.Added, r.Source.Count)
		}
	}
	// The indexes were rebuilt: the target finds requests by ticket, by
	// message and by status, and allocates the next id after the source's.
	err = dst.View(func(tx triage.Tx) error {
		r, err := tx.RequestByTicket("REQ-3")
		if err != nil || r.ID != 3 {
			t.Errorf("RequestByTicket(REQ-3) = %v, %v; want request 3", r, err)
		}
		r, err = tx.RequestByMessage("C0HELP", "1772442000.000001")
		if err != nil || r.ID != 2 {
			t.Errorf("RequestByMessage = %v, %v; want request 2", r, err)
		}
		open := 0
		if err := tx.OpenRequests("", func(*triage.Request) error { open++; return nil }); err != nil {
			return err
		}
		if open != 5 {
			t.Errorf("%d open requests in the target, want 5", open)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var next int64
	if err := dst.Update(func(tx triage.Tx) (err error) { next, err = tx.NextRequestID(); return err }); err != nil || next != 7 {
		t.Errorf("next request id in the target = %d, %v; want 7", next, err)
	}
	due, err := func() ([]*triage.Job, error) {
		var out []*triage.Job
		err := dst.View(func(tx triage.Tx) (err error) { out, err = tx.DueJobs(transfertest.T0.Add(time.Hour), 0); return err })
		return out, err
	}()
	if err != nil || len(due) != 2 {
		t.Errorf("due jobs in the target = %d, %v; want the 2 still queued", len(due), err)
	}
	pending, err := dst.Pending(10)
	if err != nil || len(pending) != 2 {
		t.Errorf("pending deliveries in the target = %d, %v; want 2", len(pending), err)
	}
	if tk, created, err := dst.CreateTicket("create:1", nil); err != nil || created || tk.Key != "LOC-1" {
		t.Errorf("CreateTicket with a copied idempotency key = %s, created %t, %v; want LOC-1 found", tk.Key, created, err)
	}
}

// TestCopyRerunChangesNothing runs the copy twice: the second run adds and
// changes nothing, and says every record was already the same. The source
// has more requests than one import batch holds.
func TestCopyRerunChangesNothing(t *testing.T) {
	ctx := context.Background()
	src, dst := transfertest.OpenBolt(t), transfertest.OpenBolt(t)
	transfertest.Populate(t, src, 1500)
	if _, err := transfer.Copy(ctx, src, dst, transfer.Options{}); err != nil {
		t.Fatal(err)
	}
	res, err := transfer.Copy(ctx, src, dst, transfer.Options{})
	if err != nil {
		t.Fatalf("second Copy: %v", err)
	}
	for _, r := range res {
		if r.Added != 0 || r.Changed != 0 || r.Same != r.Source.Count {
			t.Errorf("%s on the second run: added %d, changed %d, same %d of %d", r.Kind, r.Added, r.Changed, r.Same, r.Source.Count)
		}
	}
	transfertest.CheckEveryKind(t, res)
}

// TestCopyRefusesDifferentData gives the target a different request under
// a source id: the copy refuses before writing anything, and --force
// overwrites it.
func TestCopyRefusesDifferentData(t *testing.T) {
	ctx := context.Background()
	src, dst := transfertest.OpenBolt(t), transfertest.OpenBolt(t)
	transfertest.Populate(t, src, 4)
	other := transfertest.OpenBolt(t)
	transfertest.Populate(t, other, 4)
	if err := other.Update(func(tx triage.Tx) error {
		r, err := tx.Request(2)
		if err != nil {
			return err
		}
		r.Summary = "someone else's request"
		return tx.PutRequest(r)
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := transfer.Copy(ctx, other, dst, transfer.Options{Kinds: []string{transfer.Requests}}); err != nil {
		t.Fatal(err)
	}
	before, err := transfer.Checksum(ctx, dst, transfer.Claims)
	if err != nil {
		t.Fatal(err)
	}
	_, err = transfer.Copy(ctx, src, dst, transfer.Options{})
	var conflict *transfer.ConflictError
	if !errors.As(err, &conflict) || conflict.Kind != transfer.Requests || conflict.N != 1 || conflict.Keys[0] != "2" {
		t.Fatalf("Copy onto a different request 2 = %v; want a conflict on requests key 2", err)
	}
	if after, _ := transfer.Checksum(ctx, dst, transfer.Claims); after != before {
		t.Errorf("a refused copy wrote claims: %+v, was %+v", after, before)
	}
	res, err := transfer.Copy(ctx, src, dst, transfer.Options{Force: true})
	if err != nil {
		t.Fatalf("Copy --force: %v", err)
	}
	transfertest.CheckEveryKind(t, res)
	if err := dst.View(func(tx triage.Tx) error {
		r, err := tx.Request(2)
		if err == nil && r.Summary == "someone else's request" {
			t.Errorf("--force left the target's request 2 as it was")
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
}

// TestChecksumSeesOneChangedField changes one field of one record and
// expects that kind's checksum, and only it, to change.
func TestChecksumSeesOneChangedField(t *testing.T) {
	ctx := context.Background()
	db := transfertest.OpenBolt(t)
	transfertest.Populate(t, db, 4)
	sums := func() map[string]transfer.Sum {
		out := map[string]transfer.Sum{}
		for _, k := range transfer.AllKinds {
			s, err := transfer.Checksum(ctx, db, k)
			if err != nil {
				t.Fatal(err)
			}
			out[k] = s
		}
		return out
	}
	before := sums()
	if err := db.Update(func(tx triage.Tx) error {
		return tx.SetLastRun("report:platform", transfertest.T0.Add(time.Nanosecond))
	}); err != nil {
		t.Fatal(err)
	}
	after := sums()
	for _, k := range transfer.AllKinds {
		if changed := before[k] != after[k]; changed != (k == transfer.LastRuns) {
			t.Errorf("%s: checksum changed %t after a change to last_runs only", k, changed)
		}
	}
}

func TestCanonical(t *testing.T) {
	for _, tc := range []struct{ name, a, b string }{
		{"key order", `{"a":1,"b":"x"}`, `{"b":"x","a":1}`},
		{"time zone", `{"at":"2026-03-02T10:00:00+01:00"}`, `{"at":"2026-03-02T09:00:00Z"}`},
		{"nested time", `{"x":[{"at":"2026-03-29T03:30:00+02:00"}]}`, `{"x":[{"at":"2026-03-29T01:30:00Z"}]}`},
		{"big number kept exact", `{"n":9007199254740993}`, `{"n":9007199254740993}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, err := transfer.Canonical(json.RawMessage(tc.a))
			if err != nil {
				t.Fatal(err)
			}
			b, err := transfer.Canonical(json.RawMessage(tc.b))
			if err != nil {
				t.Fatal(err)
			}
			if string(a) != string(b) {
				t.Errorf("Canonical(%s) = %s, Canonical(%s) = %s", tc.a, a, tc.b, b)
			}
		})
	}
	a, _ := transfer.Canonical(json.RawMessage(`{"at":"2026-03-02T09:00:00Z"}`))
	b, _ := transfer.Canonical(json.RawMessage(`{"at":"2026-03-02T09:00:01Z"}`))
	if string(a) == string(b) {
		t.Errorf("Canonical made different times equal: %s", a)
	}
}

// TestCopyRefusesSequencePast gives the target a request id the source
// never handed out: the copy refuses, even with Force, before writing.
func TestCopyRefusesSequencePast(t *testing.T) {
	ctx := context.Background()
	src, dst := transfertest.OpenBolt(t), transfertest.OpenBolt(t)
	transfertest.Populate(t, src, 4)
	if err := dst.Update(func(tx triage.Tx) error {
		for range 9 {
			if _, err := tx.NextRequestID(); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	for _, force := range []bool{false, true} {
		_, err := transfer.Copy(ctx, src, dst, transfer.Options{Force: force})
		if err == nil || !strings.Contains(err.Error(), "requests sequence is past the source's") {
			t.Errorf("Copy (force %t) onto a target past the source's request ids = %v", force, err)
		}
	}
	if s, _ := transfer.Checksum(ctx, dst, transfer.Requests); s.Count != 0 {
		t.Errorf("a refused copy wrote %d requests", s.Count)
	}
}
