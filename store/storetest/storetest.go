// Package storetest is the contract of sprintguard's store, as one suite
// of tests that every driver runs: the bbolt driver (package store), the
// PostgreSQL driver (store/postgres) and the in-memory store of replay
// (store/memory). A behaviour the suite does not test is not part of the
// contract; a driver's own tests cover only what is particular to it
// (file locks, schema migrations, bbolt's buckets, eviction).
//
// Every store is a Store, triage.Store and local.Store, and meets every
// case about them: reads and writes, indexes, claims, ledgers, the outbox
// seen from a transaction, tickets, a failed Update leaving nothing (one
// that fails among concurrent ones failing alone), and values that are
// the caller's own, as a decoded copy is (a read hands out a copy). What
// only serve needs is in groups (see groups.go): the inbox of Slack
// deliveries (Inbox), the dead letters and outbox figures (Outbox),
// retention (Purger), renewing leases outside Update
// (triage.LeaseRenewer) and replicas (Driver.Replicas). So is a write
// keeping a copy of what it is given, which a store that says why not
// (Sharer) goes without. Run finds by type assertion which groups the
// driver's store offers, and skips each case that needs one it lacks,
// naming the group and why the store goes without it. PostgreSQL offers
// every group, bbolt all but replicas and lease renewal outside Update,
// and the memory store none: it shares the requests and tickets written
// to it, since copying them cost replay too much.
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
	"testing"
	"time"

	"github.com/sprintguard/sprintguard/tracker/local"
	"github.com/sprintguard/sprintguard/triage"
)

// Store is the contract every store meets, whatever else it offers: the
// triage store and the local tracker's tickets. store/memory, replay's
// store, offers this much and no more.
type Store interface {
	triage.Store
	local.Store
}

// Inbox is a store's queue of Slack deliveries, which serve fills before
// it acknowledges them.
type Inbox interface {
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
}

// Outbox is what an operator does with a store's outbox: the dead
// letters and the queue's figures.
type Outbox interface {
	DeadJobs() ([]*triage.Job, error)
	RetryDead(id uint64) error
	DiscardDead(id uint64) error
	OutboxStats() (queued, dead int, oldest time.Time, err error)
}

// Purger is what serve's retention does with a long-lived store.
type Purger interface {
	// PurgeExpired removes claims and done job keys expired at now.
	PurgeExpired(now time.Time) (int, error)
	// PurgeText removes the words of requests created before cutoff.
	PurgeText(cutoff time.Time) (int, error)
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
// A store that is an io.Closer is closed when a test is done with it.
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

// Run runs the whole contract against d, each case in parallel. A case
// that needs a group the driver's store does not offer (see groups) is
// skipped, naming the group and why a store may go without it.
func Run(t *testing.T, d Driver) {
	lacks := offers(t, d)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for _, g := range c.needs {
				if why := lacks[g]; why != "" {
					t.Skipf("needs the %s group: %s", g.name, why)
				}
			}
			t.Parallel()
			c.fn(t, d)
		})
	}
}

type contractCase struct {
	name  string
	needs []*group
	fn    func(t *testing.T, d Driver)
}

// cases is the contract, grouped as the files of this package are. A case
// without needs holds for every Store.
var cases = []contractCase{
	{"RequestRoundTrip", nil, testRequestRoundTrip},
	{"PutRequestRefusesBadRequests", nil, testPutRequestRefusesBadRequests},
	{"ViewRefusesWrites", nil, testViewRefusesWrites},
	{"AddPosts", nil, testAddPosts},
	{"PutSimilar", nil, testPutSimilar},
	{"IndexesFollowChanges", nil, testIndexesFollowChanges},
	{"SharedIndexKeepsOwner", nil, testSharedIndexKeepsOwner},
	{"RequestsRange", nil, testRequestsRange},
	{"RequestsStop", nil, testRequestsStop},
	{"WalkAllowsWrites", nil, testWalkAllowsWrites},
	{"OpenRequestsOrderAndTeams", nil, testOpenRequestsOrderAndTeams},
	{"RequestsByRequester", nil, testRequestsByRequester},
	{"FailedUpdateLeavesNothing", nil, testFailedUpdateLeavesNothing},
	{"FailingUpdateFailsAlone", nil, testFailingUpdateFailsAlone},
	{"PurgeTextKeepsTheFigures", needs(purge), testPurgeTextKeepsTheFigures},
	{"ReadsAreCopies", nil, testReadsAreCopies},
	{"WritesKeepCopies", needs(copiesKept), testWritesKeepCopies},

	{"Claim", nil, testClaim},
	{"Settle", nil, testSettle},
	{"Ledgers", nil, testLedgers},
	{"Overrides", nil, testOverrides},
	{"NotesByTeamAndTime", nil, testNotesByTeamAndTime},
	{"ScheduleKeepsTheLastGood", nil, testScheduleKeepsTheLastGood},
	{"Labels", nil, testLabels},
	{"LastRun", nil, testLastRun},

	{"EnqueueDedupe", nil, testEnqueueDedupe},
	{"DueJobs", nil, testDueJobs},
	{"PutJobMovesNextAt", nil, testPutJobMovesNextAt},
	{"BuryRetryDiscard", needs(outbox), testBuryRetryDiscard},
	{"OutboxStatsOldest", needs(outbox), testOutboxStatsOldest},
	{"PurgeExpired", needs(purge), testPurgeExpired},
	{"RenewLease", nil, testRenewLease},
	{"WorkerRenewsLongJobs", nil, testWorkerRenewsLongJobs},
	{"RenewLeasesWaitsForNoUpdate", needs(renewer), testRenewLeasesWaitsForNoUpdate},

	{"InboxAcceptsEachKeyOnce", needs(inbox), testInboxAcceptsEachKeyOnce},
	{"AcceptTakesTheEventClaim", needs(inbox), testAcceptTakesTheEventClaim},
	{"InboxResumesAtItsCursor", needs(inbox), testInboxResumesAtItsCursor},
	{"AcceptRefusesWhatIntakeClaimed", needs(inbox), testAcceptRefusesWhatIntakeClaimed},
	{"PurgedClaimBlocksNothing", needs(inbox, purge), testPurgedClaimBlocksNothing},

	{"CreateTicket", nil, testCreateTicket},
	{"CreateTicketConcurrentRetries", nil, testCreateTicketConcurrentRetries},
	{"UpdateTicketAndWalk", nil, testUpdateTicketAndWalk},

	{"ConcurrentUpdates", nil, testConcurrentUpdates},
	{"ReplicasShareClaims", needs(replicaGroup, inbox), testReplicasShareClaims},
	{"ReplicasTakeEachJobOnce", needs(replicaGroup, outbox), testReplicasTakeEachJobOnce},
	{"ReplicaLeaseExpires", needs(replicaGroup), testReplicaLeaseExpires},
	{"ReplicaLeasesOnlyFreeJobs", needs(replicaGroup), testReplicaLeasesOnlyFreeJobs},
	{"ReplicaRenewedLeaseHolds", nil, testReplicaRenewedLeaseHolds}, // each subtest needs replicas
	{"ReplicasShareTheInbox", needs(replicaGroup, inbox), testReplicasShareTheInbox},
	{"ReplicaCloseHandsOver", needs(replicaGroup, inbox), testReplicaCloseHandsOver},
	{"ReplicasRunARequestsJobsInOrder", needs(replicaGroup), testReplicasRunARequestsJobsInOrder},
	{"ReplicaHoldsARequestsJobsBack", needs(replicaGroup), testReplicaHoldsARequestsJobsBack},
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
func (f *fixture) Open(opt Options) *handle {
	f.t.Helper()
	s, err := f.open(opt)
	if err != nil {
		f.t.Fatalf("open store: %v", err)
	}
	h := newHandle(s)
	f.t.Cleanup(func() {
		if err := h.Close(); err != nil {
			f.t.Errorf("close store: %v", err)
		}
	})
	return h
}

// open is newFixture(t, d).Open(opt), for tests with one handle.
func open(t *testing.T, d Driver, opt Options) *handle {
	t.Helper()
	return newFixture(t, d).Open(opt)
}

// replicas opens n handles on one store, or skips t for a driver without
// replicas.
func replicas(t *testing.T, d Driver, n int, opt Options) []*handle {
	t.Helper()
	if !d.Replicas {
		t.Skip(replicasWhy)
	}
	f := newFixture(t, d)
	out := make([]*handle, n)
	for i := range out {
		out[i] = f.Open(opt)
	}
	return out
}
