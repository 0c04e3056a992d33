// Package storetest is the contract of sprintguard's store, as one suite
// of tests that every driver runs: the bbolt driver (package store) and
// the PostgreSQL driver (store/postgres). A behaviour the suite does not
// test is not part of the contract; a driver's own tests cover only what
// is particular to it (file locks, schema migrations, bbolt's buckets).
//
// A driver's test calls Run with a Driver that makes fresh stores:
//
//	func TestContract(t *testing.T) {
//		storetest.Run(t, storetest.Driver{New: func(t *testing.T) storetest.Opener { ... }})
//	}
//
// The helpers (T0, Request, Put, ...) are exported for drivers' own tests.
package storetest

import (
	"sync"
	"testing"
	"time"

	"github.com/sprintguard/sprintguard/tracker/local"
	"github.com/sprintguard/sprintguard/triage"
)

// Store is what the contract covers: the triage store, the local
// tracker's tickets, the inbox of Slack deliveries, and what an operator
// does with the outbox.
type Store interface {
	triage.Store
	local.Store
	// Accept stores d unless its key was accepted within ttl; it reports
	// whether d was a duplicate.
	Accept(d *triage.Delivery, ttl time.Duration) (dup bool, err error)
	// Pending returns up to limit stored, unprocessed deliveries, oldest first.
	Pending(limit int) ([]*triage.Delivery, error)
	// PendingAfter is Pending from the first delivery whose Seq is
	// greater than after: the inbox's cursor.
	PendingAfter(after uint64, limit int) ([]*triage.Delivery, error)
	// Done removes a processed delivery.
	Done(seq uint64) error

	DeadJobs() ([]*triage.Job, error)
	RetryDead(id uint64) error
	DiscardDead(id uint64) error
	OutboxStats() (queued, dead int, oldest time.Time, err error)
	// PurgeExpired removes claims and done job keys expired at now.
	PurgeExpired(now time.Time) (int, error)
	// PurgeText removes the words of requests created before cutoff.
	PurgeText(cutoff time.Time) (int, error)

	Close() error
}

// Options are what a test sets of the store it opens; a driver passes them
// to its own options.
type Options struct {
	// Now is the store's clock (claims, done job keys, leases).
	Now func() time.Time
	// DedupeTTL is how long a completed job's key blocks a re-enqueue.
	DedupeTTL time.Duration
	// Lease is how long a replica holds the jobs and deliveries it took;
	// only drivers with Replicas use it.
	Lease time.Duration
}

// Opener opens one store; each call is another handle on the same store.
type Opener func(opt Options) (Store, error)

// Driver tells the suite how to make stores.
type Driver struct {
	// New makes an empty store for t (in t.TempDir(), a fresh database...)
	// and returns how to open it.
	New func(t *testing.T) Opener
	// Replicas says that several handles may be open on one store at
	// once, as serve replicas share one database. Without it the suite
	// closes a handle before it opens the next, and skips the cases about
	// replicas.
	Replicas bool
}

// Run runs the whole contract against d, each case in parallel.
func Run(t *testing.T, d Driver) {
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			c.fn(t, d)
		})
	}
}

type contractCase struct {
	name string
	fn   func(t *testing.T, d Driver)
}

// cases is the contract, grouped as the files of this package are.
var cases = []contractCase{
	{"RequestRoundTrip", testRequestRoundTrip},
	{"PutRequestRefusesBadRequests", testPutRequestRefusesBadRequests},
	{"ViewRefusesWrites", testViewRefusesWrites},
	{"AddPosts", testAddPosts},
	{"PutSimilar", testPutSimilar},
	{"IndexesFollowChanges", testIndexesFollowChanges},
	{"SharedIndexKeepsOwner", testSharedIndexKeepsOwner},
	{"RequestsRange", testRequestsRange},
	{"RequestsStop", testRequestsStop},
	{"WalkAllowsWrites", testWalkAllowsWrites},
	{"OpenRequestsOrderAndTeams", testOpenRequestsOrderAndTeams},
	{"RequestsByRequester", testRequestsByRequester},
	{"FailedUpdateLeavesNothing", testFailedUpdateLeavesNothing},
	{"FailingUpdateFailsAlone", testFailingUpdateFailsAlone},
	{"PurgeTextKeepsTheFigures", testPurgeTextKeepsTheFigures},

	{"Claim", testClaim},
	{"Settle", testSettle},
	{"Ledgers", testLedgers},
	{"Overrides", testOverrides},
	{"NotesByTeamAndTime", testNotesByTeamAndTime},
	{"ScheduleKeepsTheLastGood", testScheduleKeepsTheLastGood},
	{"Labels", testLabels},
	{"LastRun", testLastRun},

	{"EnqueueDedupe", testEnqueueDedupe},
	{"DueJobs", testDueJobs},
	{"PutJobMovesNextAt", testPutJobMovesNextAt},
	{"BuryRetryDiscard", testBuryRetryDiscard},
	{"OutboxStatsOldest", testOutboxStatsOldest},
	{"PurgeExpired", testPurgeExpired},
	{"RenewLease", testRenewLease},
	{"WorkerRenewsLongJobs", testWorkerRenewsLongJobs},
	{"RenewLeasesWaitsForNoUpdate", testRenewLeasesWaitsForNoUpdate},

	{"InboxAcceptsEachKeyOnce", testInboxAcceptsEachKeyOnce},
	{"AcceptTakesTheEventClaim", testAcceptTakesTheEventClaim},
	{"InboxResumesAtItsCursor", testInboxResumesAtItsCursor},
	{"AcceptRefusesWhatIntakeClaimed", testAcceptRefusesWhatIntakeClaimed},
	{"PurgedClaimBlocksNothing", testPurgedClaimBlocksNothing},

	{"CreateTicket", testCreateTicket},
	{"CreateTicketConcurrentRetries", testCreateTicketConcurrentRetries},
	{"UpdateTicketAndWalk", testUpdateTicketAndWalk},

	{"ConcurrentUpdates", testConcurrentUpdates},
	{"ReplicasShareClaims", testReplicasShareClaims},
	{"ReplicasTakeEachJobOnce", testReplicasTakeEachJobOnce},
	{"ReplicaLeaseExpires", testReplicaLeaseExpires},
	{"ReplicaLeasesOnlyFreeJobs", testReplicaLeasesOnlyFreeJobs},
	{"ReplicaRenewedLeaseHolds", testReplicaRenewedLeaseHolds},
	{"ReplicasShareTheInbox", testReplicasShareTheInbox},
	{"ReplicaCloseHandsOver", testReplicaCloseHandsOver},
	{"ReplicasRunARequestsJobsInOrder", testReplicasRunARequestsJobsInOrder},
	{"ReplicaHoldsARequestsJobsBack", testReplicaHoldsARequestsJobsBack},
}

// fixture is one store of a test and the handles open on it.
type fixture struct {
	t    *testing.T
	d    Driver
	open Opener
}

func newFixture(t *testing.T, d Driver) *fixture {
	t.Helper()
	return &fixture{t: t, d: d, open: d.New(t)}
}

// Open opens a handle on the fixture's store, closed at the end of the
// test unless the test closes it first.
func (f *fixture) Open(opt Options) Store {
	f.t.Helper()
	s, err := f.open(opt)
	if err != nil {
		f.t.Fatalf("open store: %v", err)
	}
	h := &handle{Store: s}
	f.t.Cleanup(func() {
		if err := h.Close(); err != nil {
			f.t.Errorf("close store: %v", err)
		}
	})
	return h
}

// open is newFixture(t, d).Open(opt), for tests with one handle.
func open(t *testing.T, d Driver, opt Options) Store {
	t.Helper()
	return newFixture(t, d).Open(opt)
}

// replicas opens n handles on one store, or skips t for a driver without
// replicas.
func replicas(t *testing.T, d Driver, n int, opt Options) []Store {
	t.Helper()
	if !d.Replicas {
		t.Skip("the driver runs one process per store")
	}
	f := newFixture(t, d)
	out := make([]Store, n)
	for i := range out {
		out[i] = f.Open(opt)
	}
	return out
}

// handle closes its store once, however often Close is called.
type handle struct {
	Store
	once sync.Once
	err  error
}

func (h *handle) Close() error {
	h.once.Do(func() { h.err = h.Store.Close() })
	return h.err
}
